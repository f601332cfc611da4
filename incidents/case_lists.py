"""The case lists people work from — the desk (with its queue), the inbox, search results and
my reports — each rebuilt from (user, list name, query parameters), so the page, its XLSX
export and a background export task all read exactly the same rows."""

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from . import queues, selectors
from .api.filters import CaseFilter

LISTS = ("desk", "inbox", "search", "mine")


def base_queryset(user, name: str, params: QueryDict, now=None):
    """The list before the filter form: the user's cases, narrowed by queue / inbox / search."""
    if name == "desk":
        qs = selectors.cases_for(user)
        queue = params.get("queue", "")
        return qs.filter(queues.QUEUES[queue][1](now or timezone.now())) if queue in queues.QUEUES else qs
    if name == "inbox":
        return queues.inbox_for(user)
    if name == "search":
        q = params.get("q", "").strip()
        return selectors.search_cases(user, q) if q else selectors.cases_for(user).none()
    if name == "mine":
        return selectors.cases_for(user).filter(reporter=user)
    raise ValueError(name)


def case_list(user, name: str, params: QueryDict, now=None):
    """The filtered list (desk and inbox take the filter form's fields). Bad filters → ValidationError."""
    qs = base_queryset(user, name, params, now)
    if name in ("search", "mine"):
        return qs
    filterset = CaseFilter(params, queryset=qs)
    if not filterset.is_valid():
        raise ValidationError({field: errors for field, errors in filterset.errors.items()} or _("筛选条件无效。"))
    return filterset.qs

"""Credit facts proposed and waiting for the evaluation group (governance.approvals)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from governance.approvals import Waiting

from .selectors import pending_facts_for
from .workflow import GROUP_ROLES


def waiting(user) -> list[Waiting]:
    """Only the evaluation group decides proposals (a village head sees them but may not decide)."""
    if not (user.is_superuser or set(GROUP_ROLES) & user.role_names()):
        return []
    return [Waiting(_("综治信用待决定的提议"), pending_facts_for(user), reverse("credit:proposals"))]

"""What waits for someone in care, for the inbox (governance.approvals): colour changes for the
township to confirm; for the village and township, plans whose visit is overdue and plans due for
their review."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.approvals import Waiting

from . import selectors
from .colours import pending_for
from .constants import PLANNER_ROLES


def waiting(user) -> list[Waiting]:
    found = [Waiting(_("三色变更待确认"), pending_for(user), reverse("care:colours"))]
    if user.is_superuser or set(PLANNER_ROLES) & user.role_names():
        today = timezone.localdate()
        active = selectors.plans_for(user).filter(is_active=True)
        home = reverse("care:home")
        found += [
            Waiting(_("重点人员走访逾期"), active.filter(next_due__lt=today), f"{home}?overdue=1"),
            Waiting(_("重点人员计划待复核"), active.filter(review_date__lte=today), f"{home}?review_due=1"),
        ]
    return found

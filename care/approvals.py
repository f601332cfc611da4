"""What waits for a decision in care (governance.approvals): colour changes for the township to
confirm."""

from django.urls import reverse
from django.utils.translation import gettext as _

from governance.approvals import Waiting

from .colours import pending_for


def waiting(user) -> list[Waiting]:
    return [Waiting(_("三色变更待确认"), pending_for(user).count(), reverse("care:colours"))]

"""Insurance claims waiting for the user's step (governance.approvals)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from governance.approvals import Waiting

from .selectors import todo_for


def waiting(user) -> list[Waiting]:
    return [Waiting(_("平安家园理赔待办"), todo_for(user), reverse("insurance:claims"))]

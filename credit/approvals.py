"""Credit facts proposed and waiting for the evaluation group (governance.approvals)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from governance.approvals import Waiting

from .selectors import is_evaluator, pending_facts_for


def waiting(user) -> list[Waiting]:
    if not is_evaluator(user):
        return []
    return [Waiting(_("综治信用待决定的提议"), pending_facts_for(user).count(), reverse("credit:proposals"))]

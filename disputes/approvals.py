"""Subsidy statements waiting for the user's approval (governance.approvals: the inbox's 待我审批)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from governance.approvals import Waiting

from .selectors import statements_waiting


def waiting(user) -> list[Waiting]:
    return [Waiting(_("以案定补结算单待审批"), statements_waiting(user), reverse("disputes:statements"))]

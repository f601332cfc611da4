"""Assessment evidence waiting for the level above to accept it (governance.approvals)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from governance.approvals import Waiting
from grids.levels import AreaLevel

from .assessment.workflow import reviews
from .constants import EvidenceStatus
from .selectors import evidence_for


def waiting(user) -> list[Waiting]:
    levels = [level for level in (AreaLevel.VILLAGE, AreaLevel.TOWNSHIP, AreaLevel.COUNTY) if reviews(user, level)]
    if not levels:
        return []
    items = (
        evidence_for(user)
        .filter(status=EvidenceStatus.SUBMITTED, indicator__level__in=levels)
        .exclude(submitted_by=user)
    )
    return [Waiting(_("平安创建待审核的佐证"), items, reverse("oversight:ratings"))]

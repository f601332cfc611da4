"""Choices and fixed figures of the safe-home insurance (平安家园保险, DOMAIN.md §4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The premium tiers by the township's total population on the policy date (Yucheng's three
# tiers: 4万人以下 / 4至5万人 / 5万人以上). Both 40,000 and 50,000 exactly are in the middle tier.
MIDDLE_TIER_FROM = 40_000
MIDDLE_TIER_TO = 50_000


class Tier(models.TextChoices):
    SMALL = "small", _("4万人以下")
    MIDDLE = "middle", _("4万至5万人")
    LARGE = "large", _("5万人以上")


def tier_for(population: int) -> Tier:
    """The premium tier of a township of `population` people: < 40,000 small; 40,000 to 50,000
    (both included) middle; > 50,000 large."""
    if population < MIDDLE_TIER_FROM:
        return Tier.SMALL
    if population <= MIDDLE_TIER_TO:
        return Tier.MIDDLE
    return Tier.LARGE


class ClaimStatus(models.TextChoices):
    REPORTED = "reported", _("已报案")
    RETURNED = "returned", _("退回补充材料")
    VERIFIED = "verified", _("村级已核实")
    APPROVED = "approved", _("乡镇已审核")
    SETTLED = "settled", _("已赔付")
    DECLINED = "declined", _("已拒赔")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_CLAIM_STATES = (ClaimStatus.REPORTED, ClaimStatus.RETURNED, ClaimStatus.VERIFIED, ClaimStatus.APPROVED)
# A withdrawn claim does not count as a claim of its loss: the loss may be claimed again.
LIVE_OR_DECIDED = (*OPEN_CLAIM_STATES, ClaimStatus.SETTLED, ClaimStatus.DECLINED)

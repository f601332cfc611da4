"""The claim rules, each refused with a clear Chinese message (a ValidationError per field):

- the household lives in the insured township;
- the loss date falls inside the policy's term (and not in the future);
- the peril is covered by the policy;
- the loss exceeds the excess, and the household's yearly limit is not used up (what was already
  paid under this policy counts); at settlement the amount paid is capped by the per-claim limit,
  the loss less the excess and what is left of the yearly limit;
- one loss is claimed once: not the same incident twice, not the same household, date and item.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from .constants import LIVE_OR_DECIDED, ClaimStatus
from .models import Claim, Policy


def item_key(item: str) -> str:
    """The item as compared for duplicates: no spaces, case-folded ("电动车 一辆" = "电动车一辆")."""
    return "".join((item or "").split()).casefold()


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def check_cover(*, policy: Policy, household, loss_date: dt.date, peril, today: dt.date) -> None:
    if household.township_id != policy.township_id:
        raise ValidationError(
            {
                "household": _("该户不在保单承保的乡镇（%(town)s）内，不能在此保单下报案。")
                % {"town": policy.township.name}
            }
        )
    if loss_date > today:
        raise ValidationError({"loss_date": _("出险日期不能晚于今天。")})
    if not policy.starts_on <= loss_date <= policy.ends_on:
        raise ValidationError(
            {
                "loss_date": _("出险日期不在保险期间（%(start)s 至 %(end)s）内。")
                % {"start": policy.starts_on, "end": policy.ends_on}
            }
        )
    if not policy.perils.filter(pk=peril.pk).exists():
        covered = "、".join(p.name for p in policy.perils.all())
        raise ValidationError(
            {"peril": _("本保单不承保“%(peril)s”（承保：%(covered)s）。") % {"peril": peril.name, "covered": covered}}
        )


def paid_this_year(*, policy: Policy, household_id: int) -> Decimal:
    """What this household has been paid under this (one-year) policy."""
    total = Claim.objects.filter(policy=policy, household_id=household_id, status=ClaimStatus.SETTLED).aggregate(
        s=Sum("paid_amount")
    )["s"]
    return total or Decimal("0")


def check_amount(*, policy: Policy, household_id: int, loss_amount: Decimal) -> None:
    if loss_amount <= policy.excess:
        raise ValidationError(
            {"loss_amount": _("损失金额未超过免赔额 %(excess)s 元，不予受理。") % {"excess": money(policy.excess)}}
        )
    paid = paid_this_year(policy=policy, household_id=household_id)
    if paid >= policy.household_year_limit:
        raise ValidationError(
            {
                "loss_amount": _("该户本年度已累计获赔 %(paid)s 元，已达每户年度赔偿限额 %(limit)s 元。")
                % {"paid": money(paid), "limit": money(policy.household_year_limit)}
            }
        )


def payable_cap(claim: Claim) -> tuple[Decimal, dict]:
    """The most this claim may be paid now, and the figures it comes from."""
    policy = claim.policy
    paid = paid_this_year(policy=policy, household_id=claim.household_id)
    parts = {
        "loss_less_excess": claim.loss_amount - policy.excess,
        "per_claim_limit": policy.per_claim_limit,
        "year_left": max(policy.household_year_limit - paid, Decimal("0")),
    }
    return min(parts.values()), parts


def check_payment(claim: Claim, amount: Decimal) -> None:
    cap, parts = payable_cap(claim)
    if amount is None or amount <= 0:
        raise ValidationError({"paid_amount": _("请填写大于 0 的赔付金额。")})
    if amount > cap:
        raise ValidationError(
            {
                "paid_amount": _(
                    "赔付金额超过上限：本案最多可赔 %(cap)s 元（损失减免赔额 %(net)s 元，每次限额 %(per)s 元，"
                    "本户本年度剩余额度 %(left)s 元）。"
                )
                % {
                    "cap": money(cap),
                    "net": money(parts["loss_less_excess"]),
                    "per": money(parts["per_claim_limit"]),
                    "left": money(parts["year_left"]),
                }
            }
        )


def check_not_claimed(*, household_id: int, loss_date: dt.date, item: str, incident, exclude_pk=None) -> None:
    live = Claim.objects.filter(status__in=LIVE_OR_DECIDED).exclude(pk=exclude_pk)
    if incident is not None:
        other = live.filter(incident=incident).values_list("number", flat=True).first()
        if other:
            raise ValidationError(
                {
                    "incident": _("事件 %(case)s 已有理赔申请 %(claim)s，同一损失不能重复报案。")
                    % {"case": incident.number, "claim": other}
                }
            )
    other = (
        live.filter(household_id=household_id, loss_date=loss_date, item_key=item_key(item))
        .values_list("number", flat=True)
        .first()
    )
    if other:
        raise ValidationError(
            {
                "item": _("该户 %(date)s 的“%(item)s”已有理赔申请 %(claim)s，不能重复报案。")
                % {"date": loss_date, "item": item, "claim": other}
            }
        )

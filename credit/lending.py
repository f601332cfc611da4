"""Credit lines from the rural credit cooperative: granted on a current, not vetoed rating, at
most the band's line and never more than 300,000 yuan, for the band's term (at most three
years); drawn and repaid at will within the line. Recorded by the cooperative's staff."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, IntegerField, Sum, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.scoping import VIEW_CREDIT, in_scope

from . import rules
from .constants import LENDING_ROLES, MAX_CREDIT_LINE, MAX_TERM_MONTHS, MovementKind
from .models import CreditLine, LoanMovement, Subject
from .standing import standing


def _check_lender(actor, obj) -> None:
    if obj is None or not in_scope(actor, VIEW_CREDIT, obj):
        raise Http404
    if not (actor.is_superuser or set(LENDING_ROLES) & actor.role_names()):
        raise PermissionDenied(_("只有农信社客户经理可以办理授信和用信。"))


def balance(line: CreditLine) -> int:
    """Drawn and not yet repaid (one aggregate)."""
    signed = Case(When(kind=MovementKind.REPAY, then=Value(-1)), default=Value(1), output_field=IntegerField())
    return line.movements.aggregate(total=Sum(signed * F("amount")))["total"] or 0


@transaction.atomic
def grant_line(*, actor, subject_id: int, amount: int, granted_on: dt.date | None = None) -> CreditLine:
    subject = Subject.objects.select_for_update().filter(pk=subject_id).first()
    _check_lender(actor, subject)
    granted_on = granted_on or timezone.localdate()
    status = standing(subject, granted_on)
    if status.vetoed or status.rating is None or not status.rating.grade:
        raise ValidationError({"subject": _("该主体当前不符合授信条件。")})
    rating = status.rating
    cap = min(rating.credit_line, MAX_CREDIT_LINE)
    if not isinstance(amount, int) or not 1 <= amount <= cap:
        raise ValidationError(
            {"amount": _("授信额度须在 1 到 %(cap)s 元之间（评级对应额度，最高 30 万元）。") % {"cap": cap}}
        )
    if CreditLine.objects.filter(subject=subject, expires_on__gt=granted_on).exists():
        raise ValidationError({"subject": _("该主体已有未到期的授信。")})
    if CreditLine.objects.filter(rating=rating).exists():
        raise ValidationError({"subject": _("本次评级已经授信过。")})
    term = min(rating.term_months, MAX_TERM_MONTHS)
    return CreditLine.objects.create(
        subject=subject,
        rating=rating,
        amount=amount,
        term_months=term,
        granted_on=granted_on,
        expires_on=rules.add_months(granted_on, term),
        granted_by=actor,
        county_id=subject.county_id,
        township_id=subject.township_id,
        village_id=subject.village_id,
    )


@transaction.atomic
def record_movement(*, actor, line_id: int, kind: str, amount: int, on: dt.date | None = None) -> LoanMovement:
    """A drawdown within the line and its term, or a repayment of what is drawn."""
    line = CreditLine.objects.select_for_update().filter(pk=line_id).first()
    _check_lender(actor, line)
    on = on or timezone.localdate()
    errors = {}
    if kind not in MovementKind.values:
        errors["kind"] = [_("类型无效。")]
    if not isinstance(amount, int) or amount < 1:
        errors["amount"] = [_("金额须为正整数（元）。")]
    if on < line.granted_on or on > timezone.localdate():
        errors["on"] = [_("日期须在授信日之后且不晚于今天。")]
    if errors:
        raise ValidationError(errors)
    drawn = balance(line)
    if kind == MovementKind.DRAW:
        if on >= line.expires_on:
            raise ValidationError({"on": _("授信已于 %(d)s 到期，不能再用信。") % {"d": line.expires_on}})
        if drawn + amount > line.amount:
            raise ValidationError(
                {
                    "amount": _("超出可用额度：授信 %(line)s 元，已用 %(drawn)s 元。")
                    % {"line": line.amount, "drawn": drawn}
                }
            )
    elif amount > drawn:
        raise ValidationError({"amount": _("还款金额超过未还余额 %(drawn)s 元。") % {"drawn": drawn}})
    return LoanMovement.objects.create(line=line, kind=kind, amount=amount, on=on, recorded_by=actor)

"""以案定补: mediator subsidies per successfully mediated case.

A mediation concluded with an agreement earns the rate of its difficulty in force on the day of
the agreement (`SubsidyRate`: a new rate is a new row with the day it applies from, so a change
never rewrites an earlier month). Its mediators share it equally (cents rounded down, the
remainder to the first). Each body gets one statement a month, built set-based for all bodies
at once (`build_statements`, on the 2nd of each month for the month before) and approved by its
township (the command centre for a county body) through the statement workflow; a returned
statement is rebuilt from the data as it is then. An approved statement is never rebuilt.
"""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.spreadsheets import write_sheet
from governance.workflow import Transition, perform

from .constants import MediationStatus, StatementStatus
from .models import Mediation, StatementEvent, SubsidyLine, SubsidyRate, SubsidyStatement
from .services import actor_role
from .workflow import STATEMENT_WORKFLOW, sees_statement

BUILD = Transition("build", _("生成结算单"), (), StatementStatus.PENDING, ())
CENT = Decimal("0.01")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    def aware(d):
        return timezone.make_aware(dt.datetime.combine(d, dt.time.min))

    return aware(month), aware(next_month(month))


def rate_table() -> dict[str, list[tuple[dt.date, Decimal]]]:
    """difficulty → [(valid_from, amount)] in date order (one query)."""
    table = defaultdict(list)
    for difficulty, valid_from, amount in SubsidyRate.objects.order_by("valid_from").values_list(
        "difficulty", "valid_from", "amount"
    ):
        table[difficulty].append((valid_from, amount))
    return table


def rate_on(table, difficulty: str, day: dt.date) -> Decimal:
    """The rate in force on `day` (0 when no rate was set yet)."""
    found = Decimal("0")
    for valid_from, amount in table.get(difficulty, []):
        if valid_from > day:
            break
        found = amount
    return found


def split(amount: Decimal, people: int) -> list[Decimal]:
    share = (amount / people).quantize(CENT, rounding=ROUND_DOWN)
    return [amount - share * (people - 1)] + [share] * (people - 1)


def _lines_for(mediations, table) -> dict[int, list[SubsidyLine]]:
    """body id → the lines of its agreed mediations (mediators prefetched)."""
    lines = defaultdict(list)
    for m in mediations:
        mediators = sorted(m.mediators.all(), key=lambda x: x.pk)
        if not mediators:
            continue
        day = timezone.localdate(m.concluded_at)
        rate = rate_on(table, m.difficulty, day)
        for mediator, amount in zip(mediators, split(rate, len(mediators)), strict=True):
            lines[m.body_id].append(
                SubsidyLine(
                    mediation=m, mediator=mediator, difficulty=m.difficulty, concluded_on=day, rate=rate, amount=amount
                )
            )
    return lines


def _agreed_in(month: dt.date, body_ids=None):
    start, end = month_bounds(month)
    qs = Mediation.objects.filter(status=MediationStatus.AGREED, concluded_at__gte=start, concluded_at__lt=end)
    if body_ids is not None:
        qs = qs.filter(body_id__in=body_ids)
    return qs.select_related("body").prefetch_related("mediators").order_by("concluded_at", "id")


def _fill(statement, lines):
    statement.total = sum((line.amount for line in lines), Decimal("0"))
    statement.cases = len({line.mediation_id for line in lines})
    for line in lines:
        line.statement = statement


@transaction.atomic
def build_statements(*, month: dt.date) -> int:
    """The month's statements of every body with agreed mediations: new ones created, pending ones
    brought up to date, approved and returned ones left alone. A fixed number of queries."""
    month = month_start(month)
    if month >= month_start(timezone.localdate()):
        raise ValidationError({"month": [_("只能生成已结束月份的结算单。")]})
    lines = _lines_for(_agreed_in(month), rate_table())
    existing = {
        s.body_id: s for s in SubsidyStatement.objects.select_for_update().filter(month=month, body_id__in=list(lines))
    }
    bodies = {line.mediation.body_id: line.mediation.body for rows in lines.values() for line in rows}
    new = [
        SubsidyStatement(body_id=b, month=month, county_id=bodies[b].county_id, township_id=bodies[b].township_id)
        for b in lines
        if b not in existing
    ]
    SubsidyStatement.objects.bulk_create(new)
    pending = [s for s in existing.values() if s.status == StatementStatus.PENDING]
    touched = new + pending
    SubsidyLine.objects.filter(statement__in=pending).delete()
    for statement in touched:
        _fill(statement, lines[statement.body_id])
    SubsidyStatement.objects.bulk_update(touched, ["total", "cases"])
    SubsidyLine.objects.bulk_create([line for s in touched for line in lines[s.body_id]])
    StatementEvent.objects.bulk_create(
        [
            StatementEvent(
                statement=s,
                action=BUILD.action,
                action_label=str(BUILD.label),
                to_state=s.status,
                data={"total": str(s.total), "cases": s.cases},
            )
            for s in touched
        ]
    )
    return len(touched)


def record_event(statement, transition, from_state, note, *, actor, data=None):
    return StatementEvent.of_transition(
        statement,
        transition,
        from_state,
        note,
        actor=actor,
        actor_role=actor_role(actor),
        actor_unit=statement.body.name,
        data=data,
    )


def act(action, *, statement_id, actor, version=None, note="", apply=None):
    return perform(
        workflow=STATEMENT_WORKFLOW,
        queryset=SubsidyStatement.objects.select_related("body"),
        pk=statement_id,
        action=action,
        actor=actor,
        visible=sees_statement,
        expected_version=version,
        note=note,
        apply=apply,
        record=lambda s, t, from_state, n: record_event(s, t, from_state, n, actor=actor, data={"total": str(s.total)}),
    )


def approve(*, statement_id, actor, version=None, note=""):
    def apply(s, t):
        s.approved_by, s.approved_at = actor, timezone.now()

    return act("approve", statement_id=statement_id, actor=actor, version=version, note=note, apply=apply)


def return_statement(*, statement_id, actor, note, version=None):
    return act("return", statement_id=statement_id, actor=actor, version=version, note=note)


def rebuild(*, statement_id, actor, version=None, note=""):
    """重新生成: a returned statement is computed again from the mediations as they are now."""

    def apply(s, t):
        SubsidyLine.objects.filter(statement=s).delete()
        lines = _lines_for(_agreed_in(s.month, [s.body_id]), rate_table()).get(s.body_id, [])
        _fill(s, lines)
        SubsidyLine.objects.bulk_create(lines)

    return act("rebuild", statement_id=statement_id, actor=actor, version=version, note=note, apply=apply)


def per_mediator(statement) -> list[dict]:
    """The statement's lines summed per mediator: name, cases, amount (lines prefetched)."""
    rows = {}
    for line in statement.lines.all():
        row = rows.setdefault(line.mediator_id, {"mediator": line.mediator, "cases": 0, "amount": Decimal("0")})
        row["cases"] += 1
        row["amount"] += line.amount
    return list(rows.values())


def to_xlsx(fileobj, statements) -> None:
    """The statements' lines, one row per mediator and case, with the body and month."""
    header = [
        "月份",
        "调解组织",
        "调解员",
        "调解编号",
        "事件编号",
        "难易程度",
        "达成协议日期",
        "标准（元）",
        "补贴（元）",
        "状态",
    ]
    rows = (
        [
            f"{s.month:%Y-%m}",
            s.body.name,
            line.mediator.name,
            line.mediation.number,
            line.mediation.case.number,
            line.get_difficulty_display(),
            line.concluded_on,
            float(line.rate),
            float(line.amount),
            s.get_status_display(),
        ]
        for s in statements
        for line in s.lines.all()
    )
    write_sheet(fileobj, title=_("以案定补"), header=header, rows=rows, widths={"调解组织": 24, "调解员": 12})

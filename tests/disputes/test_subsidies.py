"""以案定补: the statement of a known month with a rate change in the middle of it, shares among
mediators, township approval in the inbox, return and rebuild, and the XLSX export. A later
change of rates leaves the month alone."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from openpyxl import load_workbook

from disputes import selectors, services, subsidies
from disputes.approvals import waiting
from disputes.constants import Difficulty, StatementStatus
from disputes.models import StatementEvent, SubsidyLine, SubsidyRate, SubsidyStatement
from governance.errors import Conflict

MARCH = dt.date(2026, 3, 1)


def _agreed_on(d, day: dt.date, difficulty=Difficulty.ORDINARY, mediators=None, outcome="agree"):
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    with time_machine.travel(moment, tick=False):
        m = d.open(difficulty=difficulty, mediator_ids=mediators or [d.elder.pk])
        services.record_session(
            mediation_id=m.pk,
            actor=d.village_head,
            held_on=day,
            attendees="双方",
            notes="调解",
            mediator_ids=mediators or [d.elder.pk],
        )
        if outcome == "agree":
            services.agree(mediation_id=m.pk, actor=d.village_head, agreement_text="协议")
        else:
            services.fail(mediation_id=m.pk, actor=d.village_head, note="未达成")
    return m


@pytest.fixture
def march(disputes):
    """Ordinary cases pay 200 until 15 March and 300 from 16 March; complex ones 500."""
    d = disputes
    SubsidyRate.objects.create(difficulty=Difficulty.ORDINARY, amount=Decimal("300"), valid_from=dt.date(2026, 3, 16))
    both = [d.elder.pk, d.head_mediator.pk]
    _agreed_on(d, dt.date(2026, 3, 10), mediators=both)  # 200 shared: 100 + 100
    _agreed_on(d, dt.date(2026, 3, 20))  # 300 to the elder
    _agreed_on(d, dt.date(2026, 3, 25), Difficulty.COMPLEX, mediators=[d.head_mediator.pk])  # 500
    _agreed_on(d, dt.date(2026, 3, 27), outcome="fail")  # nothing
    _agreed_on(d, dt.date(2026, 4, 2))  # April
    with time_machine.travel(dt.datetime(2026, 4, 2, 5, 0, tzinfo=dt.UTC), tick=False):
        assert subsidies.build_statements(month=MARCH) == 1
    return d


def test_statement_of_a_known_month_with_a_mid_month_rate_change(march):
    d = march
    st = SubsidyStatement.objects.get(body=d.village_body, month=MARCH)
    assert st.status == StatementStatus.PENDING and st.township_id == d.world.a.id
    assert (st.cases, st.total) == (3, Decimal("1000.00"))
    lines = sorted((x.mediator.name, x.concluded_on.day, x.rate, x.amount) for x in st.lines.all())
    assert lines == [
        ("一村站长", 10, Decimal("200.00"), Decimal("100.00")),
        ("一村站长", 25, Decimal("500.00"), Decimal("500.00")),
        ("老党员李", 10, Decimal("200.00"), Decimal("100.00")),
        ("老党员李", 20, Decimal("300.00"), Decimal("300.00")),
    ]
    full = selectors.statement_detail_queryset(d.officer_a).get(pk=st.pk)
    per = {r["mediator"].name: (r["cases"], r["amount"]) for r in subsidies.per_mediator(full)}
    assert per == {"一村站长": (2, Decimal("600.00")), "老党员李": (2, Decimal("400.00"))}


def test_approval_in_the_township_inbox_and_later_rate_changes(march):
    d = march
    st = SubsidyStatement.objects.get(month=MARCH)
    assert [w.items.count() for w in waiting(d.officer_a)] == [1]
    assert [w.items.count() for w in waiting(d.officer_b)] == [0]
    assert [w.items.count() for w in waiting(d.operator)] == [0]  # a township body's statement is the township's
    with pytest.raises(Http404):
        subsidies.approve(statement_id=st.pk, actor=d.officer_b)
    with pytest.raises(Http404):  # a village sees no statement
        subsidies.approve(statement_id=st.pk, actor=d.village_head)
    with pytest.raises(PermissionDenied):  # the command centre approves county bodies' statements only
        subsidies.approve(statement_id=st.pk, actor=d.operator)
    subsidies.approve(statement_id=st.pk, actor=d.officer_a, version=st.version)
    with pytest.raises(Conflict):
        subsidies.return_statement(statement_id=st.pk, actor=d.officer_a, note="晚了")
    st.refresh_from_db()
    assert st.status == StatementStatus.APPROVED and st.approved_by == d.officer_a
    assert [w.items.count() for w in waiting(d.officer_a)] == [0]
    # rates change later: the approved month is not rewritten, not even by another build
    SubsidyRate.objects.create(difficulty=Difficulty.COMPLEX, amount=Decimal("800"), valid_from=dt.date(2026, 4, 1))
    with time_machine.travel(dt.datetime(2026, 4, 3, 5, 0, tzinfo=dt.UTC), tick=False):
        assert subsidies.build_statements(month=MARCH) == 0
    st.refresh_from_db()
    assert st.total == Decimal("1000.00") and SubsidyLine.objects.filter(statement=st).count() == 4


def test_return_and_rebuild(march):
    d = march
    st = SubsidyStatement.objects.get(month=MARCH)
    subsidies.return_statement(statement_id=st.pk, actor=d.officer_a, note="请核对难易程度")
    st.refresh_from_db()
    assert st.status == StatementStatus.RETURNED
    # a rate entered late for the same March days changes the rebuilt statement (a correction)
    SubsidyRate.objects.create(difficulty=Difficulty.COMPLEX, amount=Decimal("600"), valid_from=dt.date(2026, 3, 1))
    subsidies.rebuild(statement_id=st.pk, actor=d.officer_a)
    st.refresh_from_db()
    assert st.status == StatementStatus.PENDING and st.total == Decimal("1100.00")
    actions = list(StatementEvent.objects.filter(statement=st).values_list("action", flat=True))
    assert actions == ["build", "return", "rebuild"]


def test_xlsx_export(march, as_user):
    d = march
    response = as_user(d.officer_a).get("/api/v1/disputes/statements/export/?month=2026-03")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("月份", "调解组织", "调解员") and len(rows) == 5
    assert sum(r[8] for r in rows[1:]) == 1000
    empty = as_user(d.officer_b).get("/api/v1/disputes/statements/export/?month=2026-03")
    assert len(list(load_workbook(io.BytesIO(empty.content)).active.iter_rows())) == 1


def test_current_month_is_refused(disputes):
    with pytest.raises(Exception) as exc:
        subsidies.build_statements(month=timezone.localdate())
    assert "month" in exc.value.message_dict

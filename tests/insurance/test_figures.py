"""The figures on a known set: premium, claims filed / paid / declined, amount paid, loss ratio,
average days from report to payment, thefts per 10,000 people before and during the term; the
XLSX export carries the same numbers."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from incidents.models import Case
from insurance.models import Claim

URL = "/api/v1/insurance/figures/"


@pytest.fixture
def known(cover):
    """城关镇: two claims paid (2,000 after 4 days, 1,000 after 2 days), one declined, one
    withdrawn (not counted as filed); two thefts during the term and one in the year before it.
    肖旗乡: nothing. Both policies: 35,000 people, premium 8,000."""
    day = cover.loss_date
    reported = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))

    def claim(item, status, paid=None, days=None):
        c = cover.report(item=item, loss_amount=Decimal("2500"))
        Claim.objects.filter(pk=c.pk).update(
            status=status,
            reported_at=reported,
            paid_amount=paid,
            paid_on=day + dt.timedelta(days=days) if days is not None else None,
        )

    claim("电动车", "settled", Decimal("2000"), 4)
    claim("摩托车", "settled", Decimal("1000"), 2)
    claim("羊", "declined")
    claim("牛", "withdrawn")
    cover.theft()
    cover.theft()
    before = cover.theft()
    Case.objects.filter(pk=before.pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(cover.policies["a"].starts_on, dt.time(12)))
        - dt.timedelta(days=100)
    )
    return cover


def test_township_and_county_figures(known, as_user):
    data = as_user(known.operator).get(URL, {"year": known.year}).json()
    a, b = data["townships"]
    assert a["township_name"] == "城关镇" and b["township_name"] == "肖旗乡"
    assert Decimal(a["premium"]) == Decimal("8000")
    assert (a["claims_filed"], a["claims_paid"], a["claims_declined"]) == (3, 2, 1)
    assert Decimal(a["amount_paid"]) == Decimal("3000")
    assert a["loss_ratio"] == pytest.approx(3000 / 8000)
    assert a["avg_days_to_payment"] == pytest.approx(3.0)
    assert (a["thefts_before"], a["thefts_after"]) == (1, 2)
    assert a["thefts_per_10k_before"] == pytest.approx(round(1 * 10_000 / 35_000, 2))
    assert a["thefts_per_10k_after"] == pytest.approx(round(2 * 10_000 / 35_000, 2))
    assert (b["claims_filed"], b["loss_ratio"], b["avg_days_to_payment"]) == (0, 0.0, None)
    total = data["total"]
    assert Decimal(total["premium"]) == Decimal("16000") and Decimal(total["amount_paid"]) == Decimal("3000")
    assert total["loss_ratio"] == pytest.approx(3000 / 16000)
    assert total["avg_days_to_payment"] == pytest.approx(3.0)
    assert total["thefts_per_10k_after"] == pytest.approx(round(2 * 10_000 / 70_000, 2))


def test_figures_are_scoped_and_a_year_without_policies_is_empty(known, as_user):
    rows = as_user(known.officer_b).get(URL, {"year": known.year}).json()["townships"]
    assert [r["township_name"] for r in rows] == ["肖旗乡"]
    empty = as_user(known.operator).get(URL, {"year": known.year - 5}).json()
    assert empty["townships"] == [] and empty["total"]["loss_ratio"] is None
    assert as_user(known.operator).get(URL, {"year": "abc"}).status_code == 400


def test_xlsx_export_carries_the_same_figures(known, as_user, django_assert_max_num_queries):
    client = as_user(known.operator)
    with django_assert_max_num_queries(8):
        response = client.get(URL + "export/", {"year": known.year})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    header = rows[0]
    town_a = dict(zip(header, rows[1], strict=True))
    total = dict(zip(header, rows[-1], strict=True))
    assert town_a["乡镇"] == "城关镇" and town_a["赔付金额（元）"] == 3000 and town_a["赔付率"] == pytest.approx(0.375)
    assert town_a["报案数"] == 3 and town_a["拒赔数"] == 1 and town_a["报案到赔付平均天数"] == pytest.approx(3.0)
    assert total["乡镇"] == "全县合计" and total["保费（元）"] == 16000


def test_thefts_are_counted_by_local_date_at_the_edges_of_the_term(cover, as_user):
    """投保前一年 is the 365 days before the term's first day, 保险期内 the term's first to last day,
    both by the local (Asia/Shanghai) date of the report — the windows are local midnights."""
    policy = cover.policies["a"]
    first, last = policy.starts_on, policy.ends_on

    def at(day, hour, minute=0, second=0):
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute, second)))

    times = {
        "before, first day of the window": at(first - dt.timedelta(days=365), 0),
        "before, its last second": at(first - dt.timedelta(days=1), 23, 59, 59),
        "during, the first second": at(first, 0),
        "during, the last day's last second": at(last, 23, 59, 59),
        "outside, a day too early": at(first - dt.timedelta(days=366), 23, 59, 59),
        "outside, after the term": at(last + dt.timedelta(days=1), 0),
    }
    for when in times.values():
        Case.objects.filter(pk=cover.theft().pk).update(created_at=when)
    a = as_user(cover.operator).get(URL, {"year": cover.year}).json()["townships"][0]
    assert a["township_name"] == "城关镇"
    assert (a["thefts_before"], a["thefts_after"]) == (2, 2)


def test_the_figures_query_count_does_not_grow_with_the_townships(cover, as_user):
    """The county (two townships' policies) runs as many statements as one township's officer."""
    cover.theft()
    cover.theft(town="b")

    def statements(user):
        with CaptureQueriesContext(connection) as ctx:
            assert as_user(user).get(URL, {"year": cover.year}).status_code == 200
        return len(ctx.captured_queries)

    assert statements(cover.operator) == statements(cover.officer_a)

"""The figures per township and year, and the county total (docs/insurance.md gives the formulas).

One query for the year's policies in the caller's scope, each with its claims aggregated in the
database; then the theft incidents counted per township during each distinct policy term and in
the 365 days before it (the townships' policies of a year share their term: one grouped count
over the theft category's cases by report time, whatever the number of townships). The county
total is summed from those rows (25 townships at most).

The thefts were once two correlated subqueries per policy comparing each case's report *date*:
on SQLite every comparison converted every case's time in Python (`/insurance/figures/` took
≈ 9 s on the demo county); the windows are now local midnights compared with the indexed time.
"""

import datetime as dt
import io
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from grids.levels import AreaLevel
from grids.scoping import VIEW_INSURANCE, granted_areas
from incidents import selectors as incident_selectors

from .constants import OPEN_CLAIM_STATES, ClaimStatus
from .models import Claim, Policy
from .selectors import policies_for

BEFORE_DAYS = 365


@dataclass
class Figures:
    year: int
    township: int
    township_name: str
    policy: int
    population: int
    tier: str
    premium: Decimal
    claims_filed: int
    claims_paid: int
    claims_declined: int
    amount_paid: Decimal
    loss_ratio: float | None
    avg_days_to_payment: float | None
    thefts_before: int
    thefts_after: int
    thefts_per_10k_before: float | None
    thefts_per_10k_after: float | None


def _ratio(part, whole) -> float | None:
    return round(float(part) / float(whole), 4) if whole else None


def _per_10k(count: int, population: int) -> float | None:
    return round(count * 10_000 / population, 2) if population else None


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _thefts_by_township(starts: dt.date, ends: dt.date, townships: set[int]) -> dict[int, tuple[int, int]]:
    """Theft cases per township: (reported in the BEFORE_DAYS days before `starts`, reported from
    `starts` to `ends`), local dates, both ends included. One grouped query."""
    start = _midnight(starts)
    counted = (
        incident_selectors.theft_cases()
        .filter(
            township_id__in=townships,
            created_at__gte=_midnight(starts - dt.timedelta(days=BEFORE_DAYS)),
            created_at__lt=_midnight(ends + dt.timedelta(days=1)),
        )
        .order_by()
        .values("township_id")
        .annotate(
            before=Count("id", filter=Q(created_at__lt=start)),
            after=Count("id", filter=Q(created_at__gte=start)),
        )
    )
    return {row["township_id"]: (row["before"], row["after"]) for row in counted}


def _theft_counts(policies) -> dict[int, tuple[int, int]]:
    """policy id → (thefts in the 365 days before its term, thefts during its term): one query per
    distinct term (the townships' policies of a year share theirs)."""
    terms: dict[tuple[dt.date, dt.date], set[int]] = {}
    for p in policies:
        terms.setdefault((p.starts_on, p.ends_on), set()).add(p.township_id)
    counts = {term: _thefts_by_township(*term, townships) for term, townships in terms.items()}
    return {p.pk: counts[p.starts_on, p.ends_on].get(p.township_id, (0, 0)) for p in policies}


def township_figures(user, year: int) -> list[Figures]:
    settled = Q(claims__status=ClaimStatus.SETTLED)
    policies = list(
        policies_for(user)
        .filter(year=year)
        .prefetch_related(None)
        .annotate(
            claims_filed=Count("claims", filter=~Q(claims__status=ClaimStatus.WITHDRAWN)),
            claims_paid=Count("claims", filter=settled),
            claims_declined=Count("claims", filter=Q(claims__status=ClaimStatus.DECLINED)),
            amount_paid=Coalesce(
                Sum("claims__paid_amount", filter=settled), Value(Decimal("0")), output_field=DecimalField()
            ),
            avg_wait=Avg(
                ExpressionWrapper(
                    F("claims__paid_on") - TruncDate("claims__reported_at"), output_field=DurationField()
                ),
                filter=settled,
            ),
        )
        .order_by("township__code")
    )
    thefts = _theft_counts(policies)
    return [
        Figures(
            year=p.year,
            township=p.township_id,
            township_name=p.township.name,
            policy=p.pk,
            population=p.population,
            tier=p.get_tier_display(),
            premium=p.premium,
            claims_filed=p.claims_filed,
            claims_paid=p.claims_paid,
            claims_declined=p.claims_declined,
            amount_paid=p.amount_paid,
            loss_ratio=_ratio(p.amount_paid, p.premium),
            avg_days_to_payment=round(p.avg_wait.total_seconds() / 86400, 1) if p.avg_wait is not None else None,
            thefts_before=thefts[p.pk][0],
            thefts_after=thefts[p.pk][1],
            thefts_per_10k_before=_per_10k(thefts[p.pk][0], p.population),
            thefts_per_10k_after=_per_10k(thefts[p.pk][1], p.population),
        )
        for p in policies
    ]


def thefts_known_before(year: int) -> bool:
    """Whether the platform's records reach back to the year before `year`'s policies, so the
    投保前一年 theft figures mean something (a young platform has none: the column would be zeros)."""
    first = incident_selectors.theft_cases().aggregate(first=Min("created_at"))["first"]
    return first is not None and timezone.localtime(first).date() <= dt.date(year - 1, 1, 1)


def sees_whole_county(user) -> bool:
    """Whether the user's figures are the county's (not one township's own)."""
    grants = granted_areas(user, VIEW_INSURANCE)
    return grants is None or any(g.level in (AreaLevel.CITY, AreaLevel.COUNTY) for g in grants)


def total_for(user, rows: list[Figures], year: int) -> Figures:
    """The total row as the user sees it: 全县合计 for the county, 合计 for a township's own rows."""
    return county_total(rows, year, label=_("全县合计") if sees_whole_county(user) else _("合计"))


def county_total(rows: list[Figures], year: int, *, label: str | None = None) -> Figures:
    """The sum of the townships' rows; the averages weighted (days by claims paid)."""
    population = sum(r.population for r in rows)
    premium = sum((r.premium for r in rows), Decimal("0"))
    paid = sum((r.amount_paid for r in rows), Decimal("0"))
    claims_paid = sum(r.claims_paid for r in rows)
    waited = sum(r.avg_days_to_payment * r.claims_paid for r in rows if r.avg_days_to_payment is not None)
    before, after = sum(r.thefts_before for r in rows), sum(r.thefts_after for r in rows)
    return Figures(
        year=year,
        township=0,
        township_name=label or _("全县合计"),
        policy=0,
        population=population,
        tier="",
        premium=premium,
        claims_filed=sum(r.claims_filed for r in rows),
        claims_paid=claims_paid,
        claims_declined=sum(r.claims_declined for r in rows),
        amount_paid=paid,
        loss_ratio=_ratio(paid, premium),
        avg_days_to_payment=round(waited / claims_paid, 1) if claims_paid else None,
        thefts_before=before,
        thefts_after=after,
        thefts_per_10k_before=_per_10k(before, population),
        thefts_per_10k_after=_per_10k(after, population),
    )


def years_for(user) -> list[int]:
    return list(policies_for(user).order_by("-year").values_list("year", flat=True).distinct())


def as_dict(rows: list[Figures]) -> list[dict]:
    return [asdict(r) for r in rows]


COLUMNS = [
    ("township_name", "乡镇"),
    ("population", "投保日总人口"),
    ("tier", "人口档次"),
    ("premium", "保费（元）"),
    ("claims_filed", "报案数"),
    ("claims_paid", "赔付数"),
    ("claims_declined", "拒赔数"),
    ("amount_paid", "赔付金额（元）"),
    ("loss_ratio", "赔付率"),
    ("avg_days_to_payment", "报案到赔付平均天数"),
    ("thefts_before", "投保前一年盗窃事件"),
    ("thefts_after", "保险期内盗窃事件"),
    ("thefts_per_10k_before", "投保前每万人盗窃数"),
    ("thefts_per_10k_after", "保险期内每万人盗窃数"),
]


def to_xlsx(rows: list[Figures], total: Figures, year: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}年度"
    sheet.append([label for _field, label in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in [*rows, total]:
        sheet.append([_cell(getattr(row, field)) for field, _label in COLUMNS])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    ratio_col = [f for f, _label in COLUMNS].index("loss_ratio") + 1
    for (cell,) in sheet.iter_rows(min_row=2, min_col=ratio_col, max_col=ratio_col):
        cell.number_format = "0.00%"
    sheet.freeze_panes = "B2"
    for column, width in zip("ABCDEFGHIJKLMN", [12, 12, 12, 12, 8, 8, 8, 14, 10, 16, 16, 16, 16, 16], strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value):
    return float(value) if isinstance(value, Decimal) else value


def area_summary(area_filter: dict, policy_filter: dict, day: dt.date) -> dict:
    """The wall-screen dashboard's insurance figures of one area, counts and sums only (no names),
    so any viewer of the area's dashboard may share them. Two aggregate queries.

    `area_filter` ({"county_id" | "township_id" | "village_id": id}) selects the claims;
    `policy_filter` the policies — a village is covered by its township's policy, so a village's
    dashboard passes the township here and gets no loss ratio (its claims are a part of the
    township's, its premium is not).

    - insured population and premium: the policies in force on `day`;
    - claims open: not yet settled, declined or withdrawn (any policy);
    - settled this year: claims paid in `day`'s calendar year, with the amount;
    - loss ratio: paid on the policies in force / their premium.
    """
    in_force = Policy.objects.filter(starts_on__lte=day, ends_on__gte=day, **policy_filter)
    policies = in_force.aggregate(
        policies=Count("id"),
        population=Coalesce(Sum("population"), 0),
        premium=Coalesce(Sum("premium"), Value(Decimal("0")), output_field=DecimalField()),
    )
    settled = Q(status=ClaimStatus.SETTLED)
    claims = Claim.objects.filter(**area_filter).aggregate(
        open=Count("id", filter=Q(status__in=OPEN_CLAIM_STATES)),
        settled_this_year=Count("id", filter=settled & Q(paid_on__year=day.year)),
        paid_this_year=Coalesce(
            Sum("paid_amount", filter=settled & Q(paid_on__year=day.year)),
            Value(Decimal("0")),
            output_field=DecimalField(),
        ),
        paid_in_force=Coalesce(
            Sum("paid_amount", filter=settled & Q(policy__in=in_force.values("pk"))),
            Value(Decimal("0")),
            output_field=DecimalField(),
        ),
    )
    same_area = policy_filter == area_filter
    return {
        **policies,
        **claims,
        "loss_ratio": _ratio(claims["paid_in_force"], policies["premium"]) if same_area else None,
    }

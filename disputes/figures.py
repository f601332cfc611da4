"""The figures of mediation and petitions, per village, township and body, for a period.

- 调解成功率 = mediations concluded with an agreement / mediations concluded (agreed, failed,
  passed up after failing, referred to court or arbitration), by the day they were concluded.
- 小事不出村 / 大事不出乡: agreements reached by village bodies against mediations village bodies
  passed up (village settled / (village settled + village passed up)); the same for township bodies.
- 重复信访率 = repeat petitions received / petitions received in the period.
- 按期答复率 = replies given by their due date / replies given in the period.
- 积案化解: backlog petitions resolved in the period; open backlog now; the year's clearing target
  (`BacklogTarget`) with what was cleared so far this year, and the clearing per month.

Each block is one aggregate query grouped by the area column below the shown area (townships of
the county, villages of a township) or by body, whatever the number of rows.
"""

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.levels import AreaLevel
from grids.models import Area
from grids.scoping import VIEW, granted_areas, in_scope

from .constants import BodyLevel, MediationStatus, PetitionStatus
from .models import BacklogTarget, Mediation, MediationBody, Petition

COLUMN = {AreaLevel.COUNTY: "county_id", AreaLevel.TOWNSHIP: "township_id", AreaLevel.VILLAGE: "village_id"}
CHILD = {AreaLevel.COUNTY: "township_id", AreaLevel.TOWNSHIP: "village_id"}
S = MediationStatus


def rate(numerator: int, denominator: int) -> float | None:
    """A percentage with one decimal, None when there is nothing to divide by."""
    return round(numerator * 100 / denominator, 1) if denominator else None


@dataclass
class Row:
    key: int | None
    name: str
    agreed: int = 0
    failed: int = 0
    referred: int = 0
    village_settled: int = 0
    village_passed_up: int = 0
    township_settled: int = 0
    township_passed_up: int = 0
    petitions: int = 0
    repeats: int = 0
    replied: int = 0
    replied_on_time: int = 0
    backlog_open: int = 0
    backlog_cleared: int = 0

    @property
    def concluded(self) -> int:
        return self.agreed + self.failed + self.referred

    @property
    def success_rate(self):
        return rate(self.agreed, self.concluded)

    @property
    def village_rate(self):
        return rate(self.village_settled, self.village_settled + self.village_passed_up)

    @property
    def township_rate(self):
        return rate(self.township_settled, self.township_settled + self.township_passed_up)

    @property
    def repeat_rate(self):
        return rate(self.repeats, self.petitions)

    @property
    def on_time_rate(self):
        return rate(self.replied_on_time, self.replied)

    def as_dict(self) -> dict:
        d = asdict(self)
        for name in ("concluded", "success_rate", "village_rate", "township_rate", "repeat_rate", "on_time_rate"):
            d[name] = getattr(self, name)
        return d


@dataclass
class Report:
    area: Area
    start: dt.date
    end: dt.date  # inclusive
    total: Row
    rows: list[Row]
    bodies: list[Row]
    target: int | None
    cleared_this_year: int
    monthly_cleared: list[tuple[str, int]] = field(default_factory=list)


MEDIATION_COUNTS = {
    "agreed": Q(status=S.AGREED),
    "failed": Q(status__in=(S.FAILED, S.ESCALATED)),
    "referred": Q(status=S.REFERRED),
    "village_settled": Q(status=S.AGREED, level=BodyLevel.VILLAGE),
    "village_passed_up": Q(status=S.ESCALATED, level=BodyLevel.VILLAGE),
    "township_settled": Q(status=S.AGREED, level=BodyLevel.TOWNSHIP),
    "township_passed_up": Q(status=S.ESCALATED, level=BodyLevel.TOWNSHIP),
}


def _bounds(start: dt.date, end: dt.date):
    def aware(d):
        return timezone.make_aware(dt.datetime.combine(d, dt.time.min))

    return aware(start), aware(end + dt.timedelta(days=1))


def _grouped(qs, group: str | None, counts: dict) -> dict:
    annotations = {name: Count("id", filter=q) for name, q in counts.items()}
    if group is None:
        return {None: qs.aggregate(**annotations)}
    return {row.pop(group): row for row in qs.values(group).annotate(**annotations).order_by()}


def _blocks(where: dict, group: str | None, since, until) -> list[dict]:
    """Two aggregate queries: the mediations concluded in the period, and the petitions received,
    replied to or in the backlog."""
    mediations = Mediation.objects.filter(**where, concluded_at__gte=since, concluded_at__lt=until)
    received = Q(received_at__gte=since, received_at__lt=until)
    replied = Q(replied_at__gte=since, replied_at__lt=until)
    in_backlog = Q(backlog_since__isnull=False)
    petitions = Petition.objects.filter(**where).filter(received | replied | in_backlog)
    return [
        _grouped(mediations, group, MEDIATION_COUNTS),
        _grouped(
            petitions,
            group,
            {
                "petitions": received,
                "repeats": received & Q(first_petition__isnull=False),
                "replied": replied,
                "replied_on_time": replied & Q(replied_on_time=True),
                "backlog_open": in_backlog & ~Q(status=PetitionStatus.RESOLVED),
                "backlog_cleared": in_backlog & Q(resolved_at__gte=since, resolved_at__lt=until),
            },
        ),
    ]


def totals(area: Area, start: dt.date, end: dt.date) -> Row:
    """The area's own figures for the period (two queries), for the dashboard and 周评."""
    since, until = _bounds(start, end)
    return _fill(Row(None, area.name), _blocks(_where(area), None, since, until))


def _where(area: Area) -> dict:
    """The filter of an area's rows; a city's (a prefecture's dashboard) are its counties'."""
    if area.level == AreaLevel.CITY:
        return {"county_id__in": Area.objects.filter(path__startswith=area.path, level=AreaLevel.COUNTY).values("id")}
    return {COLUMN[area.level]: area.id}


def _fill(row: Row, blocks: list[dict]) -> Row:
    for block in blocks:
        for name, value in block.get(row.key, {}).items():
            setattr(row, name, value or 0)
    return row


def table(area: Area, start: dt.date, end: dt.date) -> tuple[Row, list[Row]]:
    """The area's figures for the period and one row per area below it (周评's section). Every
    mediation and petition has its township and village, and counts add up: the total is the sum
    of the groups, without a query of its own."""
    if area.level not in CHILD:
        return totals(area, start, end), []
    since, until = _bounds(start, end)
    blocks = _blocks({COLUMN[area.level]: area.id}, CHILD[area.level], since, until)
    children = Area.objects.filter(path__startswith=area.path, depth=area.depth + 1).order_by("code")
    rows = [_fill(Row(c.id, c.name), blocks) for c in children.only("id", "name")]
    summed = [{None: dict(sum((Counter(group) for group in block.values()), Counter()))} for block in blocks]
    return _fill(Row(None, area.name), summed), rows


def report(area: Area, start: dt.date, end: dt.date) -> Report:
    since, until = _bounds(start, end)
    where = {COLUMN[area.level]: area.id}
    total, rows = table(area, start, end)
    body_counts = _grouped(
        Mediation.objects.filter(**where, concluded_at__gte=since, concluded_at__lt=until),
        "body_id",
        MEDIATION_COUNTS,
    )
    bodies = [
        _fill(Row(b.id, b.name), [body_counts])
        for b in MediationBody.objects.filter(pk__in=list(body_counts)).order_by("level", "name").only("id", "name")
    ]
    year_start, _end = _bounds(dt.date(end.year, 1, 1), dt.date(end.year, 12, 31))
    cleared = Petition.objects.filter(
        **where, backlog_since__isnull=False, status=PetitionStatus.RESOLVED, resolved_at__gte=year_start
    )
    monthly = (
        cleared.annotate(month=TruncMonth("resolved_at")).values("month").annotate(n=Count("id")).order_by("month")
    )
    target = BacklogTarget.objects.filter(area=area, year=end.year).values_list("target", flat=True).first()
    months = [(f"{m['month']:%Y-%m}", m["n"]) for m in monthly]
    return Report(area, start, end, total, rows, bodies, target, sum(n for _m, n in months), months)


def as_json(r: Report) -> dict:
    return {
        "area": {"id": r.area.id, "name": r.area.name, "level": r.area.level},
        "from": r.start.isoformat(),
        "to": r.end.isoformat(),
        "total": r.total.as_dict(),
        "rows": [row.as_dict() for row in r.rows],
        "bodies": [row.as_dict() for row in r.bodies],
        "backlog_target": r.target,
        "backlog_cleared_this_year": r.cleared_this_year,
        "backlog_cleared_by_month": [{"month": m, "cleared": n} for m, n in r.monthly_cleared],
    }


def parse_date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def parse_month(raw: str) -> dt.date | None:
    """'2026-03' → 2026-03-01; anything else → None."""
    try:
        return dt.date.fromisoformat(f"{raw}-01") if len(raw or "") == 7 else None
    except ValueError:
        return None


def period_from(params) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    end = parse_date(params.get("to", "")) or today
    start = parse_date(params.get("from", "")) or end.replace(day=1)
    return (start, end) if start <= end else (end, end)


def area_for(user, raw: str) -> Area:
    """The area asked for (in the user's scope, else 404), or the user's outermost area."""
    qs = Area.objects.filter(level__in=list(COLUMN)).defer("boundary")
    if raw:
        area = qs.filter(pk=int(raw)).first() if raw.isdigit() else None
        if area is None or not in_scope(user, VIEW, area):
            raise Http404
        return area
    grants = granted_areas(user, VIEW)
    if grants is None:
        area = qs.filter(level=AreaLevel.COUNTY).order_by("path").first()
    else:
        grant = next((g for g in grants if g.level in COLUMN or g.counties), None)
        # a city's grant: its first county's figures (the page shows one county at a time)
        area = qs.filter(pk=grant.counties[0] if grant.counties else grant.area_id).first() if grant else None
    if area is None:
        raise Http404(_("没有可查看的区域。"))
    return area

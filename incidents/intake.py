"""Intake: the one service every channel calls (grid worker's app, command-centre form, and
later citizens and other systems). The app's retries are made safe by the kernel's
Idempotency-Key mechanism (governance.idempotency, scope `INTAKE_SCOPE`)."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import outbox, prefetch
from governance.phones import normalize_phone
from governance.roles import Role
from grids import spatial
from grids.coords import SYSTEMS, convert
from grids.levels import AreaLevel
from grids.models import Area, Assignment, Household
from grids.scoping import VIEW, in_scope
from grids.selectors import area_columns, lineage_of

from . import events, response, services
from .attachments import store
from .constants import MAX_PARTIES, PartyRole, Source, Urgency
from .duplicates import find_possible_duplicate
from .models import Case, CaseEvent, CaseParty, Category
from .routing import route
from .tasks import handle_urgent

# governance.idempotency's scope of a reported case (its rows keep the case's id).
INTAKE_SCOPE = "incidents.case"


@dataclass
class PartyInput:
    name: str = ""
    household_id: int | None = None
    role: str = PartyRole.OTHER


def _resolve_grid(*, reporter, lat, lng, crs, grid_id) -> list[Area]:
    """The report's base grid as its lineage (grids.selectors.lineage_of: the grid last)."""
    if grid_id is not None:
        # A chosen grid must be one the reporter sees: one outside answers like a missing one (404).
        areas = lineage_of(grid_id)
        grid = areas[-1] if areas else None
        outside = grid is not None and reporter is not None and not in_scope(reporter, VIEW, grid)
        if grid is None or grid.level != AreaLevel.GRID or outside:
            raise Http404(_("所选网格不存在。"))
        return areas
    if lat is not None and lng is not None:
        found = spatial.grid_at(lat, lng, crs)
        if found is None:
            raise ValidationError({"lat": _("该位置不在本县任何网格内，请手动选择网格。")})
        return lineage_of(found)
    own = (
        Assignment.objects.filter(
            user=reporter, role=Role.GRID_WORKER, end_date__isnull=True, area__level=AreaLevel.GRID
        )
        .values_list("area_id", flat=True)
        .first()
        if reporter
        else None
    )
    if own:
        return lineage_of(own)  # the worker's own grid when the phone gave no location
    raise ValidationError({"grid": _("请提供位置或选择网格。")})


def _check_fields(source, category, description, crs, lat, lng):
    errors = {}
    if source not in Source.values:
        errors["source"] = _("来源无效。")
    if category is None or not category.is_active or category.parent_id is None:
        errors["category"] = _("请选择有效的二级分类。")
    if not (description or "").strip():
        errors["description"] = _("请填写事件描述。")
    if crs not in SYSTEMS:
        errors["crs"] = _("坐标系只能是 WGS84、GCJ02 或 BD09。")
    if (lat is None) != (lng is None):
        errors["lat"] = _("纬度和经度须同时提供。")
    elif lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        errors["lat"] = _("坐标超出范围。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def submit_report(
    *,
    reporter,
    source: str,
    category: Category,
    description: str,
    lat=None,
    lng=None,
    crs: str = "WGS84",
    grid_id=None,
    address: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    parties=(),
    uploads=(),
    self_resolved: bool = False,
    result: str = "",
    submitted_by=None,
) -> Case:
    """Record a reported matter, resolve its grid, route it, flag a possible duplicate.

    `submitted_by` is the account of another system that passed the report on (an API key's,
    `interfaces`): with no reporter, the report's event names it as its actor.

    A grid worker may report a matter already resolved on the spot (自办结): it is recorded and
    closed at once by the table's `self_resolve` step (reported → closed), and needs its result
    and at least one photo.
    """
    _check_fields(source, category, description, crs, lat, lng)
    areas = _resolve_grid(reporter=reporter, lat=lat, lng=lng, crs=crs, grid_id=grid_id)
    grid = areas[-1]
    if self_resolved:
        errors = {}
        if not (result or "").strip():
            errors["result"] = _("自办结须填写处置情况。")
        if not uploads:
            errors["photos"] = _("自办结须附现场照片。")
        if reporter is None or not in_scope(reporter, VIEW, grid):
            errors["self_resolved"] = _("只能在自己负责的网格内自办结。")
        if errors:
            raise ValidationError(errors)
    try:
        phone = normalize_phone(reporter_phone)
    except ValidationError as exc:
        raise ValidationError({"reporter_phone": exc.messages}) from None
    now = timezone.now()
    stored_lat, stored_lng = convert(lat, lng, crs, settings.BOUNDARY_CRS) if lat is not None else (None, None)
    place = area_columns(grid, areas)
    place.pop("micro_grid")
    party_rows = _parties(reporter, place["county"], parties)
    case = Case.objects.create(
        number=f"T{uuid.uuid4().hex[:20]}",
        source=source,
        category=category,
        urgency=category.urgency,
        description=description.strip(),
        address=address.strip(),
        lat=stored_lat,
        lng=stored_lng,
        reported_crs=crs if lat is not None else "",
        reporter=reporter,
        reporter_name=reporter_name.strip(),
        reporter_phone=phone,
        created_at=now,
        suggested_unit=route(category, grid, areas),
        **place,
    )
    case.number = f"SJ{timezone.localdate(now):%Y%m%d}{case.pk:07d}"
    if not self_resolved:
        case.possible_duplicate_of = find_possible_duplicate(
            category_id=category.id, grid_id=grid.id, lat=stored_lat, lng=stored_lng, at=now
        )
        if case.possible_duplicate_of_id == case.pk:
            case.possible_duplicate_of = None
    case.save(update_fields=["number", "possible_duplicate_of"])
    for row in party_rows:
        row.case = case
    CaseParty.objects.bulk_create(party_rows)
    event = CaseEvent.record(
        case,
        action="report",
        label=_("上报"),
        from_state="",
        actor=reporter or submitted_by,
        actor_role=Role.GRID_WORKER if reporter and Role.GRID_WORKER in reporter.role_names() else "",
        data={"source": source},
    )
    events.announce([event])
    if self_resolved:  # 自办结: the table's own step from 已上报 to 已结案, in this transaction
        case, event = services.act(
            "self_resolve", case_id=case.pk, actor=reporter, note=result, apply=_resolved_on_the_spot(result)
        )
    stored = store(case=case, uploads=uploads, user=reporter, event=event)
    if case.urgency == Urgency.URGENT and not self_resolved:
        response.start(case)  # the 115 timers run from this moment (incidents/response.py)
        outbox.enqueue(handle_urgent, case.pk)  # 马上办 (incidents/rapid.py), sent on commit
    if not self_resolved:  # (自办结's case is the workflow's, read back by its step)
        _as_detail_read(case, event, party_rows, stored)
    return case


def _as_detail_read(case, event, parties, stored) -> None:
    """Give the new case the rows `selectors.case_detail_queryset` reads with a case, from what
    this report wrote: the answer to the report is its detail without a read back (seven
    statements; tests/incidents/test_intake_answer.py compares it with a `GET`)."""
    prefetch.fill(event, "attachments", stored)
    prefetch.fill(case, "events", [event])
    prefetch.fill(case, "parties", parties)
    prefetch.fill(case, "attachments", [])  # the case's own files, on no event: none yet


def _resolved_on_the_spot(result: str):
    def apply(case, transition):
        case.self_resolved, case.result = True, result.strip()
        case.closed_at, case.closed_on_time = timezone.now(), True

    return apply


def _parties(reporter, county, parties) -> list[CaseParty]:
    """The parties as unsaved rows. A household must be one the reporter may see (its head's name
    fills the party's name): one outside the scope answers like a missing one (404), so a report
    can neither read a head's name nor link a case to another area's household."""
    if len(parties) > MAX_PARTIES:
        raise ValidationError({"parties": _("当事人不能超过 %(n)d 个。") % {"n": MAX_PARTIES}})
    chosen = [p.household_id for p in parties if p.household_id]
    households = {}
    if chosen:  # (the reporter's grants are read only when a household is named)
        visible = Household.objects.restrict(reporter, VIEW) if reporter is not None else Household.objects.all()
        households = visible.filter(county=county).in_bulk(chosen)
    if any(p.household_id and p.household_id not in households for p in parties):
        raise Http404(_("当事人所属的户不存在。"))
    rows, errors = [], {}
    for i, p in enumerate(parties):
        household = households.get(p.household_id) if p.household_id else None
        if p.role not in PartyRole.values:
            errors[f"parties[{i}]"] = _("当事人身份无效。")
            continue
        name = (p.name or (household.head_name if household else "")).strip()
        if not name:
            errors[f"parties[{i}]"] = _("请填写当事人姓名或选择户。")
            continue
        rows.append(CaseParty(household=household, name=name, role=p.role))
    if errors:
        raise ValidationError(errors)
    return rows


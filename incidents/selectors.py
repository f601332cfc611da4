"""Every read of cases, scoped to the caller: their areas, the cases they reported, and the
cases sent to a unit they act for."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone

from governance.phones import normalize_phone
from grids.levels import AreaLevel
from grids.models import Area
from grids.scoping import VIEW, granted_areas, scope_q

from .catalogue import THEFT_CATEGORY
from .constants import OPEN_STATES, CaseStatus, PartyRole, UnitKind, Urgency
from .models import Case, CaseAttachment, CaseEvent, CaseParty, Category, ReplyTemplate, Unit
from .units import member_unit_ids


def visibility_q(user) -> Q | None:
    """The cases `user` may see as a Q object; None means all of them."""
    grants = granted_areas(user, VIEW)
    if grants is None:
        return None
    q = scope_q(Case, grants) | Q(reporter_id=user.id)
    units = member_unit_ids(user)
    if units:
        q |= Q(handling_unit_id__in=units)
    return q


def cases_for(user):
    """The user's cases with what every list shows. The three areas come by id in small queries of
    their own: on PostgreSQL the planner's time grows steeply with the joins of one query (the
    first page of the county's list planned in ≈ 20 ms with six joins, < 1 ms with three)."""
    q = visibility_q(user)
    qs = Case.objects.all() if q is None else Case.objects.filter(q)
    return qs.select_related("category", "handling_unit", "possible_duplicate_of").prefetch_related(
        "township", "village", "grid"
    )


# What a list row shows (incidents.api.serializers.list_rows): the case's own columns and the
# names of the three things the list joins; the area names come in one query of their own.
LIST_VALUES = (
    "id",
    "number",
    "status",
    "source",
    "category_id",
    "category__name",
    "urgency",
    "township_id",
    "village_id",
    "grid_id",
    "address",
    "handling_unit_id",
    "handling_unit__name",
    "phase",
    "warn_at",
    "due_at",
    "is_postponed",
    "self_resolved",
    "possible_duplicate_of_id",
    "possible_duplicate_of__number",
    "created_at",
    "version",
)


def list_values(qs):
    """The list's rows as plain dicts, no model instances: `qs` (cases_for, filtered) with the
    columns of LIST_VALUES and the same three joins."""
    return qs.select_related(None).prefetch_related(None).values(*LIST_VALUES)


def area_names(ids) -> dict[int, str]:
    """id → name of the given areas, in one query (a list page's townships, villages and grids)."""
    return dict(Area.objects.filter(pk__in=set(ids)).values_list("id", "name"))


def cases_in(grants, category_ids):
    """The cases of the given categories inside the areas of `grants` (grids.scoping.Grant), for a
    connected system whose API key names its areas (interfaces): what its read side shows."""
    if not grants:
        return Case.objects.none()
    return Case.objects.filter(scope_q(Case, grants), category_id__in=category_ids).select_related(
        "category", "handling_unit"
    )


def case_detail_queryset(user):
    events = CaseEvent.objects.select_related("actor", "unit").prefetch_related("attachments")
    return (
        cases_for(user)
        .select_related(
            "category__parent",
            "reporter",
            "suggested_unit",
            "dispatcher_unit",
            "duplicate_of",
            "handling_unit__area",
            "dispatcher_unit__area",
            "response",  # the 115 timer (incidents/response.py), in the same query
            "township",
            "village",
            "grid",
        )
        .defer("township__boundary", "village__boundary", "grid__boundary")  # names only: no polygons
        .prefetch_related(
            Prefetch("events", queryset=events),
            "parties",
            Prefetch("attachments", queryset=CaseAttachment.objects.filter(event__isnull=True)),
        )
    )


def overdue_q(at) -> Q:
    """超期, the one definition behind every overdue count (the dashboard and the map, the desk's
    queue, the inbox, 日清 and its figures): an open case whose current deadline has passed at
    `at`. A case waiting at the centre for 立案 or 派遣 has no deadline yet (日清 urges it after
    `ReviewRules.centre_limit_hours`, counted under 自动督办, not here); a case passed one level
    up starts a new deadline. The partial index on due_at serves it."""
    return Q(status__in=OPEN_STATES, due_at__lt=at)


def overdue(qs, now=None):
    """The overdue cases of `qs` (overdue_q)."""
    return qs.filter(overdue_q(now or timezone.now()))


def warning(qs, now=None):
    now = now or timezone.now()
    return qs.filter(status__in=OPEN_STATES, warn_at__lte=now, due_at__gt=now)


def categories():
    return Category.objects.filter(is_active=True).select_related("parent", "default_unit")


def units_for(user, kinds=None):
    """Units the user may pick from: departments and the centre, plus the township and village
    units inside the user's scope."""
    grants = granted_areas(user, VIEW)
    qs = Unit.objects.select_related("area")
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if grants is None:
        return qs
    return qs.filter(Q(kind__in=[UnitKind.DEPARTMENT, UnitKind.COMMAND_CENTRE]) | scope_q(Area, grants, "area__"))


def reply_templates(*, category_id: int | None = None, action: str | None = None):
    """Templates for the category (and its parent) plus the general ones, optionally per action."""
    qs = ReplyTemplate.objects.all()
    if action:
        qs = qs.filter(action=action)
    if category_id is None:
        return qs.filter(category__isnull=True)
    parent_id = Category.objects.filter(pk=category_id).values("parent_id")
    return qs.filter(Q(category__isnull=True) | Q(category_id=category_id) | Q(category_id__in=parent_id))


def townships_for(user):
    return Area.objects.restrict(user, VIEW).filter(level=AreaLevel.TOWNSHIP).only("id", "name", "path")


def latest_urgent_id(user) -> int | None:
    """The newest open urgent (马上办) case, for the desk's alert. 马上办 cases are dispatched
    the moment they arrive, so any open state counts."""
    return (
        cases_for(user)
        .filter(urgency=Urgency.URGENT, status__in=OPEN_STATES)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )


SEARCH_PARTY_CASES = 500


def search_cases(user, q: str):
    """A case by number, address, reporter name or phone, or a household (head) name, within scope."""
    parties = Q(name=q)
    text = Q(number=q.upper()) | Q(address__icontains=q) | Q(reporter_name=q)
    try:
        phone = normalize_phone(q)
    except ValidationError:  # not a phone number: search the other fields only
        phone = ""
    if phone:
        text |= Q(reporter_phone=phone)
        parties |= Q(household__phone=phone)
    # The parties' cases first, by their own index (the newest SEARCH_PARTY_CASES), so that every
    # branch of the OR is an index scan; a JOIN + DISTINCT or an IN (subquery) scanned every case.
    party_cases = CaseParty.objects.filter(parties).order_by("-case_id").values_list("case_id", flat=True)
    text |= Q(pk__in=list(party_cases[:SEARCH_PARTY_CASES]))
    return cases_for(user).filter(text).order_by("-id")


def theft_cases():
    """Every reported theft (the catalogue's theft category), for the insurance figures; callers
    scope by township themselves."""
    return Case.objects.filter(category__code=THEFT_CATEGORY)


def is_theft(case) -> bool:
    """Whether `case` (with its category loaded) is a theft, the loss the safe-home insurance pays."""
    return case.category.code == THEFT_CATEGORY


def named_households_of_closed_cases(since):
    """The case parties named responsible or offender (违法犯罪行为人), registered to a household,
    of the cases closed since `since` (for credit's proposals; unscoped: a periodic job's read)."""
    return CaseParty.objects.filter(
        role__in=(PartyRole.RESPONSIBLE, PartyRole.OFFENDER),
        household__isnull=False,
        case__status=CaseStatus.CLOSED,
        case__closed_at__gte=since,
    )

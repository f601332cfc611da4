"""三色管理: a household's colour changes only through a proposal by the village (with a reason)
confirmed by the township (`governance.workflow.perform` on COLOUR_WORKFLOW); every step is an
append-only event and the confirmed changes are the household's colour history. Each colour has
a contact rhythm (在线/一线/热线, every N days; `ColourRhythm`, edited in the admin) that the grid
worker's task list and 日清 follow, for every colour alike: a household is due for contact when no
contact (logged as grids' 入户走访) has been logged within its colour's period."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.notifications import notify
from governance.roles import Role
from governance.workflow import perform
from grids import household_services
from grids.models import Assignment, Household, HouseholdColour, HouseholdVisit
from grids.scoping import CHANGE, VIEW, in_scope

from .constants import COLOUR_PROPOSER_ROLES, ColourChangeStatus
from .models import ColourChange, ColourChangeEvent, ColourRhythm
from .scoping import may_see
from .selectors import colour_changes_for
from .workflow import COLOUR_WORKFLOW


def _role(actor) -> str:
    roles = actor.role_names()
    return next((r for r in (Role.TOWNSHIP_OFFICER, Role.VILLAGE_HEAD, Role.ADMIN) if r in roles), "")


def _event(change, *, action, label, from_state, actor, note="", data=None) -> ColourChangeEvent:
    return ColourChangeEvent.objects.create(
        change=change,
        action=action,
        action_label=str(label),
        from_state=from_state,
        to_state=change.status,
        actor=actor,
        actor_role=_role(actor) if actor else "",
        note=note,
        data=data or {},
    )


@transaction.atomic
def propose(*, actor, household_id: int, to_colour: str, reason: str) -> ColourChange:
    """村提出: a new colour for a household in the village, with the reason."""
    errors = {}
    if to_colour not in HouseholdColour.values:
        errors["to_colour"] = _("请选择新的颜色。")
    if not (reason or "").strip():
        errors["reason"] = _("请填写变更理由。")
    if errors:
        raise ValidationError(errors)
    household = Household.objects.select_for_update().filter(pk=household_id).first()
    if household is None or not in_scope(actor, VIEW, household) or not may_see(actor, household):
        raise ValidationError({"household": _("户不存在。")})
    if not (actor.is_superuser or set(COLOUR_PROPOSER_ROLES) & actor.role_names()) or not in_scope(
        actor, CHANGE, household
    ):
        raise PermissionDenied(_("三色变更由村网格站提出。"))
    if household.colour == to_colour:
        raise ValidationError({"to_colour": _("该户已是这个颜色。")})
    change = ColourChange(
        household=household,
        from_colour=household.colour,
        to_colour=to_colour,
        reason=reason.strip(),
        proposed_by=actor,
        county_id=household.county_id,
        township_id=household.township_id,
        village_id=household.village_id,
        grid_id=household.grid_id,
    )
    try:
        with transaction.atomic():
            change.save()
    except IntegrityError:
        raise ValidationError({"household": _("该户已有待确认的颜色变更。")}) from None
    _event(change, action="propose", label=_("村提出"), from_state="", actor=actor, note=change.reason)
    officers = Assignment.objects.filter(
        area_id=household.township_id, role=Role.TOWNSHIP_OFFICER, end_date__isnull=True
    ).select_related("user")
    transaction.on_commit(
        lambda: notify(
            [a.user for a in officers],
            kind="colour_change",
            title=_("三色变更待确认：%(h)s") % {"h": household.number},
            body=change.reason,
            link="/care/colours/",
        )
    )
    return change


def _apply_confirm(actor):
    def apply(change, transition):
        if transition.action == "confirm":
            household_services.update_household(household=change.household, colour=change.to_colour)
        change.decided_by, change.decided_at = actor, timezone.now()

    return apply


def act(action: str, *, change_id: int, actor, note: str = "", version: int | None = None) -> ColourChange:
    """确认 / 退回 / 撤回 through the one workflow path (lock, version, table, scope, event)."""
    change, _event_row = perform(
        workflow=COLOUR_WORKFLOW,
        queryset=ColourChange.objects.select_related("household"),
        pk=change_id,
        action=action,
        actor=actor,
        visible=may_see,
        expected_version=version,
        note=note,
        apply=_apply_confirm(actor),
        record=lambda c, t, from_state, n: _event(
            c,
            action=t.action,
            label=t.label,
            from_state=from_state,
            actor=actor,
            note=n,
            data={"from_colour": c.from_colour, "to_colour": c.to_colour},
        ),
    )
    return change


# Red (热线) before yellow (一线) before green (在线) in a task list.
URGENCY = Case(
    When(colour=HouseholdColour.RED, then=Value(0)),
    When(colour=HouseholdColour.YELLOW, then=Value(1)),
    default=Value(2),
)


def rhythms() -> dict[str, ColourRhythm]:
    return {r.colour: r for r in ColourRhythm.objects.all()}


def _uncontacted(day: dt.date, late_by: int = 0) -> Q:
    """Households whose last contact (or, never contacted, their registration) lies at least
    their colour's period + `late_by` days before `day`: 0 → due or overdue, 1 → overdue."""
    tz = timezone.get_current_timezone()
    q = Q(pk__in=[])
    for colour, rhythm in rhythms().items():
        since = dt.datetime.combine(day - dt.timedelta(days=rhythm.every_days - 1 + late_by), dt.time.min, tz)
        recent = HouseholdVisit.objects.filter(household=OuterRef("pk"), at__gte=since)
        q |= Q(colour=colour, created_at__lt=since) & ~Q(Exists(recent))
    return q


def contacts_due(households, day: dt.date | None = None):
    """The households (a queryset) due or overdue for contact on `day`: one query, an EXISTS per
    colour. Rule: due on the last contact's date (never contacted: the registration's) + the
    colour's period; overdue after that day."""
    return households.filter(_uncontacted(day or timezone.localdate()))


def contact_counts(day: dt.date) -> dict[int, tuple[int, int]]:
    """Base grid → (households due for contact on `day`, households overdue): one query."""
    rows = (
        Household.objects.filter(_uncontacted(day))
        .values("grid_id")
        .annotate(due_or_overdue=Count("id"), overdue=Count("id", filter=_uncontacted(day, late_by=1)))
        .order_by()
    )
    return {r["grid_id"]: (r["due_or_overdue"] - r["overdue"], r["overdue"]) for r in rows}


def pending_for(user):
    """Colour changes waiting for this user's confirmation (township officers, admins)."""
    roles = user.role_names()
    if not (user.is_superuser or {Role.TOWNSHIP_OFFICER, Role.ADMIN} & roles):
        return ColourChange.objects.none()
    return colour_changes_for(user).filter(status=ColourChangeStatus.PROPOSED)

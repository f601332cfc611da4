"""Every write of the safe-home insurance: premium schedules, policies and their renewal, and
claims — reported here, then moved only through the claim workflow (governance.workflow.perform:
row lock, version check → 409, table, scope, change, append-only event, notify on commit)."""

import datetime as dt
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import attachments
from governance.notifications import notify
from governance.roles import Role
from governance.workflow import Transition, perform
from grids import selectors as grid_selectors
from grids.levels import AreaLevel
from grids.models import Household
from grids.scoping import VIEW_INSURANCE
from incidents import selectors as incident_selectors

from . import rules
from .constants import ClaimStatus, tier_for
from .models import Claim, ClaimEvent, ClaimPhoto, Insurer, Policy, PremiumSchedule
from .selectors import policies_for
from .workflow import CLAIM_WORKFLOW, REPORTER_ROLES, insurer_ids, sees

# --- policies ----------------------------------------------------------------------------------


def may_manage_policies(actor, insurer: Insurer) -> bool:
    """The insurer's own staff and the platform's admins keep policies and premium schedules."""
    return actor.is_platform_admin or (Role.INSURER in actor.role_names() and insurer.pk in insurer_ids(actor))


def _require_manager(actor, insurer):
    if not may_manage_policies(actor, insurer):
        raise PermissionDenied(_("只有保险公司人员或系统管理员可以维护保单。"))


@transaction.atomic
def set_premium_schedule(*, insurer: Insurer, year: int, small: Decimal, middle: Decimal, large: Decimal, actor):
    """The three tiers' premiums of one year (created or replaced)."""
    _require_manager(actor, insurer)
    if min(small, middle, large) < 0:
        raise ValidationError({"small_premium": _("保费不能为负数。")})
    schedule, _created = PremiumSchedule.objects.update_or_create(
        insurer=insurer, year=year, defaults={"small_premium": small, "middle_premium": middle, "large_premium": large}
    )
    return schedule


def one_year_from(starts_on: dt.date) -> dt.date:
    """The last day of a one-year term (29 February starts end on 28 February)."""
    try:
        return starts_on.replace(year=starts_on.year + 1) - dt.timedelta(days=1)
    except ValueError:
        return starts_on.replace(year=starts_on.year + 1, day=28)


def _schedule(insurer, year) -> PremiumSchedule:
    schedule = PremiumSchedule.objects.filter(insurer=insurer, year=year).first()
    if schedule is None:
        raise ValidationError({"year": _("尚未设置 %(year)s 年度的保费标准，请先录入三档保费。") % {"year": year}})
    return schedule


def _policy_number(township, year: int) -> str:
    return f"PA{year}{township.code}"


@transaction.atomic
def issue_policy(
    *,
    insurer: Insurer,
    township,
    year: int,
    perils,
    per_claim_limit: Decimal,
    household_year_limit: Decimal,
    excess: Decimal = Decimal("0"),
    starts_on: dt.date | None = None,
    population: int | None = None,
    actor,
    renewed_from: Policy | None = None,
) -> Policy:
    """One township's group policy for `year`. The premium follows the township's population on
    the policy date (`population`, by default the township's recorded population) and the
    year's schedule; the term is one year from `starts_on` (by default 1 January)."""
    _require_manager(actor, insurer)
    errors = {}
    if township.level != AreaLevel.TOWNSHIP:
        errors["township"] = [_("保单只能以乡镇为单位投保。")]
    elif not township.path.startswith(insurer.county.path):
        errors["township"] = [_("该乡镇不在保险公司所在县内。")]
    starts_on = starts_on or dt.date(year, 1, 1)
    if starts_on.year != year:
        errors["starts_on"] = [_("保险起期须在 %(year)s 年内。") % {"year": year}]
    if not perils:
        errors["perils"] = [_("请至少选择一项承保风险。")]
    if per_claim_limit is None or per_claim_limit <= 0:
        errors["per_claim_limit"] = [_("每次事故赔偿限额须大于 0。")]
    elif household_year_limit is None or household_year_limit < per_claim_limit:
        errors["household_year_limit"] = [_("每户年度累计限额不能低于每次事故限额。")]
    if excess is None or excess < 0:
        errors["excess"] = [_("免赔额不能为负数。")]
    if errors:
        raise ValidationError(errors)
    if Policy.objects.filter(township=township, year=year).exists():
        raise ValidationError({"year": _("%(town)s %(year)s 年度已有保单。") % {"town": township.name, "year": year}})
    population = township.population if population is None else population
    tier = tier_for(population)
    try:
        with transaction.atomic():
            policy = Policy.objects.create(
                number=_policy_number(township, year),
                insurer=insurer,
                county_id=insurer.county_id,
                township=township,
                year=year,
                starts_on=starts_on,
                ends_on=one_year_from(starts_on),
                population=population,
                tier=tier,
                premium=_schedule(insurer, year).premium_for(tier),
                per_claim_limit=per_claim_limit,
                household_year_limit=household_year_limit,
                excess=excess,
                renewed_from=renewed_from,
                created_by=actor,
            )
    except IntegrityError:  # issued concurrently since the check above
        raise ValidationError({"year": _("该乡镇本年度已有保单。")}) from None
    policy.perils.set(perils)
    return policy


def renew_policy(*, policy: Policy, actor, population: int | None = None, starts_on: dt.date | None = None) -> Policy:
    """续保: next year's policy for the same township with the same cover; the tier (and so the
    premium) is worked out again from the population on the new policy date."""
    if hasattr(policy, "renewal"):
        raise ValidationError({"policy": _("该保单已续保（%(number)s）。") % {"number": policy.renewal.number}})
    year = policy.year + 1
    return issue_policy(
        insurer=policy.insurer,
        township=policy.township,
        year=year,
        perils=list(policy.perils.all()),
        per_claim_limit=policy.per_claim_limit,
        household_year_limit=policy.household_year_limit,
        excess=policy.excess,
        starts_on=starts_on or one_year_from(policy.starts_on) + dt.timedelta(days=1),
        population=population,
        actor=actor,
        renewed_from=policy,
    )


# --- claims: reporting ---------------------------------------------------------------------------


def _actor_role(actor) -> str:
    roles = actor.role_names()
    return next((r for r in Role.values if r in roles), "superuser" if actor.is_superuser else "")


def _actor_unit(actor, claim) -> str:
    """Whom the actor acted for: the insurer, the township or the village of the claim."""
    roles = actor.role_names()
    if Role.INSURER in roles:
        return claim.policy.insurer.name
    if Role.TOWNSHIP_OFFICER in roles:
        return claim.township.name
    if Role.VILLAGE_HEAD in roles:
        return claim.village.name
    return ""


def record_event(claim, transition, from_state, note, *, actor, data=None) -> ClaimEvent:
    return ClaimEvent.of_transition(
        claim, transition, from_state, note, actor=actor, actor_role=_actor_role(actor),
        actor_unit=_actor_unit(actor, claim), data=data,
    )


def _policy_for(household, loss_date):
    return (
        Policy.objects.filter(township_id=household.township_id, starts_on__lte=loss_date, ends_on__gte=loss_date)
        .select_related("township", "insurer")
        .first()
    )


# Reporting creates the claim, so it is not a row of the table; its event looks like one.
REPORT = Transition("report", _("报案"), (), ClaimStatus.REPORTED, REPORTER_ROLES)


def may_report(user) -> bool:
    return user.is_superuser or bool(set(REPORTER_ROLES) & user.role_names())


@transaction.atomic
def report_claim(
    *,
    actor,
    household_id: int,
    peril,
    item: str,
    loss_date: dt.date,
    loss_amount: Decimal,
    policy_id: int | None = None,
    incident_id: int | None = None,
    police_report_number: str = "",
    description: str = "",
) -> Claim:
    """报案: a household (through its grid worker, village or township) claims a theft loss. The
    loss must be backed by the incident that recorded it or a police report number (公安支撑)."""
    if not may_report(actor):
        raise PermissionDenied(_("只有网格员、村网格站或乡镇可以代农户报案。"))
    household = Household.objects.restrict(actor, VIEW_INSURANCE).filter(pk=household_id).first()
    if household is None:
        raise ValidationError({"household": _("该户不存在或不在您的辖区内。")})
    # the household's row lock serialises claims (and payments) of one household
    household = Household.objects.select_for_update().get(pk=household.pk)
    item, police_report_number = (item or "").strip(), (police_report_number or "").strip()
    errors = {}
    if not item:
        errors["item"] = [_("请填写被盗财物。")]
    if loss_amount is None or loss_amount <= 0:
        errors["loss_amount"] = [_("损失金额须大于 0。")]
    incident = None
    if incident_id is not None:
        incident = incident_selectors.cases_for(actor).filter(pk=incident_id).select_related("category").first()
        if incident is None:
            errors["incident"] = [_("关联事件不存在或不在您的辖区内。")]
        elif not incident_selectors.is_theft(incident):
            errors["incident"] = [_("关联事件 %(n)s 不是盗窃类事件。") % {"n": incident.number}]
        elif incident.township_id != household.township_id:
            errors["incident"] = [_("关联事件 %(n)s 不在该户所在乡镇。") % {"n": incident.number}]
    elif not police_report_number:
        errors["incident"] = [_("请关联记录该盗窃的事件，或填写公安报案回执号（公安支撑）。")]
    if errors:
        raise ValidationError(errors)
    if policy_id is not None:
        policy = Policy.objects.select_related("township", "insurer").filter(pk=policy_id).first()
        if policy is None or not policies_for(actor).filter(pk=policy.pk).exists():
            raise ValidationError({"policy": _("保单不存在。")})
    else:
        policy = _policy_for(household, loss_date)
        if policy is None:
            raise ValidationError({"loss_date": _("该户所在乡镇在出险日期没有有效的平安家园保单。")})
    today = timezone.localdate()
    rules.check_cover(policy=policy, household=household, loss_date=loss_date, peril=peril, today=today)
    rules.check_amount(policy=policy, household_id=household.pk, loss_amount=loss_amount)
    rules.check_not_claimed(household_id=household.pk, loss_date=loss_date, item=item, incident=incident)
    now = timezone.now()
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                number=f"T{uuid.uuid4().hex[:20]}",  # the final number needs the id
                policy=policy,
                household=household,
                county_id=household.county_id,
                township_id=household.township_id,
                village_id=household.village_id,
                grid_id=household.grid_id,
                incident=incident,
                police_report_number=police_report_number,
                peril=peril,
                item=item,
                item_key=rules.item_key(item),
                loss_date=loss_date,
                loss_amount=loss_amount,
                description=(description or "").strip(),
                reported_by=actor,
                reported_at=now,
            )
    except IntegrityError:  # the same loss claimed concurrently
        raise ValidationError({"item": _("该损失已有理赔申请，不能重复报案。")}) from None
    claim.number = f"LP{policy.year}{claim.pk:07d}"
    claim.save(update_fields=["number"])
    record_event(claim, REPORT, "", claim.description, actor=actor, data={"loss_amount": str(loss_amount)})
    return claim


# --- claims: the workflow ------------------------------------------------------------------------


def claim_queryset():
    return Claim.objects.select_related(
        "policy__insurer", "policy__township", "township", "village", "household", "reported_by"
    )


def _notify(title_format: str, people):
    """After commit: tell `people(claim)` what happened (the claim's link in the inbox)."""

    def send(claim, event):
        notify(
            people(claim),
            kind="claim",
            title=title_format % {"number": claim.number},
            body=event.note,
            link=f"/insurance/claims/{claim.pk}/",
        )

    return send


def _reporter(claim):
    return [claim.reported_by]


def _on_duty(area_of, role):
    def people(claim):
        held = grid_selectors.responsible_on(area_of(claim), timezone.localdate(), role)
        return [held.user] if held else []

    return people


def _insurer_staff(claim):
    return list(claim.policy.insurer.staff.all())


def act(action: str, *, claim_id: int, actor, version=None, note: str = "", apply=None, data=None, after_commit=()):
    """Run one workflow action on a claim (the one path every action below takes)."""
    return perform(
        workflow=CLAIM_WORKFLOW,
        queryset=claim_queryset(),
        pk=claim_id,
        action=action,
        actor=actor,
        visible=sees,
        expected_version=version,
        note=note,
        apply=apply,
        record=lambda claim, t, from_state, n: record_event(claim, t, from_state, n, actor=actor, data=data),
        after_commit=after_commit,
    )


@transaction.atomic
def verify(*, claim_id, actor, note, version=None, uploads=()):
    """村级核实: the village has been on site — what was seen goes in the note, the photos taken
    there (re-encoded like case photos) hang on the verification's event row."""
    claim, event = act(
        "verify",
        claim_id=claim_id,
        actor=actor,
        version=version,
        note=note,
        after_commit=[
            _notify(
                _("理赔 %(number)s 已经村级核实，待乡镇审核"), _on_duty(lambda c: c.township, Role.TOWNSHIP_OFFICER)
            )
        ],
    )
    try:
        attachments.store(ClaimPhoto, uploads, uploaded_by=actor, claim=claim, event=event)
    except ValidationError as exc:
        raise ValidationError({"photos": exc.messages}) from None
    return claim, event


def return_claim(*, claim_id, actor, note, version=None):
    return act(
        "return",
        claim_id=claim_id,
        actor=actor,
        version=version,
        note=note,
        after_commit=[_notify(_("理赔 %(number)s 被退回，请补充材料"), _reporter)],
    )


def resubmit(*, claim_id, actor, note, version=None):
    return act(
        "resubmit",
        claim_id=claim_id,
        actor=actor,
        version=version,
        note=note,
        after_commit=[
            _notify(_("理赔 %(number)s 已补充材料，待村级核实"), _on_duty(lambda c: c.village, Role.VILLAGE_HEAD))
        ],
    )


def approve(*, claim_id, actor, version=None, note=""):
    return act(
        "approve",
        claim_id=claim_id,
        actor=actor,
        version=version,
        note=note,
        after_commit=[_notify(_("理赔 %(number)s 已经乡镇审核，待赔付"), _insurer_staff)],
    )


def settle(*, claim_id, actor, paid_amount: Decimal, paid_on: dt.date | None = None, version=None, note=""):
    """赔付: the insurer pays, within the limits (what the household was paid this year counts)."""
    paid_on = paid_on or timezone.localdate()

    def apply(claim, t):
        Household.objects.select_for_update().get(pk=claim.household_id)  # one household's payments in turn
        if paid_on > timezone.localdate() or paid_on < claim.reported_at.date():
            raise ValidationError({"paid_on": _("赔付日期须在报案日期之后、不晚于今天。")})
        rules.check_payment(claim, paid_amount)
        claim.paid_amount, claim.paid_on = paid_amount, paid_on

    return act(
        "settle",
        claim_id=claim_id,
        actor=actor,
        version=version,
        note=note,
        apply=apply,
        data={"paid_amount": str(paid_amount), "paid_on": paid_on.isoformat()},
        after_commit=[_notify(_("理赔 %(number)s 已赔付"), _reporter)],
    )


def decline(*, claim_id, actor, note, version=None):
    def apply(claim, t):
        claim.decline_reason = note.strip()

    return act(
        "decline",
        claim_id=claim_id,
        actor=actor,
        version=version,
        note=note,
        apply=apply,
        after_commit=[_notify(_("理赔 %(number)s 被拒赔"), _reporter)],
    )


def withdraw(*, claim_id, actor, note, version=None):
    return act("withdraw", claim_id=claim_id, actor=actor, version=version, note=note)


def comment(*, claim_id, actor, note, version=None):
    return act("comment", claim_id=claim_id, actor=actor, version=version, note=note)

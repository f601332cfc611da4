"""Every write of key people and visits: one transaction each, with its audit row.

Rhythm: a plan is first due on its start date; each visit sets the next due date to the visit's
local date + the plan's `visit_every_days`. A plan whose due date has passed is overdue until
the next visit (`selectors.overdue`); 日清 urges it once a day (`urge_overdue`).
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.attachments import prepare as prepare_upload
from governance.notifications import notify_batch
from governance.roles import Role
from grids.coords import SYSTEMS, convert
from grids.levels import AreaLevel
from grids.models import Assignment, Resident
from grids.scoping import CHANGE, in_scope
from incidents import intake
from incidents.constants import Source
from incidents.models import Category as CaseCategory

from .constants import FOUR_KEEPER_CATEGORIES, FOUR_KEEPERS, PLANNER_ROLES, Category, Keeper, RiskLevel
from .models import CarePlan, CareVisit, PlanEvent, PlanKeeper, VisitUrge
from .scoping import may_see


@dataclass
class KeeperInput:
    role: str
    name: str = ""
    user_id: int | None = None
    phone: str = ""


def _actor_role(actor) -> str:
    roles = actor.role_names()
    return next((r for r in PLANNER_ROLES if r in roles), next(iter(sorted(roles)), ""))


def _event(plan, *, action, label, actor, note="", data=None) -> PlanEvent:
    return PlanEvent.objects.create(
        plan=plan,
        action=action,
        action_label=label,
        actor=actor,
        actor_role=_actor_role(actor) if actor else "",
        note=note,
        data=data or {},
    )


def _check_planner(actor, area_obj) -> None:
    if not (actor.is_superuser or set(PLANNER_ROLES) & actor.role_names()) or not in_scope(actor, CHANGE, area_obj):
        raise PermissionDenied(_("只有村、乡镇负责人可以建立或修订重点人员计划。"))


def _check_plan_fields(*, category, risk_level, visit_every_days, start_date, review_date) -> None:
    errors = {}
    if category not in Category.values:
        errors["category"] = _("请选择重点人员类别。")
    if risk_level not in RiskLevel.values:
        errors["risk_level"] = _("请选择风险等级。")
    if not isinstance(visit_every_days, int) or not 1 <= visit_every_days <= 365:
        errors["visit_every_days"] = _("走访周期须为 1–365 天。")
    if start_date is None:
        errors["start_date"] = _("请填写开始日期。")
    if review_date is None:
        errors["review_date"] = _("请填写复核日期。")
    elif start_date is not None and review_date < start_date:
        errors["review_date"] = _("复核日期不能早于开始日期。")
    if errors:
        raise ValidationError(errors)


def _keepers(plan, keepers: list[KeeperInput]) -> list[PlanKeeper]:
    from governance.models import User

    users = User.objects.in_bulk([k.user_id for k in keepers if k.user_id])
    rows, errors = [], {}
    for i, k in enumerate(keepers):
        user = users.get(k.user_id) if k.user_id else None
        if k.role not in Keeper.values:
            errors[f"keepers[{i}]"] = _("责任人职责无效。")
        elif k.user_id and user is None:
            errors[f"keepers[{i}]"] = _("责任人账号不存在。")
        elif not (k.name or (user and str(user))).strip():
            errors[f"keepers[{i}]"] = _("请填写责任人姓名。")
        else:
            rows.append(
                PlanKeeper(plan=plan, role=k.role, user=user, name=(k.name or str(user)).strip()[:50], phone=k.phone)
            )
    if errors:
        raise ValidationError(errors)
    return rows


def keepers_complete(category: str, roles) -> bool:
    """一人四管: a person with a severe mental disorder needs all four keepers; others need none."""
    return category not in FOUR_KEEPER_CATEGORIES or set(FOUR_KEEPERS) <= set(roles)


def missing_keepers(plan) -> list[str]:
    if plan.category not in FOUR_KEEPER_CATEGORIES:
        return []
    have = {k.role for k in plan.keepers.all()}
    return [str(Keeper(r).label) for r in FOUR_KEEPERS if r not in have]


@transaction.atomic
def create_plan(
    *,
    actor,
    resident_id: int,
    category: str,
    risk_level: str,
    visit_every_days: int,
    start_date: dt.date,
    review_date: dt.date,
    keepers: list[KeeperInput] = (),
    note: str = "",
) -> CarePlan:
    _check_plan_fields(
        category=category,
        risk_level=risk_level,
        visit_every_days=visit_every_days,
        start_date=start_date,
        review_date=review_date,
    )
    resident = Resident.objects.select_related("household").filter(pk=resident_id).first()
    if resident is None or not in_scope(actor, CHANGE, resident.household):
        raise ValidationError({"resident": _("居民不存在。")})
    household = resident.household
    _check_planner(actor, household)
    plan = CarePlan(
        resident=resident,
        household=household,
        county_id=household.county_id,
        township_id=household.township_id,
        village_id=household.village_id,
        grid_id=household.grid_id,
        category=category,
        risk_level=risk_level,
        visit_every_days=visit_every_days,
        start_date=start_date,
        review_date=review_date,
        next_due=start_date,
        note=(note or "").strip(),
        created_by=actor,
    )
    rows = _keepers(plan, list(keepers))
    plan.keepers_complete = keepers_complete(category, [k.role for k in rows])
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise ValidationError({"category": _("该居民在此类别下已有在管计划。")}) from None
    PlanKeeper.objects.bulk_create(rows)
    _event(
        plan,
        action="create",
        label=_("建档"),
        actor=actor,
        data={"risk_level": risk_level, "visit_every_days": visit_every_days, "keepers": [k.role for k in rows]},
    )
    return plan


def _locked_plan(actor, pk) -> CarePlan:
    plan = CarePlan.objects.select_for_update(of=("self",)).filter(pk=pk).first()
    if plan is None or not may_see(actor, plan):
        raise Http404
    return plan


@transaction.atomic
def revise_plan(
    *,
    actor,
    plan_id: int,
    risk_level: str,
    visit_every_days: int,
    review_date: dt.date,
    keepers: list[KeeperInput] | None = None,
    note: str = "",
    reason: str = "",
) -> CarePlan:
    """Change the risk level, rhythm, review date or keepers; the next due date follows the new
    rhythm from the last visit (or the start date)."""
    plan = _locked_plan(actor, plan_id)
    _check_planner(actor, plan)
    if not plan.is_active:
        raise ValidationError({"plan": _("计划已结束，不能修订。")})
    _check_plan_fields(
        category=plan.category,
        risk_level=risk_level,
        visit_every_days=visit_every_days,
        start_date=plan.start_date,
        review_date=review_date,
    )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写修订原因。")})
    before = {
        "risk_level": plan.risk_level,
        "visit_every_days": plan.visit_every_days,
        "review_date": str(plan.review_date),
    }
    plan.risk_level, plan.visit_every_days, plan.review_date = risk_level, visit_every_days, review_date
    if note:
        plan.note = note.strip()
    last = timezone.localdate(plan.last_visit_at) if plan.last_visit_at else None
    plan.next_due = last + dt.timedelta(days=visit_every_days) if last else plan.start_date
    if keepers is not None:
        rows = _keepers(plan, list(keepers))
        plan.keepers.all().delete()
        PlanKeeper.objects.bulk_create(rows)
        plan.keepers_complete = keepers_complete(plan.category, [k.role for k in rows])
    plan.version += 1
    plan.save()
    after = {"risk_level": risk_level, "visit_every_days": visit_every_days, "review_date": str(review_date)}
    _event(plan, action="revise", label=_("修订"), actor=actor, note=reason.strip(), data={"from": before, "to": after})
    return plan


@transaction.atomic
def end_plan(*, actor, plan_id: int, reason: str) -> CarePlan:
    plan = _locked_plan(actor, plan_id)
    _check_planner(actor, plan)
    if not plan.is_active:
        raise ValidationError({"plan": _("计划已结束。")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写结束原因（如解除矫正、迁出、去世）。")})
    plan.is_active, plan.ended_on = False, timezone.localdate()
    plan.version += 1
    plan.save()
    _event(plan, action="end", label=_("结束"), actor=actor, note=reason.strip())
    return plan


def may_visit(actor, plan) -> bool:
    """A listed keeper, or someone who may change records where the person lives."""
    if not may_see(actor, plan):
        return False
    return in_scope(actor, CHANGE, plan) or plan.keepers.filter(user=actor).exists()


def _check_visit_fields(*, finding, lat, lng, crs, raise_case, category) -> None:
    errors = {}
    if not (finding or "").strip():
        errors["finding"] = _("请填写走访情况。")
    if crs not in SYSTEMS:
        errors["crs"] = _("坐标系只能是 WGS84、GCJ02 或 BD09。")
    if (lat is None) != (lng is None):
        errors["lat"] = _("纬度和经度须同时提供。")
    elif lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        errors["lat"] = _("坐标超出范围。")
    if raise_case and (category is None or not category.is_active or category.parent_id is None):
        errors["category"] = _("转立事件须选择有效的二级分类。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_visit(
    *,
    visitor,
    plan_id: int,
    finding: str,
    place: str = "",
    lat=None,
    lng=None,
    crs: str = "WGS84",
    photo=None,
    follow_up: bool = False,
    concern: bool = False,
    raise_case: bool = False,
    category: CaseCategory | None = None,
) -> CareVisit:
    """走访: log it, move the plan's next due date on; with `raise_case` a worrying finding becomes
    a case (through incidents' intake) in the same transaction, linked to the visit."""
    _check_visit_fields(finding=finding, lat=lat, lng=lng, crs=crs, raise_case=raise_case, category=category)
    plan = _locked_plan(visitor, plan_id)
    if not plan.is_active:
        raise ValidationError({"plan": _("计划已结束，不能登记走访。")})
    if not may_visit(visitor, plan):
        raise PermissionDenied(_("只有该计划的责任人或本网格人员可以登记走访。"))
    now = timezone.now()
    stored = convert(lat, lng, crs, settings.BOUNDARY_CRS) if lat is not None else (None, None)
    content, content_type = None, ""
    if photo:
        content, content_type, _original, _size = prepare_upload(photo)
    visit = CareVisit(
        plan=plan,
        visitor=visitor,
        at=now,
        place=(place or "").strip()[:200],
        lat=stored[0],
        lng=stored[1],
        finding=finding.strip(),
        follow_up=bool(follow_up) or bool(raise_case),
        concern=bool(concern) or bool(raise_case),
        photo_type=content_type,
        next_due=timezone.localdate(now) + dt.timedelta(days=plan.visit_every_days),
        county_id=plan.county_id,
        township_id=plan.township_id,
        village_id=plan.village_id,
        grid_id=plan.grid_id,
    )
    if content is not None:
        visit.photo.save(content.name, content, save=False)
    if raise_case:
        visit.case = _case_from_visit(visit, category, content)
    visit.save()
    plan.last_visit_at, plan.next_due = now, visit.next_due
    plan.save(update_fields=["last_visit_at", "next_due"])
    return visit


def _case_from_visit(visit: CareVisit, category: CaseCategory, photo: ContentFile | None):
    """A case for what the visit found: the household as the party, the visit's photo attached.
    The case says nothing of the person's category (it travels to units outside care)."""
    uploads = [ContentFile(_bytes(photo), name=photo.name)] if photo else []
    return intake.submit_report(
        reporter=visit.visitor,
        source=Source.GRID_APP,
        category=category,
        description=visit.finding,
        lat=visit.lat,
        lng=visit.lng,
        crs=settings.BOUNDARY_CRS,
        grid_id=None if visit.lat is not None else visit.grid_id,
        address=visit.place,
        parties=[intake.PartyInput(household_id=visit.plan.household_id)],
        uploads=uploads,
    )


def _bytes(content: ContentFile) -> bytes:
    content.seek(0)
    return content.read()


@transaction.atomic
def raise_case(*, actor, visit_id: int, category: CaseCategory) -> CareVisit:
    """Turn an already logged visit's finding into a case (once)."""
    visit = CareVisit.objects.select_for_update(of=("self",)).select_related("plan").filter(pk=visit_id).first()
    if visit is None or not may_see(actor, visit):
        raise Http404
    if visit.case_id:
        raise ValidationError({"case": _("该走访已转立事件。")})
    if not may_visit(actor, visit.plan):
        raise PermissionDenied(_("只有该计划的责任人或本网格人员可以转立事件。"))
    _check_visit_fields(finding=visit.finding, lat=None, lng=None, crs="WGS84", raise_case=True, category=category)
    photo = None
    if visit.photo:
        with visit.photo.open("rb") as f:
            photo = ContentFile(f.read(), name=visit.photo.name.rsplit("/", 1)[-1])
    visit.case = _case_from_visit(visit, category, photo)
    visit.concern = visit.follow_up = True
    CareVisit.objects.filter(pk=visit.pk).update(case=visit.case, concern=True, follow_up=True)
    return visit


def urge_overdue(day: dt.date, at: dt.datetime) -> int:
    """日清: one urge per overdue plan and day, one notice per person responsible (listed keepers
    with an account, and the grid worker in post). The notice names no person or category."""
    with transaction.atomic():
        overdue = list(
            CarePlan.objects.filter(is_active=True, next_due__lt=day)
            .exclude(pk__in=VisitUrge.objects.filter(day=day).values("plan_id"))
            .values_list("id", "grid_id", "next_due")
        )
        if not overdue:
            return 0
        workers = dict(
            Assignment.objects.filter(
                role=Role.GRID_WORKER,
                end_date__isnull=True,
                area_id__in={g for _p, g, _d in overdue},
                area__level=AreaLevel.GRID,
            ).values_list("area_id", "user_id")
        )
        created = VisitUrge.objects.bulk_create(
            [VisitUrge(plan_id=p, day=day, grid_worker_id=workers.get(g), due=d) for p, g, d in overdue],
            ignore_conflicts=True,
        )
        responsible: dict[int, set[int]] = {}  # user id → overdue plan ids
        for plan_id, grid_id, _due in overdue:
            if workers.get(grid_id):
                responsible.setdefault(workers[grid_id], set()).add(plan_id)
        keepers = PlanKeeper.objects.filter(plan_id__in=[p for p, _g, _d in overdue], user__isnull=False)
        for user_id, plan_id in keepers.values_list("user_id", "plan_id"):
            responsible.setdefault(user_id, set()).add(plan_id)
        people = {user_id: len(plans) for user_id, plans in responsible.items()}
        notify_batch(
            (
                [user_id],
                "care_overdue",
                _("重点人员走访逾期：%(n)d 人") % {"n": n},
                _("%(day)s 日清：您负责的重点人员中有 %(n)d 人已超过走访周期未走访，请尽快走访。")
                % {"day": day, "n": n},
                "/care/today/",
            )
            for user_id, n in people.items()
        )
    return len(created)

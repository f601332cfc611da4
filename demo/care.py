"""The demo county's community care (settings.DEMO_EXTENSIONS: demo.care; `manage.py seed_demo`).

Every resident the grids demo tagged as a key person gets a plan in the matching category
(about 2% of residents: elderly living alone, the disabled, people with severe mental disorders,
community-corrections subjects, left-behind children), with a rhythm and risk level by category,
keepers (the grid worker in post; for a severe mental disorder the four of 一人四管 — a few
plans miss the police officer and are flagged), and one to three past visits; the last visit
of about a third lies further back than the rhythm allows, so those plans are overdue today.
Some households changed colour (confirmed, with their event rows) and a few proposals wait for
the township. The first townships' villages have volunteers with service hours, a point shop
and a few exchanges. Everything is inserted in bulk.
"""

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone

from care.constants import Category, ColourChangeStatus, Keeper, MovementKind, RiskLevel
from care.models import (
    CarePlan,
    CareVisit,
    ColourChange,
    ColourChangeEvent,
    PlanEvent,
    PlanKeeper,
    PointsMovement,
    ShopItem,
    VisitUrge,
    Volunteer,
)
from demo.grids import COUNTY_CODE
from demo.incidents import ResetRefused
from governance.models import AccessRecord, User
from governance.roles import Role
from grids.levels import AreaLevel, ancestor_path
from grids.models import Area, Assignment, Household, HouseholdColour, Resident

# grids demo tag → (category, risk level, visit every N days)
TAG_PLANS = {
    "mental": (Category.MENTAL, RiskLevel.KEY, 7),
    "correction": (Category.CORRECTIONS, RiskLevel.ATTENTION, 7),
    "elderly_alone": (Category.ELDERLY_ALONE, RiskLevel.ATTENTION, 14),
    "disabled": (Category.DISABLED, RiskLevel.GENERAL, 30),
    "left_behind_child": (Category.LEFT_BEHIND_CHILD, RiskLevel.GENERAL, 30),
}
FINDINGS = [
    "本人在家，身体状况稳定，家中生活用品齐全",
    "按时服药，情绪平稳，监护人在家照看",
    "屋内取暖设施检查正常，叮嘱注意用电安全",
    "近期睡眠不好，已联系村医上门看诊",
    "与家属电话沟通，近况良好",
]
VOLUNTEER_TOWNSHIPS = 3
VOLUNTEERS_PER_VILLAGE = 4
SHOP = [("毛巾", 30), ("洗衣液", 50), ("大米 5 斤", 80)]
SERVICES = ["平安巡逻", "入户宣讲防诈骗", "陪护独居老人", "清理楼道杂物", "矛盾纠纷劝解"]


def seed_demo(*, county: Area, seed: int, scale: float = 1.0, log: Callable[[str], None] = lambda m: None) -> dict:
    rng = random.Random(f"{seed}:care")
    now, today = timezone.now(), timezone.localdate()
    admin = User.objects.filter(is_superuser=True).order_by("id").first()
    if admin is None:
        return {}
    with transaction.atomic():
        plans, visits = _plans(rng, county, admin, now, today)
        changes = _colour_changes(rng, county, now)
        volunteers, movements = _volunteers(rng, county, admin, today)
    counts = {
        "plans": plans,
        "visits": visits,
        "colour_changes": changes,
        "volunteers": volunteers,
        "movements": movements,
    }
    log(
        f"关爱守护：重点人员计划 {plans} 个、走访 {visits} 次、三色变更 {changes} 条、"
        f"志愿者 {volunteers} 名、积分流水 {movements} 条"
    )
    return counts


def _grid_workers(county) -> dict[int, int]:
    return dict(
        Assignment.objects.filter(
            area__path__startswith=county.path, role=Role.GRID_WORKER, end_date__isnull=True, area__level=AreaLevel.GRID
        ).values_list("area_id", "user_id")
    )


def _plans(rng, county, admin, now, today) -> tuple[int, int]:
    workers = _grid_workers(county)
    tagged = (
        Resident.objects.filter(household__county=county, tags__code__in=list(TAG_PLANS))
        .values_list(
            "id",
            "name",
            "tags__code",
            "household_id",
            "household__township_id",
            "household__village_id",
            "household__grid_id",
            "household__address",
        )
        .order_by("id")
    )
    plans, seen = [], set()
    for rid, _name, tag, hid, township_id, village_id, grid_id, address in tagged:
        if rid in seen:
            continue
        seen.add(rid)
        category, risk, every = TAG_PLANS[tag]
        start = today - dt.timedelta(days=rng.randint(40, 400))
        plans.append(
            CarePlan(
                resident_id=rid,
                household_id=hid,
                county_id=county.id,
                township_id=township_id,
                village_id=village_id,
                grid_id=grid_id,
                category=category,
                risk_level=risk,
                visit_every_days=every,
                start_date=start,
                review_date=start + dt.timedelta(days=365),
                next_due=start,
                created_by=admin,
                note=address,
            )
        )
    CarePlan.objects.bulk_create(plans, batch_size=1000)
    keepers, events, visits = [], [], []
    for plan in plans:
        worker = workers.get(plan.grid_id)
        if worker:
            keepers.append(PlanKeeper(plan=plan, role=Keeper.GRID_WORKER, user_id=worker, name="网格员"))
        if plan.category == Category.MENTAL:
            four = [Keeper.GUARDIAN, Keeper.VILLAGE_CADRE, Keeper.TOWNSHIP_CADRE, Keeper.POLICE]
            if rng.random() < 0.15:
                four.pop()  # no police officer yet: flagged
                plan.keepers_complete = False
            keepers += [PlanKeeper(plan=plan, role=r, name=f"{Keeper(r).label}{rng.randint(1, 99)}") for r in four]
        events.append(
            PlanEvent(plan=plan, action="create", action_label="建档", actor=admin, created_at=now, data={"demo": True})
        )
        # the last visit: within the rhythm for about two thirds, further back for the rest
        late = rng.random() < 0.33
        back = (
            rng.randint(plan.visit_every_days + 1, plan.visit_every_days * 2)
            if late
            else rng.randint(0, plan.visit_every_days - 1)
        )
        last_day = max(plan.start_date, today - dt.timedelta(days=back))
        for k in range(rng.randint(1, 3)):
            day = last_day - dt.timedelta(days=k * plan.visit_every_days)
            if day < plan.start_date:
                break
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + rng.randint(0, 8), rng.randint(0, 59))))
            visits.append(
                CareVisit(
                    plan=plan,
                    visitor_id=worker or admin.id,
                    at=at,
                    place=plan.note,
                    finding=rng.choice(FINDINGS),
                    next_due=day + dt.timedelta(days=plan.visit_every_days),
                    county_id=plan.county_id,
                    township_id=plan.township_id,
                    village_id=plan.village_id,
                    grid_id=plan.grid_id,
                )
            )
            if k == 0:
                plan.last_visit_at, plan.next_due = at, day + dt.timedelta(days=plan.visit_every_days)
        plan.note = ""
    CarePlan.objects.bulk_update(plans, ["keepers_complete", "last_visit_at", "next_due", "note"], batch_size=1000)
    PlanKeeper.objects.bulk_create(keepers, batch_size=1000)
    PlanEvent.objects.bulk_create(events, batch_size=1000)
    CareVisit.objects.bulk_create(visits, batch_size=1000)
    return len(plans), len(visits)


def _colour_changes(rng, county, now) -> int:
    """The yellow and red households' move from green, confirmed; a few open proposals."""
    heads = dict(
        Assignment.objects.filter(
            area__path__startswith=county.path, role=Role.VILLAGE_HEAD, end_date__isnull=True
        ).values_list("area_id", "user_id")
    )
    officers = dict(
        Assignment.objects.filter(
            area__path__startswith=county.path, role=Role.TOWNSHIP_OFFICER, end_date__isnull=True
        ).values_list("area_id", "user_id")
    )
    rows = list(
        Household.objects.filter(county=county)
        .exclude(colour=HouseholdColour.GREEN)
        .values_list("id", "colour", "township_id", "village_id", "grid_id")
        .order_by("id")
    )
    sample = [r for r in rows if rng.random() < 0.25 and r[3] in heads and r[2] in officers]
    greens = list(
        Household.objects.filter(county=county, colour=HouseholdColour.GREEN, village_id__in=list(heads))
        .values_list("id", "colour", "township_id", "village_id", "grid_id")
        .order_by("id")[:2000]
    )
    pending = rng.sample(greens, min(12, len(greens)))
    changes, events = [], []
    for (hid, colour, township_id, village_id, grid_id), status in [(r, "confirmed") for r in sample] + [
        (r, "proposed") for r in pending
    ]:
        confirmed = status == "confirmed"
        at = now - dt.timedelta(days=rng.randint(5, 200) if confirmed else rng.randint(0, 3))
        to = colour if confirmed else rng.choice([HouseholdColour.YELLOW, HouseholdColour.RED])
        change = ColourChange(
            household_id=hid,
            from_colour=HouseholdColour.GREEN,
            to_colour=to,
            reason="家庭成员患病，需要更多关照" if to == HouseholdColour.YELLOW else "家有重点人员，需包联干部随时响应",
            status=ColourChangeStatus.CONFIRMED if confirmed else ColourChangeStatus.PROPOSED,
            proposed_by_id=heads[village_id],
            decided_by_id=officers[township_id] if confirmed else None,
            decided_at=at + dt.timedelta(days=1) if confirmed else None,
            version=2 if confirmed else 1,
            county_id=county.id,
            township_id=township_id,
            village_id=village_id,
            grid_id=grid_id,
        )
        changes.append(change)
        events.append(
            ColourChangeEvent(
                change=change,
                action="propose",
                action_label="村提出",
                to_state="proposed",
                actor_id=heads[village_id],
                note=change.reason,
                created_at=at,
            )
        )
        if confirmed:
            events.append(
                ColourChangeEvent(
                    change=change,
                    action="confirm",
                    action_label="乡镇确认",
                    from_state="proposed",
                    to_state="confirmed",
                    actor_id=officers[township_id],
                    created_at=at + dt.timedelta(days=1),
                )
            )
    ColourChange.objects.bulk_create(changes, batch_size=1000)
    ColourChangeEvent.objects.bulk_create(events, batch_size=1000)
    return len(changes)


def _volunteers(rng, county, admin, today) -> tuple[int, int]:
    townships = Area.objects.filter(path__startswith=county.path, level=AreaLevel.TOWNSHIP).order_by("code")
    paths = [t.path for t in townships[:VOLUNTEER_TOWNSHIPS]]
    villages = [
        v
        for v in Area.objects.filter(level=AreaLevel.VILLAGE).order_by("code")
        if ancestor_path(v.path, AreaLevel.VILLAGE, AreaLevel.TOWNSHIP) in paths
    ]
    items, volunteers = [], []
    for village in villages:
        items += [ShopItem(village=village, name=n, points=p, stock=rng.randint(5, 20)) for n, p in SHOP]
        residents = list(
            Resident.objects.filter(household__village=village, relation__in=["head", "spouse"])
            .values_list("id", "household_id", "household__township_id", "household__grid_id")
            .order_by("id")[: VOLUNTEERS_PER_VILLAGE * 3]
        )
        for rid, hid, township_id, grid_id in rng.sample(residents, min(VOLUNTEERS_PER_VILLAGE, len(residents))):
            volunteers.append(
                Volunteer(
                    resident_id=rid,
                    household_id=hid,
                    registered_by=admin,
                    county_id=county.id,
                    township_id=township_id,
                    village_id=village.id,
                    grid_id=grid_id,
                    skills=rng.choice(["", "电工", "理发", "医护", "调解"]),
                )
            )
    ShopItem.objects.bulk_create(items, batch_size=1000)
    Volunteer.objects.bulk_create(volunteers, batch_size=1000)
    shop = {}
    for item in items:
        shop.setdefault(item.village_id, []).append(item)
    movements = []
    for v in volunteers:
        for _i in range(rng.randint(1, 5)):
            hours = Decimal(rng.choice(["1.0", "2.0", "3.0", "4.0"]))
            v.balance += int(hours * 10)
            v.hours += hours
            movements.append(
                _movement(
                    v,
                    kind=MovementKind.EARN,
                    points=int(hours * 10),
                    hours=hours,
                    served_on=today - dt.timedelta(days=rng.randint(1, 120)),
                    note=rng.choice(SERVICES),
                    actor=admin,
                )
            )
        item = shop[v.village_id][0]
        if v.balance >= item.points and rng.random() < 0.5:
            v.balance -= item.points
            movements.append(
                _movement(
                    v, kind=MovementKind.SPEND, points=-item.points, item=item, note=f"兑换：{item.name}", actor=admin
                )
            )
    Volunteer.objects.bulk_update(volunteers, ["balance", "hours"], batch_size=1000)
    PointsMovement.objects.bulk_create(movements, batch_size=1000)
    return len(volunteers), len(movements)


def _movement(volunteer, **fields) -> PointsMovement:
    return PointsMovement(
        volunteer=volunteer,
        balance_after=volunteer.balance,
        county_id=volunteer.county_id,
        township_id=volunteer.township_id,
        village_id=volunteer.village_id,
        grid_id=volunteer.grid_id,
        **fields,
    )


def reset_demo() -> None:
    county = Area.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return
    append_only = [
        PlanEvent.objects.filter(plan__county=county),
        AccessRecord.objects.filter(
            subject="care.careplan",
            object_id__in=CarePlan.objects.filter(county=county).annotate(key=Cast("id", CharField())).values("key"),
        ),
        ColourChangeEvent.objects.filter(change__county=county),
        PointsMovement.objects.filter(county=county),
    ]
    with transaction.atomic():
        if connection.vendor == "postgresql" and any(q.exists() for q in append_only):
            raise ResetRefused(
                "PostgreSQL 上的关爱守护记录（计划变更、查阅、三色变更、积分流水）只增不删，无法重置演示数据。"
                "请删除并重建数据库，然后重新运行 seed_demo。"
            )
        for q in append_only:
            q._raw_delete(q.db)
        VisitUrge.objects.filter(plan__county=county).delete()
        CareVisit.objects.filter(county=county).delete()
        PlanKeeper.objects.filter(plan__county=county).delete()
        CarePlan.objects.filter(county=county).delete()
        ColourChange.objects.filter(county=county).delete()
        Volunteer.objects.filter(county=county).delete()
        ShopItem.objects.filter(village__path__startswith=county.path).delete()

"""The demo county's safe-home insurance (settings.DEMO_EXTENSIONS; `manage.py seed_demo`).

`seed_demo` adds the county insurer (人保财险虞城支公司) with one claims officer (login
`baoxian`), the perils, last year's and this year's premium schedules (the premium stayed the
same, DOMAIN.md §4), a policy for every township last year and its renewal this year (the cover
widened by one peril), and claims: one for most theft incidents the incidents demo recorded
(linked to the incident) and a few per township last year backed by a police report number.
A claim's timeline follows the workflow (report → verify → approve → settle, with some returned,
declined or withdrawn); steps that would lie in the future are not taken, so recent claims are
still open. Claims and events are inserted in bulk.

The demo's households are a sample of the county; a policy's population is the township's
statistical total, estimated as its sampled population scaled to Yucheng's ≈ 1.2 million people
(with a spread, so that the townships fall into all three tiers).
"""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from demo.grids import PASSWORD
from governance.models import User
from governance.roles import Role
from grids import services as grid_services
from grids.levels import AreaLevel
from grids.models import Area, Assignment, Household
from incidents import selectors as incident_selectors
from insurance import services
from insurance.constants import ClaimStatus as S
from insurance.models import Claim, ClaimEvent, Insurer, Peril, Policy, PremiumSchedule
from insurance.workflow import CLAIM_WORKFLOW

INSURER_CODE = "picc-yucheng"
INSURER_NAME = "人保财险虞城支公司"
OFFICER_USERNAME = "baoxian"
COUNTY_PEOPLE = 1_200_000
PREMIUMS = (Decimal("80000"), Decimal("100000"), Decimal("120000"))  # yuan per township and year, by tier
# (code, name, items: (item, lowest loss, highest loss)); the last one was added this year
PERILS = [
    ("livestock", "牲畜被盗", [("耕牛一头", 4000, 9000), ("羊两只", 1200, 2400), ("鸡鸭十余只", 300, 800)]),
    ("vehicle", "电动车、摩托车被盗", [("电动车一辆", 1200, 3500), ("摩托车一辆", 2500, 5000)]),
    ("farm_tools", "农机具被盗", [("水泵一台", 500, 1500), ("农用三轮车电瓶", 600, 1800)]),
    ("household_goods", "入室盗窃家庭财物", [("家中现金", 500, 3000), ("手机一部", 800, 2500)]),
]
COVER = {"per_claim_limit": Decimal("3000"), "household_year_limit": Decimal("5000"), "excess": Decimal("100")}
CLAIM_SHARE = 0.7  # share of theft incidents the household claims for
LAST_YEAR_CLAIMS_PER_TOWNSHIP = 8
DECLINE_REASONS = ["经核实系借出未还，不属于盗窃", "损失财物不属于承保范围", "报案时间超过规定期限且无法核实"]
RETURN_REASONS = ["请补充购买凭证或照片", "请补充派出所报案回执", "请村委会出具损失证明"]
WITHDRAW_REASONS = ["被盗财物已追回", "农户自愿放弃理赔"]


def seed_demo(
    *, county: Area, seed: int, scale: float = 1.0, log: Callable[[str], None] = lambda m: None, now=None
) -> dict:
    now = now or timezone.now()
    rng = random.Random(f"{seed}:insurance")
    today = timezone.localdate(now)
    with transaction.atomic():
        officer = _officer(county, today)
        insurer, _created = Insurer.objects.get_or_create(
            code=INSURER_CODE, defaults={"name": INSURER_NAME, "county": county}
        )
        insurer.staff.add(officer)
        perils = [Peril.objects.get_or_create(code=c, defaults={"name": n})[0] for c, n, _items in PERILS]
        for year in (today.year - 1, today.year):
            services.set_premium_schedule(
                insurer=insurer, year=year, small=PREMIUMS[0], middle=PREMIUMS[1], large=PREMIUMS[2], actor=officer
            )
        policies = _policies(county, insurer, perils, officer, today, rng)
        log(f"保险：{INSURER_NAME}，{len(policies)} 张乡镇保单（{today.year - 1}、{today.year} 年度）")
        maker = ClaimMaker(county, policies, perils, officer, rng, now)
        maker.from_thefts()
        maker.last_year()
        claims, events = maker.save()
    log(f"保险：理赔 {claims} 件，记录 {events} 条")
    return {"policies": len(policies), "claims": claims, "events": events}


def _officer(county, today) -> User:
    officer = User.objects.filter(username=OFFICER_USERNAME).first()
    if officer is None:
        officer = User.objects.create(
            username=OFFICER_USERNAME, password=make_password(PASSWORD), full_name="刘理赔", phone=""
        )
    if not Assignment.objects.filter(user=officer, role=Role.INSURER, end_date__isnull=True).exists():
        grid_services.assign(user=officer, area=county, role=Role.INSURER, start_date=today - dt.timedelta(days=730))
    return officer


def _policies(county, insurer, perils, officer, today, rng) -> list[Policy]:
    """Last year's policy of every township (without the newest peril), renewed this year."""
    towns = list(Area.objects.filter(path__startswith=county.path, level=AreaLevel.TOWNSHIP).order_by("code"))
    sampled = sum(t.population for t in towns) or 1
    have = {(p.township_id, p.year): p for p in Policy.objects.filter(insurer=insurer)}
    policies = []
    for town in towns:
        people = round(town.population * COUNTY_PEOPLE / sampled * rng.uniform(0.75, 1.25)) if town.population else 0
        people = people or rng.randint(30_000, 60_000)
        old = have.get((town.pk, today.year - 1)) or services.issue_policy(
            insurer=insurer, township=town, year=today.year - 1, perils=perils[:-1],
            population=people, actor=officer, **COVER,
        )  # fmt: skip
        new = have.get((town.pk, today.year))
        if new is None:
            new = services.renew_policy(policy=old, actor=officer, population=round(people * rng.uniform(1.0, 1.03)))
            new.perils.add(perils[-1])  # the cover widened this year
        policies += [old, new]
    return policies


class ClaimMaker:
    """Claims and their timelines, built in memory and inserted in bulk."""

    def __init__(self, county, policies, perils, officer, rng, now):
        self.rng, self.now, self.officer = rng, now, officer
        self.by_town = defaultdict(list)
        for p in policies:
            self.by_town[p.township_id].append(p)
        self.items = {p.code: items for p, (_c, _n, items) in zip(perils, PERILS, strict=True)}
        self.cover_of = {p.pk: list(p.perils.all()) for p in policies}
        self.users = dict(User.objects.filter(username__regex=r"^(town-|vh-|gw-)[0-9]+$").values_list("username", "id"))
        self.area_codes = dict(Area.objects.filter(path__startswith=county.path).values_list("id", "code"))
        self.claims, self.timelines = [], []
        self.paid = defaultdict(Decimal)  # (policy, household) → paid so far
        for row in (
            Claim.objects.filter(status=S.SETTLED).values("policy_id", "household_id").annotate(s=Sum("paid_amount"))
        ):
            self.paid[(row["policy_id"], row["household_id"])] = row["s"]
        self.taken = set(Claim.objects.values_list("household_id", "loss_date", "item_key"))
        self.claimed_cases = set(Claim.objects.exclude(incident=None).values_list("incident_id", flat=True))

    def _policy(self, town_id, day):
        return next((p for p in self.by_town[town_id] if p.starts_on <= day <= p.ends_on), None)

    def from_thefts(self):
        thefts = (
            incident_selectors.theft_cases()
            .filter(township_id__in=list(self.by_town))
            .exclude(pk__in=self.claimed_cases)
            .order_by("id")
            .values("id", "grid_id", "township_id", "created_at", "reporter_id")
        )
        thefts = [t for t in thefts if self.rng.random() < CLAIM_SHARE]
        households = defaultdict(list)
        for h in Household.objects.filter(grid_id__in={t["grid_id"] for t in thefts}).values(
            "id", "grid_id", "village_id", "township_id", "county_id"
        ):
            households[h["grid_id"]].append(h)
        for t in thefts:
            day = timezone.localdate(t["created_at"])
            policy = self._policy(t["township_id"], day)
            if policy is None or not households[t["grid_id"]]:
                continue
            reported = t["created_at"] + dt.timedelta(hours=self.rng.uniform(2, 48))
            self._claim(policy, self.rng.choice(households[t["grid_id"]]), day, reported, incident_id=t["id"])

    def last_year(self):
        for town_id, policies in self.by_town.items():
            policy = min(policies, key=lambda p: p.year)
            people = list(
                Household.objects.filter(township_id=town_id)
                .order_by("id")
                .values("id", "grid_id", "village_id", "township_id", "county_id")[:400]
            )
            if not people:
                continue
            for _i in range(LAST_YEAR_CLAIMS_PER_TOWNSHIP):
                day = policy.starts_on + dt.timedelta(days=self.rng.randint(0, 330))
                at = timezone.make_aware(
                    dt.datetime.combine(day, dt.time(9)) + dt.timedelta(hours=self.rng.uniform(0, 48))
                )
                self._claim(
                    policy,
                    self.rng.choice(people),
                    day,
                    at,
                    police=f"虞公(刑)受字[{day.year}]{self.rng.randint(1000, 9999)}号",
                )

    def _claim(self, policy, household, day, reported, incident_id=None, police=""):
        rng = self.rng
        peril = rng.choice(self.cover_of[policy.pk])
        item, low, high = rng.choice(self.items[peril.code])
        key = (household["id"], day, "".join(item.split()).casefold())
        if key in self.taken or reported > self.now:
            return
        self.taken.add(key)
        claim = Claim(
            number="",
            policy=policy,
            household_id=household["id"],
            county_id=household["county_id"],
            township_id=household["township_id"],
            village_id=household["village_id"],
            grid_id=household["grid_id"],
            incident_id=incident_id,
            police_report_number=police,
            peril=peril,
            item=item,
            item_key=key[2],
            loss_date=day,
            loss_amount=Decimal(rng.randrange(low, high, 50)),
            status=S.REPORTED,
            reported_by_id=self.users.get(f"gw-{self.area_codes.get(household['grid_id'], '')}")
            or self.users.get(f"town-{self.area_codes[household['township_id']]}")
            or self.officer.pk,
            reported_at=reported,
        )
        self.claims.append(claim)
        self.timelines.append(self._life(claim, household))

    def _life(self, claim, household) -> list[ClaimEvent]:
        """Walk the claim through the workflow until the next step would lie in the future."""
        rng, policy = self.rng, claim.policy
        village = self.users.get(f"vh-{self.area_codes[household['village_id']]}")
        town = self.users.get(f"town-{self.area_codes[household['township_id']]}")
        events = [self._event(claim, "report", "", claim.reported_by_id, claim.reported_at, "")]
        at = claim.reported_at

        def step(action, actor, days, note=""):
            nonlocal at
            at = at + dt.timedelta(days=days, hours=rng.uniform(0, 8))
            if at > self.now or actor is None:
                return False
            before = claim.status
            claim.status = CLAIM_WORKFLOW.get(action).target
            events.append(self._event(claim, action, before, actor, at, note))
            return True

        roll = rng.random()
        if roll < 0.04 and step("withdraw", claim.reported_by_id, rng.uniform(0.5, 3), rng.choice(WITHDRAW_REASONS)):
            return events
        if roll < 0.12 and step("return", village, rng.uniform(0.5, 2), rng.choice(RETURN_REASONS)):
            if not step("resubmit", claim.reported_by_id, rng.uniform(1, 4), "已补充材料"):
                return events
        if not step("verify", village, rng.uniform(0.5, 3), "已入户核实，情况属实"):
            return events
        if 0.12 <= roll < 0.17:
            step("decline", town, rng.uniform(1, 3), rng.choice(DECLINE_REASONS))
            return events
        if not step("approve", town, rng.uniform(1, 4)):
            return events
        cap = min(
            claim.loss_amount - policy.excess,
            policy.per_claim_limit,
            policy.household_year_limit - self.paid[(policy.pk, claim.household_id)],
        )
        if 0.17 <= roll < 0.22 or cap <= 0:
            step("decline", self.officer.pk, rng.uniform(2, 6), rng.choice(DECLINE_REASONS))
            return events
        if step("settle", self.officer.pk, rng.uniform(3, 12)):
            claim.paid_amount, claim.paid_on = cap, timezone.localdate(at)
            self.paid[(policy.pk, claim.household_id)] += cap
            events[-1].data = {"paid_amount": str(cap), "paid_on": claim.paid_on.isoformat()}
        return events

    def _event(self, claim, action, before, actor_id, at, note):
        label = "报案" if action == "report" else str(CLAIM_WORKFLOW.get(action).label)
        claim.version = 1 if action == "report" else claim.version + 1
        return ClaimEvent(
            action=action, action_label=label, from_state=before, to_state=claim.status,
            actor_id=actor_id, note=note, created_at=at,
        )  # fmt: skip

    def save(self) -> tuple[int, int]:
        for i, claim in enumerate(self.claims):
            claim.number = f"T{i}-{claim.item_key}"[:24]
        Claim.objects.bulk_create(self.claims, batch_size=1000)
        for claim in self.claims:
            claim.number = f"LP{claim.policy.year}{claim.pk:07d}"
        Claim.objects.bulk_update(self.claims, ["number"], batch_size=1000)
        events = []
        for claim, timeline in zip(self.claims, self.timelines, strict=True):
            for event in timeline:
                event.claim_id = claim.pk
                events.append(event)
        ClaimEvent.objects.bulk_create(events, batch_size=2000)
        return len(self.claims), len(events)


def reset_demo() -> None:
    """Remove the demo's insurance: claims, policies, schedules, the insurer and its officer. On
    PostgreSQL the claim timeline is append-only (a trigger refuses DELETE): drop the database."""
    with transaction.atomic():
        events = ClaimEvent.objects.filter(claim__policy__insurer__code=INSURER_CODE)
        if connection.vendor == "postgresql" and events.exists():
            raise CommandError(
                "PostgreSQL 上的理赔时间线（ClaimEvent）只增不删，数据库触发器拒绝删除，无法重置演示保险数据。"
                "请删除并重建数据库，然后重新运行 seed_demo。"
            )
        events._raw_delete(events.db)
        Claim.objects.filter(policy__insurer__code=INSURER_CODE).delete()
        policies = Policy.objects.filter(insurer__code=INSURER_CODE)
        policies.filter(renewed_from__isnull=False).delete()
        policies.delete()
        PremiumSchedule.objects.filter(insurer__code=INSURER_CODE).delete()
        Insurer.objects.filter(code=INSURER_CODE).delete()
        officer = User.objects.filter(username=OFFICER_USERNAME)
        Assignment.objects.filter(user__in=officer).delete()
        officer.delete()

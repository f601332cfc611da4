"""The demo county's governance credit (settings.DEMO_EXTENSIONS; `manage.py seed_demo` calls it).

`seed_demo` adds the rule catalogue (version 1), the credit logins (the cooperative `coop`, the
county evaluation group `credit-county`, a township group `credit-<9-digit code>` for the first
three townships), a dozen enterprises, applied facts for about a third of those townships'
households, one round per village of them — effective in the first two townships, in its
public notice in the third — with scored ratings and their audit trail, credit lines with
drawdowns, two safe villages, and the proposals that the cases closed and the volunteer records
kept in the task's look-back make (left pending for the evaluation group, as the 15-minute task
would have left them). The other townships have no round yet, as in a county where the credit
evaluation began in a few townships; the overview page names them. Everything is built in memory and inserted in bulk.
"""

import datetime as dt
import random
import string
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone
from stdnum.cn import uscc

from credit import proposals, rules
from credit.constants import FactOrigin, FactStatus, ItemKind, MovementKind, RoundStatus, SubjectKind
from credit.models import (
    CreditLine,
    Enterprise,
    EvaluationRound,
    Fact,
    FactEvent,
    GradeBand,
    IntegrityCheck,
    LoanMovement,
    Objection,
    Rating,
    RoundEvent,
    RuleItem,
    RuleVersion,
    SafeVillage,
    Subject,
)
from credit.subjects import household_subjects
from demo.grids import COUNTY_CODE
from demo.grids.people import PASSWORD
from governance.models import User
from governance.roles import Role
from grids import services as grid_services
from grids.levels import AreaLevel
from grids.models import Area, Assignment, Household

__all__ = ["reset_demo", "seed_demo"]

TOWNSHIPS = 3
COOPERATIVE_USERNAME = "coop"
COUNTY_GROUP_USERNAME = "credit-county"
ENTERPRISE_NAMES = [
    "虞城县绿源农业有限公司",
    "虞城县鑫达钢卷尺制造有限公司",
    "虞城县惠民食品有限公司",
    "虞城县恒通物流有限公司",
    "虞城县康宁中药材种植专业合作社",
    "虞城县宏达建材有限公司",
    "虞城县丰收农机服务有限公司",
    "虞城县金穗面粉有限公司",
    "虞城县爱心家政服务有限公司",
    "虞城县光明电子科技有限公司",
    "虞城县田园果蔬专业合作社",
    "虞城县诚信五金工具厂",
]


def _credit_users(county: Area, townships: list[Area], password: str) -> dict:
    start = timezone.localdate() - dt.timedelta(days=400)
    wanted = [(COOPERATIVE_USERNAME, "农信社客户经理", county, Role.CREDIT_COOPERATIVE)]
    wanted.append((COUNTY_GROUP_USERNAME, "县综治信用评定小组", county, Role.CREDIT_COMMITTEE))
    wanted += [(f"credit-{t.code}", f"{t.name}评定小组", t, Role.CREDIT_COMMITTEE) for t in townships]
    users = {}
    for username, name, area, role in wanted:
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": name, "password": password}
        )
        if created:
            grid_services.assign(user=user, area=area, role=role, start_date=start)
        users[username] = user
    return users


def _credit_code(rng: random.Random) -> str:
    """A valid unified social credit code of the county (registration 9 / type 1, division 411425)."""
    while True:
        org = "".join(rng.choice(string.digits + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
        body = "91" + COUNTY_CODE + org
        code = body + uscc.calc_check_digit(body)
        if uscc.is_valid(code):
            return code


def _enterprises(rng, villages: list[Area], columns: dict) -> list[Subject]:
    rows = []
    for name in ENTERPRISE_NAMES:
        village = rng.choice(villages)
        rows.append(
            Enterprise(name=name, credit_code=_credit_code(rng), address=f"{village.name}", **columns[village.pk])
        )
    Enterprise.objects.bulk_create(rows)
    return Subject.objects.bulk_create(
        Subject(kind=SubjectKind.ENTERPRISE, enterprise=e, name=e.name, **columns[e.village_id]) for e in rows
    )


def _facts(
    rng, subjects: list[Subject], catalogue: rules.Catalogue, deciders: dict, proposers: dict, today, now
) -> list[Fact]:
    """Applied facts: a third of the subjects earn bonuses, some a deduction, a few a veto —
    each proposed by the village head and decided by the township's group (two people)."""
    items = list(catalogue.items.values())
    facts = []
    for subject in subjects:
        fitting = [i for i in items if rules.item_applies(i, subject.kind)]
        bonuses = [i for i in fitting if i.kind == ItemKind.BONUS]
        picked = []
        if rng.random() < 0.35:
            picked += rng.sample(bonuses, min(len(bonuses), rng.choice([1, 1, 2, 3, 4])))
        if rng.random() < 0.08:
            picked.append(rng.choice([i for i in fitting if i.kind == ItemKind.DEDUCTION]))
        if rng.random() < 0.02:
            picked.append(rng.choice([i for i in fitting if i.kind == ItemKind.VETO]))
        for item in picked:
            facts.append(
                Fact(
                    subject=subject,
                    item_code=item.code,
                    item_name=item.name,
                    kind=item.kind,
                    occurred_on=today - dt.timedelta(days=rng.randint(20, 300)),
                    origin=FactOrigin.MANUAL,
                    note="村级评议提报",
                    status=FactStatus.APPLIED,
                    version=2,
                    proposed_by_id=proposers.get(subject.village_id),
                    decided_by=deciders[subject.township_id],
                    county_id=subject.county_id,
                    township_id=subject.township_id,
                    village_id=subject.village_id,
                    created_at=now - dt.timedelta(days=30),
                )
            )
    Fact.objects.bulk_create(facts, batch_size=2000)
    events = []
    for f in facts:
        common = {"fact": f, "actor": f.decided_by, "actor_role": Role.CREDIT_COMMITTEE}
        events.append(
            FactEvent(
                fact=f,
                actor_id=f.proposed_by_id,
                actor_role=Role.VILLAGE_HEAD if f.proposed_by_id else "",
                action="propose",
                action_label="提议",
                to_state=FactStatus.PROPOSED,
                created_at=f.created_at,
            )
        )
        events.append(
            FactEvent(
                action="apply",
                action_label="采纳",
                from_state=FactStatus.PROPOSED,
                to_state=FactStatus.APPLIED,
                created_at=f.created_at + dt.timedelta(days=2),
                **common,
            )
        )
    FactEvent.objects.bulk_create(events, batch_size=5000)
    return facts


ROUND_STEPS = [
    ("create", "发起评定", "", RoundStatus.DRAFT),
    ("nominate", "提名评定对象", RoundStatus.DRAFT, RoundStatus.DRAFT),
    ("propose", "村级提报", RoundStatus.DRAFT, RoundStatus.PROPOSED),
    ("review", "评定小组审核通过", RoundStatus.PROPOSED, RoundStatus.REVIEWED),
    ("publish", "县级发布公示", RoundStatus.REVIEWED, RoundStatus.NOTICE),
    ("take_effect", "公示期满生效", RoundStatus.NOTICE, RoundStatus.EFFECTIVE),
]


def _rounds(villages, columns, effective_townships, users, version, now) -> dict[int, EvaluationRound]:
    """One round per village: effective 10 days ago, or in its notice period since yesterday."""
    today = timezone.localdate()
    rounds, events = {}, []
    county_group = users[COUNTY_GROUP_USERNAME]
    for village in villages:
        township_id = columns[village.pk]["township_id"]
        effective = township_id in effective_townships
        published = now - dt.timedelta(days=18 if effective else 1)
        group = users["by_township"][township_id]
        rnd = EvaluationRound(
            period=str(today.year),
            rule_version=version,
            status=RoundStatus.EFFECTIVE if effective else RoundStatus.NOTICE,
            version=len(ROUND_STEPS) if effective else len(ROUND_STEPS) - 1,
            notice_ends_at=published + dt.timedelta(days=7),
            scored_on=(published - dt.timedelta(days=3)).date(),
            effective_on=today - dt.timedelta(days=10) if effective else None,
            proposed_by=group,
            created_by=group,
            created_at=published - dt.timedelta(days=10),
            **columns[village.pk],
        )
        rounds[village.pk] = rnd
    EvaluationRound.objects.bulk_create(rounds.values())
    for rnd in rounds.values():
        steps = ROUND_STEPS if rnd.status == RoundStatus.EFFECTIVE else ROUND_STEPS[:-1]
        group = users["by_township"][rnd.township_id]
        for i, (action, label, source, target) in enumerate(steps):
            actor = county_group if action in ("publish", "take_effect") else group
            events.append(
                RoundEvent(
                    round=rnd,
                    action=action,
                    action_label=label,
                    from_state=source,
                    to_state=target,
                    actor=actor,
                    actor_role=Role.CREDIT_COMMITTEE,
                    created_at=rnd.created_at + dt.timedelta(days=i * 3),
                )
            )
    RoundEvent.objects.bulk_create(events, batch_size=5000)
    return rounds


def _ratings(rounds, subjects, facts, catalogue) -> list[Rating]:
    by_subject: dict[int, list] = {}
    for fact in facts:
        by_subject.setdefault(fact.subject_id, []).append(fact)
    rows = []
    for subject in subjects:
        rnd = rounds[subject.village_id]
        s = rules.score(catalogue, subject.kind, by_subject.get(subject.pk, []), rnd.scored_on)
        valid_from = rnd.effective_on
        rows.append(
            Rating(
                round=rnd,
                subject=subject,
                rule_version=rnd.rule_version,
                score=s.score,
                bonus_points=s.bonus,
                deduction_points=s.deduction,
                vetoed=s.vetoed,
                veto_reasons=s.veto_reasons,
                breakdown=s.breakdown,
                grade=s.grade,
                credit_line=s.credit_line,
                term_months=s.term_months,
                valid_from=valid_from,
                valid_until=rules.add_months(valid_from, s.term_months or 36) if valid_from else None,
                county_id=subject.county_id,
                township_id=subject.township_id,
                village_id=subject.village_id,
            )
        )
    return Rating.objects.bulk_create(rows, batch_size=2000)


def _lines(rng, ratings, coop) -> int:
    granted = [r for r in ratings if r.valid_from and r.grade and rng.random() < 0.4]
    lines = [
        CreditLine(
            subject_id=r.subject_id,
            rating=r,
            amount=r.credit_line if rng.random() < 0.6 else r.credit_line // 2,
            term_months=r.term_months,
            granted_on=r.valid_from,
            expires_on=rules.add_months(r.valid_from, r.term_months),
            granted_by=coop,
            county_id=r.county_id,
            township_id=r.township_id,
            village_id=r.village_id,
        )
        for r in granted
    ]
    CreditLine.objects.bulk_create(lines, batch_size=2000)
    LoanMovement.objects.bulk_create(
        [
            LoanMovement(
                line=line,
                kind=MovementKind.DRAW,
                amount=rng.randrange(10_000, line.amount + 1, 5_000),
                on=line.granted_on + dt.timedelta(days=rng.randint(0, 5)),
                recorded_by=coop,
            )
            for line in lines
            if rng.random() < 0.7
        ],
        batch_size=2000,
    )
    return len(lines)


def seed_demo(
    *, county: Area, seed: int, scale: float = 1.0, log: Callable[[str], None] = lambda message: None
) -> dict:
    rng = random.Random(f"{seed}:credit")
    now, today = timezone.now(), timezone.localdate()
    with transaction.atomic():
        version = rules.ensure_default_catalogue()
        catalogue = rules.Catalogue.load(version)
        townships = list(
            Area.objects.filter(path__startswith=county.path, level=AreaLevel.TOWNSHIP).order_by("code")[:TOWNSHIPS]
        )
        users = _credit_users(county, townships, make_password(PASSWORD))
        users["by_township"] = {t.pk: users[f"credit-{t.code}"] for t in townships}
        villages = []
        for township in townships:
            villages += list(Area.objects.filter(path__startswith=township.path, level=AreaLevel.VILLAGE))
        columns = {
            v.pk: {"county_id": county.pk, "township_id": t.pk, "village_id": v.pk}
            for t in townships
            for v in villages
            if v.path.startswith(t.path)
        }
        households = Household.objects.filter(village_id__in=list(columns))
        subjects = list(household_subjects(households).values())
        subjects += _enterprises(rng, villages, columns)
        heads = dict(
            User.objects.filter(username__in=[f"vh-{v.code}" for v in villages]).values_list("username", "id")
        )
        proposers = {v.pk: heads[f"vh-{v.code}"] for v in villages if f"vh-{v.code}" in heads}
        facts = _facts(rng, subjects, catalogue, users["by_township"], proposers, today, now)
        rounds = _rounds(villages, columns, {t.pk for t in townships[:2]}, users, version, now)
        ratings = _ratings(rounds, subjects, facts, catalogue)
        lines = _lines(rng, ratings, users[COOPERATIVE_USERNAME])
        for village in villages[:2]:
            SafeVillage.objects.get_or_create(
                village=village, year=today.year - 1, defaults={"source": "平安创建考核（演示）", **columns[village.pk]}
            )
        # What the 15-minute task (credit.tasks) would have proposed by now, with its own look-back:
        # the first run after the seed finds nothing new, so the queue does not jump.
        pending = proposals.propose_from_closed_cases(now=now) + proposals.propose_from_contributions(now=now)
    counts = {
        "subjects": len(subjects),
        "facts": len(facts),
        "rounds": len(rounds),
        "ratings": len(ratings),
        "lines": lines,
        "pending": pending,
    }
    log(
        f"综治信用：{counts['rounds']} 个村的评定（{townships[0].name}等 {len(townships)} 个乡镇），"
        f"{counts['ratings']} 个评级，{lines} 笔授信，{pending} 条待评定提议；农信社账号 {COOPERATIVE_USERNAME}"
    )
    return counts


def reset_demo() -> None:
    """Remove the demo's credit data and logins. On PostgreSQL the event tables are append-only
    (a trigger refuses DELETE): once they hold rows, the database is dropped and created afresh."""
    county = Area.objects.filter(code=COUNTY_CODE).first()
    with transaction.atomic():
        events = [
            FactEvent.objects.all(),
            RoundEvent.objects.all(),
            LoanMovement.objects.all(),
            IntegrityCheck.objects.all(),
        ]
        if connection.vendor == "postgresql" and any(qs.exists() for qs in events):
            raise CommandError(
                "PostgreSQL 上的综治信用记录（评定记录、用信记录、诚信查询记录）只增不删，无法重置。"
                "请删除并重建数据库（dropdb 后 createdb，再 manage.py migrate），然后重新运行 seed_demo。"
            )
        for qs in events:
            qs._raw_delete(qs.db)  # append-only rows: no signals, nothing cascades from them
        CreditLine.objects.all().delete()
        Objection.objects.all().delete()
        Rating.objects.all().delete()
        EvaluationRound.objects.all().delete()
        Fact.objects.all().delete()
        SafeVillage.objects.all().delete()
        Subject.objects.all().delete()
        Enterprise.objects.all().delete()
        GradeBand.objects.all().delete()
        RuleItem.objects.all().delete()
        RuleVersion.objects.all().delete()
        usernames = [COOPERATIVE_USERNAME, COUNTY_GROUP_USERNAME]
        if county is not None:
            usernames += [
                f"credit-{code}"
                for code in Area.objects.filter(path__startswith=county.path, level=AreaLevel.TOWNSHIP).values_list(
                    "code", flat=True
                )
            ]
        users = User.objects.filter(username__in=usernames)
        Assignment.objects.filter(user__in=users).delete()
        users.delete()

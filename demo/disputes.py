"""The demo county's mediation, petitions and subsidies (settings.DEMO_EXTENSIONS; `seed_demo`).

For the first townships: a 摆理堂 in each village with two mediators (a village elder, and the
village station head with their login `vh-<code>`), the township judicial office (its mediator
is the township officer `town-<code>`), a police-station mediation room in the first township, an
enterprise committee, and the county's centre. Dispute cases are reported, registered, sent to
their village and signed for through the incidents workflow; their mediations then go through
every state with the services (accepted, mediating, agreed with follow-ups — some confirmed by the
court, some visits done — failed, passed up to the township, referred). Petitions are filed with
repeats by the same people and owner leaders; a few are old enough to be in the backlog.
Subsidy rates changed in the middle of last month, and last month's statements are built.

Everything runs through the services, so every timeline follows the workflow; its event rows
carry the time the demo was loaded. Last month's agreements and the old petitions are dated back
on their own rows (not on the append-only timelines) so that the statements and the backlog have
something to show.
"""

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from disputes import petitions, services, subsidies
from disputes.constants import BodyKind, Difficulty, MediationStatus, PartySide
from disputes.models import (
    BacklogTarget,
    FollowUp,
    Mediation,
    MediationBody,
    MediationEvent,
    MediationParty,
    MediationSession,
    Mediator,
    Petition,
    Petitioner,
    PetitionEvent,
    StatementEvent,
    SubsidyLine,
    SubsidyRate,
    SubsidyStatement,
)
from governance.models import User
from grids.levels import AreaLevel
from grids.models import Area
from incidents import intake
from incidents import services as incident_services
from incidents.models import Category, Unit

TOWNSHIPS = 3
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
MATTERS = {
    "MD01": "夫妻因赡养老人问题发生争吵，要求调解",
    "MD02": "两家因院墙滴水、宅基地边界发生争执",
    "MD03": "承包地边界不清，两户争种同一块地",
    "MD04": "建房挡住邻居采光，邻居阻止施工",
    "MD05": "农民工讨要工程欠薪",
}
# the path each demo mediation takes, in turn
PATHS = ["agree", "agree_confirmed", "agree", "mediating", "accepted", "fail", "escalate", "refer", "agree_last_month"]


def _user(username):
    return User.objects.filter(username=username).first()


def _name(rng):
    return rng.choice(SURNAMES) + rng.choice("建国秀英桂兰志强国庆春梅玉华")


def _bodies(county, townships, log):
    bodies = {"county": services.create_body(kind=BodyKind.COUNTY_CENTRE, name="虞城县矛盾纠纷调处中心", area=county)}
    for i, town in enumerate(townships):
        officer = _user(f"town-{town.code}")
        body = services.create_body(kind=BodyKind.TOWNSHIP_JUDICIAL, name=f"{town.name}司法所人民调解委员会", area=town)
        services.add_mediator(body=body, name=str(officer) if officer else f"{town.name}司法所干部", user=officer)
        bodies[town.pk] = body
        if i == 0:
            room = services.create_body(kind=BodyKind.POLICE_ROOM, name=f"{town.name}派出所调解室", area=town)
            services.add_mediator(body=room, name="派出所民警老周")
            services.create_body(kind=BodyKind.ENTERPRISE, name=f"{town.name}工业园区企业调解委员会", area=town)
        for village in Area.objects.filter(path__startswith=town.path, level=AreaLevel.VILLAGE).order_by("code")[:4]:
            venue = services.create_body(kind=BodyKind.VILLAGE_VENUE, name=f"{village.name}摆理堂", area=village)
            services.add_mediator(body=venue, name=f"老党员{SURNAMES[village.pk % len(SURNAMES)]}")
            head = _user(f"vh-{village.code}")
            if head:
                services.add_mediator(body=venue, name=str(head), user=head)
            bodies[village.pk] = venue
    log(f"调解组织 {MediationBody.objects.count()} 个，调解员 {Mediator.objects.count()} 名")
    return bodies


def _dispute_case(rng, village, operator, head):
    code = rng.choice(list(MATTERS))
    grid = Area.objects.filter(path__startswith=village.path, level=AreaLevel.GRID).order_by("code").first()
    case = intake.submit_report(
        reporter=head,
        source="walk_in",
        category=Category.objects.get(code=code),
        description=MATTERS[code],
        grid_id=grid.pk,
    )
    incident_services.register(case_id=case.pk, actor=operator)
    unit = Unit.objects.get(kind="village", area=village)
    incident_services.dispatch(case_id=case.pk, actor=operator, unit=unit)
    incident_services.accept(case_id=case.pk, actor=head)
    return case


def _mediate(rng, path, case, body, head, officer, township_body, today):
    mediators = [m.pk for m in body.mediators.all()]
    parties = [{"name": _name(rng), "side": PartySide.APPLICANT}, {"name": _name(rng), "side": PartySide.RESPONDENT}]
    difficulty = rng.choice([Difficulty.SIMPLE, Difficulty.ORDINARY, Difficulty.ORDINARY, Difficulty.COMPLEX])
    m = services.open_mediation(
        actor=head,
        case_id=case.pk,
        body_id=body.pk,
        mediator_ids=mediators,
        matter=case.description,
        parties=parties,
        difficulty=difficulty,
    )
    if path == "accepted":
        return m
    services.record_session(
        mediation_id=m.pk,
        actor=head,
        held_on=today,
        place=body.name,
        attendees="双方当事人、村两委成员",
        notes="调解员释法说理，双方陈述各自诉求",
        mediator_ids=mediators,
    )
    if path == "mediating":
        return m
    if path.startswith("agree"):
        services.agree(
            mediation_id=m.pk, actor=head, agreement_text="双方自愿达成如下协议：以原界桩为界，各自退让，互不追究。"
        )
        if path == "agree_confirmed":
            services.confirm(mediation_id=m.pk, actor=head, confirmed_on=today, court="虞城县人民法院")
        return m
    if path == "refer":
        return services.refer(mediation_id=m.pk, actor=head, referred_to="court", note="涉及金额较大，引导当事人起诉")[
            0
        ]
    services.fail(mediation_id=m.pk, actor=head, note="双方分歧较大，未能达成协议")
    if path == "escalate":
        new, _e = services.escalate(
            mediation_id=m.pk, actor=head, body_id=township_body.pk, note="村级调解不成，移交司法所"
        )
        if officer:
            services.record_session(
                mediation_id=new.pk,
                actor=officer,
                held_on=today,
                place=township_body.name,
                attendees="双方当事人",
                notes="司法所组织再次调解",
                mediator_ids=[x.pk for x in township_body.mediators.all()],
            )
    return m


def _petitions(rng, county, townships, log):
    operator, leader = _user("zhihui"), _user("zhihui-lead")
    land = Category.objects.get(code="MD03")
    wages = Category.objects.get(code="MD05")
    filed = []
    for i, town in enumerate(townships):
        officer = _user(f"town-{town.code}")
        grid = Area.objects.filter(path__startswith=town.path, level=AreaLevel.GRID).order_by("code").first()
        for n in range(4):
            person = {"name": _name(rng), "phone": f"139{town.code[-3:]}{i}{n:04d}"}
            category = land if n % 2 == 0 else wages
            owner = leader if n == 0 else officer
            first = petitions.file_petition(
                actor=operator,
                channel=rng.choice(["visit", "letter", "online", "hotline"]),
                category=category,
                description=f"{person['name']}反映{category.name}问题，要求尽快解决",
                petitioners=[person],
                grid_id=grid.pk,
                owner=owner,
            )
            filed.append(first)
            if n < 2:  # comes back about the same matter
                filed.append(
                    petitions.file_petition(
                        actor=operator,
                        channel="visit",
                        category=category,
                        description="再次反映同一问题",
                        petitioners=[person],
                        grid_id=grid.pk,
                    )
                )
            if n == 3:  # a grid worker files for an elderly petitioner
                worker = User.objects.filter(username__startswith=f"gw-{grid.code}", is_active=True).first()
                if worker:
                    petitions.file_petition(
                        actor=worker,
                        channel="visit",
                        category=land,
                        description="代老人反映承包地被占",
                        petitioners=[{"name": _name(rng), "phone": f"137{town.code[-3:]}{i}{n:04d}"}],
                        grid_id=grid.pk,
                        on_behalf=True,
                    )
        if officer:
            petitions.reply(petition_id=filed[-1].pk, actor=officer, reply_text="经调查核实，已协调相关单位依法处理。")
    old = [p.pk for p in filed[::3]]
    Petition.objects.filter(pk__in=old).update(received_at=timezone.now() - dt.timedelta(days=120))
    entered = petitions.mark_backlog()
    for p in Petition.objects.filter(pk__in=old[:2]).select_related("owner"):
        actor = p.owner or operator
        petitions.reply(petition_id=p.pk, actor=actor, reply_text="经多次协调，问题已解决。")
        petitions.resolve(petition_id=p.pk, actor=actor)
    BacklogTarget.objects.get_or_create(area=county, year=timezone.localdate().year, defaults={"target": 10})
    repeats = Petition.objects.filter(first_petition__isnull=False).count()
    log(f"信访 {Petition.objects.count()} 件（重复 {repeats} 件，积案 {entered} 件）")


def seed_demo(*, county: Area, seed: int, scale: float = 1.0, log: Callable[[str], None] = lambda message: None):
    rng = random.Random(f"{seed}:disputes")
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    operator = _user("zhihui")
    with transaction.atomic():
        for difficulty, old, new in (
            (Difficulty.SIMPLE, "100", "120"),
            (Difficulty.ORDINARY, "200", "240"),
            (Difficulty.COMPLEX, "500", "600"),
        ):
            SubsidyRate.objects.create(
                difficulty=difficulty, amount=Decimal(old), valid_from=dt.date(today.year - 1, 1, 1)
            )
            SubsidyRate.objects.create(
                difficulty=difficulty, amount=Decimal(new), valid_from=last_month + dt.timedelta(days=15)
            )
        townships = list(
            Area.objects.filter(path__startswith=county.path, level=AreaLevel.TOWNSHIP).order_by("code")[:TOWNSHIPS]
        )
        bodies = _bodies(county, townships, log)
        back = []
        for town in townships:
            officer = _user(f"town-{town.code}")
            villages = Area.objects.filter(path__startswith=town.path, level=AreaLevel.VILLAGE).order_by("code")[:4]
            for i, path in enumerate(PATHS):
                village = villages[i % len(villages)]
                head = _user(f"vh-{village.code}")
                if head is None:
                    continue
                case = _dispute_case(rng, village, operator, head)
                m = _mediate(rng, path, case, bodies[village.pk], head, officer, bodies[town.pk], today)
                if path == "agree_last_month":
                    back.append((m.pk, rng.randrange(1, 28)))
        for pk, day in back:
            moment = timezone.make_aware(dt.datetime.combine(last_month.replace(day=day), dt.time(15, 0)))
            Mediation.objects.filter(pk=pk).update(created_at=moment, concluded_at=moment)
            FollowUp.objects.filter(mediation_id=pk).update(due_on=dt.date.fromordinal(moment.date().toordinal() + 7))
        statements = subsidies.build_statements(month=last_month)
        _petitions(rng, county, townships, log)
    states = dict(Mediation.objects.values_list("status").annotate(n=Count("id")).order_by())
    log(
        f"调解 {sum(states.values())} 件（{', '.join(f'{MediationStatus(s).label} {n}' for s, n in states.items())}），"
        f"上月以案定补结算单 {statements} 张"
    )
    return {"mediations": sum(states.values()), "statements": statements}


def reset_demo() -> None:
    """Remove the demo's mediation, petition and subsidy data. On PostgreSQL the timelines are
    append-only (a trigger refuses DELETE): once they hold rows, the database must be recreated."""
    events = [MediationEvent.objects.all(), PetitionEvent.objects.all(), StatementEvent.objects.all()]
    if connection.vendor == "postgresql" and any(qs.exists() for qs in events):
        raise CommandError(
            "PostgreSQL 上的调解、信访和结算记录只增不删，无法重置。"
            "请删除并重建数据库（dropdb 后 createdb，再 manage.py migrate），然后重新运行 seed_demo。"
        )
    with transaction.atomic():
        SubsidyLine.objects.all().delete()
        MediationSession.objects.all().delete()
        FollowUp.objects.all().delete()
        for qs in events:
            qs._raw_delete(qs.db)  # append-only rows: no signals, nothing cascades from them
        SubsidyStatement.objects.all().delete()
        SubsidyRate.objects.all().delete()
        BacklogTarget.objects.all().delete()
        MediationParty.objects.all().delete()
        Mediation.objects.filter(escalated_from__isnull=False).delete()
        Mediation.objects.all().delete()
        Mediator.objects.all().delete()
        MediationBody.objects.all().delete()
        Petitioner.objects.all().delete()
        Petition.objects.filter(first_petition__isnull=False).delete()
        Petition.objects.all().delete()

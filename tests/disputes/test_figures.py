"""The figures' formulas on a known data set: success rate, village and township settlement
against passed up, repeat-petition rate, replies on time, backlog cleared — per township, village
and body."""

import datetime as dt

import time_machine
from django.utils import timezone

from disputes import figures, petitions, services
from disputes.models import BacklogTarget, Petition

from .test_petitions import file


def _mediation(d, outcome):
    m = d.open()
    services.record_session(
        mediation_id=m.pk,
        actor=d.village_head,
        held_on=timezone.localdate(),
        attendees="双方",
        notes="调解",
        mediator_ids=[d.elder.pk],
    )
    if outcome == "agree":
        return services.agree(mediation_id=m.pk, actor=d.village_head, agreement_text="协议")[0]
    if outcome == "refer":
        return services.refer(mediation_id=m.pk, actor=d.village_head, referred_to="court", note="起诉")[0]
    services.fail(mediation_id=m.pk, actor=d.village_head, note="未达成")
    new, _e = services.escalate(mediation_id=m.pk, actor=d.village_head, body_id=d.township_body.pk, note="上交")
    services.record_session(
        mediation_id=new.pk,
        actor=d.officer_a,
        held_on=timezone.localdate(),
        attendees="双方",
        notes="乡镇调解",
        mediator_ids=[d.judicial.pk],
    )
    return services.agree(mediation_id=new.pk, actor=d.officer_a, agreement_text="协议")[0]


def test_formulas_on_a_known_data_set(disputes):
    d = disputes
    for outcome in ("agree", "agree", "agree", "refer", "escalate"):
        _mediation(d, outcome)
    first = file(d, owner=d.officer_a)
    file(d)  # a repeat
    file(d, lat=None, lng=None, grid_id=d.world.grids[d.world.a.code][0].id)  # a repeat (same village)
    other = file(d, category="MD01", people=[{"name": "孙三", "phone": "13900000002"}])
    petitions.reply(petition_id=first.pk, actor=d.officer_a, reply_text="已答复")
    Petition.objects.filter(pk=other.pk).update(reply_due_on=timezone.localdate() - dt.timedelta(days=1))
    petitions.reply(petition_id=other.pk, actor=d.officer_a, reply_text="已答复")  # late
    Petition.objects.filter(pk__in=[first.pk, other.pk]).update(received_at=timezone.now() - dt.timedelta(days=100))
    petitions.mark_backlog()
    petitions.resolve(petition_id=first.pk, actor=d.officer_a)
    BacklogTarget.objects.create(area=d.world.a, year=timezone.localdate().year, target=5)
    today = timezone.localdate()

    r = figures.report(d.world.a, today, today)
    t = r.total
    # 调解成功率: agreed 4 (3 village + 1 township) of concluded 6 (+ 1 referred, 1 failed and passed up)
    assert (t.agreed, t.failed, t.referred, t.concluded, t.success_rate) == (4, 1, 1, 6, 66.7)
    assert (t.village_settled, t.village_passed_up, t.village_rate) == (3, 1, 75.0)
    assert (t.township_settled, t.township_passed_up, t.township_rate) == (1, 0, 100.0)
    # petitions were received 100 days ago for two of them: only the two repeats count as received today
    assert (t.petitions, t.repeats, t.repeat_rate) == (2, 2, 100.0)
    assert (t.replied, t.replied_on_time, t.on_time_rate) == (2, 1, 50.0)
    assert (t.backlog_open, t.backlog_cleared) == (1, 1)
    assert (r.target, r.cleared_this_year) == (5, 1)
    assert r.monthly_cleared == [(f"{today:%Y-%m}", 1)]
    first_village, second_village = r.rows
    assert first_village.key == d.village.id and first_village.success_rate == 66.7
    assert second_village.concluded == 0 and second_village.success_rate is None
    by_body = {b.name: (b.agreed, b.concluded, b.success_rate) for b in r.bodies}
    assert by_body == {"城关镇1村摆理堂": (3, 5, 60.0), "城关镇司法所": (1, 1, 100.0)}

    county = figures.report(d.world.county, today - dt.timedelta(days=200), today)
    a_row, b_row = county.rows
    assert (a_row.petitions, a_row.repeat_rate) == (4, 50.0) and b_row.petitions == 0
    assert county.total.success_rate == 66.7


def test_period_and_json(disputes):
    d = disputes
    with time_machine.travel(timezone.now() - dt.timedelta(days=40)):
        _mediation(d, "agree")
    today = timezone.localdate()
    assert figures.report(d.world.a, today - dt.timedelta(days=7), today).total.concluded == 0
    data = figures.as_json(figures.report(d.world.a, today - dt.timedelta(days=60), today))
    assert data["total"]["agreed"] == 1 and data["total"]["success_rate"] == 100.0


def test_the_tables_total_is_the_areas_own_figures(disputes):
    """周评's table sums its groups into the total (figures.table): it must equal the area's own
    figures (figures.totals) at the county (its two townships each with a petition) and at a township."""
    d = disputes
    for outcome in ("agree", "refer", "escalate"):
        _mediation(d, outcome)
    file(d)
    file(d, lat=None, lng=None, grid_id=d.world.grids[d.world.b.code][0].id)
    today = timezone.localdate()
    county, townships = figures.table(d.world.county, today, today)
    assert county == figures.totals(d.world.county, today, today)
    assert (county.concluded, county.petitions, [t.petitions for t in townships]) == (4, 2, [1, 1])
    township, _villages = figures.table(d.world.a, today, today)
    assert township == figures.totals(d.world.a, today, today) and township.petitions == 1

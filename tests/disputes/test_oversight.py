"""Disputes on the wall-screen dashboard (a panel from settings.DASHBOARD_PANELS) and in 周评
(a section from settings.WEEKLY_REVIEW_SECTIONS)."""

import datetime as dt

from django.utils import timezone

from disputes import services
from incidents.reviews.models import WeeklyEvaluation
from oversight.scope import forget_cached_figures

from .test_petitions import file


def _agreed(d):
    m = d.open()
    services.record_session(
        mediation_id=m.pk,
        actor=d.village_head,
        held_on=timezone.localdate(),
        attendees="双方",
        notes="调解",
        mediator_ids=[d.elder.pk],
    )
    return services.agree(mediation_id=m.pk, actor=d.village_head, agreement_text="协议")[0]


def test_dashboard_panel(disputes, client):
    d = disputes
    forget_cached_figures()
    _agreed(d)
    m = d.open()
    services.record_session(
        mediation_id=m.pk,
        actor=d.village_head,
        held_on=timezone.localdate(),
        attendees="双方",
        notes="调解",
        mediator_ids=[d.elder.pk],
    )
    services.fail(mediation_id=m.pk, actor=d.village_head, note="不成")
    file(d)
    file(d)
    client.force_login(d.operator)
    panels = {p["key"]: p for p in client.get("/api/v1/oversight/dashboard/").json()["panels"]}
    figures = {f["key"]: f for f in panels["disputes"]["content"]["figures"]}
    assert figures["success_rate"]["value"] == 50.0 and figures["repeat_rate"]["value"] == 50.0
    assert figures["on_time_rate"]["value"] == "—" and figures["backlog_open"]["value"] == 0
    assert figures["success_rate"]["href"] == f"/disputes/figures/?area={d.world.county.pk}"
    assert client.get(figures["success_rate"]["href"]).status_code == 200
    client.force_login(d.officer_b)  # 肖旗乡 has none of it
    panels = {p["key"]: p for p in client.get("/api/v1/oversight/dashboard/").json()["panels"]}
    assert {f["key"]: f["value"] for f in panels["disputes"]["content"]["figures"]}["success_rate"] == "—"


def test_weekly_evaluation_shows_the_weeks_figures(disputes, client):
    d = disputes
    _agreed(d)
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    WeeklyEvaluation.objects.create(week_start=monday, computed_at=timezone.now(), published_at=timezone.now())
    client.force_login(d.officer_a)
    page = client.get("/reviews/weekly/").content.decode()
    assert 'id="weekly-disputes"' in page and "城关镇1村" in page and "100.0%" in page

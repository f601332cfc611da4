"""三色管理: the village proposes with a reason, the township confirms through the workflow, the
history is kept; each colour's contact rhythm drives the grid worker's task list."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from care import colours
from care.models import ColourChange, ColourChangeEvent, ColourRhythm
from governance import duework
from governance.approvals import waiting_for
from governance.errors import Conflict
from grids import fieldwork
from grids.models import Household
from incidents.reviews import daily
from incidents.reviews.models import DailyReview


def test_village_proposes_township_confirms_and_history_is_kept(care):
    household = care.households[0]
    change = colours.propose(
        actor=care.head, household_id=household.pk, to_colour="yellow", reason="户主住院，家中无劳力"
    )
    household.refresh_from_db()
    assert household.colour == "green"  # not before the township confirms
    assert [w.label for w in waiting_for(care.officer)] == ["三色变更待确认"]
    assert waiting_for(care.head) == []
    with pytest.raises(PermissionDenied):
        colours.act("confirm", change_id=change.pk, actor=care.head)  # the village cannot confirm
    with pytest.raises(Conflict):
        colours.act("confirm", change_id=change.pk, actor=care.officer, version=change.version + 1)  # stale
    colours.act("confirm", change_id=change.pk, actor=care.officer, version=change.version)
    household.refresh_from_db()
    assert household.colour == "yellow"
    second = colours.propose(actor=care.head, household_id=household.pk, to_colour="red", reason="独居老人病重")
    with pytest.raises(ValidationError) as exc:
        colours.act("reject", change_id=second.pk, actor=care.officer)
    assert "note" in exc.value.message_dict
    colours.act("reject", change_id=second.pk, actor=care.officer, note="请先核实病情")
    household.refresh_from_db()
    assert household.colour == "yellow"
    rows = list(
        ColourChangeEvent.objects.filter(change__household=household)
        .order_by("id")
        .values_list("action", "from_state", "to_state", "actor_id", "note")
    )
    assert rows == [
        ("propose", "", "proposed", care.head.pk, "户主住院，家中无劳力"),
        ("confirm", "proposed", "confirmed", care.officer.pk, ""),
        ("propose", "", "proposed", care.head.pk, "独居老人病重"),
        ("reject", "proposed", "rejected", care.officer.pk, "请先核实病情"),
    ]
    with pytest.raises(Exception, match="pgtrigger"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE care_colourchangeevent SET note = 'x'")


def test_proposal_rules(care):
    household = care.households[0]
    with pytest.raises(ValidationError) as exc:
        colours.propose(actor=care.head, household_id=household.pk, to_colour="purple", reason=" ")
    assert set(exc.value.message_dict) == {"to_colour", "reason"}
    with pytest.raises(ValidationError):
        colours.propose(actor=care.head, household_id=household.pk, to_colour="green", reason="不变")
    with pytest.raises(PermissionDenied):
        colours.propose(actor=care.worker, household_id=household.pk, to_colour="red", reason="网格员不能提出")
    with pytest.raises(ValidationError):  # out of scope: as if it did not exist
        colours.propose(
            actor=care.world.officers[care.world.a.code], household_id=household.pk, to_colour="red", reason="x"
        )
    colours.propose(actor=care.head, household_id=household.pk, to_colour="red", reason="病重")
    with pytest.raises(ValidationError) as twice:
        colours.propose(actor=care.head, household_id=household.pk, to_colour="yellow", reason="再提")
    assert "household" in twice.value.message_dict
    assert ColourChange.objects.count() == 1


def test_colour_api_and_pages(care, as_user):
    household = care.households[0]
    head, officer = as_user(care.head), as_user(care.officer)
    bad = head.post("/api/v1/care/colour-changes/", {"household": household.pk}, format="json")
    assert bad.status_code == 400 and {"to_colour", "reason"} <= set(bad.json())
    made = head.post(
        "/api/v1/care/colour-changes/", {"household": household.pk, "to_colour": "red", "reason": "独居"}, format="json"
    )
    assert made.status_code == 201, made.json()
    pk, version = made.json()["id"], made.json()["version"]
    assert as_user(care.outsiders["insurer"]).post(f"/api/v1/care/colour-changes/{pk}/confirm/").status_code == 404
    assert as_user(care.other_worker).get(f"/api/v1/care/colour-changes/{pk}/").status_code == 404
    stale = officer.post(f"/api/v1/care/colour-changes/{pk}/confirm/", {"version": version + 3}, format="json")
    assert stale.status_code == 409
    page = officer.get("/care/colours/")
    assert page.status_code == 200 and household.number in page.content.decode()
    answer = officer.post(f"/care/colours/{pk}/confirm/", {"version": version})
    assert answer.status_code == 302
    assert Household.objects.get(pk=household.pk).colour == "red"
    history = head.get(f"/care/colours/?household={household.number}")
    assert "乡镇确认" in history.content.decode()
    empty = head.post("/care/colours/propose/", {"household_number": "", "to_colour": "", "reason": ""})
    assert empty.status_code == 302 and ColourChange.objects.count() == 1


def test_contact_rhythm_drives_the_task_list(care, as_user):
    """Due on the last contact's date (never contacted: the registration's) + the colour's period."""
    red, yellow = care.households
    Household.objects.filter(pk=red.pk).update(colour="red")
    Household.objects.filter(pk=yellow.pk).update(colour="yellow")
    ColourRhythm.objects.filter(colour="red").update(every_days=7)
    ColourRhythm.objects.filter(colour="yellow").update(every_days=14)
    scope = Household.objects.all()
    today = timezone.localdate()
    assert set(colours.contacts_due(scope, today)) == set()  # registered today
    assert set(colours.contacts_due(scope, today + dt.timedelta(days=7))) == {red}
    assert set(colours.contacts_due(scope, today + dt.timedelta(days=14))) == {red, yellow}
    fieldwork.record_visit(worker=care.worker, household_id=red.pk, note="上门看望")
    assert set(colours.contacts_due(scope, today + dt.timedelta(days=6))) == set()
    assert set(colours.contacts_due(scope, today + dt.timedelta(days=7))) == {red}  # a week after the contact
    with time_machine.travel(timezone.now() + dt.timedelta(days=14), tick=False):
        page = as_user(care.worker).get("/care/today/").content.decode()
        assert red.head_name in page and "连心户" in page
        assert yellow.head_name not in page  # on the next grid, not the worker's
        assert as_user(care.head).get("/care/today/").content.decode().count("contact-form") == 2


def test_green_households_online_contact_is_a_task_and_due_work(care, as_user):
    """放心户 (在线, every 30 days) are due like yellow and red: on the worker's list and in 日清."""
    green = care.households[0]
    assert green.colour == "green" and ColourRhythm.objects.get(colour="green").mode == "online"
    ColourRhythm.objects.filter(colour="green").update(every_days=30)
    grid = green.grid
    start = timezone.localdate()
    assert duework.counts_by_grid(start + dt.timedelta(days=29), timezone.now()).get(grid.id) is None
    assert duework.counts_by_grid(start + dt.timedelta(days=30), timezone.now())[grid.id] == (1, 0)
    assert duework.counts_by_grid(start + dt.timedelta(days=31), timezone.now())[grid.id] == (0, 1)
    with time_machine.travel(timezone.now() + dt.timedelta(days=31), tick=False):
        page = as_user(care.worker).get("/care/today/").content.decode()
        assert green.head_name in page and "放心户" in page and "在线" in page
        assert daily.run_daily_review() == 0  # nothing is urged for a contact
        review = DailyReview.objects.get(day=timezone.localdate(), area=green.village)
        assert (review.work_due, review.work_overdue) == (0, 2)  # both green households of the village
        answer = as_user(care.worker).post(
            "/api/v1/fieldwork/visits/", {"household": green.pk, "note": "微信联系，一切正常"},
            HTTP_IDEMPOTENCY_KEY="green-contact-1",
        )
        assert answer.status_code == 201, answer.content
        assert green.head_name not in as_user(care.worker).get("/care/today/").content.decode()
        assert duework.counts_by_grid(timezone.localdate(), timezone.now()).get(grid.id) is None

"""Petitions (信访): filing as a case of the petition channel, repeat detection and linking (and
near misses that are not linked), agent filing, the owner leader and the reply date, replies on
time or late, the backlog, and scope."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import override_settings
from django.utils import timezone

from disputes import petitions, selectors
from disputes.constants import PetitionStatus
from disputes.models import Petition, Petitioner, PetitionEvent
from governance.models import Notification
from incidents.constants import Source
from incidents.models import Case, Category

from .conftest import A_LAT, A_LNG

ID_NUMBER = "11010519491231002X"


def file(d, actor=None, category="MD03", lat=A_LAT, lng=A_LNG, people=None, **kwargs):
    kwargs.setdefault("channel", "visit")
    kwargs.setdefault("description", "反映承包地被邻村占用")
    return petitions.file_petition(
        actor=actor or d.operator,
        category=Category.objects.get(code=category),
        petitioners=[{"name": "赵大", "phone": "13900000001"}] if people is None else people,
        lat=lat,
        lng=lng,
        **kwargs,
    )


def test_filing_makes_a_petition_case_with_masked_identity(disputes):
    d = disputes
    p = file(d, people=[{"name": "赵大", "id_number": ID_NUMBER, "phone": "139 0000 0001"}], owner=d.leader)
    assert p.case.source == Source.PETITION and p.case.township_id == d.world.a.id
    assert p.status == PetitionStatus.OPEN and not p.is_repeat and p.owner == d.leader
    assert p.reply_due_on == timezone.localdate() + dt.timedelta(days=60)
    row = Petitioner.objects.get(petition=p)
    assert row.id_masked == "110105********002X" and row.phone == "+8613900000001"
    assert ID_NUMBER not in row.id_digest and len(row.id_digest) == 64
    assert PetitionEvent.objects.get(petition=p).action == "file"


@pytest.mark.parametrize(
    "people, field",
    [
        ([], "petitioners"),
        ([{"name": "钱二"}], "petitioners[0]"),  # no ID number, no phone: cannot be matched
        ([{"name": "钱二", "id_number": "110105194912310021"}], "petitioners[0]"),  # bad check digit
        ([{"name": "钱二", "phone": "12345"}], "petitioners[0]"),
    ],
)
def test_bad_petitioners_write_nothing(disputes, people, field):
    with pytest.raises(ValidationError) as exc:
        file(disputes, people=people)
    assert field in exc.value.message_dict
    assert not Petition.objects.exists() and not Case.objects.exists()


def test_repeat_is_linked_to_the_first_and_the_owner_is_told(disputes, django_capture_on_commit_callbacks):
    d = disputes
    first = file(d, people=[{"name": "赵大", "id_number": ID_NUMBER, "phone": "13900000001"}], owner=d.leader)
    second = file(d, people=[{"name": "赵大", "phone": "13900000001"}], lat=A_LAT + 0.002)  # ≈ 220 m away
    with django_capture_on_commit_callbacks(execute=True):
        third = file(d, channel="letter", people=[{"name": "赵大", "id_number": ID_NUMBER}])  # same ID, no phone
    assert second.first_petition == first and third.first_petition == first  # the first of the chain
    assert set(first.repeats.all()) == {second, third}
    told = Notification.objects.get(recipient=d.leader, kind="petition", title__contains="重复信访")
    assert third.case.number in told.title and told.link == f"/disputes/petitions/{first.pk}/"
    assert PetitionEvent.objects.get(petition=third).data["repeat_of"] == first.case.number


def test_near_misses_are_not_linked(disputes):
    d = disputes
    first = file(d)
    far = file(d, lat=A_LAT, lng=A_LNG + 0.1)  # the same person and matter in 肖旗乡, ≈ 9 km away
    other_matter = file(d, category="MD01")  # same person, same place, another category
    other_person = file(d, people=[{"name": "孙三", "phone": "13900000002"}])
    assert far.township_id == d.world.b.id
    assert not far.is_repeat and not other_matter.is_repeat and not other_person.is_repeat
    with override_settings(PETITION_REPEAT_WINDOW_DAYS=30):
        with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
            late = file(d)
    assert not late.is_repeat
    assert not first.repeats.exists()


def test_agent_filing_by_a_grid_worker(disputes):
    d = disputes
    p = file(d, actor=d.worker, lat=None, lng=None, on_behalf=True)  # the worker's own grid
    assert p.filed_by_agent and p.agent == d.worker and p.grid_id == d.world.grids[d.world.a.code][0].id
    with pytest.raises(PermissionDenied):
        file(d, actor=d.world.admin.__class__.objects.create(username="nobody"))


def test_owner_reply_dates_and_on_time(disputes):
    d = disputes
    p = file(d)
    with pytest.raises(ValidationError):  # a village head is no owner leader
        petitions.assign_owner(petition_id=p.pk, actor=d.operator, owner=d.village_head)
    with pytest.raises(ValidationError):  # 肖旗乡's officer cannot own a 城关镇 petition
        petitions.assign_owner(petition_id=p.pk, actor=d.operator, owner=d.officer_b)
    due = timezone.localdate() + dt.timedelta(days=15)
    p, _e = petitions.assign_owner(petition_id=p.pk, actor=d.operator, owner=d.officer_a, reply_due_on=due)
    assert p.owner == d.officer_a and p.reply_due_on == due
    assert list(selectors.owned_by(d.officer_a)) == [p]
    with time_machine.travel(timezone.now() + dt.timedelta(days=16)):
        p, _e = petitions.reply(petition_id=p.pk, actor=d.officer_a, reply_text="经核实，已协调归还承包地")
    assert p.status == PetitionStatus.REPLIED and p.replied_on_time is False
    p, _e = petitions.reopen(petition_id=p.pk, actor=d.officer_a, note="信访人不满意")
    assert p.replied_at is None and p.replied_on_time is None
    p, _e = petitions.reply(petition_id=p.pk, actor=d.officer_a, reply_text="再次核实，已重新丈量")
    assert p.replied_on_time is True
    p, _e = petitions.resolve(petition_id=p.pk, actor=d.officer_a)
    assert p.status == PetitionStatus.RESOLVED and p.resolved_at
    with pytest.raises(ValidationError):
        petitions.reply(petition_id=file(d).pk, actor=d.officer_a, reply_text="  ")


def test_backlog(disputes):
    d = disputes
    old = file(d, owner=d.leader)
    recent = file(d, category="MD01")
    Petition.objects.filter(pk=old.pk).update(received_at=timezone.now() - dt.timedelta(days=100))
    assert petitions.mark_backlog() == 1
    assert petitions.mark_backlog() == 0  # once only
    old.refresh_from_db()
    assert old.backlog_since == timezone.localdate()
    assert PetitionEvent.objects.filter(petition=old, action="enter_backlog").count() == 1
    assert list(selectors.backlog(d.officer_a)) == [old]
    assert not selectors.backlog(d.officer_b).exists()
    recent.refresh_from_db()
    assert recent.backlog_since is None


def test_scope(disputes):
    d = disputes
    p = file(d)
    assert not selectors.petitions_for(d.officer_b).filter(pk=p.pk).exists()
    with pytest.raises(Http404):
        petitions.reply(petition_id=p.pk, actor=d.officer_b, reply_text="答复")
    with pytest.raises(Http404):
        petitions.assign_owner(petition_id=p.pk, actor=d.officer_b, owner=d.officer_b)
    # the owner sees the petition wherever their own area is
    petitions.assign_owner(petition_id=p.pk, actor=d.operator, owner=d.leader)
    assert selectors.petitions_for(d.leader).filter(pk=p.pk).exists()

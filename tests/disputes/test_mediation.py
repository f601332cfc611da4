"""Mediation as a handling path of a dispute case: opening, sessions, agreement, judicial
confirmation, follow-up visits due and done; failure and escalation one level up; the rules that
refuse bad input without writing anything; scope (404) and stale versions (409)."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone
from PIL import Image

from disputes import selectors, services
from disputes.constants import MediationStatus as M
from disputes.models import FollowUp, Mediation, MediationEvent, MediationSession
from governance.errors import Conflict
from governance.models import Notification
from incidents.constants import CaseStatus
from incidents.models import Case


def _session(d, m, actor=None, **kwargs):
    kwargs.setdefault("held_on", timezone.localdate())
    kwargs.setdefault("attendees", "张三、李四、村两委")
    kwargs.setdefault("notes", "双方陈述，调解员释法说理")
    kwargs.setdefault("mediator_ids", [d.elder.pk])
    return services.record_session(mediation_id=m.pk, actor=actor or d.village_head, **kwargs)


def test_full_mediation_with_confirmation_and_follow_ups(disputes):
    d = disputes
    m = d.open()
    assert m.number.startswith("TJ") and m.status == M.ACCEPTED and m.level == "village"
    assert m.township_id == d.world.a.id and m.village_id == d.village.id
    assert sorted(p.name for p in m.parties.all()) == ["张三", "李四"]

    m, _e = _session(d, m)
    m, _e = _session(d, m, actor=d.officer_a, notes="第二次调解，双方各让一步", mediator_ids=[d.head_mediator.pk])
    assert m.status == M.MEDIATING and MediationSession.objects.filter(mediation=m).count() == 2

    today = timezone.localdate()
    m, event = services.agree(
        mediation_id=m.pk, actor=d.village_head, agreement_text="以原界桩为界，李四拆除院墙 0.3 米"
    )
    assert m.status == M.AGREED and m.concluded_at is not None
    # the case follows: disposed by its village handler with the mediation's outcome, on to verification
    case = Case.objects.get(pk=m.case_id)
    assert (case.status, case.outcome) == (CaseStatus.DISPOSED, "mediation_agreed")
    assert m.number in case.result and "以原界桩为界" in case.result
    due = list(FollowUp.objects.filter(mediation=m).values_list("due_on", flat=True))
    assert due == [today + dt.timedelta(days=n) for n in (7, 30, 90)]

    m, _e = services.confirm(mediation_id=m.pk, actor=d.village_head, confirmed_on=today, court="虞城县人民法院")
    assert (m.confirmed_on, m.confirmed_by_court) == (today, "虞城县人民法院")
    with pytest.raises(ValidationError) as exc:
        services.confirm(mediation_id=m.pk, actor=d.village_head, confirmed_on=today, court="虞城县人民法院")
    assert "confirmed_on" in exc.value.message_dict

    # 常回访: nothing due today; a week later the first visit is due, a day after that overdue
    pending = selectors.follow_ups_for(d.village_head)
    assert not selectors.follow_ups_due(pending, today).exists()
    first = FollowUp.objects.filter(mediation=m).order_by("due_on").first()
    assert list(selectors.follow_ups_due(pending, today + dt.timedelta(days=8))) == [first]
    with time_machine.travel(timezone.now() + dt.timedelta(days=8), tick=False):
        services.record_follow_up(
            mediation_id=m.pk, follow_up_id=first.pk, actor=d.village_head, finding="协议已履行，两家和好"
        )
        assert not selectors.follow_ups_due(selectors.follow_ups_for(d.village_head)).exists()
    first.refresh_from_db()
    assert first.done_on == today + dt.timedelta(days=8) and first.done_by == d.village_head
    with pytest.raises(ValidationError):  # the same visit twice
        services.record_follow_up(mediation_id=m.pk, follow_up_id=first.pk, actor=d.village_head, finding="再次")

    actions = list(MediationEvent.objects.filter(mediation=m).values_list("action", flat=True))
    assert actions == ["open", "session", "session", "agree", "confirm", "follow_up"]


def _scan(name="agreement.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (250, 250, 240)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_agreement_by_scanned_document_only(disputes):
    d = disputes
    m = d.open()
    _session(d, m)
    m, _e = services.agree(mediation_id=m.pk, actor=d.village_head, agreement_file=_scan())
    assert m.agreement_file and m.agreement_content_type == "image/jpeg" and m.agreement_text == ""


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({}, "agreement_text"),  # neither text nor a scan
        ({"agreement_file": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")}, "agreement_file"),
    ],
)
def test_bad_agreement_writes_nothing(disputes, kwargs, field):
    d = disputes
    m = d.open()
    m, _e = _session(d, m)
    with pytest.raises(ValidationError) as exc:
        services.agree(mediation_id=m.pk, actor=d.village_head, **kwargs)
    assert field in exc.value.message_dict
    m.refresh_from_db()
    assert m.status == M.MEDIATING and not FollowUp.objects.filter(mediation=m).exists()
    assert not MediationEvent.objects.filter(mediation=m, action="agree").exists()


def test_failed_mediation_is_passed_one_level_up_keeping_its_history(disputes, django_capture_on_commit_callbacks):
    d = disputes
    m = d.open()
    _session(d, m)
    m, _e = services.fail(mediation_id=m.pk, actor=d.village_head, note="双方分歧过大")
    assert m.status == M.FAILED and m.concluded_at
    with pytest.raises(ValidationError) as exc:  # not a body one level up
        services.escalate(mediation_id=m.pk, actor=d.village_head, body_id=d.county_body.pk, note="移交")
    assert "body" in exc.value.message_dict

    with django_capture_on_commit_callbacks(execute=True):
        new, _e = services.escalate(
            mediation_id=m.pk, actor=d.village_head, body_id=d.township_body.pk, note="村级调不成"
        )
    old = Mediation.objects.get(pk=m.pk)
    assert old.status == M.ESCALATED and old.sessions.count() == 1
    assert list(old.events.values_list("action", flat=True)) == ["open", "session", "fail", "escalate"]
    assert new.escalated_from == old and new.status == M.ACCEPTED and new.level == "township"
    assert new.case_id == old.case_id and sorted(p.name for p in new.parties.all()) == ["张三", "李四"]
    # the case went up the incidents workflow too (village → township), in the same action
    case = Case.objects.select_related("handling_unit").get(pk=old.case_id)
    assert case.status == CaseStatus.DISPATCHED and case.handling_unit.area_id == d.world.a.id
    assert case.events.filter(action="escalate_to_township").exists()
    # the township's judicial office takes it over: its officer records the next session
    _session(d, new, actor=d.officer_a, mediator_ids=[d.judicial.pk])
    assert Notification.objects.filter(recipient=d.officer_a, kind="mediation").exists()
    # the village head still sees the chain but cannot act at township level
    assert (
        services.MEDIATION_WORKFLOW.available(d.village_head, Mediation.objects.get(pk=new.pk))[0].action == "comment"
    )


def test_referral_disposes_the_case_as_not_mediated(disputes):
    d = disputes
    m = d.open()
    m, _e = services.refer(mediation_id=m.pk, actor=d.village_head, referred_to="arbitration", note="劳动争议")
    case = Case.objects.get(pk=m.case_id)
    assert m.status == M.REFERRED and m.referred_to == "arbitration"
    assert (case.status, case.outcome) == (CaseStatus.DISPOSED, "mediation_failed") and "仲裁" in case.result


def test_a_mediator_who_does_not_handle_the_case_leaves_it_alone(disputes):
    d = disputes
    case = d.case(handled=False)  # reported, not yet dispatched
    m = d.open(case=case)
    _session(d, m)
    services.agree(mediation_id=m.pk, actor=d.village_head, agreement_text="协议")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REPORTED


def test_opening_rules(disputes):
    d = disputes
    theft = d.case(category="HJ01", description="道路堆物", handled=False)
    with pytest.raises(ValidationError) as exc:
        d.open(case=theft)
    assert "case" in exc.value.message_dict
    case = d.case()
    with pytest.raises(ValidationError) as exc:  # a body of another township
        other = services.create_body(kind="township_judicial", name="肖旗乡司法所", area=d.world.b)
        d.open(case=case, body_id=other.pk)
    assert "body" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # a mediator of another body
        d.open(case=case, mediator_ids=[d.judicial.pk])
    assert "mediators" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        d.open(case=case, parties=[{"name": "", "side": "applicant"}])
    assert "parties[0]" in exc.value.message_dict
    with pytest.raises(PermissionDenied):  # a village head may not open at township level
        d.open(case=case, body_id=d.township_body.pk, mediator_ids=[d.judicial.pk])
    assert not Mediation.objects.exists()
    d.open(case=case)
    with pytest.raises(ValidationError):  # one current mediation per case
        d.open(case=case)


def test_scope_stale_version_and_roles(disputes):
    d = disputes
    m = d.open()
    with pytest.raises(Http404):  # another township's officer
        _session(d, m, actor=d.officer_b)
    with pytest.raises(Http404):  # another village's head
        services.comment(mediation_id=m.pk, actor=d.other_head, note="看看")
    with pytest.raises(Http404):
        d.open(case=d.case(), actor=d.officer_b)
    assert not selectors.mediations_for(d.officer_b).exists()
    assert list(selectors.mediations_for(d.officer_a)) == [m]
    _session(d, m, version=m.version)
    with pytest.raises(Conflict):
        _session(d, m, version=m.version)  # the page was loaded before the first session
    with pytest.raises(PermissionDenied):  # a grid worker sees the village's mediation but does not mediate
        _session(d, m, actor=d.worker)

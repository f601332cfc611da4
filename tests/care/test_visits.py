"""Visits: the schedule and overdue detection on a frozen clock, idempotent posts from the phone
with GPS and a photo, and a worrying finding turned into a case in one step."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from care import selectors, services
from care.models import CarePlan, CareVisit
from incidents.models import Case, CaseAttachment, CaseParty
from incidents.models import Category as CaseCategory

from .conftest import photo

MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))


def test_schedule_and_overdue_on_a_frozen_clock(care):
    with time_machine.travel(MONDAY, tick=False):
        plan = care.plan(start=dt.date(2026, 3, 2), every=7)
        today = timezone.localdate()
        plans = selectors.plans_for(care.worker)
        assert list(selectors.due_on(plans, today)) == [plan]
        assert not selectors.overdue(plans, today).exists()
    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):  # not visited on its day
        assert list(selectors.overdue(selectors.plans_for(care.worker), timezone.localdate())) == [plan]
        assert selectors.figures(care.head)["done_today"] == 0
        visit = services.record_visit(visitor=care.worker, plan_id=plan.pk, finding="身体尚好，独自生活")
        assert visit.next_due == dt.date(2026, 3, 10)  # the visit's day + 7
        assert selectors.figures(care.head)["done_today"] == 1  # visits due / done / overdue
        assert [row["done_today"] for row in selectors.by_village(care.head)] == [1]
        plan.refresh_from_db()
        assert plan.next_due == dt.date(2026, 3, 10)
        assert not selectors.overdue(selectors.plans_for(care.worker), timezone.localdate()).exists()
    with time_machine.travel(MONDAY + dt.timedelta(days=8), tick=False):  # due that day: not yet overdue
        assert selectors.figures(care.head)["done_today"] == 0  # the visit was another day
        assert list(selectors.due_on(selectors.plans_for(care.worker), timezone.localdate())) == [plan]
    with time_machine.travel(MONDAY + dt.timedelta(days=9), tick=False):
        assert selectors.figures(care.head)["overdue"] == 1
        services.revise_plan(
            actor=care.head,
            plan_id=plan.pk,
            risk_level="key",
            visit_every_days=14,
            review_date=plan.review_date,
            reason="情况稳定，放宽周期",
        )
        plan.refresh_from_db()
        assert plan.next_due == dt.date(2026, 3, 17)  # the last visit + the new rhythm
        assert selectors.figures(care.head)["overdue"] == 0


def test_who_may_log_a_visit(care):
    plan = care.plan(care.residents[2])  # the village's second grid
    with pytest.raises(Exception) as exc:
        services.record_visit(visitor=care.worker, plan_id=plan.pk, finding="x")
    assert exc.type.__name__ == "Http404"  # not on their grid: as if it did not exist
    with pytest.raises(PermissionDenied):  # the grid police sees it but is not a listed keeper
        services.record_visit(visitor=care.police, plan_id=plan.pk, finding="x")
    services.revise_plan(
        actor=care.head,
        plan_id=plan.pk,
        risk_level="general",
        visit_every_days=7,
        review_date=plan.review_date,
        keepers=[services.KeeperInput(role="police", user_id=care.police.pk)],
        reason="民警包联",
    )
    assert services.record_visit(visitor=care.police, plan_id=plan.pk, finding="正常").visitor == care.police
    with pytest.raises(ValidationError) as bad:
        services.record_visit(visitor=care.head, plan_id=plan.pk, finding=" ", lat=34.4)
    assert set(bad.value.message_dict) == {"finding", "lat"}


def _post(client, body, key="k-1"):
    return client.post("/api/v1/care/visits/", body, format="multipart", HTTP_IDEMPOTENCY_KEY=key)


def test_phone_post_with_gps_and_photo_is_idempotent(care, as_user):
    plan = care.plan()
    client = as_user(care.worker)
    body = {"plan": plan.pk, "finding": "老人在家，精神好", "lat": "34.405", "lng": "115.905", "photo": photo()}
    first = _post(client, body)
    assert first.status_code == 201, first.json()
    again = _post(client, {**body, "photo": photo()})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert CareVisit.objects.count() == 1
    other = _post(client, {**body, "finding": "另一次", "photo": photo()})
    assert other.status_code == 422
    visit = CareVisit.objects.get()
    assert visit.lat is not None and visit.photo_type == "image/jpeg"
    download = client.get(first.json()["photo_url"])
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert as_user(care.other_worker).get(first.json()["photo_url"]).status_code == 404
    assert _post(client, {"plan": plan.pk, "finding": "无钥匙"}, key="").status_code == 400


def test_optional_fields_left_empty_and_bad_files(care, as_user):
    plan = care.plan()
    client = as_user(care.worker)
    empty = _post(client, {"plan": plan.pk, "finding": "正常", "place": "", "photo": ""}, key="k-empty")
    assert empty.status_code == 201, empty.json()
    assert CareVisit.objects.get().photo == ""
    broken = _post(
        client,
        {"plan": plan.pk, "finding": "正常", "photo": photo(name="x.jpg").__class__("x.jpg", b"not an image")},
        key="k-broken",
    )
    assert broken.status_code == 400
    missing = _post(client, {"plan": plan.pk}, key="k-missing")
    assert missing.status_code == 400 and "finding" in missing.json()
    assert CareVisit.objects.count() == 1


def test_a_worrying_finding_becomes_a_case_in_one_step(care, as_user):
    plan = care.plan()
    category = CaseCategory.objects.filter(parent__isnull=False, is_active=True).order_by("code").first()
    client = as_user(care.worker)
    refused = _post(client, {"plan": plan.pk, "finding": "屋顶漏雨", "raise_case": "true"}, key="k-0")
    assert refused.status_code == 400 and "category" in refused.json()
    assert not Case.objects.exists() and not CareVisit.objects.exists()
    answer = _post(
        client,
        {
            "plan": plan.pk,
            "finding": "屋顶漏雨，老人独居无力修缮",
            "raise_case": "true",
            "category": category.pk,
            "photo": photo(),
        },
    )
    assert answer.status_code == 201, answer.json()
    visit = CareVisit.objects.get()
    case = Case.objects.get()
    assert visit.case == case and visit.concern and visit.follow_up
    assert answer.json()["case_number"] == case.number
    assert case.grid_id == plan.grid_id and case.reporter == care.worker
    assert case.description == "屋顶漏雨，老人独居无力修缮"
    assert "孤寡" not in json.dumps([case.description, case.address])  # the category stays in care
    assert CaseParty.objects.get(case=case).household_id == plan.household_id
    assert CaseAttachment.objects.filter(case=case).count() == 1


def test_an_earlier_visit_can_be_turned_into_a_case_once(care, as_user):
    plan = care.plan()
    visit = services.record_visit(visitor=care.worker, plan_id=plan.pk, finding="邻里纠纷苗头", photo=photo())
    category = CaseCategory.objects.filter(parent__isnull=False, is_active=True).order_by("code").first()
    client = as_user(care.worker)
    answer = client.post(f"/api/v1/care/visits/{visit.pk}/raise-case/", {"category": category.pk})
    assert answer.status_code == 200, answer.json()
    assert CareVisit.objects.get().case_id == Case.objects.get().pk
    assert CaseAttachment.objects.count() == 1
    again = client.post(f"/api/v1/care/visits/{visit.pk}/raise-case/", {"category": category.pk})
    assert again.status_code == 400 and Case.objects.count() == 1
    assert (
        as_user(care.other_worker)
        .post(f"/api/v1/care/visits/{visit.pk}/raise-case/", {"category": category.pk})
        .status_code
        == 404
    )


def test_ended_plan_takes_no_visit(care):
    plan = care.plan()
    services.end_plan(actor=care.head, plan_id=plan.pk, reason="去世")
    with pytest.raises(ValidationError):
        services.record_visit(visitor=care.worker, plan_id=plan.pk, finding="x")
    assert CarePlan.objects.get().is_active is False

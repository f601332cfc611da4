"""Claims through the API: reporting and each refusal rule, every workflow step and a forbidden
one per role, the yearly cap across several claims, the duplicate rule, 409 on a stale page,
area scoping (404) and query counts on the list."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from governance.models import Notification
from incidents.models import Category
from insurance.models import Claim, ClaimEvent
from tests.factories import UserFactory

URL = "/api/v1/insurance/claims/"


def body(cover, **kwargs):
    data = {
        "household": cover.households["a"].pk,
        "peril": cover.perils["ebike"].pk,
        "item": "电动车一辆",
        "loss_date": cover.loss_date.isoformat(),
        "loss_amount": "2500",
        "police_report_number": "JJ4114252026001",
    }
    data.update(kwargs)
    return {k: v for k, v in data.items() if v is not None}


def post(client, claim, action, **data):
    return client.post(f"{URL}{claim.pk}/{action}/", data, format="json")


# --- reporting -----------------------------------------------------------------------------------


def test_grid_worker_reports_a_claim_linked_to_the_theft_incident(cover, as_user):
    incident = cover.theft()
    response = as_user(cover.worker).post(
        URL, body(cover, incident=incident.pk, police_report_number=None), format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "reported" and data["incident_number"] == incident.number
    assert data["policy"] == cover.policies["a"].pk  # found by the household's township and the loss date
    assert data["number"].startswith(f"LP{cover.year}")
    assert [e["action"] for e in data["timeline"]] == ["report"]
    assert {a["action"] for a in data["actions"]} == {"withdraw", "comment"}


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"household": "b", "policy": "a"}, "household", "不在保单承保的乡镇"),
        ({"loss_date": "before_term", "policy": "a"}, "loss_date", "不在保险期间"),
        ({"loss_date": "future"}, "loss_date", "不能晚于今天"),
        ({"peril": "tools"}, "peril", "不承保“农具被盗”"),
        ({"police_report_number": ""}, "incident", "公安支撑"),
        ({"loss_amount": "150"}, "loss_amount", "免赔额"),
        ({"incident": "not_theft", "police_report_number": ""}, "incident", "不是盗窃类事件"),
        ({"incident": "other_town", "police_report_number": ""}, "incident", "不在该户所在乡镇"),
    ],
)
def test_each_refusal_rule_has_its_own_message(cover, as_user, change, field, words):
    values = {}
    for key, value in change.items():
        if key == "household":
            values[key] = cover.households[value].pk
        elif key == "policy":
            values[key] = cover.policies[value].pk
        elif value == "before_term":
            values[key] = (cover.policies["a"].starts_on - dt.timedelta(days=1)).isoformat()
        elif value == "future":
            values[key] = (dt.date.today() + dt.timedelta(days=2)).isoformat()
        elif key == "peril":
            values[key] = cover.perils[value].pk
        elif value == "not_theft":
            case = cover.theft()
            case.category = Category.objects.get(code="HJ01")
            case.save(update_fields=["category"])
            values[key] = case.pk
        elif value == "other_town":
            values[key] = cover.theft(town="b").pk
        else:
            values[key] = value
    # a county-wide reporter sees both townships' households, incidents and policies
    actor = UserFactory(username="root", is_superuser=True) if key_needs_county(change) else cover.worker
    response = as_user(actor).post(URL, body(cover, **values), format="json")
    assert response.status_code == 400, response.json()
    assert words in response.json()[field][0]
    assert not Claim.objects.exists()


def key_needs_county(change):
    return change.get("household") == "b" or change.get("incident") == "other_town"


def test_households_outside_the_reporters_area_are_not_found(cover, as_user):
    response = as_user(cover.worker).post(URL, body(cover, household=cover.households["b"].pk), format="json")
    assert response.status_code == 400 and "不在您的辖区" in response.json()["household"][0]


def test_a_loss_cannot_be_claimed_twice(cover, as_user):
    client = as_user(cover.worker)
    incident = cover.theft()
    first = client.post(URL, body(cover, incident=incident.pk, police_report_number=None), format="json")
    assert first.status_code == 201
    again = client.post(URL, body(cover, incident=incident.pk, item="另一辆电动车"), format="json")
    assert again.status_code == 400 and first.json()["number"] in again.json()["incident"][0]
    same_item = client.post(URL, body(cover, item=" 电动车 一辆 "), format="json")  # same household, date, item
    assert same_item.status_code == 400 and "不能重复报案" in same_item.json()["item"][0]
    other_day = client.post(URL, body(cover, loss_date=(cover.loss_date - dt.timedelta(days=0)).isoformat(),
                                      item="羊两只", peril=cover.perils["livestock"].pk), format="json")  # fmt: skip
    assert other_day.status_code == 201
    # a withdrawn claim gives the loss back
    withdrawn = post(client, Claim.objects.get(pk=first.json()["id"]), "withdraw", note="误报，车已找回")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    refiled = client.post(URL, body(cover, incident=incident.pk, police_report_number=None), format="json")
    assert refiled.status_code == 201


def test_the_yearly_limit_counts_what_was_already_paid(cover, as_user):
    """Per claim 3,000, per household and year 5,000, excess 200."""
    insurer = as_user(cover.claims_officer)

    def approved(**kwargs):
        claim = cover.report(**kwargs)
        Claim.objects.filter(pk=claim.pk).update(status="approved")
        return claim

    first = approved(loss_amount=Decimal("3500"))
    refused = post(insurer, first, "settle", paid_amount="3001")
    assert refused.status_code == 400 and "最多可赔 3,000.00 元" in refused.json()["paid_amount"][0]
    assert post(insurer, first, "settle", paid_amount="3000").status_code == 200
    second = approved(loss_amount=Decimal("2500"), item="羊两只", peril=cover.perils["livestock"])
    refused = post(insurer, second, "settle", paid_amount="2300")  # 2,500 less excess fits the per-claim limit…
    assert refused.status_code == 400
    assert "本户本年度剩余额度 2,000.00 元" in refused.json()["paid_amount"][0]  # …but not what is left of 5,000
    assert post(insurer, second, "settle", paid_amount="2000").json()["status"] == "settled"
    response = as_user(cover.worker).post(URL, body(cover, item="农用三轮车", loss_amount="800"), format="json")
    assert response.status_code == 400
    assert "已累计获赔 5,000.00 元" in response.json()["loss_amount"][0]
    # another household of the same township is not affected
    assert Claim.objects.filter(household=cover.households["a"], status="settled").count() == 2


# --- the workflow ----------------------------------------------------------------------------------


def test_the_whole_path_reported_verified_approved_settled(cover, as_user):
    claim = cover.report()
    village, town, insurer = as_user(cover.village_head), as_user(cover.officer_a), as_user(cover.claims_officer)
    r = post(village, claim, "verify", note="入户查看，车棚门锁被撬", version=1)
    assert r.status_code == 200 and r.json()["status"] == "verified"
    r = post(town, claim, "approve", version=2)
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = post(insurer, claim, "settle", paid_amount="2300", paid_on=dt.date.today().isoformat(), version=3)
    assert r.status_code == 200, r.json()
    data = r.json()
    assert data["status"] == "settled" and Decimal(data["paid_amount"]) == Decimal("2300")
    timeline = [(e["action"], e["from_state"], e["to_state"]) for e in data["timeline"]]
    assert timeline == [
        ("report", "", "reported"),
        ("verify", "reported", "verified"),
        ("approve", "verified", "approved"),
        ("settle", "approved", "settled"),
    ]
    assert data["timeline"][1]["note"] == "入户查看，车棚门锁被撬"
    assert data["timeline"][3]["data"] == {"paid_amount": "2300.00", "paid_on": dt.date.today().isoformat()}


def test_each_step_tells_whoever_acts_next(cover, as_user, django_capture_on_commit_callbacks):
    claim = cover.report()
    inbox = lambda user: list(Notification.objects.filter(recipient=user).values_list("title", flat=True))  # noqa: E731
    with django_capture_on_commit_callbacks(execute=True):
        post(as_user(cover.village_head), claim, "return", note="请补充照片")
        post(as_user(cover.worker), claim, "resubmit", note="已补充")
        post(as_user(cover.village_head), claim, "verify", note="属实")
        post(as_user(cover.officer_a), claim, "approve")
    claim.refresh_from_db()
    assert inbox(cover.worker) == [f"理赔 {claim.number} 被退回，请补充材料"]
    assert inbox(cover.village_head) == [f"理赔 {claim.number} 已补充材料，待村级核实"]
    assert inbox(cover.officer_a) == [f"理赔 {claim.number} 已经村级核实，待乡镇审核"]
    assert inbox(cover.claims_officer) == [f"理赔 {claim.number} 已经乡镇审核，待赔付"]
    assert inbox(cover.officer_b) == []


def test_returned_for_more_evidence_then_resubmitted(cover, as_user):
    claim = cover.report()
    village, worker = as_user(cover.village_head), as_user(cover.worker)
    assert post(village, claim, "return").status_code == 400  # the missing evidence must be named
    r = post(village, claim, "return", note="请补充购车发票照片")
    assert r.json()["status"] == "returned"
    r = post(worker, claim, "resubmit", note="已补充发票")
    assert r.json()["status"] == "reported"
    assert post(village, claim, "verify", note="核实无误").json()["status"] == "verified"
    assert post(as_user(cover.officer_a), claim, "return", note="请补充派出所回执").json()["status"] == "returned"
    assert post(worker, claim, "resubmit", note="已补充回执").json()["status"] == "reported"
    post(village, claim, "verify", note="核实无误")
    post(as_user(cover.officer_a), claim, "approve")
    assert post(as_user(cover.claims_officer), claim, "return", note="发票金额不清").json()["status"] == "returned"


def test_declined_by_the_township_or_the_insurer_with_a_reason(cover, as_user):
    town, insurer = as_user(cover.officer_a), as_user(cover.claims_officer)
    by_town = cover.report()
    Claim.objects.filter(pk=by_town.pk).update(status="verified")
    assert post(town, by_town, "decline").status_code == 400
    r = post(town, by_town, "decline", note="经核实系借出未还，不属盗窃")
    assert r.json()["status"] == "declined" and r.json()["decline_reason"] == "经核实系借出未还，不属盗窃"
    by_insurer = cover.report(item="羊两只", peril=cover.perils["livestock"])
    Claim.objects.filter(pk=by_insurer.pk).update(status="approved")
    assert post(insurer, by_insurer, "decline", note="重复投保已获赔").json()["status"] == "declined"


@pytest.mark.parametrize(
    "status, who, action, code",
    [
        ("reported", "worker", "verify", 403),  # the grid worker cannot verify
        ("reported", "officer_a", "verify", 403),  # the township does not verify on site
        ("reported", "claims_officer", "return", 403),  # the insurer does not review a new claim
        ("verified", "village_head", "approve", 403),  # the village cannot approve
        ("verified", "claims_officer", "approve", 403),  # nor can the insurer
        ("verified", "claims_officer", "decline", 403),  # the insurer declines only what the township approved
        ("approved", "officer_a", "settle", 403),  # the township does not pay
        ("approved", "operator", "settle", 403),  # nor does the command centre
        ("returned", "officer_b", "resubmit", 404),  # another township does not even see it
        ("approved", "worker", "withdraw", 409),  # too late to withdraw once approved
        ("settled", "officer_a", "decline", 409),  # a settled claim is final
    ],
)
def test_forbidden_steps_per_role(cover, as_user, status, who, action, code):
    claim = cover.report()
    paid = {"paid_amount": Decimal("100"), "paid_on": cover.loss_date} if status == "settled" else {}
    Claim.objects.filter(pk=claim.pk).update(status=status, **paid)
    response = post(as_user(getattr(cover, who)), claim, action, note="理由", paid_amount="100")
    assert response.status_code == code, response.json()
    assert Claim.objects.get(pk=claim.pk).status == status
    assert ClaimEvent.objects.filter(claim=claim).count() == 1  # only the report


def test_comments_are_recorded_without_moving_the_claim(cover, as_user):
    claim = cover.report()
    r = post(as_user(cover.claims_officer), claim, "comment", note="已电话联系农户")
    assert r.status_code == 200 and r.json()["status"] == "reported" and r.json()["version"] == 2
    event = ClaimEvent.objects.filter(claim=claim).last()
    assert (event.action, event.actor_role, event.actor_unit) == ("comment", "insurer", "人保财险虞城支公司")
    assert post(as_user(cover.officer_b), claim, "comment", note="看不到").status_code == 404


def test_a_stale_page_answers_409_and_changes_nothing(cover, as_user):
    claim = cover.report()
    village = as_user(cover.village_head)
    assert post(village, claim, "verify", note="核实", version=1).status_code == 200
    stale = post(as_user(cover.worker), claim, "withdraw", note="撤回", version=1)
    assert stale.status_code == 409
    assert stale.json()["current_state"] == "verified" and stale.json()["current_version"] == 2
    assert Claim.objects.get(pk=claim.pk).status == "verified"


def test_the_timeline_is_append_only(cover):
    claim = cover.report()
    event = ClaimEvent.objects.get(claim=claim)
    with pytest.raises(DatabaseError), transaction.atomic():
        ClaimEvent.objects.filter(pk=event.pk).update(note="改写")
    with pytest.raises(DatabaseError), transaction.atomic():
        ClaimEvent.objects.filter(pk=event.pk).delete()


# --- scope -------------------------------------------------------------------------------------------


def test_another_townships_claims_answer_404(cover, as_user):
    claim = cover.report()
    other = as_user(cover.officer_b)
    assert other.get(f"{URL}{claim.pk}/").status_code == 404
    Claim.objects.filter(pk=claim.pk).update(status="verified")
    assert post(other, claim, "approve").status_code == 404
    assert other.get(URL).json()["results"] == []
    assert [c["id"] for c in as_user(cover.officer_a).get(URL).json()["results"]] == [claim.pk]
    assert as_user(cover.claims_officer).get(f"{URL}{claim.pk}/").status_code == 200


def test_todo_lists_what_waits_for_each_role(cover, as_user):
    reported = cover.report()
    verified = cover.report(item="羊两只", peril=cover.perils["livestock"])
    Claim.objects.filter(pk=verified.pk).update(status="verified")
    todo = lambda user: [c["id"] for c in as_user(user).get(URL, {"todo": "1"}).json()["results"]]  # noqa: E731
    assert todo(cover.village_head) == [reported.pk]
    assert todo(cover.officer_a) == [verified.pk]
    assert todo(cover.claims_officer) == []


def test_claim_list_filters_by_status_and_township_and_refuses_a_bad_value(cover, as_user):
    reported = cover.report()
    verified = cover.report(item="羊两只", peril=cover.perils["livestock"])
    Claim.objects.filter(pk=verified.pk).update(status="verified")
    client = as_user(cover.operator)
    ids = lambda **q: [c["id"] for c in client.get(URL, q).json()["results"]]  # noqa: E731
    assert ids(status="verified") == [verified.pk]
    assert ids(status="reported") == [reported.pk]
    assert ids(township=reported.township_id, status="reported") == [reported.pk]
    assert ids(township=reported.township_id + 100000) == []
    bad = client.get(URL, {"status": "nonsense"})
    assert bad.status_code == 400 and "status" in bad.json()


@pytest.mark.parametrize("n", [2, 12])
def test_claim_list_query_count_does_not_grow(cover, as_user, django_assert_max_num_queries, n):
    for i in range(n):
        cover.report(item=f"物品{i}", loss_amount=Decimal("300"))
    for user in (cover.officer_a, cover.claims_officer, cover.operator):
        client = as_user(user)
        with django_assert_max_num_queries(9):
            assert len(client.get(URL).json()["results"]) == n

"""Evaluation rounds through the API: village proposes → township group reviews → county
publishes → 公示 with objections that must be answered → effective; a forbidden step per role,
409 on stale versions, the audit trail."""

import datetime as dt

import pytest
from django.utils import timezone

from credit.constants import RoundStatus
from credit.models import EvaluationRound, Rating, RoundEvent
from credit.subjects import subject_for_household

pytestmark = pytest.mark.django_db
BASE = "/api/v1/credit/rounds/"


def _post(client, rnd_id, action, **data):
    return client.post(f"{BASE}{rnd_id}/{action}/", data, format="json")


@pytest.fixture
def draft(cw, as_user):
    head = as_user(cw.head)
    response = head.post(BASE, {"village": cw.village.pk, "period": "2026"}, format="json")
    assert response.status_code == 201, response.json()
    rnd = response.json()
    assert rnd["status"] == RoundStatus.DRAFT and rnd["notice_days"] == 7
    response = _post(head, rnd["id"], "nominate", households=[h.pk for h in cw.households])
    assert response.json() == {"added": 3}
    return rnd["id"]


def test_the_whole_path_with_an_objection(cw, as_user, draft, time_machine):
    head, group, county = as_user(cw.head), as_user(cw.group), as_user(cw.county_group)
    assert _post(head, draft, "propose").json()["status"] == RoundStatus.PROPOSED
    reviewed = _post(group, draft, "review").json()
    assert reviewed["status"] == RoundStatus.REVIEWED
    assert Rating.objects.filter(round_id=draft, score__isnull=False).count() == 3
    published = _post(county, draft, "publish").json()
    assert published["status"] == RoundStatus.NOTICE and published["notice_ends_at"]

    rating = Rating.objects.filter(round_id=draft).first()
    objection = _post(head, draft, "object", lodged_by_name="村民甲", content="得分偏高", rating=rating.pk)
    assert objection.status_code == 200
    objection_id = objection.json()["objections"][0]["id"]

    time_machine.move_to(timezone.now() + dt.timedelta(days=8))
    group, county = as_user(cw.group), as_user(cw.county_group)  # sessions last 12 hours: sign in again
    blocked = _post(county, draft, "take-effect")
    assert blocked.status_code == 400 and "异议" in blocked.json()["round"][0]
    assert EvaluationRound.objects.get(pk=draft).status == RoundStatus.NOTICE

    answered = _post(group, draft, "answer", objection=objection_id, answer="经核实，加分材料齐全，维持评定。")
    assert answered.status_code == 200 and answered.json()["objections"][0]["answered_at"]
    effective = _post(county, draft, "take-effect").json()
    assert effective["status"] == RoundStatus.EFFECTIVE
    today = timezone.localdate()
    assert set(Rating.objects.filter(round_id=draft).values_list("valid_from", flat=True)) == {today}

    trail = list(RoundEvent.objects.filter(round_id=draft).values_list("action", "from_state", "to_state"))
    assert [a for a, _f, _t in trail] == [
        "create",
        "nominate",
        "propose",
        "review",
        "publish",
        "object",
        "answer",
        "take_effect",
    ]
    assert ("publish", RoundStatus.REVIEWED, RoundStatus.NOTICE) in trail
    assert RoundEvent.objects.get(round_id=draft, action="object").actor == cw.head


def test_the_rating_cannot_take_effect_before_the_notice_period_ends(cw, as_user, draft):
    head, group, county = as_user(cw.head), as_user(cw.group), as_user(cw.county_group)
    _post(head, draft, "propose")
    _post(group, draft, "review")
    _post(county, draft, "publish")
    response = _post(county, draft, "take-effect")
    assert response.status_code == 400 and "公示期" in response.json()["round"][0]


def test_an_upheld_objection_reopens_the_round(cw, as_user, draft):
    head, group, county = as_user(cw.head), as_user(cw.group), as_user(cw.county_group)
    _post(head, draft, "propose")
    _post(group, draft, "review")
    _post(county, draft, "publish")
    assert _post(county, draft, "reopen").status_code == 400  # a reason is required
    reopened = _post(county, draft, "reopen", note="异议成立，重新评定")
    assert reopened.json()["status"] == RoundStatus.DRAFT


FORBIDDEN = [
    # (who, state the round is in, action, expected status)
    ("group", RoundStatus.DRAFT, "propose", 403),  # the township does not propose for the village
    ("head", RoundStatus.PROPOSED, "review", 403),  # the village does not review itself
    ("coop", RoundStatus.PROPOSED, "review", 404),  # the cooperative does not see rounds at all
    ("group", RoundStatus.REVIEWED, "publish", 403),  # only the county publishes
    ("head", RoundStatus.NOTICE, "take-effect", 403),
    ("group_b", RoundStatus.PROPOSED, "review", 404),  # another township's group: not in scope
    ("county_group", RoundStatus.DRAFT, "propose", 403),  # the county does not propose for the village
    ("village_member", RoundStatus.REVIEWED, "return-to-township", 403),
    ("head", RoundStatus.DRAFT, "publish", 409),  # out of order
]


@pytest.mark.parametrize("who,state,action,code", FORBIDDEN)
def test_a_forbidden_step_per_role(cw, as_user, draft, who, state, action, code):
    head, group, county = as_user(cw.head), as_user(cw.group), as_user(cw.county_group)
    steps = [(head, "propose"), (group, "review"), (county, "publish")]
    order = [RoundStatus.DRAFT, RoundStatus.PROPOSED, RoundStatus.REVIEWED, RoundStatus.NOTICE]
    for client, step in steps[: order.index(state)]:
        assert _post(client, draft, step).status_code == 200
    before = EvaluationRound.objects.get(pk=draft)
    response = _post(as_user(getattr(cw, who)), draft, action)
    assert response.status_code == code
    after = EvaluationRound.objects.get(pk=draft)
    assert (after.status, after.version) == (before.status, before.version)


def test_whoever_proposed_does_not_review(cw, as_user, draft):
    member = as_user(cw.village_member)
    assert _post(member, draft, "propose").status_code == 200
    assert _post(member, draft, "review").status_code == 403


def test_a_stale_version_answers_409(cw, as_user, draft):
    head = as_user(cw.head)
    version = head.get(f"{BASE}{draft}/").json()["version"]
    assert _post(head, draft, "propose", version=version).status_code == 200
    stale = _post(as_user(cw.group), draft, "send-back", version=version, note="材料不全")
    assert stale.status_code == 409 and stale.json()["current_state"] == RoundStatus.PROPOSED


def test_review_waits_for_every_pending_proposal(cw, as_user, draft):
    head, group = as_user(cw.head), as_user(cw.group)
    subject = subject_for_household(cw.households[0])
    proposed = head.post(
        "/api/v1/credit/facts/",
        {"subject": subject.pk, "item_code": "safe_family", "occurred_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert proposed.status_code == 201 and proposed.json()["status"] == "proposed"
    _post(head, draft, "propose")
    blocked = _post(group, draft, "review")
    assert blocked.status_code == 400 and "待评定" in blocked.json()["round"][0]
    assert group.post(f"/api/v1/credit/facts/{proposed.json()['id']}/apply/", {}, format="json").status_code == 200
    assert _post(group, draft, "review").status_code == 200
    assert Rating.objects.get(round_id=draft, subject=subject).bonus_points > 0


def test_the_round_detail_offers_the_actions_the_user_may_take(cw, as_user, draft):
    head = as_user(cw.head)
    actions = {a["action"] for a in head.get(f"{BASE}{draft}/").json()["actions"]}
    assert actions == {"propose"}
    _post(head, draft, "propose")
    actions = {a["action"] for a in as_user(cw.group).get(f"{BASE}{draft}/").json()["actions"]}
    assert actions == {"send_back", "review"}


def test_the_township_sends_back_and_the_county_returns(cw, as_user, draft):
    head, group, county = as_user(cw.head), as_user(cw.group), as_user(cw.county_group)
    _post(head, draft, "propose")
    assert _post(group, draft, "send-back").status_code == 400  # a reason is required
    sent_back = _post(group, draft, "send-back", note="张刚户加分材料不全")
    assert sent_back.json()["status"] == RoundStatus.DRAFT
    _post(head, draft, "propose")
    _post(group, draft, "review")
    returned = _post(county, draft, "return-to-township", note="请复核否决事实")
    assert returned.json()["status"] == RoundStatus.PROPOSED
    trail = [(e["action"], e["note"]) for e in returned.json()["timeline"]]
    assert ("send_back", "张刚户加分材料不全") in trail and ("return_to_township", "请复核否决事实") in trail

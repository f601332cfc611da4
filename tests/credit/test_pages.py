"""The browser pages: evaluation work (village → township → county), the proposals queue, the
cooperative's lookup and grant, the overview and 红黑榜; who sees which page."""

import pytest
from django.utils import timezone

from credit import services
from credit.constants import RoundStatus
from credit.models import CreditLine, EvaluationRound, Fact, IntegrityCheck
from credit.subjects import subject_for_household

from .conftest import applied_fact

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_as(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def test_a_round_through_the_pages(cw, page_as):
    head = page_as(cw.head)
    response = head.post("/credit/rounds/new/", {"village": cw.village.pk, "period": "2026"}, follow=True)
    rnd = EvaluationRound.objects.get()
    assert response.redirect_chain[-1][0] == f"/credit/rounds/{rnd.pk}/"
    head.post(f"/credit/rounds/{rnd.pk}/nominate/")
    assert rnd.ratings.count() == len(cw.households)
    page = head.get(f"/credit/rounds/{rnd.pk}/").content.decode()
    assert 'data-action="propose"' in page and "张刚" in page
    head.post(f"/credit/rounds/{rnd.pk}/act/propose/", {"version": EvaluationRound.objects.get().version})
    group = page_as(cw.group)
    stale = group.post(f"/credit/rounds/{rnd.pk}/act/review/", {"version": 1}, follow=True)
    assert "已被他人处理" in stale.content.decode()
    group.post(f"/credit/rounds/{rnd.pk}/act/review/", {"version": EvaluationRound.objects.get().version})
    assert EvaluationRound.objects.get().status == RoundStatus.REVIEWED
    refused = group.post(f"/credit/rounds/{rnd.pk}/act/publish/", follow=True)
    assert "无权" in refused.content.decode() and EvaluationRound.objects.get().status == RoundStatus.REVIEWED


def test_the_proposals_queue_decides(cw, page_as):
    fact = services.propose_fact(
        actor=cw.head,
        subject=subject_for_household(cw.households[0]),
        item_code="volunteer",
        occurred_on=timezone.localdate(),
    )
    group = page_as(cw.group)
    assert "微治理志愿者" in group.get("/credit/proposals/").content.decode()
    missing_reason = group.post(f"/credit/proposals/{fact.pk}/decide/", {"decision": "dismiss"}, follow=True)
    assert "请填写" in missing_reason.content.decode()
    group.post(f"/credit/proposals/{fact.pk}/decide/", {"decision": "apply", "version": fact.version})
    assert Fact.objects.get().status == "applied"


def test_the_cooperative_looks_up_and_grants(cw, page_as, run_round, time_machine):
    zhang = cw.households[0]
    for code in ("safe_family", "moral_model", "filial_worthy", "red_banner"):
        applied_fact(cw, zhang, code, timezone.localdate())
    run_round(clock=time_machine)
    coop = page_as(cw.coop)
    page = coop.post("/credit/cooperative/", {"id_number": cw.ids[zhang.pk], "reason": "授信审查"}).content.decode()
    assert 'id="lookup-grade">AAA<' in page and IntegrityCheck.objects.get().reason == "授信审查"
    subject = subject_for_household(zhang)
    coop.post("/credit/cooperative/grant/", {"subject": subject.pk, "amount": "300001"})
    assert not CreditLine.objects.exists()
    coop.post("/credit/cooperative/grant/", {"subject": subject.pk, "amount": "300000"})
    line = CreditLine.objects.get()
    coop.post(f"/credit/cooperative/lines/{line.pk}/movements/", {"kind": "draw", "amount": "1000"})
    assert "1,000" in coop.get("/credit/cooperative/").content.decode()  # money with thousands separators


def test_who_sees_which_page(cw, page_as):
    coop = page_as(cw.coop)
    assert coop.get("/credit/rounds/").status_code == 404
    assert coop.get("/credit/").status_code == 404
    head = page_as(cw.head)
    assert head.get("/credit/cooperative/").status_code == 404
    for url in ("/credit/", "/credit/?level=village", "/credit/honour-roll/", "/credit/rounds/", "/credit/proposals/"):
        assert head.get(url).status_code == 200, url
    nav = head.get("/credit/").content.decode()
    assert "综治信用" in nav and "农信社授信" not in nav


@pytest.mark.parametrize("url", ["/credit/rounds/", "/credit/proposals/", "/credit/"])
def test_pages_take_a_bounded_number_of_queries(cw, page_as, django_assert_max_num_queries, url):
    client = page_as(cw.group)
    counts = []
    for n in (1, 6):
        for i in range(n):
            rnd = services.create_round(actor=cw.head, village=cw.village, period=f"{n}-{i}")
            services.propose_fact(
                actor=cw.head,
                subject=subject_for_household(cw.households[i % 3]),
                item_code="volunteer",
                occurred_on=timezone.localdate(),
            )
            assert rnd.pk
        with django_assert_max_num_queries(20) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]

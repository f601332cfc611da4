"""The browser pages: claims to handle per role, the claim page and its actions (400 keeps the
form, a stale page reloads), scope (404), policies and figures pages, query counts."""

from decimal import Decimal

import pytest
from django.test import Client

from insurance.models import Claim


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def verified(cover):
    claim = cover.report()
    Claim.objects.filter(pk=claim.pk).update(status="verified", version=2)
    return claim


def test_township_officer_sees_claims_to_approve_and_approves_one(cover, verified):
    page = client_for(cover.officer_a).get("/insurance/")
    assert page.status_code == 200 and verified.number in page.content.decode()
    assert verified.number not in client_for(cover.officer_b).get("/insurance/").content.decode()
    detail = client_for(cover.officer_a).get(f"/insurance/claims/{verified.pk}/").content.decode()
    assert "乡镇审核通过" in detail and "拒赔" in detail
    response = client_for(cover.officer_a).post(
        f"/insurance/claims/{verified.pk}/act/approve/", {"version": 2, "note": "同意"}
    )
    assert response.status_code == 302
    assert Claim.objects.get(pk=verified.pk).status == "approved"


def test_another_townships_claim_page_is_404(cover, verified):
    other = client_for(cover.officer_b)
    assert other.get(f"/insurance/claims/{verified.pk}/").status_code == 404
    assert other.post(f"/insurance/claims/{verified.pk}/act/approve/", {"note": ""}).status_code == 404
    assert Claim.objects.get(pk=verified.pk).status == "verified"


def test_a_missing_reason_keeps_the_form_with_a_message(cover, verified):
    response = client_for(cover.officer_a).post(f"/insurance/claims/{verified.pk}/act/decline/", {"note": ""})
    assert response.status_code == 400
    assert "请填写拒赔原因" in response.content.decode()
    assert Claim.objects.get(pk=verified.pk).status == "verified"


def test_a_stale_page_reloads_with_a_message(cover, verified):
    client = client_for(cover.officer_a)
    response = client.post(f"/insurance/claims/{verified.pk}/act/approve/", {"version": 1}, follow=True)
    assert "已被他人处理" in response.content.decode()
    assert Claim.objects.get(pk=verified.pk).status == "verified"


def test_insurer_settles_from_the_page_within_the_limits(cover, verified):
    Claim.objects.filter(pk=verified.pk).update(status="approved", version=3)
    client = client_for(cover.claims_officer)
    assert verified.number in client.get("/insurance/").content.decode()
    too_much = client.post(f"/insurance/claims/{verified.pk}/act/settle/", {"paid_amount": "2400", "note": ""})
    assert too_much.status_code == 400 and "最多可赔 2,300.00 元" in too_much.content.decode()
    ok = client.post(f"/insurance/claims/{verified.pk}/act/settle/", {"paid_amount": "2300", "note": "", "version": 3})
    assert ok.status_code == 302
    claim = Claim.objects.get(pk=verified.pk)
    assert claim.status == "settled" and claim.paid_amount == Decimal("2300")


def test_policies_and_figures_pages(cover):
    for user in (cover.claims_officer, cover.operator, cover.officer_a):
        client = client_for(user)
        policies = client.get("/insurance/policies/").content.decode()
        assert cover.policies["a"].number in policies
        figures = client.get("/insurance/figures/")
        assert figures.status_code == 200 and "echarts.min.js" in figures.content.decode()
        assert 'id="chart-data"' in figures.content.decode()
    assert cover.policies["b"].number not in client_for(cover.officer_a).get("/insurance/policies/").content.decode()
    export = client_for(cover.operator).get("/insurance/figures/export.xlsx")
    assert export.status_code == 200 and export["Content-Disposition"].startswith("attachment")


def test_navigation_shows_the_insurance_pages_to_their_roles(cover):
    assert client_for(cover.claims_officer).get("/").url == "/insurance/"  # the insurer's home page
    nav = lambda user: client_for(user).get("/insurance/policies/").content.decode()  # noqa: E731
    assert "平安家园理赔" in nav(cover.claims_officer) and "保险统计" in nav(cover.claims_officer)
    assert "保险统计" in nav(cover.operator) and "平安家园理赔" not in nav(cover.operator)


@pytest.mark.parametrize("n", [2, 12])
def test_claims_page_query_count_does_not_grow(cover, django_assert_max_num_queries, n):
    for i in range(n):
        claim = cover.report(item=f"物品{i}", loss_amount=Decimal("300"))
        Claim.objects.filter(pk=claim.pk).update(status="verified")
    client = client_for(cover.officer_a)
    with django_assert_max_num_queries(10):
        page = client.get("/insurance/")
    assert page.content.decode().count("/insurance/claims/") >= n


def test_grid_worker_reports_a_claim_from_the_page(cover):
    client = client_for(cover.worker)
    assert "代农户报案" in client.get("/insurance/").content.decode()
    form = {
        "household_number": cover.households["a"].number,
        "peril": cover.perils["ebike"].pk,
        "item": "电动车一辆",
        "loss_date": cover.loss_date.isoformat(),
        "loss_amount": "2500",
    }
    refused = client.post("/insurance/claims/new/", form)  # no incident, no police report
    assert refused.status_code == 400 and "公安支撑" in refused.content.decode()
    unknown = client.post("/insurance/claims/new/", {**form, "household_number": cover.households["b"].number})
    assert unknown.status_code == 400 and "不在您的辖区" in unknown.content.decode()
    assert not Claim.objects.exists()
    incident = cover.theft()
    response = client.post("/insurance/claims/new/", {**form, "incident_number": incident.number})
    claim = Claim.objects.get()
    assert response.status_code == 302 and response.url == f"/insurance/claims/{claim.pk}/"
    assert claim.incident == incident and claim.reported_by == cover.worker
    assert "代农户报案" not in client_for(cover.claims_officer).get("/insurance/?all=1").content.decode()


def test_a_township_sees_its_own_total_and_money_with_separators(cover):
    own = client_for(cover.officer_a).get("/insurance/figures/").content.decode()
    assert "全县" not in own and "赔付率（合计）" in own
    assert "赔付率（全县合计）" in client_for(cover.operator).get("/insurance/figures/").content.decode()
    premium = cover.policies["a"].premium
    policies = client_for(cover.operator).get("/insurance/policies/").content.decode()
    assert premium >= 1000 and f"{premium:,.0f}" in policies and f">{premium:.0f}<" not in policies

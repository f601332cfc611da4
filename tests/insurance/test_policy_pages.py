"""Issue #17 point 5: policies are issued and renewed from pages (出具保单, 续保), by the
insurer's staff and platform admins only, with Chinese messages next to the fields and the
optional fields (start date, population, excess) left empty as a browser sends them."""

from decimal import Decimal

from django.test import Client

from insurance import services
from insurance.models import Policy
from tests.forms import SIGN_OUT, browser_post, fill_required, page_forms


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def next_year_schedule(cover):
    services.set_premium_schedule(
        insurer=cover.insurer,
        year=cover.year + 1,
        small=Decimal("9000"),
        middle=Decimal("11000"),
        large=Decimal("13000"),
        actor=cover.world.admin,
    )


def test_the_insurer_issues_a_policy_with_the_optional_fields_left_empty(cover):
    next_year_schedule(cover)
    client = client_for(cover.claims_officer)
    assert "/insurance/policies/new/" in client.get("/insurance/policies/").content.decode()
    page = client.get("/insurance/policies/new/")
    assert page.status_code == 200
    (form,) = [f for f in page_forms(page.content.decode()) if f.action != SIGN_OUT]
    fields = dict(fill_required(form)[0])
    assert fields["starts_on"] == fields["population"] == fields["excess"] == ""
    fields.update(
        township=str(cover.world.a.pk),
        year=str(cover.year + 1),
        per_claim_limit="3000",
        household_year_limit="5000",
    )
    pairs = [*fields.items(), ("perils", cover.perils["ebike"].pk), ("perils", cover.perils["tools"].pk)]
    response = browser_post(client, "/insurance/policies/new/", pairs)
    assert response.status_code == 302 and response.url == f"/insurance/policies/?year={cover.year + 1}"
    policy = Policy.objects.get(township=cover.world.a, year=cover.year + 1)
    assert policy.population == cover.world.a.population and policy.excess == 0
    assert str(policy.starts_on) == f"{cover.year + 1}-01-01"
    assert set(policy.perils.values_list("code", flat=True)) == {"ebike", "tools"}
    assert policy.insurer == cover.insurer and policy.premium > 0
    listing = client.get(response.url).content.decode()
    assert policy.number in listing and "已出具保单" in listing


def test_bad_input_keeps_the_form_with_chinese_messages(cover):
    client = client_for(cover.world.admin)
    form = {
        "insurer": cover.insurer.pk,
        "township": cover.world.a.pk,
        "year": cover.year + 1,
        "starts_on": "",
        "population": "-3",
        "per_claim_limit": "",
        "household_year_limit": "100",
        "excess": "",
    }
    response = browser_post(client, "/insurance/policies/new/", form)
    html = response.content.decode()
    assert response.status_code == 400
    assert "请填写合法的数字" in html and "请确保该值大于或者等于 0" in html  # per_claim_limit, population
    assert 'id="per_claim_limit" name="per_claim_limit" value=""' in html
    assert 'value="100"' in html  # what was typed stays
    no_perils = browser_post(
        client, "/insurance/policies/new/", {**form, "population": "", "per_claim_limit": "3000"}
    ).content.decode()
    assert "请至少选择一项承保风险" in no_perils and "不能低于每次事故限额" in no_perils
    # The year already insured: the service's message next to the year field.
    taken = browser_post(
        client,
        "/insurance/policies/new/",
        [
            *{
                **form,
                "year": cover.year,
                "population": "",
                "per_claim_limit": "3000",
                "household_year_limit": "5000",
            }.items(),
            ("perils", cover.perils["ebike"].pk),
        ],
    )
    assert taken.status_code == 400 and "年度已有保单" in taken.content.decode()
    assert Policy.objects.count() == 2


def test_the_insurer_renews_a_policy_from_the_page(cover):
    client = client_for(cover.claims_officer)
    old = cover.policies["a"]
    listing = client.get("/insurance/policies/").content.decode()
    assert f"/insurance/policies/{old.pk}/renew/" in listing
    missing = browser_post(client, f"/insurance/policies/{old.pk}/renew/", {"starts_on": "", "population": ""})
    assert missing.status_code == 400 and "尚未设置" in missing.content.decode()  # no schedule for next year
    next_year_schedule(cover)
    response = browser_post(client, f"/insurance/policies/{old.pk}/renew/", {"starts_on": "", "population": "45000"})
    assert response.status_code == 302
    renewal = Policy.objects.get(renewed_from=old)
    assert renewal.year == cover.year + 1 and renewal.tier == "middle" and renewal.premium == Decimal("11000")
    assert renewal.per_claim_limit == old.per_claim_limit
    listing = client.get(f"/insurance/policies/?year={cover.year}").content.decode()
    assert f"已续保 {renewal.number}" in listing and f"/insurance/policies/{old.pk}/renew/" not in listing
    again = browser_post(client, f"/insurance/policies/{old.pk}/renew/", {"starts_on": "", "population": ""})
    assert again.status_code == 400 and "已续保" in again.content.decode()


def test_only_the_insurer_and_admins_keep_policies(cover):
    for user in (cover.operator, cover.officer_a, cover.worker):
        client = client_for(user)
        assert client.get("/insurance/policies/new/").status_code == 403
        assert "/insurance/policies/new/" not in client.get("/insurance/policies/").content.decode()
        assert browser_post(client, "/insurance/policies/new/", {"year": cover.year}).status_code == 403
    assert client_for(cover.operator).get(f"/insurance/policies/{cover.policies['a'].pk}/renew/").status_code == 403
    # Another township's policy is out of the officer's scope: 404, not 403.
    assert client_for(cover.officer_a).get(f"/insurance/policies/{cover.policies['b'].pk}/renew/").status_code == 404
    assert Policy.objects.count() == 2

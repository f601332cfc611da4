"""The assessment pages: entering evidence with Chinese errors, reviewing and approving through
forms, and list endpoints whose query count does not grow with the number of rows."""

import pytest
from django.test import Client

from oversight.assessment.rating import compute_ratings
from oversight.models import AreaRating, Evidence, Indicator
from oversight.stability import compute_week

from .conftest import YEAR
from .test_stability import WEEK


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def test_evidence_form_reports_errors_in_chinese_and_keeps_nothing(county):
    compute_ratings(county=county.county, year=YEAR)
    village = county.villages["411425100"][0]
    rating = AreaRating.objects.get(area=village, year=YEAR)
    client = browser(county.heads[village.code])
    page = client.get(f"/oversight/ratings/{rating.pk}/")
    assert "录入佐证" in page.content.decode()
    entered = Indicator.objects.get(level="village", code="V4")
    r = client.post(
        f"/oversight/ratings/{rating.pk}/evidence/",
        {"indicator": entered.pk, "passed": "true", "note": "好"},
        follow=True,
    )
    assert "请填写佐证说明（不少于 5 个字）" in r.content.decode() and not Evidence.objects.exists()
    r = client.post(
        f"/oversight/ratings/{rating.pk}/evidence/",
        {"indicator": entered.pk, "passed": "true", "note": "经排查无涉黑涉恶线索"},
        follow=True,
    )
    assert "佐证已录入" in r.content.decode()
    evidence = Evidence.objects.get()
    assert (evidence.area, evidence.year, evidence.status) == (village, YEAR, "submitted")


def test_reviewer_approves_evidence_and_rating_through_the_pages(county):
    village = county.villages["411425100"][0]
    head = county.heads[village.code]
    officer = browser(county.officers["411425100"])
    compute_ratings(county=county.county, year=YEAR)
    rating = AreaRating.objects.get(area=village, year=YEAR)
    for ind in Indicator.objects.filter(level="village", metric="entered"):
        browser(head).post(
            f"/oversight/ratings/{rating.pk}/evidence/",
            {"indicator": ind.pk, "passed": "true", "note": "台账齐全，核查达标"},
        )
    for evidence in Evidence.objects.all():
        officer.post(f"/oversight/evidence/{evidence.pk}/act/approve/", {"version": evidence.version})
    rating.refresh_from_db()
    assert rating.result == "safe"
    r = officer.post(f"/oversight/ratings/{rating.pk}/act/approve/", {"version": rating.version - 1}, follow=True)
    assert "已被他人处理" in r.content.decode()  # a stale page
    officer.post(f"/oversight/ratings/{rating.pk}/act/approve/", {"version": rating.version})
    rating.refresh_from_db()
    assert rating.status == "approved"
    assert [e.action for e in rating.events.all()][-1] == "approve"


def _more_villages(county, n):
    from grids import services

    for i in range(n):
        services.create_area(parent=county.a, level="village", code=f"411425100{210 + i:03d}", name=f"新村{i}")


@pytest.mark.parametrize("extra", [0, 12])
def test_lists_cost_the_same_whatever_their_size(county, as_user, django_assert_max_num_queries, extra):
    _more_villages(county, extra)
    compute_ratings(county=county.county, year=YEAR)
    compute_week(county=county.county, week_start=WEEK)
    client = as_user(county.leader)
    with django_assert_max_num_queries(6):
        assert len(client.get(f"/api/v1/oversight/ratings/?year={YEAR}&level=village").json()["results"]) == 4 + extra
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/oversight/evidence/").status_code == 200
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/oversight/stability/").json()["results"]) == 2
    with django_assert_max_num_queries(12):
        assert client.get(f"/oversight/ratings/?year={YEAR}&level=village").status_code == 200
    rating = AreaRating.objects.filter(level="village").first()
    with django_assert_max_num_queries(14):
        assert client.get(f"/oversight/ratings/{rating.pk}/").status_code == 200


def test_admin_refuses_unknown_category_codes_in_chinese(county):
    from oversight.admin import CaseMeasureForm

    indicator = Indicator.objects.get(level="village", code="V2")
    form_class = type("F", (CaseMeasureForm,), {"Meta": type("Meta", (), {"model": Indicator, "fields": "__all__"})})
    data = {
        f: getattr(indicator, f)
        for f in ["level", "code", "name", "group", "metric", "comparison", "threshold", "points", "order"]
    }
    form = form_class({**data, "category_codes": '["XA09"]', "sources": '["fax"]'}, instance=indicator)
    assert not form.is_valid()
    assert "XA09" in form.errors["category_codes"][0] and "事件来源" in form.errors["sources"][0]
    form = form_class({**data, "category_codes": '["XA01"]', "sources": "[]", "threshold": ""}, instance=indicator)
    assert not form.is_valid() and "阈值" in str(form.errors)

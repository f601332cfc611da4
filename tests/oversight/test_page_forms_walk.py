"""Issue #12: every form of the assessment page — the rating's and the evidence's review actions
and entering evidence (the file field with no file) — posted with only the required fields
filled, for every role that acts on it: no 500."""

from django.test import Client

from oversight.assessment import services
from oversight.assessment.rating import compute_ratings
from oversight.models import AreaRating, Indicator
from tests.forms import assert_no_server_error, walk_forms

from .conftest import YEAR


def test_every_assessment_page_form_with_optional_fields_empty_answers_without_a_500(county):
    village = county.villages["411425100"][0]
    head = county.heads[village.code]
    compute_ratings(county=county.county, year=YEAR)
    rating = AreaRating.objects.get(area=village, year=YEAR)
    indicator = Indicator.objects.filter(level="village", metric="entered").first()
    services.submit_evidence(
        actor=head, area=village, indicator=indicator, year=YEAR, passed=True, note="台账齐全，核查达标"
    )
    approved = AreaRating.objects.filter(level="village", year=YEAR).exclude(pk=rating.pk).first()
    AreaRating.objects.filter(pk=approved.pk).update(status="approved")
    walked = set()
    for person in (head, county.officers["411425100"], county.leader):
        client = Client()
        client.force_login(person)
        for r in (rating, approved):
            walked |= assert_no_server_error(walk_forms(client, f"/oversight/ratings/{r.pk}/"))
    assert {"approve", "revoke", "reject", "evidence"} <= walked

"""Safe-area assessment in the pages (real Chromium): a village head enters the last piece of
evidence with a file, the township officer accepts it and approves the 平安村; the stability
index page shows each township's colour."""

import datetime as dt

import pytest

from oversight.assessment.rating import compute_ratings
from oversight.assessment.services import review_evidence, submit_evidence
from oversight.models import AreaRating, Indicator
from oversight.stability import compute_week, last_complete_week
from tests.browser.conftest import sign_in
from tests.oversight.conftest import YEAR, county, file_case  # noqa: F401  (the assessment fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_village_evidence_to_approved_safe_village(page, contexts, login, county, tmp_path, screenshot):  # noqa: F811
    village = county.villages["411425100"][0]
    head = county.heads[village.code]
    *prepared, last = Indicator.objects.filter(level="village", metric="entered").order_by("order")
    for ind in prepared:
        ev = submit_evidence(actor=head, area=village, indicator=ind, year=YEAR, passed=True, note="台账齐全，核查达标")
        review_evidence(evidence_id=ev.pk, action="approve", actor=county.leader)
    compute_ratings(county=county.county, year=YEAR)
    rating = AreaRating.objects.get(area=village, year=YEAR)
    assert rating.result == "incomplete"

    login(head.username)
    page.goto(f"{page.base}/oversight/ratings/{rating.pk}/")
    scan = tmp_path / "组织建设台账.pdf"
    scan.write_bytes(b"%PDF-1.4\n% scanned ledger\n")
    page.select_option("#evidence-form select[name=indicator]", label=f"{last.code} {last.name}")
    page.fill("#evidence-form input[name=note]", "村两委班子健全，村规民约已修订")
    page.set_input_files("#evidence-form input[name=file]", str(scan))
    page.click("#evidence-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "佐证已录入" in page.inner_text(".alert-success")
    assert "组织建设台账.pdf" in page.inner_text("table:has(th:text('录入人'))")

    officer = sign_in(contexts(), county.officers["411425100"].username)
    officer.goto(f"{officer.base}/oversight/ratings/?year={YEAR}&level=village")
    officer.click(f"text={village.name}")
    officer.click("button:text('采信')")
    officer.wait_for_load_state("networkidle")
    assert "达标" in officer.inner_text("#rating-result")
    officer.fill("#form-approve input[name=note]", "四项佐证齐全，同意认定")
    officer.click("#form-approve button[type=submit]")
    officer.wait_for_load_state("networkidle")
    assert officer.inner_text("#rating-status") == "已认定"
    assert AreaRating.objects.get(pk=rating.pk).status == "approved"
    screenshot(officer, "assessment-rating")

    compute_week(county=county.county, week_start=last_complete_week() - dt.timedelta(days=7))
    compute_week(county=county.county, week_start=last_complete_week())
    officer.goto(officer.base + "/oversight/stability/")
    assert "城关镇" in officer.inner_text("table") and "肖旗乡" not in officer.inner_text("table")
    assert "绿色" in officer.inner_text("table")
    screenshot(officer, "stability-index")
    for p in (page, officer):
        assert p.watch.console_errors == [] and p.watch.external_requests == []

"""Issue #12 in real Chromium: the browser sends a file field with nothing chosen as an empty
part. A township disposes a case (处置反馈) and a village verifies a claim (核实) with no photo
chosen: both go through, no server error."""

import pytest

from incidents.constants import CaseStatus
from incidents.models import Case
from insurance.models import Claim
from tests.incidents.test_workflow import officer, to_state
from tests.insurance.conftest import cover  # noqa: F401  (the insured county fixture)

from .test_closed_loop import act

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dispose_a_case_with_no_photo_chosen(loop, report, page, login):
    case = to_state(loop, report(), CaseStatus.IN_PROGRESS)
    login(officer(loop).username)
    page.goto(f"{page.base}/cases/{case.pk}/")
    assert page.locator("#form-dispose input[name=photos]").input_value() == ""  # nothing chosen
    act(page, "dispose", result="已清理砖块，道路畅通")
    assert "已完成：处置反馈" in page.inner_text(".alert-success")
    case = Case.objects.get(pk=case.pk)
    assert case.status == CaseStatus.DISPOSED and case.result == "已清理砖块，道路畅通"
    assert page.watch.console_errors == [] and page.watch.external_requests == []


def test_verify_a_claim_with_no_photo_chosen(cover, page, login):  # noqa: F811
    claim = cover.report()
    login(cover.village_head.username)
    page.goto(f"{page.base}/insurance/claims/{claim.pk}/")
    assert page.locator("#photos-verify").input_value() == ""
    page.fill("#note-verify", "入户查看，车棚门锁被撬")
    with page.expect_navigation():
        page.click("#form-verify button[type=submit]")
    assert page.inner_text("#claim-status") == "村级已核实"
    assert "已完成：村级核实" in page.inner_text(".alert-success")
    assert Claim.objects.get(pk=claim.pk).status == "verified"
    assert page.watch.console_errors == [] and page.watch.external_requests == []

"""A village station head takes a neighbour dispute from the case page through mediation to a
printed agreement (real Chromium)."""

import pytest

from disputes.models import Mediation
from tests.disputes.conftest import disputes  # noqa: F401  (the county with mediation bodies)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mediation_from_the_case_page_to_a_printed_agreement(page, login, disputes, screenshot):  # noqa: F811
    d = disputes
    case = d.case()
    login(d.village_head.username)
    page.goto(f"{page.base}/cases/{case.pk}/")
    page.click("#disputes-panel button:has-text('受理调解')")
    page.select_option("#mediate-body", str(d.village_body.pk))
    page.select_option("#mediate-mediators", [str(d.elder.pk), str(d.head_mediator.pk)])
    page.fill("#party-name-1", "张三")
    page.fill("#party-name-2", "李四")
    page.click("#form-mediate button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#mediation-status") == "已受理"

    page.fill("#notes", "双方到场，调解员释法说理")
    page.click("#form-session button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#mediation-status") == "调解中"
    assert "双方到场" in page.inner_text("#sessions")

    page.fill("#agreement_text", "以原界桩为界，李四拆除超出部分院墙")
    page.click("#form-agree button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#mediation-status") == "达成协议"
    assert page.locator("#follow-ups li").count() == 3
    screenshot(page, "disputes-mediation")

    page.goto(page.base + page.get_attribute("#print-agreement", "href"))
    assert page.inner_text("h1") == "人民调解协议书"
    assert "以原界桩为界" in page.inner_text("#agreement") and "张三" in page.inner_text("body")
    screenshot(page, "disputes-agreement")
    assert Mediation.objects.get(case=case).status == "agreed"
    assert page.watch.console_errors == [] and page.watch.external_requests == []

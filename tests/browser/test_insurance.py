"""A township officer approves a village-verified claim in the page (real Chromium)."""

import pytest

from insurance.models import Claim
from tests.insurance.conftest import cover  # noqa: F401  (the insured county fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_township_officer_approves_a_claim(page, login, cover):  # noqa: F811
    claim = cover.report()
    Claim.objects.filter(pk=claim.pk).update(status="verified", version=2)
    login(cover.officer_a.username)
    page.click("text=平安家园保险")  # the menu
    page.click("text=平安家园理赔")
    page.click(f"text={claim.number}")
    assert page.inner_text("#claim-status") == "村级已核实"
    page.fill("#note-approve", "材料齐全，同意赔付")
    page.click("#form-approve button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#claim-status") == "乡镇已审核"
    assert "已完成：乡镇审核通过" in page.inner_text(".alert-success")
    assert "材料齐全，同意赔付" in page.inner_text("#timeline")
    assert Claim.objects.get(pk=claim.pk).status == "approved"
    page.goto(page.base + "/insurance/figures/")
    page.wait_for_selector("#chart canvas")  # ECharts drew the chart from static/vendor
    assert page.watch.console_errors == [] and page.watch.external_requests == []

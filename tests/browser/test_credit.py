"""Governance credit in real Chromium: the township evaluation group finds a proposed round in
its review queue, reviews it, and sees the scored ratings."""

import pytest
from django.utils import timezone

from credit import rules, services
from credit.constants import RoundStatus
from credit.models import EvaluationRound
from tests.credit.conftest import applied_fact, cw  # noqa: F401  (the credit test county)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_group_reviews_a_round_from_its_queue(page, login, cw):  # noqa: F811
    applied_fact(cw, cw.households[0], "moral_model", timezone.localdate())
    rnd = services.create_round(actor=cw.head, village=cw.village, period="2026")
    services.nominate(actor=cw.head, round_id=rnd.pk, household_ids=[h.pk for h in cw.households])
    services.propose(actor=cw.head, round_id=rnd.pk)

    login("group-a")
    page.click("text=综治信用")
    page.click("text=评定工作")
    page.click(f"text={RoundStatus.PROPOSED.label}")
    page.click(f"#credit-rounds >> text={cw.village.name}")
    page.click("button[data-action=review]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#round-status") == RoundStatus.REVIEWED.label
    assert "已完成：评定小组审核通过" in page.inner_text(".alert-success")
    first_row = page.inner_text("#credit-ratings tbody tr:first-child")
    version = rules.current_version()
    expected = version.base_score + version.items.get(code="moral_model").points
    assert "张刚" in first_row and str(expected) in first_row
    assert EvaluationRound.objects.get(pk=rnd.pk).status == RoundStatus.REVIEWED
    assert page.watch.console_errors == [] and page.watch.external_requests == []


def test_the_overview_says_which_townships_have_not_begun(page, login, cw, screenshot):  # noqa: F811
    """Issue 22 point 8: a township missing from the figures is named as not yet evaluated."""
    services.create_round(actor=cw.head, village=cw.village, period="2026")  # 城关镇 has begun
    town_a, town_b = cw.world.towns
    login("county")
    page.click("text=综治信用")
    page.click("#mainNav >> text=信用评定")
    note = page.locator("#credit-not-evaluated")
    note.wait_for()
    assert town_b.name in note.inner_text() and town_a.name not in note.inner_text()
    screenshot(page, "point8-credit-overview")
    assert page.watch.console_errors == [] and page.watch.external_requests == []

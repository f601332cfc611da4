"""Accessibility smoke check of the pages people work in: each has a level-1 heading, every
visible form control has an accessible name (a <label>, aria-label or aria-labelledby), and the
page renders with no console error and no request leaving the machine."""

import pytest

from governance.roles import Role
from grids import services as grid_services
from tests.browser.conftest import PHONE, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNNAMED_CONTROLS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length))
  .filter(el => !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 120))"""

PAGES = {
    "zhihui": ["/desk/", "/search/?q=SJ", "/report/", "/cases/{case}/", "/oversight/", "/oversight/map/",
               "/oversight/ratings/", "/oversight/stability/", "/reviews/daily/", "/reviews/weekly/",
               "/insurance/figures/", "/credit/"],
    "officer": ["/inbox/", "/cases/{case}/", "/insurance/", "/credit/rounds/"],
    "gw": ["/report/", "/report/mine/", "/fieldwork/"],
    "admin-console": ["/console/"],
}


def test_pages_have_headings_named_controls_and_no_errors(loop, report, contexts):
    case = report()
    officer = loop.world.officers["411425200"]
    officer.username = "officer"
    officer.save()
    admin = UserFactory(username="admin-console", is_staff=True)
    grid_services.assign(user=admin, area=loop.world.county, role=Role.ADMIN)
    problems = []
    for username, urls in PAGES.items():
        page = contexts(viewport=PHONE) if username == "gw" else contexts()
        sign_in(page, username)
        for url in urls:
            response = page.goto(page.base + url.format(case=case.pk))
            page.wait_for_load_state("networkidle")
            if response.status != 200:
                problems.append(f"{username} {url}: HTTP {response.status}")
                continue
            if page.locator("h1").count() != 1:
                problems.append(f"{username} {url}: {page.locator('h1').count()} h1 headings")
            problems += [f"{username} {url}: unnamed {html}" for html in page.evaluate(UNNAMED_CONTROLS)]
        problems += [f"{username}: console {e}" for e in page.watch.console_errors]
        problems += [f"{username}: external {r}" for r in page.watch.external_requests]
    assert problems == []

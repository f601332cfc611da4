"""The grid worker's phone pages at 390×844 in real Chromium (issue 22, point 3): nothing scrolls
the page sideways, no table's column head breaks over lines, and every visible control — with
the menu open — is a 44 px touch target (a checkbox or switch is tapped through its label).
Inline links in text and tables are not controls. Screenshots go to var/screenshots/."""

import pytest

from tests.browser.conftest import PHONE, sign_in
from tests.insurance.conftest import cover  # noqa: F401  (the insured county: a grid worker, a claim to list)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The grid worker's pages, in three runs of a few pages each (a run's setup costs more than a page).
PHONE_PAGES = {
    "field": ["/care/today/", "/fieldwork/", "/report/", "/report/mine/", "/search/?q=H-A-1"],
    "care": ["/care/", "/care/colours/", "/care/volunteers/", "/care/neighbours/"],
    "forms": ["/insurance/?all=1", "/insurance/claims/new/", "/disputes/petitions/new/", "/notifications/settings/"],
}

FIT = """() => {
  document.getElementById('mainNav').classList.add('show');  // the menu, opened
  const controls = 'button, .btn, input:not([type=hidden]), select, textarea, summary, .nav-link, .navbar-brand,'
    + ' .navbar-toggler, .dropdown-item, .page-link';
  const small = [];
  for (const e of document.querySelectorAll(controls)) {
    if (!e.getClientRects().length || e.closest('.visually-hidden')) continue;
    const own = e.getBoundingClientRect();
    let box = own;
    if (e.type === 'checkbox' || e.type === 'radio') {
      const label = e.labels[0].getBoundingClientRect();
      box = { width: Math.max(own.right, label.right) - Math.min(own.left, label.left),
              height: Math.max(own.bottom, label.bottom) - Math.min(own.top, label.top) };
      if (own.width < 24 || own.height < 24) box = own;
    }
    if (box.width < 44 || box.height < 44) {
      small.push(`${e.tagName} «${(e.textContent || e.name || e.id).trim().slice(0, 16)}» `
        + `${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  const wrapped = [...document.querySelectorAll('thead th')].filter(th => th.getClientRects().length).filter(th => {
    const s = getComputedStyle(th);
    return th.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom) > 1.5 * parseFloat(s.lineHeight);
  }).map(th => th.textContent.trim());  // a column head broken over lines
  return { scrollWidth: document.documentElement.scrollWidth, innerWidth, small, wrapped };
}"""


@pytest.mark.parametrize("pages", PHONE_PAGES.values(), ids=PHONE_PAGES.keys())
def test_phone_pages_fit_the_screen_with_finger_sized_controls(pages, contexts, cover, screenshot):  # noqa: F811
    cover.report()  # one claim in the list
    phone = sign_in(contexts(PHONE), cover.worker.username)
    problems = {}
    for path in pages:
        phone.goto(phone.base + path)
        phone.wait_for_load_state("networkidle")
        assert phone.url.endswith(path)  # the page itself, not a refusal or a redirect
        screenshot(phone, "point3-phone" + path.split("?")[0].rstrip("/").replace("/", "-") + "-390x844")
        fit = phone.evaluate(FIT)
        if fit["scrollWidth"] > fit["innerWidth"] or fit["small"] or fit["wrapped"]:
            problems[path] = fit
    assert problems == {}
    assert phone.watch.console_errors == [] and phone.watch.external_requests == []


def test_check_in_without_gps_at_the_grid_centre_and_visits_on_one_row(contexts, cover, screenshot):  # noqa: F811
    from grids.models import PatrolCheckIn

    phone = sign_in(contexts(PHONE), cover.worker.username)  # no geolocation permission: the phone says no
    phone.goto(phone.base + "/fieldwork/")
    phone.wait_for_selector("#checkin-no-gps:not([hidden])")
    assert phone.input_value("#checkin-reason") == "denied" and "以网格中心打卡" in phone.inner_text("#checkin-submit")
    phone.select_option("#checkin-reason", "no_signal")
    phone.click("#checkin-submit")
    phone.wait_for_selector("#field-result.alert-success")
    screenshot(phone, "point3-check-in-at-grid-centre-390x844")
    row = PatrolCheckIn.objects.get()
    grid = cover.world.grids[cover.world.a.code][0]
    assert (row.position, row.no_gps_reason, row.grid, row.in_own_grid) == ("grid_centre", "no_signal", grid, True)
    assert (row.lat, row.lng) == (grid.center_lat, grid.center_lng)
    # a household's note and its 登记 button share one row under the name
    note = phone.locator(f"#visit-note-{cover.households['a'].pk}").bounding_box()
    button = phone.locator("form.visit-form button[type=submit]").first.bounding_box()
    assert abs(note["y"] - button["y"]) < 8 and button["height"] >= 44
    assert phone.watch.console_errors == [] and phone.watch.external_requests == []

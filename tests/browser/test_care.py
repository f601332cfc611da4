"""A grid worker on a phone-sized page sees an overdue visit, logs it with a photo, and the
village's overdue count drops (real Chromium)."""

import datetime as dt
import io

import pytest
from PIL import Image

from care.models import CarePlan, CareVisit
from tests.browser.conftest import PHONE, sign_in
from tests.care.conftest import care  # noqa: F401  (the county with key people)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 140, 60)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_grid_worker_logs_a_due_visit_and_the_village_count_drops(contexts, care, screenshot):  # noqa: F811
    plan = care.plan(start=dt.date.today() - dt.timedelta(days=3), every=7)
    village = care.world.villages[care.town.code][0]

    head = sign_in(contexts(), care.head.username)
    head.goto(head.base + "/care/")
    assert head.inner_text(f"#care-villages tr[data-village='{village.pk}'] td.overdue") == "1"

    phone = sign_in(contexts(viewport=PHONE), care.worker.username)  # lands on 今日走访
    assert phone.url.endswith("/care/today/")
    card = phone.locator(f"li[data-plan='{plan.pk}']")
    assert "逾期" in card.inner_text() and care.residents[0].name in card.inner_text()
    card.locator("summary").click()
    card.locator("textarea[name=finding]").fill("老人在家，精神尚好，已检查取暖设施")
    card.locator("input[name=photo]").set_input_files(
        files=[{"name": "visit.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}]
    )
    card.locator("button[type=submit]").click()
    phone.wait_for_selector("#visit-result.alert-success")
    assert "已走访" in card.inner_text()
    screenshot(phone, "care-today-phone")

    visit = CareVisit.objects.get(plan=plan)
    assert visit.photo and visit.visitor == care.worker
    assert CarePlan.objects.get(pk=plan.pk).next_due == dt.date.today() + dt.timedelta(days=7)
    head.reload()
    assert head.inner_text(f"#care-villages tr[data-village='{village.pk}'] td.overdue") == "0"
    for page in (head, phone):
        assert page.watch.console_errors == [] and page.watch.external_requests == []

"""Case intake, grid workers' field work and care visits share one idempotency helper
(`governance.idempotency.once_for_request` / `answer`): the same key and body replay the first row
with 200 and `Idempotent-Replayed: true`; the same key with another body — another photo of the
same name included — is 422; no key is a 400 with a Chinese message; one row each."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from care.models import CareVisit
from grids.models import HouseholdVisit
from incidents.models import Case
from incidents.models import Category as CaseCategory
from tests.care.conftest import care  # noqa: F401  (the fixture)


def photo(shade: int) -> SimpleUploadedFile:
    """A photo named alike whatever the shade; only its content differs."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (shade, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile("scene.png", buffer.getvalue(), content_type="image/png")


def _intake(care, variant):  # noqa: F811
    body = {
        "source": "grid_app",
        "category": CaseCategory.objects.get(code="HJ01").pk,
        "description": "占道堆放",
        "lat": 34.405,
        "lng": 115.905,
        "photos": [photo(80 + variant)],
    }
    return "/api/v1/cases/", body, "multipart", Case


def _field_visit(care, variant):  # noqa: F811
    body = {"household": care.households[0].pk, "note": f"走访{variant}"}
    return "/api/v1/fieldwork/visits/", body, "json", HouseholdVisit


def _care_visit(care, variant):  # noqa: F811
    plan = care.plan() if not hasattr(care, "_plan") else care._plan
    care._plan = plan
    body = {"plan": plan.pk, "finding": "老人在家", "photo": photo(80 + variant)}
    return "/api/v1/care/visits/", body, "multipart", CareVisit


@pytest.mark.parametrize("endpoint", [_intake, _field_visit, _care_visit], ids=["intake", "fieldwork", "care"])
def test_one_idempotency_behaviour_for_every_field_write(care, as_user, endpoint):  # noqa: F811
    client, key = as_user(care.worker), uuid.uuid4().hex

    def post(variant, key=key):
        url, body, form, _model = endpoint(care, variant)
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        return client.post(url, body, format=form, **headers)

    first = post(0)
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    replay = post(0)
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == first.json()["id"]
    assert post(1).status_code == 422  # the same key, another body (another photo's content)
    missing = post(0, key="")
    assert missing.status_code == 400 and "Idempotency-Key" in str(missing.json())
    model = endpoint(care, 0)[3]
    assert model.objects.count() == 1

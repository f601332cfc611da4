"""Issue 23 (7): the idempotency fingerprint covers the photos' content, and an image over the
pixel cap is refused from its header."""

import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from governance.attachments import MAX_PIXELS
from incidents.models import Case
from tests.incidents.conftest import photo

URL = "/api/v1/cases/"


def report(client, loop, key, photos):
    body = {
        "source": "grid_app",
        "category": loop.category("HJ01").id,
        "description": "占道堆放",
        "lat": 34.405,
        "lng": 115.905,
        "photos": photos,
    }
    return client.post(URL, body, format="multipart", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_with_another_file_of_the_same_name_and_size_is_not_a_replay(loop, as_user):
    client, key = as_user(loop.worker), uuid.uuid4().hex
    first = photo("scene.jpg").read()
    other = bytearray(first)
    other[len(other) // 2] ^= 0xFF  # same name, same size, other content
    assert len(other) == len(first)
    created = report(client, loop, key, [SimpleUploadedFile("scene.jpg", first, content_type="image/jpeg")])
    assert created.status_code == 201, created.content
    replay = report(client, loop, key, [SimpleUploadedFile("scene.jpg", first, content_type="image/jpeg")])
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
    swapped = report(client, loop, key, [SimpleUploadedFile("scene.jpg", bytes(other), content_type="image/jpeg")])
    assert swapped.status_code == 422
    assert Case.objects.count() == 1
    [stored] = created.json()["timeline"][0]["attachments"]
    download = client.get(stored["url"])
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"  # a photo is personal data


def png(width, height) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("L", (width, height)).save(buffer, format="PNG")
    return SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")


def test_an_image_over_the_pixel_cap_is_refused(loop, as_user):
    assert MAX_PIXELS == 16_000_000
    response = report(as_user(loop.worker), loop, uuid.uuid4().hex, [png(4001, 4000)])
    assert response.status_code == 400 and "像素" in str(response.json())
    assert Case.objects.count() == 0
    assert report(as_user(loop.worker), loop, uuid.uuid4().hex, [png(4000, 4000)]).status_code == 201

"""The village's on-site verification carries its photos: re-encoded, hung on the verify event,
downloadable only within scope; a bad file refuses the whole step."""

from django.core.files.uploadedfile import SimpleUploadedFile

from insurance.models import Claim, ClaimPhoto
from tests.incidents.conftest import photo


def verify(client, claim, **data):
    return client.post(f"/api/v1/insurance/claims/{claim.pk}/verify/", data, format="multipart")


def test_verification_photos_hang_on_the_event_and_stay_in_scope(cover, as_user):
    claim = cover.report()
    village = as_user(cover.village_head)
    r = verify(village, claim, note="入户查看，车棚门锁被撬", version=1, photos=[photo("a.jpg"), photo("b.jpg")])
    assert r.status_code == 200, r.json()
    event = r.json()["timeline"][1]
    assert event["action"] == "verify" and [p["original_name"] for p in event["photos"]] == ["a.jpg", "b.jpg"]
    stored = ClaimPhoto.objects.get(original_name="a.jpg")
    assert stored.event_id == event["id"] and stored.content_type == "image/jpeg"

    download = village.get(event["photos"][0]["url"])
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    other_township = as_user(cover.world.officers[cover.world.b.code])
    assert other_township.get(event["photos"][0]["url"]).status_code == 404


def test_a_file_that_is_not_a_photo_refuses_the_step(cover, as_user):
    claim = cover.report()
    bad = SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    r = verify(as_user(cover.village_head), claim, note="入户查看", version=1, photos=[bad])
    assert r.status_code == 400 and "photos" in r.json()
    claim.refresh_from_db()
    assert claim.status == "reported" and claim.version == 1 and not ClaimPhoto.objects.exists()
    assert Claim.objects.get(pk=claim.pk).events.count() == 1


def test_the_page_form_uploads_the_photos(client, cover):
    claim = cover.report()
    client.force_login(cover.village_head)
    page = client.get(f"/insurance/claims/{claim.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'id="photos-verify"' in page
    response = client.post(
        f"/insurance/claims/{claim.pk}/act/verify/", {"version": 1, "note": "已上门核实", "photos": [photo()]}
    )
    assert response.status_code == 302
    assert ClaimPhoto.objects.filter(claim=claim).count() == 1
    assert "/photos/" in client.get(f"/insurance/claims/{claim.pk}/").content.decode()

"""Issue #12 on the claim page: the village verifies a claim on site with a note and no photo
chosen (the browser sends the file field empty) — the claim moves on, no 500."""

from insurance.models import Claim, ClaimPhoto
from tests.forms import browser_post


def test_verify_without_a_photo_from_the_claim_page(client, cover):
    claim = cover.report()
    client.force_login(cover.village_head)
    fields = {"version": claim.version, "note": "已上门核实，车棚门锁被撬"}
    response = browser_post(client, f"/insurance/claims/{claim.pk}/act/verify/", fields, empty_files=["photos"])
    assert response.status_code == 302 and response.url == f"/insurance/claims/{claim.pk}/"
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.status == "verified" and not ClaimPhoto.objects.filter(claim=claim).exists()


def test_a_serializer_error_on_the_claim_page_is_a_400_next_to_the_field(client, cover):
    claim = cover.report()
    Claim.objects.filter(pk=claim.pk).update(status="approved", version=3)
    client.force_login(cover.claims_officer)
    response = browser_post(client, f"/insurance/claims/{claim.pk}/act/settle/", {"paid_amount": "很多", "version": 3})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'name="paid_amount" id="paid_amount"' in page and "is-invalid" in page and "请填写合法的数字" in page
    assert Claim.objects.get(pk=claim.pk).status == "approved"

"""The township inbox's "待我审批" panel counts the claims waiting for the officer's step."""

from insurance.models import Claim


def test_inbox_shows_claims_waiting_for_the_townships_approval(client, cover):
    claim = cover.report()
    client.force_login(cover.officer_a)
    assert "平安家园理赔待办" not in client.get("/inbox/").content.decode()  # still with the village

    Claim.objects.filter(pk=claim.pk).update(status="verified")
    page = client.get("/inbox/").content.decode()
    badge = '<span class="badge text-bg-primary ms-auto">1</span>'
    assert f'href="/insurance/" data-approval>平安家园理赔待办{badge}' in page

    client.force_login(cover.world.officers[cover.world.b.code])  # the other township
    assert "平安家园理赔待办" not in client.get("/inbox/").content.decode()

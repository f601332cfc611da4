"""The demo county offers its Open311 services, and its reset takes them away again (with the
webhook deliveries of its cases)."""

from demo import interfaces as demo
from interfaces import webhooks
from interfaces.models import PublicService, Subscription, WebhookDelivery
from tests.faults import free_port
from tests.incidents.conftest import loop, report  # noqa: F401 - the fixtures

from .test_webhooks import subscribe


def test_seed_and_reset(api, loop):  # noqa: F811
    assert demo.seed_demo(county=loop.world.county, seed=1) == {"services": len(demo.SERVICES)}
    demo.seed_demo(county=loop.world.county, seed=1)  # again: nothing doubles
    codes = [s["service_code"] for s in api.get("/open311/v2/services.json").json()]
    assert codes == sorted(code for code, *_ in demo.SERVICES)
    assert api.get("/open311/v2/services/HJ02.json").json()["attributes"][0]["code"] == "size"
    demo.reset_demo()
    assert not PublicService.objects.exists()


def test_the_reset_takes_the_webhook_deliveries_of_the_county_away(loop, report):  # noqa: F811
    subscription, _ = subscribe(loop, f"http://127.0.0.1:{free_port()}/gg", kinds=["report"])
    report()
    webhooks.attempt(WebhookDelivery.objects.get().pk)  # a failed attempt logged
    demo.reset_demo()
    assert not WebhookDelivery.objects.exists() and Subscription.objects.get() == subscription

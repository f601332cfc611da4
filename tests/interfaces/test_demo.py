"""The demo county offers its Open311 services, and its reset takes them away again."""

from demo import interfaces as demo
from interfaces.models import PublicService
from tests.incidents.conftest import loop  # noqa: F401 - the fixture


def test_seed_and_reset(api, loop):  # noqa: F811
    assert demo.seed_demo(county=loop.world.county, seed=1) == {"services": len(demo.SERVICES)}
    demo.seed_demo(county=loop.world.county, seed=1)  # again: nothing doubles
    codes = [s["service_code"] for s in api.get("/open311/v2/services.json").json()]
    assert codes == sorted(code for code, *_ in demo.SERVICES)
    assert api.get("/open311/v2/services/HJ02.json").json()["attributes"][0]["code"] == "size"
    demo.reset_demo()
    assert not PublicService.objects.exists()

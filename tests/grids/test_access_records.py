"""Issue 18 (2): who saw what. A household's full ID numbers shown over the API and an export
that is not masked each write an AccessRecord (who, when, what, why when given); masked answers
and lists write none. The key-person records: tests/care/test_plans.py."""

from django.core.management import call_command

from governance.models import AccessRecord
from governance.roles import Role
from grids import services
from grids.household_services import ResidentInput
from tests.factories import UserFactory
from tests.grids.conftest import make_id_number

HOUSEHOLDS = "/api/v1/households/"


def _worker(world):
    """A grid worker of 城关镇's first grid: sees full numbers there."""
    user = UserFactory(username="worker-id")
    services.assign(user=user, area=world.grids["411425100"][0], role=Role.GRID_WORKER)
    return user


def _household(world, make_household):
    numbers = [make_id_number(seq=1, birth="19700101"), make_id_number(seq=2, birth="19800202")]
    residents = [ResidentInput(name="张三", id_number=numbers[0]), ResidentInput(name="李四", id_number=numbers[1])]
    residents.append(ResidentInput(name="王小", id_number=""))
    return make_household(world.grids["411425100"][0], residents=residents), numbers


def test_full_id_numbers_shown_are_recorded_masked_ones_are_not(world, as_user, make_household, officer_a):
    household, numbers = _household(world, make_household)
    worker = _worker(world)
    client = as_user(worker)
    body = client.get(f"{HOUSEHOLDS}{household.pk}/", {"reason": "核实低保申请"}).json()
    assert {r["id_number"] for r in body["residents"]} >= set(numbers)
    row = AccessRecord.objects.get()
    assert (row.user, row.kind, row.via, row.subject, row.object_id, row.rows, row.reason) == (
        worker,
        "identity",
        "api",
        "grids.household",
        str(household.pk),
        2,
        "核实低保申请",
    )
    assert household.number in row.what and not any(n in row.what or n[6:14] in row.what for n in numbers)

    client.get(HOUSEHOLDS)  # a list shows no ID number
    client.patch(f"{HOUSEHOLDS}{household.pk}/", {"address": "新地址"}, format="json")  # the answer shows them
    assert AccessRecord.objects.count() == 2

    masked = as_user(officer_a).get(f"{HOUSEHOLDS}{household.pk}/").json()  # no view_identity
    assert not {r["id_number"] for r in masked["residents"]} & set(numbers)
    assert AccessRecord.objects.count() == 2


def test_an_unmasked_export_is_recorded_with_its_reason(world, as_user, make_household, officer_a):
    _household(world, make_household)
    client = as_user(_worker(world))
    response = client.get("/api/v1/exports/households/", {"format": "csv", "reason": "年度核查"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    row = AccessRecord.objects.get()
    assert (row.kind, row.subject, row.via, row.reason) == ("export", "grids.households", "api", "年度核查")
    assert row.what.startswith("households-") and row.what.endswith(".csv")

    assert client.get("/api/v1/exports/areas/").status_code == 200  # no personal data
    assert as_user(officer_a).get("/api/v1/exports/households/").status_code == 200  # masked
    assert AccessRecord.objects.count() == 1


def test_the_management_command_export_is_recorded(world, make_household, tmp_path):
    _household(world, make_household)
    call_command("export_grids", "households", str(tmp_path / "all.csv"), stdout=open("/dev/null", "w"))
    row = AccessRecord.objects.get()
    assert (row.user, row.kind, row.via, row.what) == (None, "export", "command", "all.csv")

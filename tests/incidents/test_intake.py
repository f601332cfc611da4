import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404

from governance import idempotency
from governance.errors import IdempotencyMismatch
from governance.models import IdempotentRequest
from grids.coords import wgs84_to_gcj02
from incidents import intake, services
from incidents.constants import CaseStatus
from incidents.intake import PartyInput
from incidents.models import Case, CaseAttachment
from tests.incidents.conftest import photo


def test_location_resolves_to_the_grid_and_routes(loop, report):
    case = report(lat=34.405, lng=115.915)  # 肖旗乡 1村 第2网格 (lng 115.91–115.92)
    assert case.grid.code == "411425200201002"
    assert case.township.code == "411425200" and case.village.code == "411425200201"
    assert case.suggested_unit.code == "area-411425200"  # HJ01 is township level
    assert case.number.startswith("SJ") and case.status == CaseStatus.REPORTED


def test_phone_coordinates_are_normalised(loop, report):
    lat, lng = wgs84_to_gcj02(34.405, 115.915)
    case = report(lat=lat, lng=lng, crs="GCJ02")
    assert case.grid.code == "411425200201002"
    assert case.reported_crs == "GCJ02"
    assert case.lat == pytest.approx(34.405, abs=1e-5) and case.lng == pytest.approx(115.915, abs=1e-5)


def test_no_location_falls_back_to_the_workers_grid(loop, report):
    case = report(lat=None, lng=None)
    assert case.grid == loop.world.grids["411425200"][0]


def test_chosen_grid_and_bad_locations(loop, report):
    grid = loop.world.grids["411425100"][1]
    assert report(lat=None, lng=None, grid_id=grid.id, reporter=loop.operator, source="hotline").grid == grid
    with pytest.raises(ValidationError) as exc:
        report(lat=10.0, lng=100.0)
    assert "不在本县" in exc.value.message_dict["lat"][0]
    with pytest.raises(ValidationError) as exc:
        report(lat=None, lng=None, reporter=loop.operator)
    assert "grid" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        report(crs="MARS")
    assert "crs" in exc.value.message_dict


def test_routing_prefers_the_most_specific_rule(loop, report):
    from incidents.models import RoutingRule

    category = loop.category("HJ01")
    RoutingRule.objects.create(category=category.parent, area=loop.world.county, unit=loop.unit("dept-urban"))
    assert report().suggested_unit.code == "dept-urban"
    RoutingRule.objects.create(category=category.parent, area=loop.world.b, unit=loop.unit("dept-environment"))
    assert report().suggested_unit.code == "dept-environment"  # deeper area wins
    RoutingRule.objects.create(category=category, area=loop.world.b, unit=loop.unit("dept-police"))
    assert report().suggested_unit.code == "dept-police"  # same area: the leaf category wins


def test_department_level_without_default_goes_to_manual_queue(loop, report):
    category = loop.category("AQ01")
    category.default_unit = None
    category.save()
    parent = category.parent
    parent.default_unit = None
    parent.save()
    assert report("AQ01").suggested_unit is None
    assert report("ZA01").suggested_unit.code == "dept-police"


def test_self_resolved_is_closed_at_once_with_its_photo(loop, report):
    case = report("XF01", self_resolved=True, result="已当场劝导拔除飞线", uploads=[photo()])
    assert case.status == CaseStatus.CLOSED and case.self_resolved and case.closed_at and case.version == 2
    # 上报 then the table's own 自办结 step (reported → closed), like every other change of state
    report_event, event = case.events.order_by("id")
    assert (report_event.action, report_event.from_state, report_event.to_state) == ("report", "", "reported")
    assert (event.action, event.from_state, event.to_state) == ("self_resolve", "reported", CaseStatus.CLOSED)
    assert event.actor == loop.worker and event.note == "已当场劝导拔除飞线"
    attachment = CaseAttachment.objects.get(case=case)
    assert attachment.event == event and attachment.content_type == "image/jpeg"


def test_self_resolved_needs_photo_and_result(loop, report):
    before = Case.objects.count()
    with pytest.raises(ValidationError) as exc:
        report("XF01", self_resolved=True, result="")
    assert {"result", "photos"} <= set(exc.value.message_dict)
    assert Case.objects.count() == before


def test_parties_from_households_or_names(loop, report):
    from grids.household_services import ResidentInput, create_household

    household, _ = create_household(
        grid=loop.world.grids["411425200"][0],
        number="4114252002010010001",
        head_name="赵大",
        address="一组",
        residents=[ResidentInput(name="赵大", relation="head")],
    )
    case = report(parties=[PartyInput(household_id=household.id, role="responsible"), PartyInput(name="钱二")])
    assert sorted((p.name, p.role) for p in case.parties.all()) == [("赵大", "responsible"), ("钱二", "other")]
    with pytest.raises(Http404):
        report(parties=[PartyInput(household_id=999999)])


def test_bad_upload_refused_and_nothing_written(loop, report):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = Case.objects.count()
    script = SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        report(uploads=[script])
    assert Case.objects.count() == before


def test_photo_is_reencoded_without_metadata(loop, report):
    import io

    from PIL import Image

    upload = photo()
    raw = upload.read()
    upload.seek(0)
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    buffer = io.BytesIO()
    Image.open(io.BytesIO(raw)).save(buffer, format="JPEG", exif=exif.tobytes())
    from django.core.files.uploadedfile import SimpleUploadedFile

    tagged = SimpleUploadedFile("tagged.jpg", buffer.getvalue() + b"TRAILING-PAYLOAD", content_type="image/jpeg")
    case = report(uploads=[tagged])
    stored = CaseAttachment.objects.get(case=case)
    data = stored.file.read()
    assert b"SecretCam" not in data and b"TRAILING-PAYLOAD" not in data
    assert stored.file.name.endswith(".jpg") and "tagged" not in stored.file.name


def test_possible_duplicate_flagged_and_merged(loop, report):
    first = report(lat=34.405, lng=115.905)
    near = report(lat=34.4055, lng=115.9052)  # ~60 m away, same category
    other_category = report("HJ02", lat=34.4055, lng=115.9052)
    assert near.possible_duplicate_of == first
    assert other_category.possible_duplicate_of is None
    services.register(case_id=first.pk, actor=loop.operator)
    services.merge(case_id=near.pk, actor=loop.operator, original=first, note="同一处堆物")
    near.refresh_from_db()
    assert near.status == CaseStatus.CLOSED and near.duplicate_of == first
    assert near.reporter == loop.worker
    assert list(first.duplicates.all()) == [near]


def test_merge_refuses_itself(loop, report):
    case = report()
    with pytest.raises(ValidationError):
        services.merge(case_id=case.pk, actor=loop.operator, original=case)


def test_merge_checks_the_originals_scope_before_anything_about_it(loop, report):
    """An original out of the actor's scope reads as missing, whatever its state: the message
    never tells an out-of-scope case from one that does not exist."""
    from grids import services as grid_services
    from tests.factories import UserFactory

    elsewhere = report(lat=None, lng=None, grid_id=loop.world.grids["411425100"][0].id, reporter=loop.operator,
                       source="hotline")
    services.reject(case_id=elsewhere.pk, actor=loop.operator, note="不属实")  # an invalid original too
    elsewhere.refresh_from_db()
    case = report()
    township_operator = UserFactory()
    home = next(t for t in loop.world.towns if t.code == "411425200")  # the case's township only
    grid_services.assign(user=township_operator, area=home, role="command_operator")
    with pytest.raises(ValidationError) as exc:
        services.merge(case_id=case.pk, actor=township_operator, original=elsewhere)
    assert exc.value.message_dict == {"original": ["原事件不存在。"]}
    with pytest.raises(ValidationError) as exc:  # in scope, the real reason is given
        services.merge(case_id=case.pk, actor=loop.operator, original=elsewhere)
    assert exc.value.message_dict == {"original": ["请选择另一件有效的原事件。"]}


def once(user, key, payload, run):
    """Case intake's retries go through the kernel's one Idempotency-Key mechanism."""
    return idempotency.once(user=user, scope=intake.INTAKE_SCOPE, key=key, payload=payload, run=run, model=Case)


def test_idempotent_intake_returns_the_first_case(loop, report):
    first, created = once(loop.worker, "k-1", {"d": "same"}, report)
    again, created_again = once(loop.worker, "k-1", {"d": "same"}, report)
    assert created and not created_again and again == first
    assert Case.objects.count() == 1
    assert IdempotentRequest.objects.get().object_id == first.pk
    with pytest.raises(IdempotencyMismatch):
        once(loop.worker, "k-1", {"d": "other"}, report)
    with pytest.raises(ValidationError):
        once(loop.worker, "", {"d": "same"}, report)


def test_a_key_older_than_its_days_starts_a_new_request(loop, report, settings):
    first, _ = once(loop.worker, "k-old", {"d": "one"}, report)
    record = IdempotentRequest.objects.filter(pk=IdempotentRequest.objects.get().pk)
    made = record.get().created_at
    days = settings.IDEMPOTENCY_KEY_DAYS
    record.update(created_at=made - dt.timedelta(days=days, hours=-1))
    assert once(loop.worker, "k-old", {"d": "one"}, report) == (first, False)  # still within its days
    record.update(created_at=made - dt.timedelta(days=days, hours=1))
    second, created = once(loop.worker, "k-old", {"d": "another"}, report)  # expired: neither a replay nor a mismatch
    assert created and second != first
    assert list(IdempotentRequest.objects.values_list("object_id", flat=True)) == [second.pk]


@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_with_one_key_create_one_case():
    """Five threads, five real database connections, one Idempotency-Key: one case."""
    from incidents.catalogue import ensure_catalogue
    from tests.factories import build_world

    world = build_world()
    ensure_catalogue(world.county)
    worker = world.officers["411425200"]
    from incidents.models import Category

    category = Category.objects.get(code="HJ01")
    results, errors = [], []
    barrier = threading.Barrier(5)

    def submit():
        try:
            barrier.wait()
            case, _ = once(
                worker,
                "same-key",
                {"d": "x"},
                lambda: intake.submit_report(
                    reporter=worker, source="grid_app", category=category, description="并发", lat=34.405, lng=115.905
                ),
            )
            results.append(case.pk)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1 and len(results) == 5
    assert Case.objects.count() == 1 and IdempotentRequest.objects.filter(scope=intake.INTAKE_SCOPE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_intakes_keys_in_the_kernels_table():
    """incidents 0007 moves IdempotencyKey rows (with their times) into governance.IdempotentRequest."""
    import datetime as dt

    from django.db.migrations.executor import MigrationExecutor

    from tests.factories import UserFactory

    user = UserFactory()
    executor = MigrationExecutor(connection)
    before = [("incidents", "0006_daily_centre_limit")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    when = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
    old.get_model("incidents", "IdempotencyKey").objects.create(user_id=user.pk, key="k-old", request_hash="h" * 64)
    old.get_model("incidents", "IdempotencyKey").objects.update(created_at=when)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # through 0007, back to the tree's state
    row = IdempotentRequest.objects.get()
    assert (row.user_id, row.scope, row.key, row.request_hash, row.object_id, row.created_at) == (
        user.pk, intake.INTAKE_SCOPE, "k-old", "h" * 64, None, when
    )


def test_road_and_traffic_matters_have_their_categories_and_routes(loop, report):
    """道路交通 (issue 22): a blocked or damaged road goes to the transport bureau, a broken street
    light to the grid's township."""
    assert loop.category("DL01").parent.name == "道路交通"
    assert report(category="DL01").suggested_unit.code == "dept-transport"
    assert report(category="DL03").suggested_unit.code == "dept-transport"
    assert report(category="DL02").suggested_unit == loop.town_unit("411425200")  # 肖旗乡's grid

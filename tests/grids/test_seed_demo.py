"""manage.py seed_demo / demo_banner: a small slice of the demo county is seeded once for the
module (inside a transaction rolled back at the end); each test runs in a savepoint on top."""

import hashlib
import io
import random
from datetime import date

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from shapely.geometry import shape

from demo import grids as demo
from demo.grids import layout, names
from demo.grids.county import read_divisions
from demo.grids.households import HouseholdMaker
from governance.models import User
from governance.phones import normalize_phone
from governance.roles import Role
from grids import spatial
from grids.identity import decrypt_id_number, id_number_digest, mask_id_number, parse_id_number
from grids.levels import AreaLevel
from grids.models import Area, AreaUserPermission, Assignment, Household, Resident
from grids.services import sync_grants

SMALL = {"seed": 7, "townships": 2, "households_per_grid": 2}
# The areas, people and households only: other apps' demo data is tested with those apps.
def grids_only():
    return override_settings(DEMO_EXTENSIONS=[])


def seed_demo(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with grids_only(), django_db_blocker.unblock(), transaction.atomic():
        output = seed_demo(**SMALL)
        yield output
        transaction.set_rollback(True)
    spatial.invalidate()  # later modules must not find these grids in the point → grid index


@pytest.fixture(autouse=True)
def _small_county(seeded, db):
    """Every test sees the small county; its own changes are rolled back after it."""
    with grids_only():
        yield


def checksum() -> str:
    """A fingerprint of everything seeded that a seed decides (not ids, ciphertexts or dates)."""
    h = hashlib.sha256()
    parts = [
        Area.objects.order_by("path").values_list("path", "code", "name", "boundary", "population"),
        User.objects.order_by("username").values_list("username", "full_name", "phone", "is_active"),
        Assignment.objects.order_by("area__code", "role", "user__username").values_list(
            "area__code", "role", "user__username", "end_reason"
        ),
        Household.objects.order_by("number").values_list(
            "number", "head_name", "address", "phone", "colour", "register_status", "registered_place"
        ),
        Resident.objects.order_by("household__number", "id").values_list(
            "name", "relation", "id_number_digest", "id_number_masked", "birth_date", "phone"
        ),
        Resident.tags.through.objects.order_by("resident__household__number", "resident_id").values_list(
            "keypersontag__code", flat=True
        ),
    ]
    for rows in parts:
        for row in rows:
            h.update(repr(row).encode())
    return h.hexdigest()


def test_output_reports_progress_per_township(seeded):
    assert "城关镇" in seeded and "界沟镇" in seeded
    assert "演示县已载入：2 个乡镇" in seeded


def test_real_townships_and_villages_with_generated_grids():
    divisions = read_divisions()
    expected_villages = {v.code: v.name for t in divisions.children[:2] for v in t.children}
    assert Area.objects.filter(level=AreaLevel.COUNTY).get().name == "虞城县"
    assert list(Area.objects.filter(level=AreaLevel.TOWNSHIP).values_list("code", "name")) == [
        ("411425100", "城关镇"),
        ("411425101", "界沟镇"),
    ]
    villages = dict(Area.objects.filter(level=AreaLevel.VILLAGE).values_list("code", "name"))
    assert villages == expected_villages
    for village in Area.objects.filter(level=AreaLevel.VILLAGE):
        grids = list(Area.objects.get_children(village))
        assert grids, village
        assert [g.code for g in grids] == [f"{village.code}{i:03d}" for i in range(1, len(grids) + 1)]
        assert all(g.name.endswith(f"第{i}网格") for i, g in enumerate(grids, start=1))


def test_tree_is_valid_and_in_code_order():
    assert Area.objects.find_problems() == ([], [], [], [], [])
    codes = list(Area.objects.values_list("code", flat=True))  # ordered by path
    for area in Area.objects.filter(level__in=[AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE]):
        children = [c.code for c in Area.objects.get_children(area)]
        assert children == sorted(children)
    assert codes[0] == demo.COUNTY_CODE


def test_children_tile_their_parent():
    areas = {a.id: a for a in Area.objects.all()}
    shapes = {a.id: shape(a.boundary) for a in areas.values()}
    children: dict[int, list[int]] = {}
    for a in areas.values():
        assert a.boundary["type"] == "Polygon"
        lng, lat = a.boundary["coordinates"][0][0]
        assert 115.6 <= lng <= 116.2 and 34.1 <= lat <= 34.7  # [lng, lat] inside Yucheng
        assert shapes[a.id].contains(shape({"type": "Point", "coordinates": [a.center_lng, a.center_lat]}))
        if a.depth > 1:
            parent = Area.objects.get_parent(a)
            children.setdefault(parent.id, []).append(a.id)
            assert shapes[parent.id].covers(shapes[a.id]), a
    for parent_id, kids in children.items():
        parent = shapes[parent_id]
        total = sum(shapes[k].area for k in kids)
        assert total == pytest.approx(parent.area, rel=1e-9)  # no overlaps …
        union = shapes[kids[0]]
        for k in kids[1:]:
            union = union.union(shapes[k])
        assert parent.symmetric_difference(union).area == pytest.approx(0, abs=1e-12)  # … and no gaps


def test_point_at_grid_centre_resolves_to_that_grid():
    for grid in Area.objects.filter(level=AreaLevel.GRID):
        assert spatial.grid_at(grid.center_lat, grid.center_lng) == grid.id


def test_counts_sum_up_from_households():
    for area in Area.objects.all():
        households = Household.objects.filter(**{Household.area_fields[area.level]: area.id})
        assert area.household_count == households.count()
        assert area.population == Resident.objects.filter(household__in=households).count()
    grids = Area.objects.filter(level=AreaLevel.GRID).count()
    assert Household.objects.count() == 2 * grids
    assert Resident.objects.count() >= Household.objects.count()


def test_households_and_residents_look_real():
    for h in Household.objects.all()[:50]:
        assert h.number.startswith(h.grid.code) and len(h.number) == 19
        assert h.address.startswith(h.village.name[:2])
        assert normalize_phone(h.phone) == h.phone and h.phone.startswith("+861")
        assert 1 <= h.residents.count() <= 6
        assert h.residents.filter(relation="head", name=h.head_name).count() == 1
        assert (h.register_status == "living_here_only") == bool(h.registered_place)


def test_id_numbers_are_valid_unique_and_stored_like_the_services_do():
    residents = list(Resident.objects.all())
    assert len({r.id_number_digest for r in residents}) == len(residents)
    for r in random.Random(1).sample(residents, 200):
        number = decrypt_id_number(r.id_number_encrypted)
        parsed = parse_id_number(number)
        assert parsed.warnings == []
        assert number[:6] == ("411425" if parsed.birth_date.year >= 1997 else "412321")
        assert r.id_number_digest == id_number_digest(number)
        assert r.id_number_masked == mask_id_number(number)
        assert (r.birth_date, r.is_male) == (parsed.birth_date, parsed.is_male)


def test_some_residents_are_key_people():
    tagged = Resident.objects.filter(tags__isnull=False).distinct().count()
    assert 0 < tagged < Resident.objects.count() * 0.1


def test_grids_staffed_with_a_few_vacancies_and_some_history():
    grids = Area.objects.filter(level=AreaLevel.GRID)
    staffed = grids.filter(assignments__role=Role.GRID_WORKER, assignments__end_date__isnull=True)
    assert 0 < grids.count() - staffed.count() <= grids.count() * 0.05
    ended = Assignment.objects.filter(role=Role.GRID_WORKER, end_date__isnull=False)
    assert ended.exists()
    for old in ended:
        current = Assignment.objects.get(area=old.area, role=Role.GRID_WORKER, end_date__isnull=True)
        assert old.end_date == current.start_date > old.start_date
        assert old.end_reason and not old.user.is_active
    for village in Area.objects.filter(level=AreaLevel.VILLAGE):
        roles = set(village.assignments.values_list("role", flat=True))
        assert roles == {Role.VILLAGE_HEAD, Role.GRID_LEADER, Role.GRID_POLICE}  # 网格长 per village
    assert User.objects.get(username="admin").is_superuser


def test_demo_logins_share_one_password():
    users = list(User.objects.filter(username__in=["admin", "zhihui", "town-411425101"]))
    assert len(users) == 3
    assert all(check_password(demo.PASSWORD, u.password) for u in users)
    assert all(normalize_phone(u.phone) == u.phone for u in User.objects.all())


def test_grants_are_what_sync_grants_makes():
    def state(user):
        perms = set(
            AreaUserPermission.objects.filter(user=user).values_list("content_object__code", "permission__codename")
        )
        return set(user.groups.values_list("name", flat=True)), perms

    sample = [
        *User.objects.filter(username__in=["admin", "zhihui", "zhihui-lead"]),
        *User.objects.filter(username__regex=r"^gw-[0-9]+-prev$")[:2],
    ]
    for prefix in ("town-", "vh-", "gl-", "police-", "gw-"):
        sample += list(User.objects.filter(username__startswith=prefix, is_active=True).order_by("?")[:3])
    assert len(sample) >= 19
    for user in sample:
        before = state(user)
        if user.is_active:
            assert before[0] and before[1], user.username
        sync_grants(user)
        assert state(user) == before, user.username


def test_second_run_changes_nothing():
    before = checksum(), User.objects.count(), Assignment.objects.count()
    output = seed_demo(**SMALL)
    assert "已载入，跳过" in output
    assert (checksum(), User.objects.count(), Assignment.objects.count()) == before


def test_same_seed_same_county_other_seed_other_county():
    first = checksum()
    seed_demo(reset=True, **SMALL)
    assert checksum() == first
    seed_demo(reset=True, **{**SMALL, "seed": 8})
    assert checksum() != first
    assert Area.objects.find_problems() == ([], [], [], [], [])


def test_refuses_when_demo_accounts_exist_without_the_county():
    demo.reset()
    User.objects.create_user("admin", password="x")
    with pytest.raises(CommandError, match="演示账号已存在"):
        seed_demo(**SMALL)


def test_banner_lists_demo_logins():
    out = io.StringIO()
    call_command("demo_banner", url="http://127.0.0.1:8000", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/api/docs/" in text
    assert demo.PASSWORD in text
    usernames = ("admin", "zhihui", "zhihui-lead", "town-411425100", "vh-411425100001", "gl-411425100001")
    for username in (*usernames, "gw-411425100001001"):
        assert username in text


def test_by_default_a_base_grid_holds_20_to_30_households_and_70_to_120_people():
    """Yucheng's / Hanyin's base grid (article 000), not the old ten households per grid."""
    demo.reset()
    seed_demo(seed=7, townships=1, grids_per_village=1)
    grids = Area.objects.filter(level=AreaLevel.GRID)
    assert grids.count() == 12  # 城关镇's twelve communities, one grid each
    for grid in grids:
        assert 20 <= grid.household_count <= 30 and 70 <= grid.population <= 120, grid
        assert Household.objects.filter(grid=grid).count() == grid.household_count
    village = Area.objects.filter(level=AreaLevel.VILLAGE).first()
    leader = Assignment.objects.get(area=village, role=Role.GRID_LEADER, end_date__isnull=True)
    assert leader.user.username == f"gl-{village.code}" and leader.user.is_active


def test_grid_sizes_stay_in_the_range_for_any_seed():
    maker = HouseholdMaker.__new__(HouseholdMaker)
    maker.per_grid, maker.scale = None, 1.0
    rng = random.Random(11)
    for _ in range(2000):
        sizes = maker.grid_sizes(rng)
        assert 20 <= len(sizes) <= 30 and 70 <= sum(sizes) <= 120 and max(sizes) <= 6


def test_full_county_has_2257_grids_and_622_villages():
    demo.reset()
    seed_demo(households_per_grid=0)
    assert Area.objects.filter(level=AreaLevel.TOWNSHIP).count() == 25
    assert Area.objects.filter(level=AreaLevel.VILLAGE).count() == 622
    assert Area.objects.filter(level=AreaLevel.GRID).count() == demo.BASE_GRID_TARGET == 2257
    assert not Area.objects.filter(level=AreaLevel.VILLAGE, numchild=0).exists()
    staffed = Assignment.objects.filter(role=Role.GRID_WORKER, end_date__isnull=True).count()
    assert 2257 * 0.98 <= staffed < 2257


def test_layout_cells_are_proportional():
    rect = layout.Rect(0.0, 0.0, 3.0, 2.0)
    cells = layout.tile(rect, [1, 2, 3, 4, 5])
    areas = [(c.east - c.west) * (c.north - c.south) for c in cells]
    assert [a / areas[0] for a in areas] == pytest.approx([1, 2, 3, 4, 5])
    assert sum(areas) == pytest.approx(6.0)


def test_generated_mobiles_and_ids_are_valid():
    rng = random.Random(3)
    for _ in range(500):
        number = names.mobile(rng)
        assert normalize_phone(number) == number
    ids = names.IdNumbers()
    born = names.birth_date(rng, 40, date(2025, 1, 1))
    seen = {ids.make(rng, born, True) for _ in range(495)}
    assert len(seen) == 495 and all(int(n[16]) % 2 == 1 for n in seen)

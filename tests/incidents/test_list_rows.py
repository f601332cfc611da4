"""The case list's lean rows (incidents.api.serializers.list_rows): the same answer, key for key
and in the same order, as CaseListSerializer gives for the same cases — which is what the
OpenAPI schema describes — and one query for the page's area names."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from incidents import services
from incidents.api.serializers import CaseListSerializer
from incidents.models import Case


def reference(case_ids) -> dict[int, dict]:
    """Each case through CaseListSerializer, as JSON would carry it."""
    cases = Case.objects.filter(pk__in=case_ids).select_related("category", "handling_unit", "possible_duplicate_of")
    with translation.override("zh-hans"):
        data = CaseListSerializer(cases, many=True, context={"now": timezone.now()}).data
    return {row["id"]: row for row in json.loads(json.dumps(data))}


@pytest.fixture
def varied(loop, report):
    """A case of each kind a row can show: just reported (no unit, no clock), dispatched to a
    township (its unit, phase and deadline), postponed, flagged as a possible duplicate, one with
    a phone caller and no account, and one in another township."""
    reported = report(description="刚上报")
    dispatched = report(description="已派遣")
    services.register(case_id=dispatched.pk, actor=loop.operator)
    services.dispatch(case_id=dispatched.pk, actor=loop.operator, unit=loop.town_unit("411425200"))
    postponed = report(description="缓办")
    services.register(case_id=postponed.pk, actor=loop.operator)
    services.dispatch(case_id=postponed.pk, actor=loop.operator, unit=loop.town_unit("411425200"))
    services.accept(case_id=postponed.pk, actor=loop.world.officers["411425200"])
    services.postpone(case_id=postponed.pk, actor=loop.operator, note="等天晴")
    twin = report(description="已派遣的重复")  # same category, grid and spot as the ones before
    caller = report(reporter=None, reporter_name="张三", reporter_phone="13912345678", source="hotline")
    elsewhere = report(lat=None, lng=None, grid_id=loop.world.grids["411425100"][0].pk, reporter=loop.operator)
    return [reported, dispatched, postponed, twin, caller, elsewhere]


def test_the_lean_rows_equal_the_serializers_key_for_key(as_user, loop, varied):
    twin = Case.objects.get(pk=varied[3].pk)
    assert twin.possible_duplicate_of_id is not None  # the fixture shows a duplicate hint
    rows = as_user(loop.operator).get("/api/v1/cases/").json()["results"]
    assert {r["id"] for r in rows} == {c.pk for c in varied}
    expected = reference([c.pk for c in varied])
    for row in rows:
        assert list(row) == list(expected[row["id"]])  # the same keys in the same order
        assert row == expected[row["id"]]
    dispatched = next(r for r in rows if r["id"] == varied[1].pk)
    assert dispatched["handling_unit_name"] and dispatched["due_at"] and dispatched["colour"] == "green"
    assert dispatched["status_label"] == "已派遣" and dispatched["township_name"] == "肖旗乡"


def test_a_red_and_a_yellow_row(as_user, loop, varied):
    now = timezone.now()
    late, warned = varied[1], varied[2]
    Case.objects.filter(pk=late.pk).update(
        due_at=now - timezone.timedelta(hours=1), warn_at=now - timezone.timedelta(hours=2)
    )
    Case.objects.filter(pk=warned.pk).update(
        due_at=now + timezone.timedelta(days=1), warn_at=now - timezone.timedelta(hours=1)
    )
    rows = {r["id"]: r for r in as_user(loop.operator).get("/api/v1/cases/").json()["results"]}
    assert rows[late.pk]["colour"] == "red" and rows[warned.pk]["colour"] == "yellow"
    assert rows[late.pk] == reference([late.pk])[late.pk]


def test_the_rows_keep_the_cursor_and_the_filters(as_user, loop, varied):
    client = as_user(loop.operator)
    first = client.get("/api/v1/cases/?page_size=4&ordering=-id").json()
    second = client.get(first["next"]).json()
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert ids == sorted((c.pk for c in varied), reverse=True) and second["next"] is None
    only = client.get("/api/v1/cases/?postponed=true").json()["results"]
    assert [r["id"] for r in only] == [varied[2].pk] and only[0]["is_postponed"] is True


def test_the_page_names_its_areas_in_one_query(as_user, loop, varied):
    client = as_user(loop.operator)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/cases/").status_code == 200
    area_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "grids_area"' in q["sql"]]
    # the names of the page's townships, villages and grids (the user's grants join the areas to
    # the permission tables: grids.scoping)
    assert len(area_reads) == 1 and '"grids_area"."boundary"' not in area_reads[0]

"""Every case list and detail, page and API, within a fixed number of queries whatever the number
of cases, and intake (docs/performance.md: the target is 15 statements besides transaction
control), and the indexes and statistics the reads depend on."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import bulk
from grids.household_services import ResidentInput, create_household
from incidents import services
from incidents.intake import PartyInput
from incidents.models import Case
from tests.incidents.test_pages import numbers_on, signed_in

CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")


def statements(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return sum(not q["sql"].startswith(CONTROL) for q in ctx.captured_queries)


@pytest.mark.parametrize(
    "url, budget",
    [
        ("/desk/", 14),
        ("/desk/?queue=new", 14),
        ("/desk/counts/", 7),
        ("/inbox/", 11),
        ("/search/?q=堆物", 7),
        ("/report/mine/", 9),
        ("/api/v1/cases/", 6),
        ("/api/v1/cases/?q=堆物&urgency=normal&postponed=false", 6),
        ("/api/v1/cases/{id}/", 10),
        ("/cases/{id}/", 13),
    ],
)
def test_case_lists_and_details_keep_their_budget_as_cases_grow(client, loop, report, url, budget):
    first = report(description="堆物0")
    services.register(case_id=first.pk, actor=loop.operator, note="属实")
    signed_in(client, loop.worker if url.startswith("/report/") else loop.operator)
    url = url.format(id=first.pk)
    few = statements(client, url)
    for i in range(8):
        case = report(description=f"堆物{i + 1}", lat=34.405, lng=115.905 + 0.01 * (i % 3))
        services.register(case_id=case.pk, actor=loop.operator, note=f"备注{i}")
    assert statements(client, url) == few <= budget


def test_the_desk_counts_every_queue_in_one_query(client, loop, report):
    report()
    signed_in(client, loop.operator)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/desk/").content.decode()
    counting = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"]]
    assert len(counting) == 1 and 'data-queue="new"' in page


def test_search_finds_a_party_by_name_and_by_its_households_phone(client, loop, report):
    household, _ = create_household(
        grid=loop.world.grids["411425200"][0],
        number="4114252002010010001",
        head_name="赵大",
        address="一组",
        phone="13912345678",
        residents=[ResidentInput(name="赵大", relation="head")],
    )
    named = report(parties=[PartyInput(name="钱七", role="responsible")])
    linked = report(parties=[PartyInput(household_id=household.pk, role="responsible")], description="另一件")
    signed_in(client, loop.operator)
    assert numbers_on(client.get("/search/?q=钱七").content.decode()) == {named.number}
    assert numbers_on(client.get("/search/?q=13912345678").content.decode()) == {linked.number}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_the_search_box_has_trigram_indexes(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'incidents_case'")
        indexes = dict(cursor.fetchall())
    for name, column in (("case_address_trgm", "address"), ("case_description_trgm", "description")):
        assert "USING gin" in indexes[name] and column in indexes[name] and "gin_trgm_ops" in indexes[name]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's")
def test_analyze_after_a_bulk_load_gives_the_planner_the_new_counts(loop, report):
    for i in range(5):
        report(description=f"堆物{i}")

    def estimated():
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Case._meta.db_table])
            return cursor.fetchone()[0]

    bulk.analyze([Case])
    assert estimated() == Case.objects.count() == 5


def test_intake_keeps_its_budget_as_cases_grow(loop, as_user):
    """A report through the API: validate, resolve the grid, route, write the case, its event and
    photo, answer the case's detail (built from those rows, not read back). 15 statements
    (docs/performance.md names them), the same with one case in the grid as with nine."""
    from tests.incidents.test_api import post_report

    worker, category = as_user(loop.worker), loop.category("HJ01")
    loop.category = lambda code: category  # the test's own lookup stays out of the count

    def intake() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert post_report(worker, loop).status_code == 201
        return sum(not q["sql"].startswith(CONTROL) for q in ctx.captured_queries)

    post_report(worker, loop)
    few = intake()
    for _ in range(7):
        post_report(worker, loop)
    assert intake() == few <= 15


def test_the_township_inbox_counts_every_approval_source_in_one_statement(client, loop, report):
    """待我审批 on the inbox: insurance, assessment, care (three), disputes … in one SELECT of
    scalar subqueries (governance.approvals.count_together), within the budget as cases grow."""
    first = report()
    signed_in(client, loop.world.officers["411425200"])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/inbox/").status_code == 200
    joint = [q["sql"] for q in ctx.captured_queries if "AS waiting_" in q["sql"]]
    assert len(joint) == 1 and joint[0].count("AS waiting_") >= 4
    few = statements(client, "/inbox/")
    for i in range(6):
        services.register(case_id=report(description=f"堆物{i}").pk, actor=loop.operator, note="属实")
    services.register(case_id=first.pk, actor=loop.operator, note="属实")
    assert statements(client, "/inbox/") == few <= 12

"""Key people and their plans: setting up, 一人四管, who sees them (404 outside), each view logged."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from care import selectors, services
from care.constants import Category, Keeper
from care.models import CarePlan, PlanEvent
from governance.models import AccessRecord

from .conftest import FOUR


def test_plan_starts_due_on_its_start_date_and_writes_an_event(care):
    start = dt.date(2026, 3, 2)
    plan = care.plan(start=start, every=14)
    assert plan.next_due == start
    assert (plan.township_id, plan.village_id, plan.grid_id) == (
        care.town.id,
        care.world.villages[care.town.code][0].id,
        care.world.grids[care.town.code][0].id,
    )
    event = PlanEvent.objects.get(plan=plan)
    assert (event.action, event.actor) == ("create", care.head)


def test_one_person_four_keepers_flags_a_missing_keeper(care):
    complete = care.plan(category=Category.MENTAL, keepers=FOUR)
    assert complete.keepers_complete is True
    three = care.plan(care.residents[1], category=Category.MENTAL, keepers=FOUR[:3])
    assert three.keepers_complete is False
    assert services.missing_keepers(three) == ["民警"]
    elderly = care.plan(care.residents[2], category=Category.ELDERLY_ALONE)
    assert elderly.keepers_complete is True  # 一人四管 applies to severe mental disorders only
    revised = services.revise_plan(
        actor=care.head,
        plan_id=three.pk,
        risk_level=three.risk_level,
        visit_every_days=three.visit_every_days,
        review_date=three.review_date,
        keepers=[*FOUR[:3], services.KeeperInput(role=Keeper.POLICE, user_id=care.police.pk)],
        reason="补齐民警",
    )
    assert revised.keepers_complete is True
    assert revised.keepers.get(role=Keeper.POLICE).name == "网格警务员周"


def test_bad_input_is_refused_with_field_messages(care):
    with pytest.raises(ValidationError) as exc:
        services.create_plan(
            actor=care.head,
            resident_id=care.residents[0].pk,
            category="nonsense",
            risk_level="",
            visit_every_days=0,
            start_date=dt.date(2026, 3, 2),
            review_date=dt.date(2026, 3, 1),
        )
    assert set(exc.value.message_dict) == {"category", "risk_level", "visit_every_days", "review_date"}
    assert not CarePlan.objects.exists()


def test_a_second_active_plan_in_the_same_category_is_refused(care):
    care.plan()
    with pytest.raises(ValidationError) as exc:
        care.plan()
    assert "category" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():  # the database says the same
        CarePlan.objects.filter(pk=CarePlan.objects.get().pk).update(is_active=True)
        plan = CarePlan.objects.get()
        plan.pk = None
        plan.save()


def test_only_village_or_township_sets_up_plans(care):
    with pytest.raises(PermissionDenied):
        services.create_plan(
            actor=care.worker,
            resident_id=care.residents[0].pk,
            category=Category.DISABLED,
            risk_level="general",
            visit_every_days=30,
            start_date=dt.date(2026, 3, 2),
            review_date=dt.date(2026, 9, 2),
        )


def test_revision_and_end_need_a_reason_and_are_kept(care):
    plan = care.plan(every=7)
    with pytest.raises(ValidationError) as exc:
        services.revise_plan(
            actor=care.head, plan_id=plan.pk, risk_level="key", visit_every_days=3, review_date=plan.review_date
        )
    assert "reason" in exc.value.message_dict
    services.revise_plan(
        actor=care.head,
        plan_id=plan.pk,
        risk_level="key",
        visit_every_days=3,
        review_date=plan.review_date,
        reason="近期情绪不稳",
    )
    services.end_plan(actor=care.officer, plan_id=plan.pk, reason="迁出本县")
    plan.refresh_from_db()
    assert not plan.is_active and plan.ended_on is not None
    events = list(PlanEvent.objects.filter(plan=plan).order_by("id").values_list("action", "note"))
    assert events == [("create", ""), ("revise", "近期情绪不稳"), ("end", "迁出本县")]
    revise = PlanEvent.objects.get(plan=plan, action="revise")
    assert revise.data == {
        "from": {"risk_level": "attention", "visit_every_days": 7, "review_date": str(plan.review_date)},
        "to": {"risk_level": "key", "visit_every_days": 3, "review_date": str(plan.review_date)},
    }


def test_who_sees_key_people(care):
    own = care.plan()
    neighbour_grid = care.plan(care.residents[2])
    assert set(selectors.plans_for(care.worker)) == {own}  # a grid worker: their own grid
    assert set(selectors.plans_for(care.head)) == {own, neighbour_grid}
    assert set(selectors.plans_for(care.police)) == {own, neighbour_grid}
    assert set(selectors.plans_for(care.officer)) == {own, neighbour_grid}
    assert set(selectors.plans_for(care.world.officers[care.world.a.code])) == set()
    assert set(selectors.plans_for(care.other_worker)) == set()
    for user in care.outsiders.values():  # insurer, cooperative, credit group, department: never
        assert not selectors.plans_for(user).exists()
    assert set(selectors.plans_for(care.world.admin)) == {own, neighbour_grid}


@pytest.mark.parametrize(
    "who", ["other_worker", "insurer", "credit_cooperative", "credit_committee", "department_officer"]
)
def test_out_of_scope_is_404_on_api_and_page(care, as_user, who):
    plan = care.plan()
    user = care.other_worker if who == "other_worker" else care.outsiders[who]
    client = as_user(user)
    assert client.get(f"/api/v1/care/plans/{plan.pk}/").status_code == 404
    assert client.get(f"/care/plans/{plan.pk}/").status_code == 404
    assert client.post(f"/api/v1/care/plans/{plan.pk}/end/", {"reason": "x"}).status_code == 404
    listing = client.get("/api/v1/care/plans/").json()
    assert listing["results"] == []
    assert client.get("/api/v1/care/figures/").json()["totals"]["active"] == 0
    assert not AccessRecord.objects.exists()


def test_each_view_is_logged_in_the_access_log_and_the_log_cannot_be_rewritten(care, as_user):
    plan = care.plan()
    as_user(care.worker).get(f"/api/v1/care/plans/{plan.pk}/")
    as_user(care.head).get(f"/care/plans/{plan.pk}/?reason=走访前核对")
    rows = list(
        AccessRecord.objects.order_by("id").values_list("user_id", "kind", "subject", "object_id", "via", "reason")
    )
    assert rows == [
        (care.worker.pk, "key_person", "care.careplan", str(plan.pk), "api", ""),
        (care.head.pk, "key_person", "care.careplan", str(plan.pk), "page", "走访前核对"),
    ]
    assert AccessRecord.objects.first().what == str(plan)  # the category and number, no name
    as_user(care.worker).get("/api/v1/care/plans/")  # a list is not a view of a record
    assert AccessRecord.objects.count() == 2
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM governance_accessrecord")


def test_plan_api_create_and_bad_input(care, as_user):
    client = as_user(care.head)
    bad = client.post("/api/v1/care/plans/", {"resident": care.residents[0].pk}, format="json")
    assert bad.status_code == 400
    assert {"category", "risk_level", "visit_every_days", "start_date", "review_date"} <= set(bad.json())
    body = {
        "resident": care.residents[0].pk,
        "category": Category.MENTAL,
        "risk_level": "key",
        "visit_every_days": 7,
        "start_date": "2026-03-02",
        "review_date": "2026-09-02",
        "keepers": [{"role": "guardian", "name": "监护人"}, {"role": "police", "user": care.police.pk}],
        "note": "",
    }
    answer = client.post("/api/v1/care/plans/", body, format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["keepers_complete"] is False
    assert answer.json()["missing_keepers"] == ["村干部", "乡镇干部"]
    assert as_user(care.worker).post("/api/v1/care/plans/", body, format="json").status_code in (400, 403)


def test_plan_pages_create_and_form_errors(care, as_user):
    client = as_user(care.head)
    number = care.households[0].number
    assert client.get(f"/care/plans/new/?household={number}").status_code == 200
    assert client.get("/care/plans/new/?household=NOPE").status_code == 400
    empty = client.post(
        "/care/plans/new/",
        {
            "household": number,
            "resident": "",
            "category": "",
            "visit_every_days": "",
            "start_date": "",
            "review_date": "",
        },
    )
    assert empty.status_code == 400
    assert not CarePlan.objects.exists()
    ok = client.post(
        "/care/plans/new/",
        {
            "household": number,
            "resident": care.residents[0].pk,
            "category": Category.LEFT_BEHIND_CHILD,
            "risk_level": "general",
            "visit_every_days": "30",
            "start_date": "2026-03-02",
            "review_date": "2026-09-02",
            "note": "",
            "keeper_role": ["guardian", "village_cadre"],
            "keeper_name": ["奶奶", ""],
            "keeper_phone": ["", ""],
        },
    )
    assert ok.status_code == 302
    plan = CarePlan.objects.get()
    assert list(plan.keepers.values_list("role", "name")) == [("guardian", "奶奶")]
    assert as_user(care.worker).get("/care/plans/new/").status_code == 404


def test_lists_do_not_grow_queries_with_rows(care, as_user, django_assert_max_num_queries):
    from django.test.utils import CaptureQueriesContext

    client = as_user(care.head)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    care.plan(category=Category.MENTAL, keepers=FOUR)
    urls = ["/api/v1/care/plans/", "/care/", "/care/today/", "/api/v1/care/visits/", "/api/v1/care/figures/"]
    small = {url: count(url) for url in urls}
    for resident in care.residents[1:]:
        care.plan(resident, category=Category.DISABLED, keepers=FOUR)
        services.record_visit(visitor=care.head, plan_id=CarePlan.objects.latest("id").pk, finding="正常")
    large = {url: count(url) for url in urls}
    assert large == small


def test_inbox_lists_overdue_visits_and_plans_due_for_review(care, as_user):
    from governance.approvals import waiting_for

    start = dt.date.today() - dt.timedelta(days=200)
    care.plan(start=start, every=7)  # never visited: overdue; review date (start + 180) passed
    care.plan(care.residents[2], every=7)  # due today, review far ahead
    found = {w.label: (w.count, w.url) for w in waiting_for(care.head)}
    assert found == {
        "重点人员走访逾期": (1, "/care/?overdue=1"),
        "重点人员计划待复核": (1, "/care/?review_due=1"),
    }
    assert waiting_for(care.worker) == []  # grid workers see theirs on 今日走访
    assert waiting_for(care.outsiders["credit_committee"]) == []
    listed = as_user(care.head).get("/api/v1/care/plans/?review_due=1").json()["results"]
    assert [p["resident_name"] for p in listed] == [care.residents[0].name]


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_view_log_into_the_kernels_access_log(care):
    """care 0007 copies every RecordView row (with its time) into governance.AccessRecord."""
    from django.db.migrations.executor import MigrationExecutor

    plan = care.plan()
    executor = MigrationExecutor(connection)
    before = [("care", "0006_append_only_no_truncate")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    when = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    view = old.get_model("care", "RecordView").objects.create(viewer_id=care.head.pk, plan_id=plan.pk, via="api")
    with connection.cursor() as cursor:  # auto_now_add: the time set as an older row's would be
        cursor.execute("ALTER TABLE care_recordview DISABLE TRIGGER USER")
        cursor.execute("UPDATE care_recordview SET at = %s WHERE id = %s", [when, view.pk])
        cursor.execute("ALTER TABLE care_recordview ENABLE TRIGGER USER")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    row = AccessRecord.objects.get()
    assert (row.user_id, row.kind, row.via, row.subject, row.object_id, row.at, row.what) == (
        care.head.pk, "key_person", "api", "care.careplan", str(plan.pk), when, str(plan)
    )

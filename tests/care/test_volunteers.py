"""Volunteers and the points ledger: earn, exchange, never negative, append-only, and two real
concurrent spends of the last points on PostgreSQL — one succeeds, one is refused. The record
feeds governance credit through settings.CREDIT_CONTRIBUTIONS."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from care import volunteers
from care.models import PointsMovement, ShopItem, Volunteer
from credit import proposals
from credit.constants import FactOrigin
from credit.models import Fact
from credit.rules import ensure_default_catalogue
from governance.contributions import gather


@pytest.fixture
def shop(care):
    village = care.world.villages[care.town.code][0]
    return {
        "towel": ShopItem.objects.create(village=village, name="毛巾", points=30, stock=5),
        "rice": ShopItem.objects.create(village=village, name="大米 5 斤", points=50, stock=1),
    }


def _earn(care, volunteer, hours, day=None, actor=None):
    return volunteers.log_service(
        actor=actor or care.worker,
        volunteer_id=volunteer.pk,
        hours=Decimal(hours),
        served_on=day or dt.date.today(),
        note="巡逻",
    )


def test_earn_exchange_and_never_negative(care, shop):
    volunteer = volunteers.register(actor=care.worker, resident_id=care.residents[0].pk, skills="电工")
    earned = _earn(care, volunteer, "3")
    assert (earned.points, earned.balance_after) == (30, 30)  # 10 points an hour
    spent = volunteers.exchange(actor=care.worker, volunteer_id=volunteer.pk, item_id=shop["towel"].pk)
    assert (spent.points, spent.balance_after) == (-30, 0)
    with pytest.raises(ValidationError) as exc:
        volunteers.exchange(actor=care.worker, volunteer_id=volunteer.pk, item_id=shop["towel"].pk)
    assert "积分不足" in str(exc.value)
    volunteer.refresh_from_db()
    assert volunteer.balance == 0 and volunteer.hours == Decimal("3.0")
    assert ShopItem.objects.get(pk=shop["towel"].pk).stock == 4
    assert list(PointsMovement.objects.order_by("id").values_list("points", "balance_after")) == [(30, 30), (-30, 0)]
    with pytest.raises(Exception, match="pgtrigger"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE care_pointsmovement SET points = 1000")
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses a negative balance
        Volunteer.objects.filter(pk=volunteer.pk).update(balance=-1)


def test_bad_input_and_scope(care, shop, as_user):
    volunteer = volunteers.register(actor=care.worker, resident_id=care.residents[0].pk)
    with pytest.raises(ValidationError) as exc:
        volunteers.log_service(
            actor=care.worker,
            volunteer_id=volunteer.pk,
            hours=Decimal(0),
            served_on=dt.date.today() + dt.timedelta(1),
            note="",
        )
    assert set(exc.value.message_dict) == {"hours", "served_on", "note"}
    with pytest.raises(ValidationError):
        volunteers.register(actor=care.worker, resident_id=care.residents[0].pk)  # already one
    client = as_user(care.worker)
    assert client.post(f"/api/v1/care/volunteers/{volunteer.pk}/service/", {}).status_code == 400
    assert (
        client.post(f"/api/v1/care/volunteers/{volunteer.pk}/exchange/", {"item": shop["rice"].pk}).status_code == 400
    )
    other = as_user(care.other_worker)
    assert other.get(f"/api/v1/care/volunteers/{volunteer.pk}/").status_code == 404
    assert other.post(f"/api/v1/care/volunteers/{volunteer.pk}/exchange/", {"item": shop["rice"].pk}).status_code == 404
    assert as_user(care.outsiders["insurer"]).get("/api/v1/care/volunteers/").json()["results"] == []
    page = client.get("/care/volunteers/")
    assert page.status_code == 200 and "毛巾" in page.content.decode()
    posted = client.post(
        "/care/volunteers/service/", {"volunteer": volunteer.pk, "hours": "", "served_on": "", "note": ""}
    )
    assert posted.status_code == 302 and not PointsMovement.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_spends_of_the_last_points(care, shop):
    volunteer = volunteers.register(actor=care.worker, resident_id=care.residents[0].pk)
    _earn(care, volunteer, "5")  # 50 points: exactly one bag of rice — and the shop has one
    ShopItem.objects.filter(pk=shop["rice"].pk).update(stock=2)
    barrier = threading.Barrier(2)
    results = []

    def spend():
        try:
            barrier.wait()
            with transaction.atomic():
                volunteers.exchange(actor=care.worker, volunteer_id=volunteer.pk, item_id=shop["rice"].pk)
                barrier_done.wait(timeout=1)  # hold the lock a moment: the other one must wait for it
            results.append("ok")
        except ValidationError as exc:
            results.append(str(exc))
        finally:
            connections.close_all()

    barrier_done = threading.Event()
    threads = [threading.Thread(target=spend) for _i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(r == "ok" for r in results) == [False, True], results
    assert "积分不足" in next(r for r in results if r != "ok")
    volunteer.refresh_from_db()
    assert volunteer.balance == 0
    assert PointsMovement.objects.filter(kind="spend").count() == 1
    assert ShopItem.objects.get(pk=shop["rice"].pk).stock == 1


def test_volunteer_hours_feed_credit_through_the_registry(care):
    ensure_default_catalogue()
    volunteer = volunteers.register(actor=care.worker, resident_id=care.residents[0].pk)
    today = dt.date.today()
    _earn(care, volunteer, "8", today)
    assert gather(today - dt.timedelta(days=30), today + dt.timedelta(days=1)) == []  # 8 of 12 hours
    _earn(care, volunteer, "4", today)
    found = gather(today - dt.timedelta(days=30), today + dt.timedelta(days=1))
    assert [(c.household_id, c.item_code) for c in found] == [(care.households[0].pk, "volunteer")]
    assert proposals.propose_from_contributions() == 1
    assert proposals.propose_from_contributions() == 0  # the key: nothing twice
    fact = Fact.objects.get(origin=FactOrigin.CONTRIBUTION)
    assert (fact.item_code, fact.status, fact.subject.household_id) == ("volunteer", "proposed", care.households[0].pk)


def test_colour_and_volunteer_lists_do_not_grow_queries(care, shop, as_user):
    from django.test.utils import CaptureQueriesContext

    from care import colours

    client = as_user(care.head)
    urls = ["/care/colours/", "/api/v1/care/colour-changes/", "/care/volunteers/", "/api/v1/care/volunteers/"]

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    first = volunteers.register(actor=care.head, resident_id=care.residents[0].pk)
    _earn(care, first, "2")
    colours.propose(actor=care.head, household_id=care.households[0].pk, to_colour="yellow", reason="病")
    small = {u: count(u) for u in urls}
    for resident in care.residents[1:]:
        _earn(care, volunteers.register(actor=care.head, resident_id=resident.pk), "3", actor=care.head)
    colours.propose(actor=care.head, household_id=care.households[1].pk, to_colour="red", reason="独居")
    assert {u: count(u) for u in urls} == small

"""Facts from the platform: a closed case naming a household as responsible party proposes a
deduction, an offence names its offender for a veto (a hazard proposes none); nothing counts
before the evaluation group decides; each fact points at its case; a rerun proposes nothing
twice."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from credit import proposals, rules, services
from credit.constants import FactOrigin, FactStatus, ItemKind
from credit.models import Fact, FactEvent
from governance.roles import Role
from grids import household_services
from grids import services as grid_services
from grids.models import Relation
from incidents import services as case_services
from incidents.constants import PartyRole
from incidents.intake import PartyInput
from incidents.models import CaseParty
from tests.factories import UserFactory

from .conftest import id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_case(cw, loop, report):
    """Report a case in 肖旗乡1村 naming its household as responsible, and run it to closure."""

    def make(category="MD02", role=PartyRole.RESPONSIBLE, close=True):
        household = cw.other_households[0]
        case = report(
            category=category, parties=[PartyInput(name=household.head_name, household_id=household.pk, role=role)]
        )
        if close:
            op, town = loop.operator, loop.world.officers["411425200"]
            case_services.register(case_id=case.pk, actor=op)
            case_services.dispatch(case_id=case.pk, actor=op, unit=loop.town_unit("411425200"))
            case_services.accept(case_id=case.pk, actor=town)
            case_services.dispose(case_id=case.pk, actor=town, result="已调解")
            case_services.verify(case_id=case.pk, actor=op)
            case_services.close(case_id=case.pk, actor=op)
        return case, household

    return make


@pytest.fixture
def cw(loop):
    """肖旗乡's evaluation group and a registered household of 肖旗乡1村, on the incidents loop's county."""
    rules.ensure_default_catalogue()
    group_b = UserFactory(username="group-b")
    grid_services.assign(user=group_b, area=loop.world.towns[1], role=Role.CREDIT_COMMITTEE)
    household, _warnings = household_services.create_household(
        grid=loop.world.grids["411425200"][0],
        number="H1",
        head_name="赵六",
        address="1号",
        residents=[household_services.ResidentInput(name="赵六", id_number=id_number(7), relation=Relation.HEAD)],
    )
    return SimpleNamespace(group_b=group_b, other_households=[household])


def test_a_closed_case_proposes_a_deduction_pointing_at_its_source(cw, closed_case):
    case, household = closed_case("MD02")
    assert proposals.propose_from_closed_cases() == 1
    fact = Fact.objects.get()
    assert (fact.subject.household_id, fact.source_case_id, fact.kind) == (household.pk, case.pk, ItemKind.DEDUCTION)
    assert fact.status == FactStatus.PROPOSED and fact.origin == FactOrigin.CLOSED_CASE
    assert fact.item_code == "case_responsible" and case.number in fact.note
    event = FactEvent.objects.get(fact=fact)
    assert (event.action, event.actor, event.to_state) == ("propose", None, FactStatus.PROPOSED)


def test_a_hazard_is_not_a_crime(cw, closed_case):
    """A closed 治安隐患 (or a 可疑人员 lead) used to propose 违法犯罪 for its party: it proposes
    nothing, whoever it names; a theft proposes it only for the party recorded as the offender."""
    closed_case("ZA01")
    closed_case("ZA01", role=PartyRole.OFFENDER)
    closed_case("ZA02", role=PartyRole.OFFENDER)
    closed_case("ZA03")  # a theft naming the household only as responsible
    assert proposals.propose_from_closed_cases() == 0 and not Fact.objects.exists()


def test_an_offence_proposes_a_veto_for_its_offender_and_waits_for_the_group(cw, closed_case, as_user):
    closed_case("XA03", role=PartyRole.OFFENDER)
    proposals.propose_from_closed_cases()
    fact = Fact.objects.get()
    assert (fact.kind, fact.item_code, fact.status) == (ItemKind.VETO, "crime", FactStatus.PROPOSED)
    assert "违法犯罪行为人" in fact.note
    group = as_user(cw.group_b)
    queue = group.get("/api/v1/credit/facts/", {"status": "proposed"}).json()["results"]
    assert [f["id"] for f in queue] == [fact.pk] and queue[0]["source_case_number"]
    assert group.post(f"/api/v1/credit/facts/{fact.pk}/dismiss/", {}, format="json").status_code == 400  # reason
    applied = group.post(f"/api/v1/credit/facts/{fact.pk}/apply/", {"version": fact.version}, format="json")
    assert applied.status_code == 200 and applied.json()["status"] == FactStatus.APPLIED
    stale = group.post(f"/api/v1/credit/facts/{fact.pk}/dismiss/", {"note": "x"}, format="json")
    assert stale.status_code == 409


def test_a_rerun_proposes_nothing_twice(cw, closed_case):
    closed_case("MD02")
    assert proposals.propose_from_closed_cases() == 1
    assert proposals.propose_from_closed_cases() == 0
    assert Fact.objects.count() == 1 and FactEvent.objects.count() == 1


def test_open_cases_and_other_parties_propose_nothing(cw, closed_case):
    closed_case("MD02", close=False)
    closed_case("MD02", role=PartyRole.AFFECTED)
    assert CaseParty.objects.count() == 2
    assert proposals.propose_from_closed_cases() == 0
    assert not Fact.objects.exists()


def test_the_task_runs_the_service(cw, closed_case):
    from credit.tasks import propose_from_closed_cases

    closed_case("MD02")
    assert propose_from_closed_cases.apply().get() == 1


def test_only_the_group_decides(cw, closed_case, loop):
    closed_case("MD02")
    proposals.propose_from_closed_cases()
    fact = Fact.objects.get()
    with pytest.raises((PermissionDenied, Http404)):
        services.decide_fact(actor=loop.operator, fact_id=fact.pk, apply=True)
    fact.refresh_from_db()
    assert fact.status == FactStatus.PROPOSED


def test_pending_proposals_wait_in_the_groups_inbox(cw, closed_case, loop):
    from credit.approvals import waiting

    closed_case("MD02")
    proposals.propose_from_closed_cases()
    [item] = waiting(cw.group_b)
    assert item.items.count() == 1 and item.url == "/credit/proposals/"
    assert waiting(loop.village_heads["411425200"]) == []  # sees the village's facts, does not decide them

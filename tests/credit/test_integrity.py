"""The integrity check (综治诚信): ID-card number or credit code → eligible / vetoed, with the
reasons the caller may see; every check is logged with who asked and why (and never the full
number)."""

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from credit import subjects
from credit.constants import CheckResult, VetoEffect
from credit.models import IntegrityCheck, RuleVersion
from governance.roles import Role
from grids import services as grid_services
from tests.factories import UserFactory

from .conftest import USCC_VALID, applied_fact, id_number

pytestmark = pytest.mark.django_db
URL = "/api/v1/credit/integrity-checks/"


@pytest.fixture
def vetoed(cw):
    """李梅 vetoed (不孝) at once: confirmed by a second member, the household told."""
    RuleVersion.objects.update(veto_effect=VetoEffect.CONFIRMATION)
    applied_fact(cw, cw.households[1], "unfilial", timezone.localdate(), told_on=timezone.localdate())
    return cw.households[1]


def test_a_vetoed_person_with_reasons_for_the_evaluation_group(cw, vetoed, as_user):
    number = cw.ids[vetoed.pk]
    answer = as_user(cw.group).post(URL, {"id_number": number, "reason": "评选道德模范前审核"}, format="json").json()
    assert answer["result"] == CheckResult.VETOED and answer["eligible"] is False
    assert answer["reasons"] == ["不孝"] and answer["subject_name"] == "李梅"
    log = IntegrityCheck.objects.get(pk=answer["check_id"])
    assert (log.checked_by, log.reason, log.result) == (cw.group, "评选道德模范前审核", CheckResult.VETOED)
    assert log.query_masked == number[:6] + "********" + number[-4:] and number not in str(log.__dict__)


def test_the_cooperative_learns_only_that_the_person_is_not_eligible(cw, vetoed, as_user):
    answer = as_user(cw.coop).post(URL, {"id_number": cw.ids[vetoed.pk], "reason": "贷款审查"}, format="json").json()
    assert answer["result"] == CheckResult.VETOED and answer["reasons"] == []
    assert "不孝" not in str(answer)


def test_an_eligible_person_and_an_unknown_one(cw, as_user):
    group = as_user(cw.group)
    zhang = cw.households[0]
    subjects.subject_for_household(zhang)
    answer = group.post(URL, {"id_number": cw.ids[zhang.pk], "reason": "入党积极分子审查"}, format="json").json()
    assert answer["result"] == CheckResult.ELIGIBLE and answer["eligible"] and answer["reasons"] == []
    unknown = group.post(URL, {"id_number": id_number(999), "reason": "核查"}, format="json").json()
    assert unknown["result"] == CheckResult.NOT_FOUND
    assert IntegrityCheck.objects.count() == 2


def test_a_person_outside_the_callers_scope_answers_like_an_unknown_one(cw, vetoed, as_user):
    answer = as_user(cw.group_b).post(URL, {"id_number": cw.ids[vetoed.pk], "reason": "核查"}, format="json").json()
    assert answer["result"] == CheckResult.NOT_FOUND and answer["subject_name"] == ""


def test_an_enterprise_by_its_credit_code(cw, as_user):
    subjects.register_enterprise(actor=cw.head, village=cw.village, name="虞城绿源农业有限公司", credit_code=USCC_VALID)
    answer = as_user(cw.group).post(URL, {"credit_code": USCC_VALID, "reason": "招标资格审查"}, format="json").json()
    assert answer["result"] == CheckResult.ELIGIBLE and answer["subject_name"] == "虞城绿源农业有限公司"
    assert IntegrityCheck.objects.get().query_kind == "credit_code"


@pytest.mark.parametrize(
    "data,field",
    [
        ({"id_number": "411425198001010010", "reason": ""}, "reason"),
        ({"id_number": "411425198001010011", "reason": "核查"}, "id_number"),
        ({"reason": "核查"}, "id_number"),
        ({"credit_code": "91110000600037341X", "reason": "核查"}, "credit_code"),
    ],
)
def test_bad_input_answers_400_and_logs_nothing(cw, as_user, data, field):
    response = as_user(cw.group).post(URL, data, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not IntegrityCheck.objects.exists()


def test_without_a_credit_grant_the_check_is_refused(cw, as_user):
    police = UserFactory(username="dept")
    grid_services.assign(user=police, area=cw.world.county, role=Role.DEPARTMENT_OFFICER)
    response = as_user(police).post(URL, {"id_number": cw.ids[cw.households[0].pk], "reason": "核查"})
    assert response.status_code == 403


def test_the_log_is_append_only_and_each_caller_lists_their_own(cw, vetoed, as_user):
    as_user(cw.group).post(URL, {"id_number": cw.ids[vetoed.pk], "reason": "核查"}, format="json")
    as_user(cw.coop).post(URL, {"id_number": cw.ids[vetoed.pk], "reason": "贷款"}, format="json")
    assert [r["reason"] for r in as_user(cw.coop).get(URL).json()["results"]] == ["贷款"]
    with pytest.raises(DatabaseError), transaction.atomic():
        IntegrityCheck.objects.update(reason="改写")

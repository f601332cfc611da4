"""The round actions as the API and the pages offer them: for each workflow action, the
serializer that parses its input and the service call that performs it."""

from governance.actions import Action, plain_call

from . import services
from .api import serializers as s


def _plain(service):
    return plain_call(service, "round_id")


ROUND_ACTIONS = {
    "propose": Action(s.CreditActionSerializer, _plain(services.propose), "村级提报"),
    "send_back": Action(s.CreditActionSerializer, _plain(services.send_back), "评定小组退回村级（须填写原因）"),
    "review": Action(s.CreditActionSerializer, _plain(services.review), "评定小组审核通过（计算得分和等级）"),
    "return_to_township": Action(
        s.CreditActionSerializer, _plain(services.return_to_township), "县级退回乡镇（须填写原因）"
    ),
    "publish": Action(s.CreditActionSerializer, _plain(services.publish), "县级发布，开始公示"),
    "object": Action(
        s.ObjectionInputSerializer,
        lambda pk, user, d: services.lodge_objection(
            actor=user,
            round_id=pk,
            lodged_by_name=d["lodged_by_name"],
            content=d["content"],
            rating_id=d.get("rating"),
            version=d.get("version"),
        ),
        "登记公示异议",
    ),
    "answer": Action(
        s.AnswerInputSerializer,
        lambda pk, user, d: services.answer_objection(
            actor=user, round_id=pk, objection_id=d["objection"], answer=d["answer"], version=d.get("version")
        ),
        "答复异议",
    ),
    "reopen": Action(s.CreditActionSerializer, _plain(services.reopen), "撤回重评（异议成立，须填写原因）"),
    "take_effect": Action(s.CreditActionSerializer, _plain(services.take_effect), "公示期满且异议均已答复，评级生效"),
}

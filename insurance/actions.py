"""The claim actions as the API and the pages offer them: for each workflow action, the
serializer that parses its input, the service call that performs it and a summary."""

from governance.actions import Action, plain_call

from . import services
from .api import serializers as s


def _plain(service):
    return plain_call(service, "claim_id")


ACTIONS = {
    "verify": Action(
        s.VerifySerializer,
        lambda c, a, d: services.verify(
            claim_id=c, actor=a, version=d.get("version"), note=d["note"], uploads=d["photos"]
        ),
        "村级核实（须填写现场核实情况，附现场照片）",
    ),
    "return": Action(s.ClaimActionSerializer, _plain(services.return_claim), "退回补充材料（须写明需补充的材料）"),
    "resubmit": Action(s.ClaimActionSerializer, _plain(services.resubmit), "补充材料后重新提交"),
    "approve": Action(s.ClaimActionSerializer, _plain(services.approve), "乡镇审核通过"),
    "settle": Action(
        s.SettleSerializer,
        lambda c, a, d: services.settle(
            claim_id=c,
            actor=a,
            paid_amount=d["paid_amount"],
            paid_on=d.get("paid_on"),
            version=d.get("version"),
            note=d["note"],
        ),
        "赔付（金额和日期）",
    ),
    "decline": Action(s.ClaimActionSerializer, _plain(services.decline), "拒赔（须填写原因）"),
    "withdraw": Action(s.ClaimActionSerializer, _plain(services.withdraw), "撤回（须填写原因）"),
    "comment": Action(s.ClaimActionSerializer, _plain(services.comment), "备注"),
}

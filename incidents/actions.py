"""The case actions as the API and the pages offer them: for each workflow action, the
serializer that parses its input and the service call that performs it."""

from governance.actions import Action, plain_call

from . import services
from .api import serializers as s


def _plain(service):
    return plain_call(service, "case_id")


ACTIONS = {
    "register": Action(s.CaseActionSerializer, _plain(services.register), "立案"),
    "reject": Action(s.CaseActionSerializer, _plain(services.reject), "不予立案（须填写原因）"),
    "merge": Action(
        s.MergeSerializer,
        lambda c, a, d: services.merge(
            case_id=c, actor=a, original=d["original"], version=d.get("version"), note=d["note"]
        ),
        "合并为重复事件",
    ),
    "dispatch": Action(
        s.UnitActionSerializer,
        lambda c, a, d: services.dispatch(case_id=c, actor=a, unit=d["unit"], version=d.get("version"), note=d["note"]),
        "派遣",
    ),
    "arrive": Action(
        s.ArriveSerializer,
        lambda c, a, d: services.arrive(
            case_id=c,
            actor=a,
            lat=d.get("lat"),
            lng=d.get("lng"),
            accuracy=d.get("accuracy"),
            version=d.get("version"),
            note=d["note"],
        ),
        "到场确认（115：附手机定位）",
    ),
    "accept": Action(s.CaseActionSerializer, _plain(services.accept), "签收"),
    "return": Action(s.CaseActionSerializer, _plain(services.return_case), "退回（须填写原因）"),
    "start": Action(s.CaseActionSerializer, _plain(services.start), "开始处置"),
    "hand_down": Action(
        s.UnitActionSerializer,
        lambda c, a, d: services.hand_down(
            case_id=c, actor=a, unit=d["unit"], version=d.get("version"), note=d["note"]
        ),
        "下派到村",
    ),
    "escalate": Action(s.CaseActionSerializer, _plain(services.escalate), "上报上一级（须填写原因）"),
    "dispose": Action(
        s.DisposeSerializer,
        lambda c, a, d: services.dispose(
            case_id=c,
            actor=a,
            result=d["result"],
            outcome=d["outcome"],
            uploads=d["photos"],
            version=d.get("version"),
            note=d["note"],
        ),
        "处置反馈（结果和现场照片）",
    ),
    "verify": Action(s.CaseActionSerializer, _plain(services.verify), "核查通过"),
    "rework": Action(s.CaseActionSerializer, _plain(services.rework), "核查不通过，返工（须填写原因）"),
    "close": Action(s.CaseActionSerializer, _plain(services.close), "结案"),
    "urge": Action(
        s.UrgeSerializer,
        lambda c, a, d: services.urge(case_id=c, actor=a, grade=d["grade"], version=d.get("version"), note=d["note"]),
        "督办",
    ),
    "comment": Action(s.CaseActionSerializer, _plain(services.comment), "备注"),
    "request_extension": Action(
        s.ExtensionRequestSerializer,
        lambda c, a, d: services.request_extension(
            case_id=c, actor=a, until=d["until"], version=d.get("version"), note=d["note"]
        ),
        "延期申请",
    ),
    "decide_extension": Action(
        s.ExtensionDecisionSerializer,
        lambda c, a, d: services.decide_extension(
            case_id=c, actor=a, approve=d["approve"], version=d.get("version"), note=d["note"]
        ),
        "延期审批",
    ),
    "postpone": Action(s.CaseActionSerializer, _plain(services.postpone), "缓办（须填写原因）"),
    "callback": Action(
        s.CallbackSerializer,
        lambda c, a, d: services.callback(
            case_id=c, actor=a, satisfaction=d["satisfaction"], version=d.get("version"), note=d["note"]
        ),
        "结案回访",
    ),
}


# Workflow actions whose endpoint decides the branch itself (return, escalate).
ENDPOINT_OF = {"return_to_township": "return", "escalate_to_township": "escalate", "escalate_to_centre": "escalate"}


def endpoint_for(workflow_action: str) -> str:
    return ENDPOINT_OF.get(workflow_action, workflow_action)

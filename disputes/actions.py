"""The actions of mediations, petitions and subsidy statements as the API and the pages offer
them: for each workflow action, the serializer that parses its input, the service call that
performs it and a summary."""

from governance.actions import Action
from governance.actions import plain_call as _plain

from . import petitions, services, subsidies
from .api import serializers as s

Plain = s.DisputeActionSerializer  # a version and a note

MEDIATION_ACTIONS = {
    "session": Action(
        s.SessionSerializer,
        lambda pk, a, d: services.record_session(
            mediation_id=pk,
            actor=a,
            held_on=d["held_on"],
            place=d["place"],
            attendees=d["attendees"],
            notes=d["notes"],
            mediator_ids=d["mediators"],
            version=d.get("version"),
        ),
        "记录一次调解（日期、到场人员、调解员、经过）",
    ),
    "agree": Action(
        s.AgreeSerializer,
        lambda pk, a, d: services.agree(
            mediation_id=pk,
            actor=a,
            agreement_text=d["agreement_text"],
            agreement_file=d["agreement_file"],
            version=d.get("version"),
            note=d["note"],
        ),
        "达成协议（协议内容或扫描件），排定回访",
    ),
    "fail": Action(Plain, _plain(services.fail, "mediation_id"), "调解不成（须填写原因）"),
    "refer": Action(
        s.ReferSerializer,
        lambda pk, a, d: services.refer(
            mediation_id=pk, actor=a, referred_to=d["referred_to"], version=d.get("version"), note=d["note"]
        ),
        "引导诉讼或仲裁（须说明）",
    ),
    "escalate": Action(
        s.EscalateSerializer,
        lambda pk, a, d: services.escalate(
            mediation_id=pk,
            actor=a,
            body_id=d["body"],
            mediator_ids=d["mediators"],
            version=d.get("version"),
            note=d["note"],
        ),
        "调解不成，移交上一级调解组织（须填写原因）",
    ),
    "confirm": Action(
        s.ConfirmSerializer,
        lambda pk, a, d: services.confirm(
            mediation_id=pk,
            actor=a,
            confirmed_on=d["confirmed_on"],
            court=d["court"],
            version=d.get("version"),
            note=d["note"],
        ),
        "司法确认（日期和法院）",
    ),
    "follow_up": Action(
        s.FollowUpSerializer,
        lambda pk, a, d: services.record_follow_up(
            mediation_id=pk,
            follow_up_id=d["follow_up"],
            actor=a,
            finding=d["note"],
            done_on=d["done_on"],
            version=d.get("version"),
        ),
        "回访（须填写回访情况）",
    ),
    "comment": Action(Plain, _plain(services.comment, "mediation_id"), "备注"),
}

PETITION_ACTIONS = {
    "assign_owner": Action(
        s.AssignOwnerSerializer,
        lambda pk, a, d: petitions.assign_owner(
            petition_id=pk,
            actor=a,
            owner=d["owner"],
            reply_due_on=d["reply_due_on"],
            version=d.get("version"),
            note=d["note"],
        ),
        "领导包案（包案领导和答复期限）",
    ),
    "reply": Action(
        s.ReplySerializer,
        lambda pk, a, d: petitions.reply(
            petition_id=pk, actor=a, reply_text=d["reply_text"], version=d.get("version"), note=d["note"]
        ),
        "答复（答复意见）",
    ),
    "resolve": Action(Plain, _plain(petitions.resolve, "petition_id"), "办结"),
    "reopen": Action(Plain, _plain(petitions.reopen, "petition_id"), "不满意，重新办理（须填写原因）"),
    "comment": Action(Plain, _plain(petitions.comment, "petition_id"), "备注"),
}

STATEMENT_ACTIONS = {
    "approve": Action(Plain, _plain(subsidies.approve, "statement_id"), "审批通过"),
    "return": Action(Plain, _plain(subsidies.return_statement, "statement_id"), "退回（须填写原因）"),
    "rebuild": Action(Plain, _plain(subsidies.rebuild, "statement_id"), "重新生成"),
}

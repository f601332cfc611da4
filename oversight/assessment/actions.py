"""The assessment's actions as the API and the pages offer them (governance.actions): the review
actions on ratings (认定 / 撤销认定) and on evidence (采信 / 退回), and entering evidence."""

from governance.actions import Action

from . import services
from .api.serializers import DecisionSerializer, EvidenceInputSerializer


def _on_rating(action: str):
    return lambda pk, actor, d: services.decide_rating(
        rating_id=pk, action=action, actor=actor, version=d.get("version"), note=d["note"]
    )


def _on_evidence(action: str):
    return lambda pk, actor, d: services.review_evidence(
        evidence_id=pk, action=action, actor=actor, version=d.get("version"), note=d["note"]
    )


RATING_ACTIONS = {
    "approve": Action(DecisionSerializer, _on_rating("approve"), "认定评定结果"),
    "revoke": Action(DecisionSerializer, _on_rating("revoke"), "撤销认定（须填写原因）"),
}
EVIDENCE_ACTIONS = {
    "approve": Action(DecisionSerializer, _on_evidence("approve"), "采信佐证"),
    "reject": Action(DecisionSerializer, _on_evidence("reject"), "退回佐证（须填写原因）"),
}


def enter_evidence(*, actor, data):
    """录入佐证 from a form or a request body (with the uploaded file under "file")."""
    form = EvidenceInputSerializer(data=data)
    form.is_valid(raise_exception=True)
    d = form.validated_data
    return services.submit_evidence(
        actor=actor,
        area=d["area"],
        indicator=d["indicator"],
        year=d["year"],
        passed=d["passed"],
        note=d["note"],
        upload=d.get("file"),
    )

"""The assessment's actions as the API and the pages offer them: parse the input with the API's
serializers (400 on bad input) and call the service — entering evidence, and the review actions
on ratings (认定 / 撤销认定) and evidence (采信 / 退回)."""

from ..api.assessment_serializers import DecisionSerializer, EvidenceInputSerializer
from . import services

SERVICES = {
    "rating": lambda pk, action, actor, version, note: services.decide_rating(
        rating_id=pk, action=action, actor=actor, version=version, note=note
    ),
    "evidence": lambda pk, action, actor, version, note: services.review_evidence(
        evidence_id=pk, action=action, actor=actor, version=version, note=note
    ),
}


def decide(kind: str, *, pk: int, action: str, actor, data):
    """Run the review `action` on the rating or evidence `pk`."""
    form = DecisionSerializer(data=data)
    form.is_valid(raise_exception=True)
    return SERVICES[kind](pk, action, actor, form.validated_data.get("version"), form.validated_data["note"])


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

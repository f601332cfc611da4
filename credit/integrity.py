"""综治诚信 integrity check: for an ID-card number or a credit code, is the person or legal person
eligible or vetoed? Every check is logged (who, why, whom — masked — and the answer); the log is
append-only. Reasons are shown only to the evaluation roles; the cooperative and everyone else
see "不符合条件" without the why. A subject outside the caller's credit scope answers like an
unknown one ("无记录")."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.identity import id_number_digest, mask_id_number, parse_id_number
from grids.models import Resident
from grids.scoping import VIEW_CREDIT, granted_areas, in_scope

from .constants import EVALUATION_ROLES, CheckResult
from .models import IntegrityCheck, Subject
from .standing import standing
from .subjects import parse_credit_code


@dataclass
class Answer:
    result: str
    eligible: bool
    grade: str = ""
    credit_line: int = 0
    valid_until: object = None
    reasons: list[str] = field(default_factory=list)
    subject_name: str = ""
    subject_id: int | None = None
    check_id: int | None = None


def sees_reasons(actor) -> bool:
    return actor.is_superuser or bool(set(EVALUATION_ROLES) & actor.role_names())


def _find(actor, id_number: str, credit_code: str):
    """(kind, masked, digest, subject or None)."""
    if bool(id_number) == bool(credit_code):
        raise ValidationError({"id_number": _("请填写身份证号或统一社会信用代码（二选一）。")})
    if id_number:
        try:
            number = parse_id_number(id_number).value
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from None
        digest = id_number_digest(number)
        household_ids = Resident.objects.filter(id_number_digest=digest).values("household_id")
        subject = Subject.objects.filter(household_id__in=household_ids).first()
        return "id_number", mask_id_number(number), digest, subject
    code = parse_credit_code(credit_code)
    return "credit_code", code, "", Subject.objects.filter(enterprise__credit_code=code).first()


@transaction.atomic
def check_integrity(*, actor, reason: str, id_number: str = "", credit_code: str = "") -> Answer:
    grants = granted_areas(actor, VIEW_CREDIT)
    if grants is not None and not grants:
        raise PermissionDenied(_("您没有查询综治诚信的权限。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写查询事由。")})
    kind, masked, digest, subject = _find(actor, (id_number or "").strip(), (credit_code or "").strip())
    if subject is not None and not in_scope(actor, VIEW_CREDIT, subject):
        subject = None
    if subject is None:
        answer = Answer(result=CheckResult.NOT_FOUND, eligible=True)
    else:
        status = standing(subject, timezone.localdate())
        answer = Answer(
            result=CheckResult.VETOED if status.vetoed else CheckResult.ELIGIBLE,
            eligible=not status.vetoed,
            grade=status.grade,
            credit_line=status.credit_line,
            valid_until=status.rating.valid_until if status.rating and not status.vetoed else None,
            reasons=status.veto_reasons if sees_reasons(actor) else [],
            subject_name=subject.name,
            subject_id=subject.pk,
        )
    log = IntegrityCheck.objects.create(
        checked_by=actor,
        reason=reason[:200],
        query_kind=kind,
        query_masked=masked,
        query_digest=digest,
        subject=subject,
        result=answer.result,
    )
    answer.check_id = log.pk
    return answer

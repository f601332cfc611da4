"""Credit subjects: households (from grids) and enterprises (checked credit code), each in a
village. A household's subject row is made when it is first nominated or named by a fact."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from governance.roles import Role
from grids.levels import AreaLevel
from grids.models import Area, Household
from grids.scoping import VIEW_CREDIT, in_scope

from .constants import SubjectKind
from .models import Enterprise, Subject

ENTERPRISE_ROLES = (Role.VILLAGE_HEAD, Role.CREDIT_COMMITTEE, Role.TOWNSHIP_OFFICER, Role.ADMIN)


def parse_credit_code(raw: str) -> str:
    """The unified social credit code (GB 32100) in its compact form; ValidationError if invalid."""
    try:
        return uscc.validate(raw or "")
    except StdnumError:
        raise ValidationError({"credit_code": _("统一社会信用代码无效（18 位，末位为校验码），请核对。")}) from None


def village_columns(village: Area) -> dict:
    if village.level != AreaLevel.VILLAGE:
        raise ValidationError({"village": _("请选择村或社区。")})
    ancestors = {a.level: a for a in Area.objects.get_ancestors(village)}
    return {"county": ancestors[AreaLevel.COUNTY], "township": ancestors[AreaLevel.TOWNSHIP], "village": village}


def _may_register(actor, village: Area) -> bool:
    return (actor.is_superuser or bool(set(ENTERPRISE_ROLES) & actor.role_names())) and in_scope(
        actor, VIEW_CREDIT, village
    )


@transaction.atomic
def register_enterprise(
    *, actor, village: Area, name: str, credit_code: str, legal_representative: str = "", address: str = ""
) -> Enterprise:
    """Record an enterprise of a village in the actor's scope, and its credit subject."""
    errors = {}
    if not _may_register(actor, village):
        errors["village"] = [_("只能登记本辖区内的企业。")]
    if not (name or "").strip():
        errors["name"] = [_("请填写企业名称。")]
    try:
        code = parse_credit_code(credit_code)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        if Enterprise.objects.filter(credit_code=code).exists():
            errors["credit_code"] = [_("该统一社会信用代码已登记。")]
    if errors:
        raise ValidationError(errors)
    columns = village_columns(village)
    enterprise = Enterprise.objects.create(
        name=name.strip(),
        credit_code=code,
        legal_representative=legal_representative.strip(),
        address=address.strip(),
        **columns,
    )
    Subject.objects.create(kind=SubjectKind.ENTERPRISE, enterprise=enterprise, name=enterprise.name, **columns)
    return enterprise


def household_subjects(households) -> dict[int, Subject]:
    """The subjects of `households` (a queryset), creating the missing ones in bulk: {household id: subject}."""
    rows = households.values("id", "head_name", "county_id", "township_id", "village_id")
    Subject.objects.bulk_create(
        [
            Subject(
                kind=SubjectKind.HOUSEHOLD,
                household_id=r["id"],
                name=r["head_name"],
                county_id=r["county_id"],
                township_id=r["township_id"],
                village_id=r["village_id"],
            )
            for r in rows
        ],
        ignore_conflicts=True,
    )
    return {s.household_id: s for s in Subject.objects.filter(household__in=households.values("id"))}


def subject_for_household(household: Household) -> Subject:
    return household_subjects(Household.objects.filter(pk=household.pk))[household.pk]

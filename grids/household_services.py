"""Writes to households and residents: one transaction each, inputs normalised and checked."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from governance.phones import normalize_phone

from .identity import encrypt_id_number, id_number_digest, mask_id_number, parse_id_number
from .models import Area, Household, HouseholdColour, KeyPersonTag, RegisterStatus, Relation, Resident
from .selectors import area_columns


@dataclass
class ResidentInput:
    name: str
    id_number: str = ""
    relation: str = Relation.OTHER
    phone: str = ""
    tags: list[str] = field(default_factory=list)  # KeyPersonTag codes


def resident_identity_fields(id_number: str) -> tuple[dict, list[str]]:
    """The stored columns for an ID number (encrypted, digest, masked, birth, sex) and warnings."""
    if not id_number:
        return {"id_number_encrypted": "", "id_number_digest": "", "id_number_masked": ""}, []
    parsed = parse_id_number(id_number)
    return {
        "id_number_encrypted": encrypt_id_number(parsed.value),
        "id_number_digest": id_number_digest(parsed.value),
        "id_number_masked": mask_id_number(parsed.value),
        "birth_date": parsed.birth_date,
        "is_male": parsed.is_male,
    }, parsed.warnings


def check_household_fields(
    head_name, address, colour, register_status, registered_place, *, number=None, number_taken=False
) -> None:
    """A household's own fields (not its phone or grid), without touching the database: for a new
    household give its `number` and whether it is taken. ValidationError with every field's messages."""
    errors = {}
    if number is not None and not number.strip():
        errors["number"] = _("户编号不能为空。")
    elif number_taken:
        errors["number"] = _("户编号 %(n)s 已存在。") % {"n": number}
    if not (head_name or "").strip():
        errors["head_name"] = _("户主姓名不能为空。")
    if not (address or "").strip():
        errors["address"] = _("住址不能为空。")
    if colour not in HouseholdColour.values:
        errors["colour"] = _("三色管理只能是 绿/黄/红。")
    if register_status not in RegisterStatus.values:
        errors["register_status"] = _("户籍/居住状态无效。")
    elif register_status == RegisterStatus.LIVING_HERE_ONLY and not (registered_place or "").strip():
        errors["registered_place"] = _("户籍在外地的住户须填写户籍所在地。")
    if errors:
        raise ValidationError(errors)


def _build_residents(household: Household, residents: list[ResidentInput]) -> list[str]:
    """Create the residents; ValidationError per bad item. One ID number twice in the list is
    refused; one already registered in another household is saved with a warning (people move,
    and the other register may be the stale one), without telling which household holds it."""
    tag_ids = dict(KeyPersonTag.objects.values_list("code", "id"))
    errors, warnings, rows, row_tags, first_with = {}, [], [], [], {}
    for i, r in enumerate(residents):
        try:
            if not r.name.strip():
                raise ValidationError(_("姓名不能为空。"))
            if r.relation not in Relation.values:
                raise ValidationError(_("与户主关系无效。"))
            identity, id_warnings = resident_identity_fields(r.id_number)
            digest = identity["id_number_digest"]
            if digest and digest in first_with:
                raise ValidationError(_("身份证号与第 %(n)d 位成员相同。") % {"n": first_with[digest] + 1})
            phone = normalize_phone(r.phone)
            unknown = [t for t in r.tags if t not in tag_ids]
            if unknown:
                raise ValidationError(_("未知的重点人员标签：%(tags)s") % {"tags": "、".join(unknown)})
        except ValidationError as exc:
            errors[f"residents[{i}]"] = exc.messages
            continue
        if digest:
            first_with[digest] = i
        warnings += [f"{r.name}：{w}" for w in id_warnings]
        rows.append(Resident(household=household, name=r.name.strip(), relation=r.relation, phone=phone, **identity))
        row_tags.append([tag_ids[t] for t in r.tags])
    if errors:
        raise ValidationError(errors)
    elsewhere = set(
        Resident.objects.filter(id_number_digest__in=list(first_with))
        .exclude(household=household)
        .values_list("id_number_digest", flat=True)
    )
    warnings += [
        _("%(name)s：该身份证号已在其他户登记，请核对是否重复。") % {"name": row.name}
        for row in rows
        if row.id_number_digest in elsewhere
    ]
    created = Resident.objects.bulk_create(rows)
    through = Resident.tags.through
    pairs = zip(created, row_tags, strict=True)
    through.objects.bulk_create([through(resident_id=res.id, keypersontag_id=t) for res, tags in pairs for t in tags])
    return warnings


@transaction.atomic
def create_household(
    *,
    grid: Area,
    number: str,
    head_name: str,
    address: str,
    phone: str = "",
    colour: str = HouseholdColour.GREEN,
    register_status: str = RegisterStatus.REGISTERED_HERE,
    registered_place: str = "",
    residents: list[ResidentInput] = (),
) -> tuple[Household, list[str]]:
    """Register a household with its residents. Returns it and any warnings (e.g. old county codes)."""
    check_household_fields(
        head_name,
        address,
        colour,
        register_status,
        registered_place,
        number=number,
        number_taken=Household.objects.filter(number=number).exists(),
    )
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from None
    household = Household.objects.create(
        number=number,
        head_name=head_name.strip(),
        address=address.strip(),
        phone=phone,
        colour=colour,
        register_status=register_status,
        registered_place=registered_place,
        **area_columns(grid),
    )
    warnings = _build_residents(household, list(residents))
    return household, warnings


@transaction.atomic
def update_household(*, household: Household, **changes) -> Household:
    """Change a household's own fields (not its residents, not its number)."""
    allowed = {"head_name", "address", "phone", "colour", "register_status", "registered_place", "grid"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({f: _("该字段不能修改。") for f in unknown})
    household = Household.objects.select_for_update().get(pk=household.pk)
    if "phone" in changes:
        try:
            changes["phone"] = normalize_phone(changes["phone"])
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from None
    if "grid" in changes:
        changes.update(area_columns(changes.pop("grid")))
    for name, value in changes.items():
        setattr(household, name, value)
    check_household_fields(
        household.head_name, household.address, household.colour, household.register_status, household.registered_place
    )
    household.save()
    return household


@transaction.atomic
def replace_residents(*, household: Household, residents: list[ResidentInput]) -> list[str]:
    """Replace the member list of a household (the register is re-entered as a whole)."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    household.residents.all().delete()
    return _build_residents(household, residents)

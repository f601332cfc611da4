"""The rule catalogue and the scoring formula.

A rule version holds the base score, the items (bonus / deduction / veto, points, months of
validity) and the grade bands. Admins edit a draft; publishing freezes it, and every new round
takes the newest published version and records it (so does each rating). A new draft starts as
a copy of the newest version.

Score of a subject on day D under version V:
    score = max(0, base + Σ bonus points − Σ deduction points)
over its applied facts whose item is in V and applies to the subject's kind, and which count on
D (occurred_on ≤ D < occurred_on + valid_months). Any counting veto fact puts the subject out of
rating (一票否决: no grade, no line). Otherwise the grade is the band with the highest min_score
≤ score; below every band: not rated.
"""

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .constants import AppliesTo, ItemKind, SubjectKind, VetoEffect
from .models import GradeBand, RuleItem, RuleVersion

# (code, name, kind, applies_to, points, valid_months, case category codes)
DEFAULT_ITEMS = [
    ("safe_family", "平安家庭", ItemKind.BONUS, AppliesTo.HOUSEHOLD, 10, 12, []),
    ("red_banner", "三八红旗手", ItemKind.BONUS, AppliesTo.HOUSEHOLD, 8, 24, []),
    ("good_mother_in_law", "好婆婆", ItemKind.BONUS, AppliesTo.HOUSEHOLD, 5, 12, []),
    ("good_daughter_in_law", "好媳妇", ItemKind.BONUS, AppliesTo.HOUSEHOLD, 5, 12, []),
    ("volunteer", "微治理志愿者", ItemKind.BONUS, AppliesTo.HOUSEHOLD, 5, 12, []),
    ("filial_worthy", "乡贤孝子", ItemKind.BONUS, AppliesTo.HOUSEHOLD, 8, 24, []),
    ("moral_model", "道德模范", ItemKind.BONUS, AppliesTo.HOUSEHOLD, 10, 24, []),
    ("safety_worker", "平安建设先进工作者", ItemKind.BONUS, AppliesTo.HOUSEHOLD, 8, 12, []),
    ("public_welfare", "公益事业热心人", ItemKind.BONUS, AppliesTo.HOUSEHOLD, 5, 12, []),
    ("green_enterprise", "绿色企业", ItemKind.BONUS, AppliesTo.ENTERPRISE, 10, 12, []),
    ("inclusive_hiring", "招收贫困户、残疾人就业", ItemKind.BONUS, AppliesTo.ENTERPRISE, 10, 12, []),
    ("safe_unit", "平安创建单位", ItemKind.BONUS, AppliesTo.ENTERPRISE, 8, 12, []),
    ("tax_payer", "积极纳税", ItemKind.BONUS, AppliesTo.ENTERPRISE, 5, 12, []),
    (
        "case_responsible",
        "结案事件责任方",
        ItemKind.DEDUCTION,
        AppliesTo.BOTH,
        5,
        12,
        ["MD", "XF", "HJ", "WJ01", "CZ"],
    ),
    ("safety_violation", "安全生产、环境违规", ItemKind.DEDUCTION, AppliesTo.BOTH, 10, 12, ["AQ", "HJ03", "WJ02"]),
    # only categories that record an offence (盗窃, 刑事案件), never a mere 治安隐患 or a lead
    ("crime", "违法犯罪", ItemKind.VETO, AppliesTo.BOTH, 0, 36, ["ZA03", "XA"]),
    ("unfilial", "不孝", ItemKind.VETO, AppliesTo.HOUSEHOLD, 0, 24, []),
    ("idle", "懒惰", ItemKind.VETO, AppliesTo.HOUSEHOLD, 0, 12, []),
]
# (grade, min score, line in yuan, term in months)
DEFAULT_BANDS = [("AAA", 90, 300_000, 36), ("AA", 80, 200_000, 36), ("A", 70, 100_000, 36)]


@transaction.atomic
def ensure_default_catalogue(actor=None) -> RuleVersion:
    """The newest published version, creating and publishing version 1 from the defaults if none."""
    current = current_version()
    if current is not None:
        return current
    version = RuleVersion.objects.create(number=1, base_score=60, note=_("虞城县综治信用评价初始规则"))
    RuleItem.objects.bulk_create(
        RuleItem(
            rule_version=version,
            code=code,
            name=name,
            kind=kind,
            applies_to=applies,
            points=points,
            valid_months=months,
            case_categories=categories,
        )
        for code, name, kind, applies, points, months, categories in DEFAULT_ITEMS
    )
    GradeBand.objects.bulk_create(
        GradeBand(rule_version=version, grade=g, min_score=s, credit_line=line, term_months=term)
        for g, s, line, term in DEFAULT_BANDS
    )
    return publish_version(version=version, actor=actor)


def current_version() -> RuleVersion | None:
    return RuleVersion.objects.filter(published_at__isnull=False).order_by("-number").first()


def require_current_version() -> RuleVersion:
    version = current_version()
    if version is None:
        raise ValidationError({"rule_version": _("尚未发布评分规则。")})
    return version


@transaction.atomic
def publish_version(*, version: RuleVersion, actor=None) -> RuleVersion:
    version = RuleVersion.objects.select_for_update().get(pk=version.pk)
    if version.published_at:
        raise ValidationError({"rule_version": _("该版本已经发布。")})
    if not version.bands.exists():
        raise ValidationError({"rule_version": _("请至少设置一个等级档。")})
    version.published_at, version.published_by = timezone.now(), actor
    version.save(update_fields=["published_at", "published_by"])
    return version


@transaction.atomic
def new_draft(*, actor=None) -> RuleVersion:
    """A new draft version copying the newest one's base score, items and bands."""
    latest = RuleVersion.objects.select_for_update().order_by("-number").first()
    number = (RuleVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = RuleVersion.objects.create(
        number=number,
        base_score=latest.base_score if latest else 60,
        veto_effect=latest.veto_effect if latest else VetoEffect.NOTICE,
        note=_("由 v%(n)s 复制") % {"n": number - 1},
    )
    if latest is not None:
        RuleItem.objects.bulk_create(
            RuleItem(
                rule_version=draft,
                code=i.code,
                name=i.name,
                kind=i.kind,
                applies_to=i.applies_to,
                points=i.points,
                valid_months=i.valid_months,
                case_categories=i.case_categories,
            )
            for i in latest.items.all()
        )
        GradeBand.objects.bulk_create(
            GradeBand(
                rule_version=draft,
                grade=b.grade,
                min_score=b.min_score,
                credit_line=b.credit_line,
                term_months=b.term_months,
            )
            for b in latest.bands.all()
        )
    return draft


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, monthrange(year, month)[1]))


def item_applies(item: RuleItem, subject_kind: str) -> bool:
    return item.applies_to == AppliesTo.BOTH or item.applies_to == subject_kind


def counts_on(item: RuleItem, occurred_on: dt.date, day: dt.date) -> bool:
    if occurred_on > day:
        return False
    return item.valid_months is None or day < add_months(occurred_on, item.valid_months)


@dataclass
class Catalogue:
    """One rule version loaded once (items by code, bands best first) for scoring many subjects."""

    version: RuleVersion
    items: dict[str, RuleItem] = field(default_factory=dict)
    bands: list[GradeBand] = field(default_factory=list)

    @classmethod
    def load(cls, version: RuleVersion) -> "Catalogue":
        return cls(
            version,
            {i.code: i for i in version.items.all()},
            sorted(version.bands.all(), key=lambda b: -b.min_score),
        )


@dataclass
class Score:
    score: int
    bonus: int
    deduction: int
    vetoed: bool
    veto_reasons: list[str]
    breakdown: list[dict]
    grade: str
    credit_line: int
    term_months: int


def score(catalogue: Catalogue, subject_kind: str, facts, day: dt.date) -> Score:
    """Score one subject from its applied facts (objects with item_code, occurred_on, pk)."""
    bonus = deduction = 0
    vetoes, lines = [], []
    for fact in sorted(facts, key=lambda f: (f.occurred_on, f.pk)):
        item = catalogue.items.get(fact.item_code)
        if item is None or not item_applies(item, subject_kind) or not counts_on(item, fact.occurred_on, day):
            continue
        if item.kind == ItemKind.VETO:
            vetoes.append(item.name)
        elif item.kind == ItemKind.BONUS:
            bonus += item.points
        else:
            deduction += item.points
        lines.append(
            {
                "fact": fact.pk,
                "item": item.code,
                "name": item.name,
                "kind": item.kind,
                "points": item.points,
                "occurred_on": fact.occurred_on.isoformat(),
            }
        )
    total = max(0, catalogue.version.base_score + bonus - deduction)
    band = None if vetoes else next((b for b in catalogue.bands if total >= b.min_score), None)
    return Score(
        score=total,
        bonus=bonus,
        deduction=deduction,
        vetoed=bool(vetoes),
        veto_reasons=sorted(set(vetoes)),
        breakdown=lines,
        grade=band.grade if band else "",
        credit_line=band.credit_line if band else 0,
        term_months=band.term_months if band else 0,
    )


def items_for_case(catalogue: Catalogue, category_code: str, parent_code: str | None, offender: bool) -> list[RuleItem]:
    """The items a closed case proposes for a household it names: a veto only for the party
    recorded as the offender (违法犯罪行为人) of a category the veto names (one that records an
    offence); otherwise, for the responsible party, the first deduction whose category list
    names the case's category (or its parent). A category nothing names proposes nothing."""
    codes = {category_code, parent_code} - {None}
    matching = [
        i for i in catalogue.items.values() if codes & set(i.case_categories) and item_applies(i, SubjectKind.HOUSEHOLD)
    ]
    vetoes = [i for i in matching if i.kind == ItemKind.VETO]
    if offender and vetoes:
        return vetoes
    return [i for i in matching if i.kind == ItemKind.DEDUCTION][:1]

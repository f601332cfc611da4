"""Every write of the assessment: enter evidence, review it, approve or revoke a rating, compute
a county's ratings. One transaction each; state changes through governance.workflow."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.attachments import prepare
from governance.workflow import perform
from grids.levels import AreaLevel
from grids.models import Area
from grids.scoping import CHANGE, VIEW, in_scope

from ..constants import EvidenceStatus, RatingResult, RatingStatus
from ..models import MIN_YEAR, AreaRating, Evidence, EvidenceEvent, Indicator, RatingEvent
from . import rewards
from .rating import compute_ratings
from .workflow import EVIDENCE_WORKFLOW, RATING_WORKFLOW, reviews, sees


def check_year(year) -> int:
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not MIN_YEAR <= year <= this_year:
        raise ValidationError({"year": _("考核年度须在 %(a)s 至 %(b)s 年之间。") % {"a": MIN_YEAR, "b": this_year}})
    return year


def _area_columns(area: Area) -> dict:
    ancestors = {a.level: a.pk for a in Area.objects.get_ancestors(area)} | {area.level: area.pk}
    return {
        "area": area,
        "county_id": ancestors[AreaLevel.COUNTY],
        "township_id": ancestors.get(AreaLevel.TOWNSHIP),
        "village_id": ancestors.get(AreaLevel.VILLAGE),
    }




@transaction.atomic
def submit_evidence(*, actor, area: Area, indicator: Indicator, year: int, passed: bool, note: str, upload=None):
    """录入佐证: an entered indicator's result for one area and year, with a note and optionally
    a file (PDF or image, checked and re-encoded like case photos). It counts once approved."""
    if not in_scope(actor, VIEW, area):
        raise Http404
    if not in_scope(actor, CHANGE, area):
        raise PermissionDenied(_("您无权为该区域录入佐证。"))
    errors = {}
    if not indicator.is_entered:
        errors["indicator"] = _("该指标由平台数据自动计算，无需录入佐证。")
    elif not indicator.is_active:
        errors["indicator"] = _("该指标已停用。")
    elif indicator.level != area.level:
        errors["indicator"] = _("该指标属于%(l)s考核，与所选区域的层级不符。") % {"l": indicator.get_level_display()}
    try:
        check_year(year)
    except ValidationError as e:
        errors.update(e.message_dict)
    note = (note or "").strip()
    if len(note) < 5:
        errors["note"] = _("请填写佐证说明（不少于 5 个字）。")
    if errors:
        raise ValidationError(errors)
    if AreaRating.objects.filter(area=area, year=year, status=RatingStatus.APPROVED).exists():
        raise ValidationError({"year": _("该区域本年度评定已认定，不能再录入佐证；如需更正请先撤销认定。")})
    file_fields = {}
    if upload is not None:
        try:
            content, content_type, original, _size = prepare(upload)
        except ValidationError as e:
            raise ValidationError({"file": e.messages}) from None
        file_fields = {"file": content, "content_type": content_type, "original_name": original}
    evidence = Evidence.objects.create(
        **_area_columns(area),
        year=year,
        indicator=indicator,
        passed=passed,
        note=note,
        submitted_by=actor,
        **file_fields,
    )
    EvidenceEvent.record(
        evidence, action="submit", label=_("录入佐证"), from_state="", actor=actor, note=note, data={"passed": passed}
    )
    return evidence


def review_evidence(*, evidence_id: int, action: str, actor, version=None, note=""):
    """采信 or 退回 a piece of evidence; an approval recomputes that area's rating at once."""
    with transaction.atomic():
        evidence, event = perform(
            workflow=EVIDENCE_WORKFLOW,
            queryset=Evidence.objects.select_related("indicator", "county"),
            pk=evidence_id,
            action=action,
            actor=actor,
            visible=sees,
            expected_version=version,
            note=note,
            record=lambda obj, t, from_state, n: EvidenceEvent.of_transition(obj, t, from_state, n, actor=actor),
        )
        if evidence.status == EvidenceStatus.APPROVED:
            compute_ratings(
                county=evidence.county,
                year=evidence.year,
                levels=(evidence.indicator.level,),
                area_ids={evidence.area_id},
                actor=actor,
            )
    return evidence, event


def _check_complete(rating, transition):
    if rating.result == RatingResult.INCOMPLETE:
        raise ValidationError({"result": _("尚有指标缺少已采信的佐证，不能认定。")})


def decide_rating(*, rating_id: int, action: str, actor, version=None, note=""):
    """认定 (approve) or 撤销认定 (revoke) a rating. Approving a 平安村 passes it on to credit's
    safe-village rewards after commit; revoking one withdraws those rewards in the same
    transaction (the event row records how many records were withdrawn)."""
    withdrawn = {"n": 0}

    def publish(rating, event):
        if _is_safe_village(rating):
            rewards.publish_safe_villages(rating.year, village_ids=[rating.area_id])

    def apply(rating, transition):
        if action == "approve":
            _check_complete(rating, transition)
        elif _is_safe_village(rating):
            withdrawn["n"] = rewards.withdraw_safe_village(rating, reason=note, actor=actor)

    def record(obj, t, from_state, n):
        data = {"score": float(obj.score), "result": obj.result}
        if action == "revoke":
            data["safe_villages_withdrawn"] = withdrawn["n"]
        return RatingEvent.of_transition(obj, t, from_state, n, actor=actor, data=data)

    return perform(
        workflow=RATING_WORKFLOW,
        queryset=AreaRating.objects.all(),
        pk=rating_id,
        action=action,
        actor=actor,
        visible=sees,
        expected_version=version,
        note=note,
        apply=apply,
        record=record,
        after_commit=[publish] if action == "approve" else (),
    )


def _is_safe_village(rating) -> bool:
    return rating.level == AreaLevel.VILLAGE and rating.result == RatingResult.SAFE


def compute_county_ratings(*, actor, county: Area, year: int) -> int:
    """测评: (re)compute every rating of `year` in `county` — the county's reviewers only."""
    if county.level != AreaLevel.COUNTY or not in_scope(actor, VIEW, county):
        raise Http404
    if not reviews(actor, AreaLevel.COUNTY):
        raise PermissionDenied(_("只有县级指挥中心领导或管理员可以发起测评。"))
    return compute_ratings(county=county, year=check_year(year), actor=actor)

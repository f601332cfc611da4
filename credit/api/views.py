"""REST endpoints of governance credit (/api/v1/credit/…): thin — parse, call a service, answer.

Reads start from `credit.selectors` (scoped by `view_credit_records`; outside scope → 404);
every write is a service call; a stale or out-of-order round action answers 409.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.actions import add_action_endpoints
from grids.models import Area
from grids.scoping import VIEW_CREDIT

from .. import figures, integrity, lending, rewards, selectors, services, subjects
from ..actions import ROUND_ACTIONS
from ..models import CreditLine, Enterprise, EvaluationRound, Fact, IntegrityCheck, Rating, SafeVillage, Subject
from ..standing import standing
from . import serializers as s
from .filters import EnterpriseFilter, FactFilter, LineFilter, RatingFilter, RoundFilter, SubjectFilter

ERRORS = {
    400: OpenApiResponse(description="输入有误"),
    404: OpenApiResponse(description="不存在或不在辖区内"),
}
ACTION_ERRORS = {**ERRORS, 409: OpenApiResponse(description="已被他人处理或状态不允许")}


def _area_in_scope(user, area_id) -> Area:
    return get_object_or_404(Area.objects.restrict(user, VIEW_CREDIT), pk=area_id)


@extend_schema_view(
    list=extend_schema(summary="企业列表"),
    retrieve=extend_schema(summary="企业详情"),
    create=extend_schema(
        summary="登记企业（校验统一社会信用代码）",
        request=s.EnterpriseInputSerializer,
        responses={201: s.EnterpriseSerializer, **ERRORS},
    ),
)
class EnterpriseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.EnterpriseSerializer
    filterset_class = EnterpriseFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Enterprise.objects.none()
        return selectors.enterprises_for(self.request.user).select_related("subject")

    def create(self, request):
        data = s.EnterpriseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        enterprise = subjects.register_enterprise(
            actor=request.user,
            village=_area_in_scope(request.user, d["village"]),
            name=d["name"],
            credit_code=d["credit_code"],
            legal_representative=d["legal_representative"],
            address=d["address"],
        )
        return Response(s.EnterpriseSerializer(enterprise).data, status=201)


@extend_schema_view(list=extend_schema(summary="信用主体列表"), retrieve=extend_schema(summary="信用主体"))
class SubjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.SubjectSerializer
    filterset_class = SubjectFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Subject.objects.none()
        return selectors.subjects_for(self.request.user)

    @extend_schema(
        summary="当前评级与授信资格（农信社可见：等级、额度、有效期）",
        responses={200: s.StandingSerializer, 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"])
    def standing(self, request, pk=None):
        subject = self.get_object()
        status = standing(subject, timezone.localdate())
        eligible = not status.vetoed and bool(status.grade)
        label = _("不符合条件") if status.vetoed else (status.grade or _("未评级"))
        return Response(
            s.StandingSerializer(
                {
                    "subject": subject.pk,
                    "name": subject.name,
                    "eligible": eligible,
                    "grade": status.grade,
                    "credit_line": status.credit_line,
                    "valid_until": status.rating.valid_until if eligible else None,
                    "status_label": label,
                }
            ).data
        )


@extend_schema_view(
    list=extend_schema(summary="评分规则版本（含条目和等级档）"), retrieve=extend_schema(summary="评分规则版本")
)
class RuleVersionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.RuleVersionSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.rule_versions()


@extend_schema_view(
    list=extend_schema(summary="评分事实（加分、减分、否决；含待评定提议）"),
    retrieve=extend_schema(summary="评分事实"),
    create=extend_schema(
        summary="提议评分事实（须经评定小组采纳才计分）",
        request=s.FactInputSerializer,
        responses={201: s.FactSerializer, **ERRORS},
    ),
)
class FactViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.FactSerializer
    filterset_class = FactFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Fact.objects.none()
        return selectors.facts_for(self.request.user)

    def create(self, request):
        data = s.FactInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        subject = get_object_or_404(selectors.subjects_for(request.user), pk=d["subject"])
        fact = services.propose_fact(
            actor=request.user, subject=subject, item_code=d["item_code"], occurred_on=d["occurred_on"], note=d["note"]
        )
        return Response(s.FactSerializer(self.get_queryset().get(pk=fact.pk)).data, status=201)

    def _decide(self, request, pk, apply):
        data = s.FactDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.decide_fact(
            actor=request.user,
            fact_id=int(pk),
            apply=apply,
            note=data.validated_data["note"],
            version=data.validated_data.get("version"),
            told_on=data.validated_data.get("told_on"),
        )
        return Response(s.FactSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    @extend_schema(
        summary="评定小组采纳（提议人不能采纳；否决即时生效时须填告知本户日期）",
        request=s.FactDecisionSerializer,
        responses={200: s.FactSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        return self._decide(request, pk, True)

    @extend_schema(
        summary="评定小组不予采纳（须填写原因）",
        request=s.FactDecisionSerializer,
        responses={200: s.FactSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        return self._decide(request, pk, False)


@extend_schema_view(
    list=extend_schema(summary="评定轮次"),
    retrieve=extend_schema(summary="评定轮次详情（记录、异议、当前可执行操作）"),
    create=extend_schema(
        summary="发起评定（村级）", request=s.RoundInputSerializer, responses={201: s.RoundDetailSerializer, **ERRORS}
    ),
)
class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_class = RoundFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EvaluationRound.objects.none()
        if self.action == "list":
            return selectors.rounds_for(self.request.user)
        return selectors.round_detail_queryset(self.request.user)

    def get_serializer_class(self):
        return s.RoundSerializer if self.action == "list" else s.RoundDetailSerializer

    def action_response(self, pk, code=200):
        rnd = get_object_or_404(selectors.round_detail_queryset(self.request.user), pk=pk)
        return Response(s.RoundDetailSerializer(rnd, context=self.get_serializer_context()).data, status=code)

    def create(self, request):
        data = s.RoundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        rnd = services.create_round(
            actor=request.user,
            village=_area_in_scope(request.user, d["village"]),
            period=d["period"],
            notice_days=d["notice_days"],
        )
        return self.action_response(rnd.pk, 201)

    @extend_schema(
        summary="提名评定对象（本村农户、企业或全村农户）",
        request=s.NominateSerializer,
        responses={200: s.NominateResultSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def nominate(self, request, pk=None):
        data = s.NominateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        added = services.nominate(
            actor=request.user,
            round_id=int(pk),
            household_ids=d["households"],
            enterprise_subject_ids=d["enterprise_subjects"],
            whole_village=d["whole_village"],
            version=d.get("version"),
        )
        return Response({"added": added})


add_action_endpoints(RoundViewSet, ROUND_ACTIONS, responses={200: s.RoundDetailSerializer})


@extend_schema_view(
    list=extend_schema(summary="评定结果（得分、等级、否决原因；评定人员可见）"),
    retrieve=extend_schema(summary="评定结果"),
)
class RatingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.CreditRatingSerializer
    filterset_class = RatingFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Rating.objects.none()
        return selectors.ratings_for(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="授信列表（含累计用信、还款）"),
    retrieve=extend_schema(summary="授信"),
    create=extend_schema(
        summary="农信社授信（不超过评级额度和30万元，期限不超过3年）",
        request=s.GrantInputSerializer,
        responses={201: s.CreditLineSerializer, **ERRORS},
    ),
)
class CreditLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.CreditLineSerializer
    filterset_class = LineFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CreditLine.objects.none()
        return selectors.lines_for(self.request.user)

    def create(self, request):
        data = s.GrantInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        line = lending.grant_line(
            actor=request.user, subject_id=d["subject"], amount=d["amount"], granted_on=d.get("granted_on")
        )
        return Response(s.CreditLineSerializer(self.get_queryset().get(pk=line.pk)).data, status=201)

    @extend_schema(
        summary="登记用信或还款", request=s.MovementInputSerializer, responses={201: s.MovementSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def movements(self, request, pk=None):
        data = s.MovementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        movement = lending.record_movement(
            actor=request.user, line_id=int(pk), kind=d["kind"], amount=d["amount"], on=d.get("on")
        )
        return Response(s.MovementSerializer(movement).data, status=201)


@extend_schema_view(list=extend_schema(summary="诚信查询记录（本人的查询；管理员看全部）"))
class IntegrityCheckViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.IntegrityLogSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IntegrityCheck.objects.none()
        qs = IntegrityCheck.objects.select_related("checked_by")
        return qs if self.request.user.is_platform_admin else qs.filter(checked_by=self.request.user)

    @extend_schema(
        summary="综治诚信查询：身份证号或统一社会信用代码 → 符合条件 / 一票否决（每次查询留痕，须填写事由）",
        request=s.IntegrityCheckInputSerializer,
        responses={200: s.IntegrityAnswerSerializer, **ERRORS},
    )
    def create(self, request):
        data = s.IntegrityCheckInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        answer = integrity.check_integrity(
            actor=request.user, reason=d["reason"], id_number=d["id_number"], credit_code=d["credit_code"]
        )
        return Response(s.IntegrityAnswerSerializer(answer).data)


YEAR = OpenApiParameter("year", int, description="年度（默认今年）")


def _year(request) -> int:
    raw = request.query_params.get("year", "")
    if not raw:
        return timezone.localdate().year
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise ValidationError({"year": [_("年度无效。")]})
    return int(raw)


@extend_schema_view(
    list=extend_schema(
        summary="三个10%：农户的平安村补贴与守法家庭标记（供其他部门查询）",
        parameters=[
            YEAR,
            OpenApiParameter("village", int, description="村/社区"),
            OpenApiParameter("township", int, description="乡镇"),
        ],
    )
)
class RewardViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.RewardSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SafeVillage.objects.none()
        qs = rewards.households_with_rewards(self.request.user, year=_year(self.request), day=timezone.localdate())
        for field in ("village", "township"):
            raw = self.request.query_params.get(field, "")
            if raw:
                if not raw.isdigit():
                    raise ValidationError({field: [_("须为整数编号。")]})
                qs = qs.filter(**{f"{field}_id": int(raw)})
        return qs


@extend_schema_view(
    list=extend_schema(summary="平安村名单（有效的；撤销认定后不再列出）", parameters=[YEAR]),
    create=extend_schema(
        summary="登记平安村（管理员；平安创建考核通过服务函数写入）", responses={201: s.SafeVillageSerializer, **ERRORS}
    ),
)
class SafeVillageViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.SafeVillageSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SafeVillage.objects.none()
        return (
            SafeVillage.objects.restrict(self.request.user, VIEW_CREDIT)
            .filter(year=_year(self.request), withdrawn_at__isnull=True)
            .select_related("village")
        )

    def create(self, request):
        data = s.SafeVillageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if not request.user.is_platform_admin:
            raise PermissionDenied(_("只有系统管理员可以登记平安村。"))
        record = rewards.designate_safe_village(
            _area_in_scope(request.user, d["village"].pk), d["year"], d["source"], actor=request.user
        )
        return Response(s.SafeVillageSerializer(record).data, status=201)


class FiguresView(APIView):
    @extend_schema(
        summary="按乡镇或村统计：有效评级数、等级分布、授信和用信金额",
        parameters=[OpenApiParameter("level", str, enum=["township", "village"], description="统计层级")],
        responses={200: s.FigureSerializer(many=True)},
    )
    def get(self, request):
        level = request.query_params.get("level", "township")
        if level not in figures.LEVEL_FIELDS:
            raise ValidationError({"level": [_("统计层级须为 township 或 village。")]})
        return Response(s.FigureSerializer(figures.figures(request.user, level=level), many=True).data)


class HonourRollView(APIView):
    @extend_schema(
        summary="季度红黑榜（评定人员可见）",
        parameters=[YEAR, OpenApiParameter("quarter", int, enum=[1, 2, 3, 4], description="季度（默认本季度）")],
        responses={200: s.HonourRollSerializer},
    )
    def get(self, request):
        today = timezone.localdate()
        raw = request.query_params.get("quarter", "")
        if raw and raw not in ("1", "2", "3", "4"):
            raise ValidationError({"quarter": [_("季度须为 1 到 4。")]})
        quarter = int(raw) if raw else (today.month - 1) // 3 + 1
        roll = figures.honour_roll(request.user, year=_year(request), quarter=quarter)
        return Response(s.HonourRollSerializer(roll).data)

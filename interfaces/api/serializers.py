"""The 12345 hotline's work orders (工单): what it sends, and what it is answered."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from grids.coords import SYSTEMS
from incidents.constants import FINAL_STATES, CaseStatus


class OrderSerializer(serializers.Serializer):
    order_number = serializers.RegexField(
        r"^[A-Za-z0-9_-]{1,64}$", label=_("工单号"), error_messages={"invalid": _("工单号只能含字母、数字、- 和 _。")}
    )
    category = serializers.CharField(label=_("二级分类代码"), max_length=16)
    description = serializers.CharField(label=_("诉求内容"), max_length=4000)
    lat = serializers.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90)
    lng = serializers.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180)
    crs = serializers.ChoiceField(label=_("坐标系"), choices=SYSTEMS, default="WGS84")
    grid = serializers.CharField(label=_("网格区划代码"), max_length=20, required=False, allow_blank=True, default="")
    address = serializers.CharField(label=_("地址"), max_length=200, required=False, allow_blank=True, default="")
    caller_name = serializers.CharField(
        label=_("来电人姓名"), max_length=50, required=False, allow_blank=True, default=""
    )
    caller_phone = serializers.CharField(
        label=_("来电人电话"), max_length=20, required=False, allow_blank=True, default=""
    )
    received_at = serializers.DateTimeField(label=_("热线受理时间"), required=False)

    def validate(self, data):
        if ("lat" in data) != ("lng" in data):
            raise serializers.ValidationError({"lat": _("纬度和经度须同时提供。")})
        if "lat" not in data and not data["grid"] and not data["address"].strip():
            raise serializers.ValidationError({"grid": _("请提供经纬度、网格区划代码或地址。")})
        if "received_at" in data:
            data["received_at"] = data["received_at"].isoformat()
        return data


class OrderAnswerSerializer(serializers.Serializer):
    """Our case for the hotline's order: its number at once, its result once it is closed."""

    order_number = serializers.CharField(source="external_number", label=_("工单号"))
    case_number = serializers.CharField(source="case.number", label=_("事件编号"))
    closed = serializers.SerializerMethodField(label=_("已办结"))
    status = serializers.CharField(source="case.status", label=_("状态"))
    status_label = serializers.CharField(source="case.get_status_display", label=_("状态名称"))
    handling_unit = serializers.CharField(source="case.handling_unit.name", default="", label=_("处置单位"))
    outcome = serializers.CharField(source="case.outcome", label=_("处置结果"))
    result = serializers.SerializerMethodField(label=_("处置情况"))
    closed_at = serializers.DateTimeField(source="case.closed_at", label=_("办结时间"))
    updated_at = serializers.DateTimeField(source="case.updated_at", label=_("更新时间"))

    def get_closed(self, submission) -> bool:
        return submission.case.status in FINAL_STATES

    def get_result(self, submission) -> str:
        """The result once closed (不予立案: the state's name); empty while the case is open."""
        case = submission.case
        if case.status == CaseStatus.CLOSED:
            return case.result
        if case.status == CaseStatus.REJECTED:
            return str(CaseStatus.REJECTED.label)
        return ""

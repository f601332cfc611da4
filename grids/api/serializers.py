"""Serializers of the grids API. They parse and render only: every write goes through a
service, every object a request names is looked up inside the caller's scope. Labels come
from the models' verbose names (Chinese)."""

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.phones import mask_phone
from governance.roles import Role

from .. import selectors
from ..coords import SYSTEMS
from ..household_services import ResidentInput
from ..identity import age_band, decrypt_id_number, parse_id_number
from ..levels import AreaLevel
from ..models import Area, Assignment, Household, HouseholdColour, RegisterStatus, Relation, Resident
from ..scoping import VIEW_IDENTITY, VIEW_KEY_PERSONS, in_scope

User = get_user_model()


# ---------------------------------------------------------------------------- shared pieces


class ScopedAreaField(serializers.PrimaryKeyRelatedField):
    """An area id in a request body, looked up among the areas the caller may see: an area
    outside the scope answers exactly like one that does not exist."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Area.objects.none())
        kwargs.setdefault("pk_field", serializers.IntegerField())
        super().__init__(**kwargs)

    def get_queryset(self):
        return selectors.areas_for(self.context["request"].user).defer("boundary")


class FixedFieldsMixin:
    """部分更新：请求中不能修改的字段返回 400，而不会被悄悄忽略。"""

    immutable_fields: tuple[str, ...] = ()

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            extra = [key for key in data if key not in self.fields or self.fields[key].read_only]
            if extra:
                raise serializers.ValidationError(
                    {key: [_("该字段不能修改。") if key in self.immutable_fields else _("未知字段。")] for key in extra}
                )
        return super().to_internal_value(data)


def _show_identity(serializer, area_scoped_obj) -> bool:
    """Whether the caller may read full ID numbers and phones of this object (in memory)."""
    return in_scope(serializer.context["request"].user, VIEW_IDENTITY, area_scoped_obj)


def _show_key_persons(serializer, area_scoped_obj) -> bool:
    """Whether the caller may read the residents' key-person tags of this object (in memory)."""
    return in_scope(serializer.context["request"].user, VIEW_KEY_PERSONS, area_scoped_obj)


# ---------------------------------------------------------------------------- areas


class CenterSerializer(serializers.Serializer):
    lat = serializers.FloatField(label=_("中心纬度"))
    lng = serializers.FloatField(label=_("中心经度"))


class AreaSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True, label=_("层级名称"))
    parent = serializers.IntegerField(source="parent_pk", read_only=True, allow_null=True, label=_("上级区域 ID"))
    center = serializers.SerializerMethodField(label=_("中心点"))

    class Meta:
        model = Area
        fields = [
            "id",
            "code",
            "name",
            "level",
            "level_label",
            "parent",
            "depth",
            "center",
            "population",
            "household_count",
        ]
        read_only_fields = fields

    @extend_schema_field(CenterSerializer(allow_null=True))
    def get_center(self, obj):
        if obj.center_lat is None or obj.center_lng is None:
            return None
        return {"lat": obj.center_lat, "lng": obj.center_lng}


class AreaDetailSerializer(AreaSerializer):
    class Meta(AreaSerializer.Meta):
        fields = [*AreaSerializer.Meta.fields, "boundary"]
        read_only_fields = fields


class AreaCreateSerializer(serializers.ModelSerializer):
    parent = ScopedAreaField(allow_null=True, required=False, label=_("上级区域"))
    level = serializers.ChoiceField(choices=AreaLevel.choices, label=_("层级"))

    class Meta:
        model = Area
        fields = [
            "parent",
            "level",
            "code",
            "name",
            "boundary",
            "center_lat",
            "center_lng",
            "population",
            "household_count",
        ]
        extra_kwargs = {"code": {"validators": []}}  # uniqueness is the service's check


class AreaUpdateSerializer(FixedFieldsMixin, serializers.ModelSerializer):
    immutable_fields = ("code", "level", "parent", "depth", "path", "id")

    class Meta:
        model = Area
        fields = ["name", "boundary", "center_lat", "center_lng", "population", "household_count"]


class ResolveQuerySerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90, label=_("纬度"))
    lng = serializers.FloatField(min_value=-180, max_value=180, label=_("经度"))
    crs = serializers.ChoiceField(choices=list(SYSTEMS.items()), default="WGS84", label=_("坐标系"))


class ResponsibleQuerySerializer(serializers.Serializer):
    date = serializers.DateField(required=False, label=_("日期"), help_text=_("YYYY-MM-DD，默认今天"))
    role = serializers.ChoiceField(choices=Role.choices, default=Role.GRID_WORKER, label=_("角色"))


# ---------------------------------------------------------------------------- assignments


class AssignmentSerializer(serializers.ModelSerializer):
    user_name = serializers.SerializerMethodField(label=_("人员姓名"))
    area_name = serializers.CharField(source="area.name", read_only=True, label=_("区域名称"))
    area_code = serializers.CharField(source="area.code", read_only=True, label=_("区划代码"))
    role_label = serializers.CharField(source="get_role_display", read_only=True, label=_("角色名称"))
    active = serializers.SerializerMethodField(label=_("在任"))

    class Meta:
        model = Assignment
        fields = [
            "id",
            "user",
            "user_name",
            "area",
            "area_name",
            "area_code",
            "role",
            "role_label",
            "start_date",
            "end_date",
            "active",
            "assigned_by",
            "ended_by",
            "end_reason",
            "created_at",
        ]
        read_only_fields = fields

    def get_user_name(self, obj) -> str:
        return str(obj.user)

    def get_active(self, obj) -> bool:
        return obj.end_date is None


class ResponsibleSerializer(serializers.Serializer):
    area = serializers.IntegerField(label=_("区域 ID"))
    date = serializers.DateField(label=_("日期"))
    role = serializers.ChoiceField(choices=Role.choices, label=_("角色"))
    assignment = AssignmentSerializer(allow_null=True, label=_("当日负责的任职（无人时为空）"))


class AssignmentCreateSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(
        # Accounts are not area-scoped: the person may hold no assignment yet. Only people with
        # manage_assignments on the area get this far (checked in the view).
        queryset=User.objects.filter(is_active=True),
        pk_field=serializers.IntegerField(),
        label=_("人员"),
    )
    area = ScopedAreaField(label=_("区域"))
    role = serializers.ChoiceField(choices=Role.choices, label=_("角色"))
    start_date = serializers.DateField(required=False, allow_null=True, label=_("开始日期"), help_text=_("默认今天"))

    class Meta:
        model = Assignment
        fields = ["user", "area", "role", "start_date"]


class AssignmentEndSerializer(serializers.Serializer):
    end_date = serializers.DateField(
        required=False, allow_null=True, label=_("结束日期"), help_text=_("当天起不再负责；默认今天")
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", label=_("结束原因"))


class AssignmentTransferSerializer(serializers.Serializer):
    to_area = ScopedAreaField(label=_("调往区域"))
    on = serializers.DateField(required=False, allow_null=True, label=_("调整日期"), help_text=_("默认今天"))
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", label=_("调整原因"))


# ---------------------------------------------------------------------------- people


class PersonAssignmentSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True, label=_("区域名称"))
    role_label = serializers.CharField(source="get_role_display", read_only=True, label=_("角色名称"))

    class Meta:
        model = Assignment
        fields = ["id", "area", "area_name", "role", "role_label", "start_date"]
        read_only_fields = fields


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, label=_("角色"))
    label = serializers.CharField(label=_("角色名称"))


class PersonSerializer(serializers.ModelSerializer):
    """人员：在调用者辖区内任职或曾任职的账号；对其任职区域有“查看完整身份证号和电话”权限时显示完整手机号。"""

    # `scoped_assignments` (the person's assignments inside the caller's scope, with their areas)
    # and `groups` are prefetched by the view: no query per row.

    phone = serializers.SerializerMethodField(label=_("手机号"))
    roles = serializers.SerializerMethodField(label=_("角色"))
    active_assignments = serializers.SerializerMethodField(label=_("在任任职"))

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "phone", "roles", "active_assignments"]
        read_only_fields = fields

    def get_phone(self, obj) -> str:
        user = self.context["request"].user
        areas = [a.area for a in getattr(obj, "scoped_assignments", ())]
        if obj.pk == user.pk or any(in_scope(user, VIEW_IDENTITY, area) for area in areas):
            return obj.phone
        return mask_phone(obj.phone)

    @extend_schema_field(RoleSerializer(many=True))
    def get_roles(self, obj):
        names = sorted(g.name for g in obj.groups.all() if g.name in Role.values)  # groups are prefetched
        return [{"role": name, "label": Role(name).label} for name in names]

    @extend_schema_field(PersonAssignmentSerializer(many=True))
    def get_active_assignments(self, obj):
        active = [a for a in getattr(obj, "scoped_assignments", ()) if a.end_date is None]
        return PersonAssignmentSerializer(active, many=True, context=self.context).data


class PersonCreateSerializer(serializers.ModelSerializer):
    """新建账号：用户名、手机号和密码由账号服务（governance.accounts）校验。"""

    password = serializers.CharField(write_only=True, label=_("密码"), style={"input_type": "password"})

    class Meta:
        model = User
        fields = ["username", "full_name", "phone", "password"]
        extra_kwargs = {"username": {"validators": []}}  # form and uniqueness are the account service's checks


# ---------------------------------------------------------------------------- households


class KeyPersonTagSerializer(serializers.Serializer):
    code = serializers.CharField(label=_("代码"))
    name = serializers.CharField(label=_("名称"))


class ResidentSerializer(serializers.ModelSerializer):
    """居民；无权查看身份信息时身份证号和手机号脱敏显示，出生日期不显示（只给年龄段）；
    无权查看重点人员标签时标签为空。"""

    # Rendered with `show_identity` and `show_key_persons` in the context, decided once per
    # household. The masked number hides exactly the birth date: without view_identity the birth
    # date is never sent; without view_key_persons no tag is.

    relation_label = serializers.CharField(source="get_relation_display", read_only=True, label=_("与户主关系名称"))
    id_number = serializers.SerializerMethodField(label=_("身份证号"), help_text=_("无权查看时为脱敏号码"))
    birth_date = serializers.SerializerMethodField(label=_("出生日期"), help_text=_("无权查看身份信息时为空"))
    age_band = serializers.SerializerMethodField(label=_("年龄段"), help_text=_("如“30–39岁”；无身份证号时为空"))
    sex = serializers.SerializerMethodField(label=_("性别"))
    phone = serializers.SerializerMethodField(label=_("手机号"), help_text=_("无权查看时为脱敏号码"))
    tags = serializers.SerializerMethodField(label=_("重点人员标签"), help_text=_("无权查看重点人员时为空"))

    class Meta:
        model = Resident
        fields = [
            "id",
            "name",
            "relation",
            "relation_label",
            "id_number",
            "birth_date",
            "age_band",
            "sex",
            "phone",
            "tags",
        ]
        read_only_fields = fields

    def get_id_number(self, obj) -> str:
        if self.context.get("show_identity"):
            return decrypt_id_number(obj.id_number_encrypted)
        return obj.id_number_masked

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_birth_date(self, obj):
        return obj.birth_date if self.context.get("show_identity") else None

    def get_age_band(self, obj) -> str:
        return age_band(obj.birth_date)

    @extend_schema_field(KeyPersonTagSerializer(many=True))
    def get_tags(self, obj):
        if not self.context.get("show_key_persons"):
            return []
        return KeyPersonTagSerializer(obj.tags.all(), many=True).data

    @extend_schema_field(serializers.ChoiceField(choices=[("male", _("男")), ("female", _("女"))], allow_null=True))
    def get_sex(self, obj):
        return None if obj.is_male is None else ("male" if obj.is_male else "female")

    def get_phone(self, obj) -> str:
        return obj.phone if self.context.get("show_identity") else mask_phone(obj.phone)


class HouseholdSerializer(serializers.ModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True, label=_("乡镇名称"))
    village_name = serializers.CharField(source="village.name", read_only=True, label=_("村/社区名称"))
    grid_name = serializers.CharField(source="grid.name", read_only=True, label=_("基础网格名称"))
    phone = serializers.SerializerMethodField(label=_("联系电话"), help_text=_("无权查看时为脱敏号码"))
    colour_label = serializers.CharField(source="get_colour_display", read_only=True, label=_("三色管理名称"))
    register_status_label = serializers.CharField(
        source="get_register_status_display", read_only=True, label=_("户籍/居住名称")
    )
    identity_visible = serializers.SerializerMethodField(label=_("可查看完整身份证号和电话"))
    key_persons_visible = serializers.SerializerMethodField(label=_("可查看重点人员标签"))

    class Meta:
        model = Household
        fields = [
            "id",
            "number",
            "county",
            "township",
            "township_name",
            "village",
            "village_name",
            "grid",
            "grid_name",
            "micro_grid",
            "head_name",
            "address",
            "phone",
            "colour",
            "colour_label",
            "register_status",
            "register_status_label",
            "registered_place",
            "identity_visible",
            "key_persons_visible",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_identity_visible(self, obj) -> bool:
        return _show_identity(self, obj)

    def get_key_persons_visible(self, obj) -> bool:
        return _show_key_persons(self, obj)

    def get_phone(self, obj) -> str:
        return obj.phone if _show_identity(self, obj) else mask_phone(obj.phone)


class HouseholdDetailSerializer(HouseholdSerializer):
    residents = serializers.SerializerMethodField(label=_("成员"))

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "residents"]
        read_only_fields = fields

    @extend_schema_field(ResidentSerializer(many=True))
    def get_residents(self, obj):
        context = {
            **self.context,
            "show_identity": _show_identity(self, obj),
            "show_key_persons": _show_key_persons(self, obj),
        }
        residents = sorted(obj.residents.all(), key=lambda r: r.pk)  # prefetched: order in memory
        return ResidentSerializer(residents, many=True, context=context).data


class HouseholdWriteResultSerializer(HouseholdDetailSerializer):
    """登记或修改户信息后的返回：户详情，以及不阻止保存但需要核对的提醒。"""

    warnings = serializers.ListField(
        child=serializers.CharField(), read_only=True, label=_("提醒"), help_text=_("不阻止保存、但需核对的问题")
    )

    class Meta(HouseholdDetailSerializer.Meta):
        fields = [*HouseholdDetailSerializer.Meta.fields, "warnings"]
        read_only_fields = fields


class ResidentInputSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=32, label=_("身份证号"), help_text=_("18 位或 15 位")
    )
    relation = serializers.ChoiceField(choices=Relation.choices, default=Relation.OTHER, label=_("与户主关系"))
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=20, label=_("手机号"))
    tags = serializers.ListField(
        child=serializers.SlugField(max_length=32),
        required=False,
        default=list,
        label=_("重点人员标签"),
        help_text=_("标签代码列表，如 elderly_alone"),
    )

    class Meta:
        model = Resident
        fields = ["name", "id_number", "relation", "phone", "tags"]


def resident_inputs(items) -> list[ResidentInput]:
    return [ResidentInput(**item) for item in items]


class HouseholdCreateSerializer(serializers.ModelSerializer):
    grid = ScopedAreaField(label=_("基础网格"), help_text=_("基础网格或微网格的 ID"))
    colour = serializers.ChoiceField(
        choices=HouseholdColour.choices, default=HouseholdColour.GREEN, label=_("三色管理")
    )
    register_status = serializers.ChoiceField(
        choices=RegisterStatus.choices, default=RegisterStatus.REGISTERED_HERE, label=_("户籍/居住")
    )
    residents = ResidentInputSerializer(many=True, required=False, default=list, label=_("成员"))

    class Meta:
        model = Household
        fields = [
            "grid",
            "number",
            "head_name",
            "address",
            "phone",
            "colour",
            "register_status",
            "registered_place",
            "residents",
        ]
        extra_kwargs = {"number": {"validators": []}}  # uniqueness is the service's check


class HouseholdUpdateSerializer(FixedFieldsMixin, serializers.ModelSerializer):
    immutable_fields = ("id", "number", "county", "township", "village", "micro_grid", "residents")
    grid = ScopedAreaField(required=False, label=_("基础网格"), help_text=_("迁往的基础网格或微网格的 ID"))
    colour = serializers.ChoiceField(choices=HouseholdColour.choices, required=False, label=_("三色管理"))
    register_status = serializers.ChoiceField(choices=RegisterStatus.choices, required=False, label=_("户籍/居住"))

    class Meta:
        model = Household
        fields = ["grid", "head_name", "address", "phone", "colour", "register_status", "registered_place"]


class HouseholdSearchSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=32, label=_("成员身份证号"), help_text=_("18 位或 15 位，精确匹配"))

    def validate_id_number(self, value):
        try:
            return parse_id_number(value).value
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class HouseholdSearchResultSerializer(serializers.Serializer):
    results = HouseholdSerializer(many=True, label=_("户"))


class ResidentsReplaceSerializer(serializers.Serializer):
    residents = ResidentInputSerializer(many=True, allow_empty=True, label=_("成员"))

"""Response shapes of the oversight endpoints, for the OpenAPI schema (the views build plain dicts)."""

from rest_framework import serializers

from grids.levels import AreaLevel

from ..mapping import MAP_LEVELS


class ShownAreaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=AreaLevel.choices)


class PanelSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="面板标识（settings.DASHBOARD_PANELS 中唯一）")
    title = serializers.CharField()
    placeholder = serializers.BooleanField(help_text="true：功能尚未上线，只有说明文字")
    content = serializers.DictField(
        help_text="figures（数字及列表链接 href）、chart（labels、series）、rows、note，见 docs/oversight.md"
    )


class DashboardSerializer(serializers.Serializer):
    area = ShownAreaSerializer()
    panels = PanelSerializer(many=True)


class MapAreasQuerySerializer(serializers.Serializer):
    area = serializers.IntegerField(required=False, help_text="显示的区域（市、县、乡镇或村）；默认为本人辖区")
    level = serializers.ChoiceField(choices=[(lv, AreaLevel(lv).label) for lv in MAP_LEVELS], help_text="边界层级")


class MapCasesQuerySerializer(serializers.Serializer):
    area = serializers.IntegerField(required=False, help_text="显示的区域（市、县、乡镇或村）；默认为本人辖区")
    overdue = serializers.BooleanField(default=False, help_text="true：只含超期事件")


class FeatureSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField()
    geometry = serializers.DictField(help_text="GeoJSON 几何，坐标系为 settings.BOUNDARY_CRS（默认 WGS-84）")
    properties = serializers.DictField()


class FeatureCollectionSerializer(serializers.Serializer):
    type = serializers.CharField()
    features = FeatureSerializer(many=True)
    truncated = serializers.BooleanField(required=False, help_text="事件点过多，只返回最新的部分")

"""JSON endpoints of the oversight pages: the dashboard's panels and the grid map's layers.
Thin: scope from `scope.resolve_scope` (403 for a role without these pages, 404 outside the
viewer's scope), content from `panels` and `mapping` (both cached)."""

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import mapping, panels
from ..scope import resolve_scope
from . import serializers as s

AREA_PARAMETER = OpenApiParameter("area", int, description="显示的区域（市、县、乡镇或村）；默认为本人辖区")
DENIED = {403: OpenApiResponse(description="角色无权查看"), 404: OpenApiResponse(description="区域不存在或不在辖区内")}


class DashboardView(APIView):
    """一屏观全域：各面板的数字、图表数据及其对应事件列表的链接（缓存约 45 秒）。"""

    @extend_schema(
        operation_id="oversight_dashboard",
        summary="全域态势面板数据",
        parameters=[AREA_PARAMETER],
        responses={200: s.DashboardSerializer, **DENIED},
        tags=["oversight"],
    )
    def get(self, request):
        scope = resolve_scope(request.user, request.query_params.get("area"))
        return Response(
            {
                "area": {"id": scope.area.id, "name": scope.area.name, "level": scope.area.level},
                "panels": [
                    {
                        "key": p.key,
                        "title": str(p.title),
                        "placeholder": p.is_placeholder,
                        "content": p.content(scope),
                    }
                    for p in panels.visible(request.user, scope)
                ],
            }
        )


class MapAreasView(APIView):
    """一张图：某一层级的区域边界（GeoJSON，已按层级简化），附在办与超期事件数及列表链接。"""

    @extend_schema(
        operation_id="oversight_map_areas",
        summary="地图区域边界及事件数",
        parameters=[s.MapAreasQuerySerializer],
        responses={200: s.FeatureCollectionSerializer, 400: OpenApiResponse(description="参数错误"), **DENIED},
        tags=["oversight"],
    )
    def get(self, request):
        query = s.MapAreasQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        scope = resolve_scope(request.user, query.validated_data.get("area"))
        return _json(mapping.area_layer(scope, query.validated_data["level"], timezone.now()))


class MapCasesView(APIView):
    """一张图：在办事件的位置（GeoJSON 点，最多 5000 个，最新的优先），附事件页链接。"""

    @extend_schema(
        operation_id="oversight_map_cases",
        summary="地图在办事件点位",
        parameters=[s.MapCasesQuerySerializer],
        responses={200: s.FeatureCollectionSerializer, 400: OpenApiResponse(description="参数错误"), **DENIED},
        tags=["oversight"],
    )
    def get(self, request):
        query = s.MapCasesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        scope = resolve_scope(request.user, query.validated_data.get("area"))
        return _json(mapping.case_layer(scope, timezone.now(), overdue_only=query.validated_data["overdue"]))


def _json(encoded: bytes) -> HttpResponse:
    """A map layer's answer: JSON the layer's cache holds encoded already (oversight.mapping)."""
    return HttpResponse(encoded, content_type="application/json")

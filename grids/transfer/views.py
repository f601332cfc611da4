"""REST endpoints: import (platform admins) and export (anyone signed in, scoped) of the three
spreadsheet kinds. Thin: parse the request, call `importers` / `exporters`, render. A file of
more than settings.IMPORT_SYNC_ROWS rows is imported by a background job (`background`): 202."""

import tempfile

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from governance import access_records
from governance.models import AccessVia
from governance.spreadsheets import XLSX_TYPE

from ..selectors import areas_for
from . import background
from . import columns as C
from .exporters import CSV_TYPE, csv_chunks, export_rows, note_unmasked, write_xlsx
from .importers import import_table
from .reading import UnreadableFile, read_table

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
FORMATS = ("csv", "xlsx")

KIND_PARAMETER = OpenApiParameter(
    "kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(C.KINDS), description="areas / assignments / households"
)


class IsPlatformAdmin(BasePermission):
    openapi_description = "仅平台管理员"  # the schema's permissions (governance.openapi)
    message = _("只有平台管理员可以导入数据。")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_platform_admin)


class ImportRowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="行号（表头为第 1 行）")
    column = serializers.CharField(help_text="列名；空表示整个文件或整行")
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=C.KINDS)
    rows_total = serializers.IntegerField()
    rows_ok = serializers.IntegerField()
    errors = ImportRowErrorSerializer(many=True)
    warnings = ImportRowErrorSerializer(many=True)
    written = serializers.BooleanField(help_text="是否已写入（有任何错误或试运行时为 false）")


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV（UTF-8 或 GBK）或 XLSX 文件，不超过 10 MB")
    dry_run = serializers.BooleanField(default=False, help_text="true：只校验，不写入")


class ImportJobSerializer(serializers.Serializer):
    job = serializers.IntegerField(help_text="后台任务 ID")
    rows_total = serializers.IntegerField(help_text="文件中的数据行数")
    status_url = serializers.URLField(help_text="进度和结果（API）")
    page_url = serializers.URLField(help_text="进度页")


class TransferDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ImportView(APIView):
    """导入区划、人员分配或住户。先校验全部行；任何一行有错误则什么都不写。"""

    permission_classes = [IsAuthenticated, IsPlatformAdmin]
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="grids_import",
        summary="导入表格（区划 / 人员分配 / 住户）",
        parameters=[KIND_PARAMETER],
        request={"multipart/form-data": ImportRequestSerializer},
        responses={
            200: OpenApiResponse(ImportReportSerializer, description="全部行通过（dry_run=false 时已写入）"),
            202: OpenApiResponse(
                ImportJobSerializer,
                description="行数较多：已转为后台任务，在任务页或 /api/v1/jobs/{id}/ 查看进度和报告",
            ),
            400: OpenApiResponse(ImportReportSerializer, description="有错误的行（什么都没写入），或无法读取的文件"),
            403: OpenApiResponse(TransferDetailSerializer, description="不是平台管理员"),
        },
        tags=["imports"],
    )
    def post(self, request, kind: str):
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_UPLOAD_BYTES + 64 * 1024:
            return self._too_large()
        form = ImportRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            return self._too_large()
        data, name, dry_run = upload.read(), upload.name or "", form.validated_data["dry_run"]
        try:
            table = read_table(data, name)
        except UnreadableFile as exc:
            return Response({"detail": exc.message}, status=status.HTTP_400_BAD_REQUEST)
        if len(table.rows) > settings.IMPORT_SYNC_ROWS:
            job = background.start(
                kind=kind, data=data, filename=name, actor=request.user, dry_run=dry_run, rows=len(table.rows)
            )
            body = {
                "job": job.pk,
                "rows_total": len(table.rows),
                "status_url": request.build_absolute_uri(reverse("job-detail", args=[job.pk])),
                "page_url": request.build_absolute_uri(reverse("job", args=[job.pk])),
            }
            return Response(ImportJobSerializer(body).data, status=status.HTTP_202_ACCEPTED)
        report = import_table(kind, table, actor=request.user, dry_run=dry_run)
        return Response(
            ImportReportSerializer(report).data, status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST
        )

    def _too_large(self):
        return Response(
            {"detail": _("文件不能超过 %(n)d MB。") % {"n": MAX_UPLOAD_BYTES // (1024 * 1024)}},
            status=status.HTTP_400_BAD_REQUEST,
        )


class _IgnoreFormatParameter(DefaultContentNegotiation):
    """`?format=csv|xlsx` names the file format here, not a DRF renderer: errors stay JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportView(APIView):
    """导出区划、在任人员分配或住户（与导入相同的列），只含调用者可见的数据。"""

    content_negotiation_class = _IgnoreFormatParameter

    @extend_schema(
        operation_id="grids_export",
        summary="导出表格（区划 / 人员分配 / 住户）",
        parameters=[
            KIND_PARAMETER,
            OpenApiParameter("format", OpenApiTypes.STR, enum=list(FORMATS), default="csv", description="文件格式"),
            OpenApiParameter("under", OpenApiTypes.INT, description="只导出该区域（id）及其下级"),
            OpenApiParameter("reason", OpenApiTypes.STR, description="导出理由（记入查阅留痕）"),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="UTF-8（带 BOM）CSV"),
            (200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="XLSX 工作簿"),
            400: OpenApiResponse(TransferDetailSerializer),
            404: OpenApiResponse(TransferDetailSerializer, description="区域不存在或不可见"),
        },
        tags=["exports"],
    )
    def get(self, request, kind: str):
        fmt = request.query_params.get("format", "csv")
        if fmt not in FORMATS:
            raise ValidationError({"format": _("只能是 csv 或 xlsx。")})
        under = None
        if request.query_params.get("under"):
            try:
                under_id = int(request.query_params["under"])
            except ValueError:
                raise ValidationError({"under": _("必须是区域 id。")}) from None
            under = areas_for(request.user).filter(pk=under_id).first()
            if under is None:
                raise NotFound(_("区域不存在。"))
        rows = export_rows(kind, request.user, under)
        filename = f"{kind}-{timezone.localdate():%Y%m%d}.{fmt}"
        reason = access_records.reason_of(request)
        note_unmasked(kind, request.user, filename=filename, under=under, via=AccessVia.API, reason=reason)
        if fmt == "csv":
            response = StreamingHttpResponse(csv_chunks(C.header_of(kind), rows), content_type=CSV_TYPE)
            response["Content-Disposition"] = content_disposition_header(True, filename)
            return response
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # FileResponse closes it
        write_xlsx(kind, rows, spool)
        spool.seek(0)
        return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)

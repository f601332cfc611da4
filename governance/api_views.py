"""Who I am, the in-app inbox over REST (my notifications, the unread count, mark as read) and
the progress of my background jobs."""

from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from . import jobs, notifications
from .models import Job, Notification


class MeView(APIView):
    """The signed-in account, from the request alone (no query beyond authentication): what a
    client checks its token with, and the framework's ceiling in `make bench`."""

    permission_unscoped = True  # the caller's own account (governance.openapi)

    @extend_schema(
        summary="当前账号",
        responses=inline_serializer(
            "Me",
            {"id": serializers.IntegerField(), "username": serializers.CharField(), "name": serializers.CharField()},
        ),
    )
    def get(self, request):
        user = request.user
        return Response({"id": user.pk, "username": user.username, "name": str(user)})


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at"]


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    ordering = "-id"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        qs = Notification.objects.filter(recipient=self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(
        summary="未读通知数", responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})
    )
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": notifications.unread_count(request.user)})

    @extend_schema(
        summary="标为已读（不传 ids 则全部）",
        request=inline_serializer(
            "MarkRead", {"ids": serializers.ListField(child=serializers.IntegerField(), required=False)}
        ),
        responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        ids = request.data.get("ids") if hasattr(request.data, "get") else None
        if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, int) for i in ids)):
            raise serializers.ValidationError({"ids": ["ids 必须是整数列表。"]})
        return Response({"marked": notifications.mark_read(request.user, ids)})


class JobSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "status_label",
            "done",
            "total",
            "percent",
            "message",
            "download_url",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def get_download_url(self, job) -> str | None:
        if not job.result_file:
            return None
        return self.context["request"].build_absolute_uri(reverse("job-download", args=[job.pk]))


class JobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """后台任务进度：只有发起人和管理员能看到（其他人 404）。"""

    serializer_class = JobSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Job.objects.none()
        return jobs.visible_jobs(self.request.user)

    @extend_schema(summary="下载任务结果文件", responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        job = self.get_object()
        if not job.result_file:
            raise Http404
        name = job.result_file.name.rsplit("/", 1)[-1]
        return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=name)

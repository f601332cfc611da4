from django.urls import path

from . import api_views, tokens
from .routers import Router

router = Router()
router.register("notifications", api_views.NotificationViewSet, basename="notification")
router.register("jobs", api_views.JobViewSet, basename="job")

urlpatterns = [
    path("me/", api_views.MeView.as_view(), name="api-me"),
    path("auth/token/", tokens.IssueToken.as_view(), name="api-token"),
    path("auth/token/revoke/", tokens.RevokeToken.as_view(), name="api-token-revoke"),
    path("auth/token/revoke-all/", tokens.RevokeAllTokens.as_view(), name="api-token-revoke-all"),
    *router.urls,
]

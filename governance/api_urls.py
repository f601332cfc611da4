from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from . import api_views
from .routers import Router

router = Router()
router.register("notifications", api_views.NotificationViewSet, basename="notification")
router.register("jobs", api_views.JobViewSet, basename="job")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    *router.urls,
]

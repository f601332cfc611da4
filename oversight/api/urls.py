from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
urlpatterns = router.urls + [
    path("dashboard/", views.DashboardView.as_view(), name="oversight-dashboard"),
    path("map/areas/", views.MapAreasView.as_view(), name="oversight-map-areas"),
    path("map/cases/", views.MapCasesView.as_view(), name="oversight-map-cases"),
]

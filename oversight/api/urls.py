from django.urls import path

from governance.routers import Router

from ..assessment.api import views as assessment_views
from . import views

router = Router()
router.register("indicators", assessment_views.IndicatorViewSet, basename="indicator")
router.register("ratings", assessment_views.RatingViewSet, basename="rating")
router.register("evidence", assessment_views.EvidenceViewSet, basename="evidence")
router.register("stability", assessment_views.StabilityViewSet, basename="stability")
urlpatterns = router.urls + [
    path("dashboard/", views.DashboardView.as_view(), name="oversight-dashboard"),
    path("map/areas/", views.MapAreasView.as_view(), name="oversight-map-areas"),
    path("map/cases/", views.MapCasesView.as_view(), name="oversight-map-cases"),
]

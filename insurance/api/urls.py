from django.urls import path

from governance.routers import Router

from . import views

router = Router()
router.register("insurers", views.InsurerViewSet, basename="insurer")
router.register("perils", views.PerilViewSet, basename="peril")
router.register("premium-schedules", views.PremiumScheduleViewSet, basename="premium-schedule")
router.register("policies", views.PolicyViewSet, basename="policy")
router.register("claims", views.ClaimViewSet, basename="claim")
urlpatterns = [
    path("figures/", views.FiguresView.as_view(), name="insurance-figures"),
    path("figures/export/", views.FiguresExportView.as_view(), name="insurance-figures-export"),
    *router.urls,
]

from django.urls import path

from governance.routers import Router

from . import views

router = Router()
router.register("enterprises", views.EnterpriseViewSet, basename="credit-enterprise")
router.register("subjects", views.SubjectViewSet, basename="credit-subject")
router.register("rules", views.RuleVersionViewSet, basename="credit-rule")
router.register("facts", views.FactViewSet, basename="credit-fact")
router.register("rounds", views.RoundViewSet, basename="credit-round")
router.register("ratings", views.RatingViewSet, basename="credit-rating")
router.register("lines", views.CreditLineViewSet, basename="credit-line")
router.register("integrity-checks", views.IntegrityCheckViewSet, basename="credit-integrity-check")
router.register("rewards", views.RewardViewSet, basename="credit-reward")
router.register("safe-villages", views.SafeVillageViewSet, basename="credit-safe-village")
urlpatterns = router.urls + [
    path("figures/", views.FiguresView.as_view(), name="credit-figures"),
    path("honour-roll/", views.HonourRollView.as_view(), name="credit-honour-roll"),
]

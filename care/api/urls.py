from django.urls import path

from governance.routers import Router

from . import views

router = Router()
router.register("plans", views.PlanViewSet, basename="care-plan")
router.register("visits", views.VisitViewSet, basename="care-visit")
router.register("volunteers", views.VolunteerViewSet, basename="care-volunteer")
router.register("pairs", views.PairViewSet, basename="care-pair")
router.register("units", views.UnitViewSet, basename="care-unit")
router.register("colour-changes", views.ColourChangeViewSet, basename="care-colour-change")
urlpatterns = [
    path("visits/<int:pk>/photo/", views.VisitPhotoView.as_view(), name="care-visit-photo"),
    path("figures/", views.FiguresView.as_view(), name="care-figures"),
    *router.urls,
]

from django.urls import path

from governance.routers import Router

from . import views

router = Router()
router.register("bodies", views.BodyViewSet, basename="mediation-body")
router.register("mediations", views.MediationViewSet, basename="mediation")
router.register("petitions", views.PetitionViewSet, basename="petition")
router.register("statements", views.StatementViewSet, basename="statement")
urlpatterns = [
    path("figures/", views.FiguresView.as_view(), name="dispute-figures"),
    *router.urls,
]

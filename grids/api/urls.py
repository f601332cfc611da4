from governance.routers import Router

from . import fieldwork, views

router = Router()
router.register("areas", views.AreaViewSet, basename="area")
router.register("people", views.PersonViewSet, basename="person")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("households", views.HouseholdViewSet, basename="household")
router.register("fieldwork/check-ins", fieldwork.CheckInViewSet, basename="check-in")
router.register("fieldwork/visits", fieldwork.VisitViewSet, basename="visit")
router.register("fieldwork/ratings", fieldwork.MonthlyRatingViewSet, basename="monthly-rating")
router.register("fieldwork/spot-checks", fieldwork.SpotCheckViewSet, basename="spot-check")
urlpatterns = router.urls

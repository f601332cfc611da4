from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(use_regex_path=False)  # <int:pk>: typed in the schema, 404 for non-numbers
router.register("areas", views.AreaViewSet, basename="area")
router.register("people", views.PersonViewSet, basename="person")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("households", views.HouseholdViewSet, basename="household")
urlpatterns = router.urls

from governance.routers import Router

from ..reviews import api as reviews
from . import views

router = Router()
router.register("cases", views.CaseViewSet, basename="case")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("units", views.UnitViewSet, basename="unit")
router.register("reply-templates", views.ReplyTemplateViewSet, basename="reply-template")
router.register("reviews/daily", reviews.DailyReviewViewSet, basename="daily-review")
router.register("reviews/weekly", reviews.WeeklyEvaluationViewSet, basename="weekly-evaluation")
urlpatterns = router.urls

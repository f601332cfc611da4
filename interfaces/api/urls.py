from governance.routers import Router

from . import views

router = Router()
router.register("hotline/orders", views.HotlineOrderViewSet, basename="hotline-order")
urlpatterns = router.urls

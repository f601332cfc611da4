app_name = "insurance"
urlpatterns = []

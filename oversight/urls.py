from django.urls import include, path

app_name = "oversight"
urlpatterns = [
    path("", include("oversight.assessment_urls")),
]

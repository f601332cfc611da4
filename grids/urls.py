from django.urls import path

from . import views

app_name = "grids"
urlpatterns = [
    path("fieldwork/", views.fieldwork, name="fieldwork"),
    path("spot-checks/", views.spot_checks, name="spot-checks"),
]

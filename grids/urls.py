from django.urls import path

from . import field_views

app_name = "grids"
urlpatterns = [
    path("fieldwork/", field_views.fieldwork, name="fieldwork"),
]

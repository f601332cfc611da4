from django.urls import path

from . import views

app_name = "grids"
urlpatterns = [
    path("fieldwork/", views.fieldwork, name="fieldwork"),
]

"""Included by the project under /api/v1/."""

from django.urls import re_path

from . import views

KIND = r"(?P<kind>areas|assignments|households)"

urlpatterns = [
    re_path(rf"^imports/{KIND}/$", views.ImportView.as_view(), name="grids-import"),
    re_path(rf"^exports/{KIND}/$", views.ExportView.as_view(), name="grids-export"),
]

from django.urls import path

from .reviews import views

app_name = "reviews"
urlpatterns = [
    path("daily/", views.daily, name="daily"),
    path("weekly/", views.weekly_page, name="weekly"),
    path("weekly/<int:pk>/export.xlsx", views.weekly_export, name="weekly-export"),
]

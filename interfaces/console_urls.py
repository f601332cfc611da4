"""The open interfaces' page of the admin console, included by the project under /console/."""

from django.urls import path

from .console import views

app_name = "interfaces-console"
urlpatterns = [
    path("keys/", views.keys, name="keys"),
    path("keys/add/", views.key_add, name="key-add"),
    path("keys/<int:pk>/revoke/", views.key_revoke, name="key-revoke"),
]

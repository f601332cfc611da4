"""The open interfaces' pages of the admin console, included by the project under /console/."""

from django.urls import path

from .console import views

app_name = "interfaces-console"
urlpatterns = [
    path("keys/", views.keys, name="keys"),
    path("keys/add/", views.key_add, name="key-add"),
    path("keys/<int:pk>/revoke/", views.key_revoke, name="key-revoke"),
    path("webhooks/", views.webhooks, name="webhooks"),
    path("webhooks/add/", views.webhook_add, name="webhook-add"),
    path("webhooks/<int:pk>/toggle/", views.webhook_toggle, name="webhook-toggle"),
    path("webhooks/deliveries/", views.deliveries, name="deliveries"),
    path("webhooks/deliveries/<int:pk>/replay/", views.delivery_replay, name="delivery-replay"),
]

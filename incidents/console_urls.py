"""The incidents app's pages of the admin console, included by the project under /console/."""

from django.urls import path

from .console import views

app_name = "incidents-console"
urlpatterns = [
    path("categories/", views.categories, name="categories"),
    path("categories/<int:pk>/", views.category_detail, name="category"),
    path("categories/<int:pk>/edit/", views.category_update, name="category-update"),
    path("categories/<int:pk>/limits/", views.time_limit_set, name="time-limit"),
    path("routing/", views.routing_rules, name="routing"),
    path("routing/add/", views.routing_rule_add, name="routing-add"),
    path("routing/<int:pk>/delete/", views.routing_rule_delete, name="routing-delete"),
]

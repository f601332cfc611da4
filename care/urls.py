from django.urls import path

from . import views

app_name = "care"
urlpatterns = [
    path("", views.home, name="home"),
    path("today/", views.today, name="today"),
    path("plans/new/", views.plan_new, name="plan-new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/revise/", views.plan_revise, name="plan-revise"),
    path("plans/<int:pk>/end/", views.plan_end, name="plan-end"),
    path("volunteers/", views.volunteers_page, name="volunteers"),
    path("volunteers/<str:action>/", views.volunteer_action, name="volunteer-action"),
    path("neighbours/", views.neighbours_page, name="neighbours"),
    path("neighbours/<str:action>/", views.neighbour_action, name="neighbour-action"),
    path("colours/", views.colours_page, name="colours"),
    path("colours/propose/", views.colour_propose, name="colour-propose"),
    path("colours/<int:pk>/<str:action>/", views.colour_action, name="colour-action"),
]

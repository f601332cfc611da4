from django.urls import path

from . import views

app_name = "credit"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("honour-roll/", views.honour_roll, name="honour-roll"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/new/", views.round_create, name="round-create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/nominate/", views.round_nominate, name="round-nominate"),
    path("rounds/<int:pk>/act/<str:action>/", views.round_action, name="round-action"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/<int:pk>/decide/", views.decide, name="decide"),
    path("cooperative/", views.cooperative, name="cooperative"),
    path("cooperative/grant/", views.grant, name="grant"),
    path("cooperative/lines/<int:pk>/movements/", views.movement, name="movement"),
]

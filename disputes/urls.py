from django.urls import path

from . import views

app_name = "disputes"
urlpatterns = [
    path("", views.home, name="home"),
    path("mediations/", views.mediations, name="mediations"),
    path("mediations/<int:pk>/", views.mediation_detail, name="mediation"),
    path("mediations/<int:pk>/act/<str:action>/", views.mediation_action, name="mediation-action"),
    path("mediations/<int:pk>/agreement/", views.agreement, name="agreement"),
    path("mediations/<int:pk>/agreement/file/", views.agreement_file, name="agreement-file"),
    path("cases/<int:case_pk>/mediate/", views.open_mediation, name="open"),
    path("petitions/", views.petition_list, name="petitions"),
    path("petitions/new/", views.petition_new, name="petition-new"),
    path("petitions/mine/", views.owned, name="owned"),
    path("petitions/backlog/", views.backlog, name="backlog"),
    path("petitions/<int:pk>/", views.petition_detail, name="petition"),
    path("petitions/<int:pk>/act/<str:action>/", views.petition_action, name="petition-action"),
    path("petitions/<int:pk>/reply/", views.petition_reply, name="petition-reply"),
    path("subsidies/", views.statements, name="statements"),
    path("subsidies/export/", views.statements_export, name="statements-export"),
    path("subsidies/<int:pk>/", views.statement_detail, name="statement"),
    path("subsidies/<int:pk>/act/<str:action>/", views.statement_action, name="statement-action"),
    path("figures/", views.figures_page, name="figures"),
]

from django.urls import path

from . import views

app_name = "insurance"
urlpatterns = [
    path("", views.claims, name="claims"),
    path("claims/new/", views.report, name="report"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/act/<str:action>/", views.claim_action, name="claim-action"),
    path("policies/", views.policies, name="policies"),
    path("policies/new/", views.policy_new, name="policy-new"),
    path("policies/<int:pk>/renew/", views.policy_renew, name="policy-renew"),
    path("figures/", views.figures_page, name="figures"),
    path("figures/export.xlsx", views.figures_export, name="figures-export"),
]

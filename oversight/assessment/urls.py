"""Pages of the safe-area assessment and the stability index (included from oversight/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("ratings/", views.ratings, name="ratings"),
    path("ratings/<int:pk>/", views.rating, name="rating"),
    path("ratings/<int:pk>/act/<str:action>/", views.rating_action, name="rating-action"),
    path("ratings/<int:pk>/evidence/", views.submit_evidence, name="rating-evidence"),
    path("evidence/<int:pk>/act/<str:action>/", views.evidence_action, name="evidence-action"),
    path("stability/", views.stability, name="stability"),
]

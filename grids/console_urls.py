"""The grids app's pages of the admin console, included by the project under /console/."""

from django.urls import path

from .console import views

app_name = "grids-console"
urlpatterns = [
    path("areas/", views.areas, name="areas"),
    path("areas/<int:pk>/", views.area_detail, name="area"),
    path("areas/<int:pk>/children/", views.area_children, name="area-children"),
    path("areas/<int:pk>/assign/", views.assign, name="assign"),
    path("areas/<int:pk>/rename/", views.rename, name="rename"),
    path("assignments/<int:pk>/end/", views.end, name="end"),
    path("assignments/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("vacancies/", views.vacancies, name="vacancies"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_new, name="person-new"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/assign/", views.person_assign, name="person-assign"),
    path("imports/", views.imports, name="imports"),
]

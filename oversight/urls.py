from django.urls import include, path

from . import views

app_name = "oversight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("panels/<slug:key>/", views.panel, name="panel"),
    path("map/", views.grid_map, name="map"),
    path("", include("oversight.assessment.urls")),
]

from django.urls import path

from . import field_views, response_views, views

app_name = "incidents"
urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("desk/counts/", views.desk_counts, name="desk-counts"),
    path("desk/timers/", response_views.desk_timers, name="desk-timers"),
    path("inbox/", views.inbox, name="inbox"),
    path("search/", views.search, name="search"),
    path("cases/export/<str:name>/", views.export, name="export"),
    path("report/", field_views.report, name="report"),
    path("report/mine/", field_views.my_reports, name="my-reports"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/print/", views.case_print, name="case-print"),
    path("cases/<int:pk>/act/<str:action>/", views.case_action, name="case-action"),
]

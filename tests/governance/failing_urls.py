"""The project's urls plus a view that fails, under /api/ and as a page (test_api_errors)."""

from django.urls import path

from governance.urls import handler404, handler500  # noqa: F401 (the project's handlers)
from governance.urls import urlpatterns as project_urls


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("api/v1/boom/", boom), path("boom/", boom), *project_urls]

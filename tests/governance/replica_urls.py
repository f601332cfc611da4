"""The project's urls plus a heavy-read view reporting where its reads went, and a write (test_read_replicas)."""

from django.db import connections, router
from django.http import HttpResponse, JsonResponse
from django.urls import path

from governance.models import User
from governance.urls import urlpatterns as project_urls


def probe(request):
    alias = router.db_for_read(User)
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        (in_recovery,) = cursor.fetchone()
    return JsonResponse({"alias": alias, "in_recovery": in_recovery})


def write(request):
    return HttpResponse(status=204)


urlpatterns = [path("replica-probe/", probe, name="replica-probe"), path("replica-write/", write), *project_urls]

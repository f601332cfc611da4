from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse

from . import health, jobs


def role_home(user) -> str | None:
    """The page a user's first role lands on (settings.ROLE_HOME), if any."""
    roles = user.role_names()
    for role, url_name in settings.ROLE_HOME:
        if role in roles:
            try:
                return reverse(url_name)
            except NoReverseMatch:
                continue
    return None


@login_required
def home(request):
    """Each person lands on their work: the desk, the inbox, the report page; others see a menu."""
    target = role_home(request.user)
    return redirect(target) if target else render(request, "home.html")


@transaction.non_atomic_requests  # a database that is down is the answer, not an error before it
def healthz(request):
    """The database, Redis, the broker, beat's last run and the outbox, as JSON (governance/health.py)."""
    status, checks = health.report()
    return JsonResponse({"status": status, "checks": checks}, status=503 if status == "down" else 200)


@login_required
def job(request, pk):
    """A background job's progress bar (HTMX refreshes the bar until the job ends) and its file."""
    found = get_object_or_404(jobs.visible_jobs(request.user), pk=pk)
    template = "jobs/_progress.html" if request.htmx else "jobs/job.html"
    return render(request, template, {"job": found})

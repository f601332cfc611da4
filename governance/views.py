from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from . import channels, deliveries, health, jobs
from .preference_forms import PreferenceForm


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


@login_required
def notification_settings(request):
    """通知设置: the channels a user receives notices by, their quiet hours, the latest deliveries."""
    pref = deliveries.preference_of(request.user)
    status = 200
    if request.method == "POST":
        form = PreferenceForm(request.POST, user=request.user)
        if form.is_valid():
            deliveries.save_preference(
                request.user,
                channels_chosen=form.cleaned_data["channels"],
                quiet_from=form.cleaned_data["quiet_from"],
                quiet_until=form.cleaned_data["quiet_until"],
                quiet_mode=form.cleaned_data["quiet_mode"],
            )
            messages.success(request, _("通知设置已保存。"))
            return redirect("notification-settings")
        status = 400
    else:
        form = PreferenceForm(
            user=request.user,
            initial={
                "channels": pref.channels,
                "quiet_from": pref.quiet_from,
                "quiet_until": pref.quiet_until,
                "quiet_mode": pref.quiet_mode,
            },
        )
    installed = channels.installed()
    recent = list(deliveries.recent_for(request.user))
    for d in recent:
        d.channel_label = installed[d.channel].label if d.channel in installed else d.channel
    context = {
        "form": form,
        "unavailable": [c.label for key, c in installed.items() if key not in form.available],
        "deliveries": recent,
    }
    return render(request, "notifications/settings.html", context, status=status)

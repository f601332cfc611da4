"""The grid worker's field-work page on the phone: patrol check-in with the phone's position and
household visits, posted to the field-work endpoints with an Idempotency-Key
(static/js/fieldwork.js), with today's tallies against the daily visit target. The spot-check
page (抽查) of the township and village staff who oversee the workers."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.roles import Role

from . import selectors
from .fieldwork import record_spot_check
from .levels import AreaLevel
from .models import Assignment, HouseholdVisit, NoGpsReason, PatrolCheckIn, PointsRules
from .scoping import CHANGE, granted_areas
from .selectors import households_for

HOUSEHOLDS_SHOWN = 300


@login_required
def fieldwork(request):
    user = request.user
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    grids = [
        a.area
        for a in Assignment.objects.filter(
            user=user, role=Role.GRID_WORKER, end_date__isnull=True, area__level=AreaLevel.GRID
        ).select_related("area")
    ]
    visited_today = HouseholdVisit.objects.filter(worker=user, household=OuterRef("pk"), at__gte=today)
    households = (
        households_for(user)
        .filter(grid__in=grids)
        .annotate(visited_today=Exists(visited_today))
        .only("id", "number", "head_name", "address", "grid__name", "township__name", "village__name")
        .order_by("number")[:HOUSEHOLDS_SHOWN]
    )
    return render(
        request,
        "grids/fieldwork.html",
        {
            "grids": grids,
            "households": households,
            "checkins_today": PatrolCheckIn.objects.filter(worker=user, at__gte=today).count(),
            "visits_today": HouseholdVisit.objects.filter(worker=user, at__gte=today).count(),
            "visit_target": PointsRules.current().daily_visit_target,
            "no_gps_reasons": NoGpsReason.choices,
        },
    )


SPOT_CHECKS_SHOWN = 50


class SpotCheckForm(forms.Form):
    worker = forms.TypedChoiceField(coerce=int, label=_("网格员"))
    day = forms.DateField(label=_("抽查日期"))
    passed = forms.TypedChoiceField(
        choices=[("1", _("合格")), ("0", _("不合格"))], coerce=lambda v: v == "1", label=_("结果")
    )
    note = forms.CharField(max_length=500, required=False, label=_("情况"))

    def __init__(self, *args, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.posts = {p.user_id: p for p in posts}
        self.fields["worker"].choices = [("", _("请选择"))] + [
            (p.user_id, f"{p.area.name} · {p.user.full_name or p.user.username}") for p in posts
        ]


@login_required
def spot_checks(request):
    """抽查: township and village staff record a spot check of a grid worker they oversee and see
    the spot checks of their areas, newest first (keyset pages of 50)."""
    user = request.user
    posts = list(selectors.workers_to_spot_check(user).order_by("area__code", "user__username"))
    if not posts and granted_areas(user, CHANGE) == []:
        raise PermissionDenied(_("您没有可抽查的网格员。"))
    form = SpotCheckForm(request.POST or None, posts=posts, initial={"day": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_spot_check(
                worker=form.posts[data["worker"]].user,
                checked_by=user,
                day=data["day"],
                passed=data["passed"],
                note=data["note"],
            )
        except ValidationError as exc:
            for field, messages_ in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            messages.success(request, _("抽查已登记。"))
            return redirect("grids:spot-checks")
    rows = selectors.spot_checks_for(user).order_by("-id")
    before = request.GET.get("before", "")
    if before.isdigit():
        rows = rows.filter(pk__lt=int(before))
    rows = list(rows[: SPOT_CHECKS_SHOWN + 1])
    return render(
        request,
        "grids/spot_checks.html",
        {
            "form": form,
            "rows": rows[:SPOT_CHECKS_SHOWN],
            "next_before": rows[SPOT_CHECKS_SHOWN - 1].pk if len(rows) > SPOT_CHECKS_SHOWN else None,
        },
    )

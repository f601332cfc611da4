"""Browser pages of community care: the overview with per-village figures and the plan list,
one plan (each opening logged), setting up and revising a plan, and the grid worker's phone
page of today's visits (posted to the API with an Idempotency-Key, static/js/care-visits.js).
Thin: reads through selectors, writes through services."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grids import selectors as grid_selectors
from grids.models import Resident
from grids.scoping import CHANGE
from incidents.models import Category as CaseCategory

from . import selectors, services
from .api.serializers import EndInputSerializer, KeeperInputSerializer, PlanInputSerializer, ReviseInputSerializer
from .api.views import filter_plans
from .constants import FOUR_KEEPERS, PLANNER_ROLES, Category, Keeper, RiskLevel
from .scoping import care_grants

PAGE_SIZE = 50


def _require_care(user):
    if care_grants(user) == []:
        raise Http404


def _may_plan(user) -> bool:
    return user.is_superuser or bool(set(PLANNER_ROLES) & user.role_names())


@login_required
def home(request):
    """关爱守护: the scope's figures per village, then the plans (filters, keyset pages)."""
    _require_care(request.user)
    today = timezone.localdate()
    qs = filter_plans(selectors.plans_for(request.user), request.GET, today)
    before = request.GET.get("before", "")
    if before.isdigit():
        qs = qs.filter(pk__lt=int(before))
    rows = list(qs.order_by("-id")[: PAGE_SIZE + 1])
    params = request.GET.copy()
    params.pop("before", None)
    return render(
        request,
        "care/home.html",
        {
            "today": today,
            "totals": selectors.figures(request.user, today),
            "villages": selectors.by_village(request.user, today),
            "plans": rows[:PAGE_SIZE],
            "next_before": rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None,
            "query": params.urlencode(),
            "categories": Category.choices,
            "risks": RiskLevel.choices,
            "may_plan": _may_plan(request.user),
        },
    )


@login_required
def today(request):
    """今日走访 (phone): the plans due today or overdue first, then those due within a week."""
    _require_care(request.user)
    day = timezone.localdate()
    week = day + dt.timedelta(days=7)
    plans = list(
        selectors.plans_for(request.user)
        .filter(is_active=True, next_due__lte=week)
        .order_by("next_due", "id")[:PAGE_SIZE]
    )
    return render(
        request,
        "care/today.html",
        {
            "today": day,
            "plans": plans,
            "case_categories": CaseCategory.objects.filter(is_active=True, parent__isnull=False)
            .select_related("parent")
            .order_by("parent__code", "code"),
        },
    )


@login_required
def plan_detail(request, pk):
    plan = get_object_or_404(selectors.plan_detail_queryset(request.user), pk=pk)
    services.log_view(viewer=request.user, plan=plan)
    return render(request, "care/plan_detail.html", _plan_context(request, plan))


def _plan_context(request, plan, errors=None, form=None):
    return {
        "plan": plan,
        "missing": services.missing_keepers(plan),
        "may_revise": plan.is_active and _may_plan(request.user),
        "risks": RiskLevel.choices,
        "keeper_roles": Keeper.choices,
        "errors": errors or {},
        "form": form or {},
        "today": timezone.localdate(),
    }


def _keepers_from(post) -> list[dict]:
    """Keeper rows of the form: keeper_role / keeper_name / keeper_phone, repeated."""
    rows = zip(post.getlist("keeper_role"), post.getlist("keeper_name"), post.getlist("keeper_phone"), strict=False)
    return [{"role": r, "name": n, "phone": p} for r, n, p in rows if n.strip()]


def _errors(exc) -> dict:
    errors = dict(exc.message_dict) if hasattr(exc, "error_dict") else {"general": exc.messages}
    if "__all__" in errors:
        errors["general"] = errors.pop("__all__")
    return errors


@login_required
def plan_new(request):
    """建档: find the household by its number, pick the resident, set the plan and its keepers."""
    _require_care(request.user)
    if not _may_plan(request.user):
        raise Http404
    number = (request.GET.get("household") or request.POST.get("household") or "").strip().upper()
    household = grid_selectors.households_for(request.user, CHANGE).filter(number=number).first() if number else None
    residents = list(Resident.objects.filter(household=household).order_by("id")) if household else []
    errors, form = {}, request.POST if request.method == "POST" else {}
    if number and household is None:
        errors["household"] = [_("该户不存在或不在您的辖区内。")]
    if request.method == "POST" and household is not None:
        data = {
            k: request.POST.get(k, "")
            for k in ("resident", "category", "risk_level", "visit_every_days", "start_date", "review_date", "note")
        }
        data["keepers"] = _keepers_from(request.POST)
        serializer = PlanInputSerializer(data=data)
        try:
            if not serializer.is_valid():
                raise ValidationError(serializer.errors)
            d = serializer.validated_data
            if d["resident"] not in {r.pk for r in residents}:
                raise ValidationError({"resident": [_("请选择该户的居民。")]})
            plan = services.create_plan(
                actor=request.user,
                resident_id=d["resident"],
                category=d["category"],
                risk_level=d["risk_level"],
                visit_every_days=d["visit_every_days"],
                start_date=d["start_date"],
                review_date=d["review_date"],
                keepers=[KeeperInputSerializer().to_input(k) for k in d.get("keepers", [])],
                note=d.get("note", ""),
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = _errors(exc) if isinstance(exc, ValidationError) else {"general": [str(exc)]}
        else:
            messages.success(request, _("已建档。"))
            return redirect("care:plan", pk=plan.pk)
    return render(
        request,
        "care/plan_form.html",
        {
            "number": number,
            "household": household,
            "residents": residents,
            "errors": errors,
            "form": form,
            "categories": Category.choices,
            "risks": RiskLevel.choices,
            "keeper_roles": Keeper.choices,
            "four_keepers": FOUR_KEEPERS,
            "today": timezone.localdate(),
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def plan_revise(request, pk):
    plan = get_object_or_404(selectors.plan_detail_queryset(request.user), pk=pk)
    data = {k: request.POST.get(k, "") for k in ("risk_level", "visit_every_days", "review_date", "note", "reason")}
    keepers = _keepers_from(request.POST)
    if keepers:
        data["keepers"] = keepers
    serializer = ReviseInputSerializer(data=data)
    try:
        if not serializer.is_valid():
            raise ValidationError(serializer.errors)
        d = serializer.validated_data
        services.revise_plan(
            actor=request.user,
            plan_id=plan.pk,
            risk_level=d["risk_level"],
            visit_every_days=d["visit_every_days"],
            review_date=d["review_date"],
            keepers=[KeeperInputSerializer().to_input(k) for k in d["keepers"]] if "keepers" in d else None,
            note=d.get("note", ""),
            reason=d["reason"],
        )
    except ValidationError as exc:
        return render(
            request, "care/plan_detail.html", _plan_context(request, plan, _errors(exc), request.POST), status=400
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("care:plan", pk=pk)
    messages.success(request, _("计划已修订。"))
    return redirect("care:plan", pk=pk)


@login_required
@require_POST
def plan_end(request, pk):
    plan = get_object_or_404(selectors.plan_detail_queryset(request.user), pk=pk)
    serializer = EndInputSerializer(data=request.POST)
    try:
        if not serializer.is_valid():
            raise ValidationError(serializer.errors)
        services.end_plan(actor=request.user, plan_id=plan.pk, reason=serializer.validated_data["reason"])
    except ValidationError as exc:
        return render(
            request, "care/plan_detail.html", _plan_context(request, plan, _errors(exc), request.POST), status=400
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("care:plan", pk=pk)
    messages.success(request, _("计划已结束。"))
    return redirect("care:plan", pk=pk)

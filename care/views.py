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
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance import access_records
from governance.actions import action_view, failure_context, form_errors, run_for_page
from grids import selectors as grid_selectors
from grids.models import HouseholdColour, Resident
from grids.scoping import CHANGE
from incidents.models import Category as CaseCategory

from . import colours, neighbours, selectors, services, volunteers
from .actions import ACTIONS
from .api.serializers import (
    ColourProposalSerializer,
    EndInputSerializer,
    ExchangeInputSerializer,
    HelpInputSerializer,
    KeeperInputSerializer,
    PlanInputSerializer,
    ReviseInputSerializer,
    ServiceInputSerializer,
    VolunteerInputSerializer,
)
from .api.views import filter_plans
from .constants import (
    COLOUR_CONFIRMER_ROLES,
    COLOUR_PROPOSER_ROLES,
    FOUR_KEEPERS,
    PLANNER_ROLES,
    Category,
    HelpKind,
    Keeper,
    NeedKind,
    RiskLevel,
    UnitKind,
)
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
    contacts = list(
        colours.contacts_due(selectors.households_in_care(request.user), day)
        .only("id", "number", "head_name", "address", "colour")
        .order_by(colours.URGENCY, "number")[:PAGE_SIZE]
    )
    return render(
        request,
        "care/today.html",
        {
            "today": day,
            "plans": plans,
            "contacts": contacts,
            "rhythms": colours.rhythms(),
            "case_categories": CaseCategory.objects.filter(is_active=True, parent__isnull=False)
            .select_related("parent")
            .order_by("parent__code", "code"),
        },
    )


@login_required
def plan_detail(request, pk):
    plan = get_object_or_404(selectors.plan_detail_queryset(request.user), pk=pk)
    access_records.key_person_opened(request, plan, str(plan))
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
            errors = form_errors(exc) if isinstance(exc, ValidationError) else {"non_field_errors": [str(exc)]}
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
            request, "care/plan_detail.html", _plan_context(request, plan, form_errors(exc), request.POST), status=400
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
            request, "care/plan_detail.html", _plan_context(request, plan, form_errors(exc), request.POST), status=400
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("care:plan", pk=pk)
    messages.success(request, _("计划已结束。"))
    return redirect("care:plan", pk=pk)


@login_required
def colours_page(request):
    """三色管理: colours per village, changes waiting for the township, a proposal form for the
    village, and a household's colour history (?household=<户编号>)."""
    return _colours(request)


def _colours(request, failure=None):
    _require_care(request.user)
    user = request.user
    number = request.GET.get("household", "").strip().upper()
    history, household = [], None
    if number:
        household = selectors.households_in_care(user).filter(number=number).first()
        if household is not None:
            history = list(
                selectors.colour_change_detail_queryset(user).filter(household=household).order_by("-id")[:PAGE_SIZE]
            )
    pending = list(selectors.colour_changes_for(user).filter(status="proposed").order_by("id")[:PAGE_SIZE])
    return render(
        request,
        "care/colours.html",
        {
            "villages": selectors.colours_by_village(user),
            "pending": pending,
            "may_confirm": _has_any(user, COLOUR_CONFIRMER_ROLES),
            "may_propose": _has_any(user, COLOUR_PROPOSER_ROLES),
            "rhythms": colours.rhythms(),
            "colours": HouseholdColour.choices,
            "number": number,
            "household": household,
            "history": history,
            **failure_context(failure),
        },
        status=400 if failure else 200,
    )


def _has_any(user, roles) -> bool:
    return user.is_superuser or bool(set(roles) & user.role_names())


@login_required
@require_POST
def colour_propose(request):
    _require_care(request.user)
    number = request.POST.get("household_number", "").strip().upper()

    def propose():
        household = selectors.households_in_care(request.user).filter(number=number).first()
        if household is None:
            raise ValidationError({"household_number": [_("该户不存在或不在您的辖区内。")]})
        serializer = ColourProposalSerializer(
            data={"household": household.pk, **{k: request.POST.get(k, "") for k in ("to_colour", "reason")}}
        )
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        colours.propose(actor=request.user, household_id=household.pk, to_colour=d["to_colour"], reason=d["reason"])

    if run_for_page(request, propose, _("已提出，等待乡镇确认。")):
        return redirect(f"{reverse('care:colours')}?household={number}")
    return redirect("care:colours")


def _colours_after_failure(request, pk, failure):
    """The colours page again (400) with the failed action's messages above the list."""
    return _colours(request, failure)


colour_action = action_view(ACTIONS, page=_colours_after_failure, next_url=lambda request, pk: reverse("care:colours"))


@login_required
def volunteers_page(request):
    """平安志愿者: per-village figures, the volunteers (with balance and hours), service and
    exchange forms, the latest ledger rows; register a resident found by household number."""
    _require_care(request.user)
    user = request.user
    number = request.GET.get("household", "").strip().upper()
    household = selectors.households_in_care(user).filter(number=number).first() if number else None
    qs = selectors.volunteers_for(user)
    before = request.GET.get("before", "")
    if before.isdigit():
        qs = qs.filter(pk__lt=int(before))
    rows = list(qs.order_by("-id")[: PAGE_SIZE + 1])
    return render(
        request,
        "care/volunteers.html",
        {
            "figures": selectors.volunteer_figures(user),
            "volunteers": rows[:PAGE_SIZE],
            "next_before": rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None,
            "items": list(selectors.shop_items_for(user)),
            "movements": list(selectors.recent_movements(user)),
            "number": number,
            "household": household,
            "residents": list(Resident.objects.filter(household=household).order_by("id")) if household else [],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def volunteer_action(request, action):
    """register / service / exchange from the volunteers page, through the same services as the API."""
    _require_care(request.user)
    forms = {
        "register": (
            VolunteerInputSerializer,
            lambda d: volunteers.register(actor=request.user, resident_id=d["resident"], skills=d.get("skills", "")),
        ),
        "service": (
            ServiceInputSerializer,
            lambda d: volunteers.log_service(
                actor=request.user,
                volunteer_id=_int(request.POST.get("volunteer")),
                hours=d["hours"],
                served_on=d["served_on"],
                note=d["note"],
            ),
        ),
        "exchange": (
            ExchangeInputSerializer,
            HelpInputSerializer,
            lambda d: volunteers.exchange(
                actor=request.user, volunteer_id=_int(request.POST.get("volunteer")), item_id=d["item"]
            ),
        ),
    }
    if action not in forms:
        raise Http404
    serializer_class, call = forms[action]

    def run():
        serializer = serializer_class(data=request.POST)
        serializer.is_valid(raise_exception=True)
        call(serializer.validated_data)

    run_for_page(request, run, _("已办理。"))
    return redirect("care:volunteers")


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0


@login_required
def neighbours_page(request):
    """家家帮 pairs and 挨户防 units / micro-grids of the scope, with their history and forms."""
    _require_care(request.user)
    user = request.user
    return render(
        request,
        "care/neighbours.html",
        {
            "figures": selectors.neighbour_figures(user),
            "pairs": list(selectors.pairs_for(user).filter(end_date__isnull=True).order_by("-id")[:PAGE_SIZE]),
            "units": list(selectors.units_for(user).order_by("-id")[:PAGE_SIZE]),
            "needs": NeedKind.choices,
            "help_kinds": HelpKind.choices,
            "unit_kinds": UnitKind.choices,
            "today": timezone.localdate(),
        },
    )


def _household_ids(user, numbers: str, field: str) -> list[int]:
    wanted = [n.strip().upper() for n in numbers.replace("，", ",").split(",") if n.strip()]
    found = dict(selectors.households_in_care(user).filter(number__in=wanted).values_list("number", "id"))
    missing = [n for n in wanted if n not in found]
    if missing or not wanted:
        raise ValidationError({field: [_("户不存在或不在您的辖区内：%(n)s") % {"n": "、".join(missing) or "—"}]})
    return [found[n] for n in wanted]


@login_required
@require_POST
def neighbour_action(request, action):
    _require_care(request.user)
    user, post = request.user, request.POST

    def create_pair():
        helper, helped = (_household_ids(user, post.get(f, ""), f)[0] for f in ("helper", "helped"))
        neighbours.pair(actor=user, helper_id=helper, helped_id=helped, need=post.get("need", ""))

    def log_help():
        data = HelpInputSerializer(data=post)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        neighbours.log_help(
            actor=user, pair_id=_int(post.get("pair")), kind=d["kind"], helped_on=d["helped_on"], note=d.get("note", "")
        )

    def create_unit():
        neighbours.create_unit(
            actor=user,
            kind=post.get("kind", ""),
            name=post.get("name", ""),
            household_ids=_household_ids(user, post.get("households", ""), "households"),
        )

    def appoint():
        neighbours.appoint_leader(actor=user, unit_id=_int(post.get("unit")), resident_id=_int(post.get("resident")))

    calls = {"pair": create_pair, "help": log_help, "unit": create_unit, "leader": appoint}
    if action not in calls:
        raise Http404
    run_for_page(request, calls[action], _("已登记。"))
    return redirect("care:neighbours")

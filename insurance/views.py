"""Browser pages of the safe-home insurance: claims to handle (village, township, insurer), a
claim with its timeline and action forms, the policies, and the county figures with a chart and
an XLSX export. Thin: reads through selectors, actions through the same table as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as InputError

from governance.actions import NON_FIELD, action_view, failure_context, form_errors
from grids import selectors as grid_selectors
from grids.scoping import VIEW_INSURANCE
from incidents import selectors as incident_selectors

from . import actions, figures, selectors, services
from .api.serializers import ClaimFormSerializer, PolicyInputSerializer, RenewSerializer
from .api.views import xlsx_response
from .constants import ClaimStatus
from .workflow import CLAIM_WORKFLOW

PAGE_SIZE = 50


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and len(raw) == 4 else timezone.localdate().year


@login_required
def claims(request):
    """待处理理赔: what waits for my step (default), or every claim in my scope by status."""
    status = request.GET.get("status", "")
    everything = request.GET.get("all") == "1" or status in ClaimStatus.values
    qs = selectors.claims_for(request.user) if everything else selectors.todo_for(request.user)
    if status in ClaimStatus.values:
        qs = qs.filter(status=status)
    before = request.GET.get("before", "")
    if before.isdigit():
        qs = qs.filter(pk__lt=int(before))
    rows = list(qs.order_by("-id")[: PAGE_SIZE + 1])
    params = request.GET.copy()
    params.pop("before", None)
    return render(
        request,
        "insurance/claims.html",
        {
            "claims": rows[:PAGE_SIZE],
            "next_before": rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None,
            "query": params.urlencode(),
            "everything": everything,
            "status": status,
            "statuses": ClaimStatus.choices,
            "may_report": services.may_report(request.user),
        },
    )


def _claim_context(request, claim, failure=None):
    available = [
        {"action": t.action, "label": t.label, "requires_note": t.requires_note, "note_label": t.note_label}
        for t in CLAIM_WORKFLOW.available(request.user, claim)
    ]
    return {
        "claim": claim,
        "available": available,
        **failure_context(failure),
        "today": timezone.localdate(),
    }


@login_required
def claim_detail(request, pk):
    claim = get_object_or_404(selectors.claim_detail_queryset(request.user), pk=pk)
    return render(request, "insurance/claim_detail.html", _claim_context(request, claim))


def _claim_page(request, pk, failure):
    claim = get_object_or_404(selectors.claim_detail_queryset(request.user), pk=pk)
    return render(request, "insurance/claim_detail.html", _claim_context(request, claim, failure))


# 核实, 审核, 赔付, …: one view for every action of the claim page (governance.actions).
claim_action = action_view(
    actions.ACTIONS, page=_claim_page, next_url=lambda request, pk: reverse("insurance:claim", args=[pk])
)


def _number_to_id(qs, number: str, field: str, message: str) -> int | None:
    if not number:
        return None
    found = qs.filter(number=number.strip().upper()).values_list("pk", flat=True).first()
    if found is None:
        raise ValidationError({field: [message]})
    return found


@login_required
def report(request):
    """报案: a grid worker (village, township) files a claim for a household, by the household's
    number and the theft incident's number or a police report number; the same service as the API."""
    errors, form = {}, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        serializer = ClaimFormSerializer(data=request.POST)
        try:
            serializer.is_valid(raise_exception=True)
            d = serializer.validated_data
            claim = services.report_claim(
                actor=request.user,
                household_id=_number_to_id(
                    grid_selectors.households_for(request.user, VIEW_INSURANCE),
                    d["household_number"],
                    "household",
                    _("该户不存在或不在您的辖区内。"),
                ),
                incident_id=_number_to_id(
                    incident_selectors.cases_for(request.user),
                    d["incident_number"],
                    "incident",
                    _("关联事件不存在或不在您的辖区内。"),
                ),
                police_report_number=d["police_report_number"],
                peril=d["peril"],
                item=d["item"],
                loss_date=d["loss_date"],
                loss_amount=d["loss_amount"],
                description=d["description"],
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except (ValidationError, InputError) as exc:
            errors = form_errors(exc)
            errors["household_number"] = errors.pop("household", errors.get("household_number", []))
            errors["incident_number"] = errors.pop("incident", errors.get("incident_number", []))
        else:
            messages.success(request, _("已报案：%(number)s") % {"number": claim.number})
            return redirect("insurance:claim", pk=claim.pk)
    return render(
        request,
        "insurance/report.html",
        {"form": form, "errors": errors, "perils": selectors.perils(), "today": timezone.localdate()},
        status=400 if errors else 200,
    )


@login_required
def policies(request):
    year = _year(request)
    managed = set(selectors.managed_insurers(request.user).values_list("pk", flat=True))
    return render(
        request,
        "insurance/policies.html",
        {
            "policies": selectors.policies_for(request.user)
            .filter(year=year)
            .select_related("renewal")
            .order_by("township__code"),
            "year": year,
            "years": figures.years_for(request.user),
            "managed": managed,
        },
    )


def _write_policy(request, serializer_class, write):
    """Validate the POST with the API's serializer and `write(validated_data)`: `(policy, {})`, or
    `(None, errors)` with Chinese messages per field of the form, those about anything else (a
    policy already renewed, no premium schedule for the year) under "non_field_errors"; a refusal
    is shown as a message."""
    serializer = serializer_class(data=request.POST)
    try:
        serializer.is_valid(raise_exception=True)
        policy = write(serializer.validated_data)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return None, {}
    except (ValidationError, InputError) as exc:
        errors = {}
        for field, found in form_errors(exc).items():
            errors.setdefault(field if field in serializer.fields else NON_FIELD, []).extend(found)
        return None, errors
    messages.success(
        request,
        _("已出具保单：%(number)s，保费 %(premium)s 元。") % {"number": policy.number, "premium": policy.premium},
    )
    return policy, {}


def _policy_list(policy):
    return redirect(f"{reverse('insurance:policies')}?year={policy.year}")


@login_required
def policy_new(request):
    """出具保单: the insurer's staff (their insurer) and platform admins issue a township's group
    policy — the same serializer and service as the API."""
    insurers = selectors.managed_insurers(request.user)
    if not insurers.exists():
        raise PermissionDenied(_("只有保险公司人员或系统管理员可以维护保单。"))
    errors, form = {}, request.POST if request.method == "POST" else {"year": str(timezone.localdate().year)}
    if request.method == "POST":
        policy, errors = _write_policy(
            request, PolicyInputSerializer, lambda d: services.issue_policy(actor=request.user, **d)
        )
        if policy:
            return _policy_list(policy)
    return render(
        request,
        "insurance/policy_form.html",
        {
            "form": form,
            "chosen_perils": request.POST.getlist("perils"),
            "errors": errors,
            "insurers": insurers,
            "townships": selectors.townships_insured_by(insurers),
            "perils": selectors.perils(),
        },
        status=400 if errors else 200,
    )


@login_required
def policy_renew(request, pk):
    """续保: next year's policy for the same township and cover, the tier from the new population."""
    policy = get_object_or_404(selectors.policies_for(request.user), pk=pk)
    if not services.may_manage_policies(request.user, policy.insurer):
        raise PermissionDenied(_("只有保险公司人员或系统管理员可以维护保单。"))
    errors = {}
    if request.method == "POST":
        renewal, errors = _write_policy(
            request, RenewSerializer, lambda d: services.renew_policy(policy=policy, actor=request.user, **d)
        )
        if renewal:
            return _policy_list(renewal)
    return render(
        request,
        "insurance/policy_renew.html",
        {"policy": policy, "form": request.POST, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
def figures_page(request):
    """县级汇总: per township premium, claims, loss ratio, days to payment, thefts per 10,000."""
    year = _year(request)
    rows = figures.township_figures(request.user, year)
    total = figures.total_for(request.user, rows, year)
    chart = {
        "towns": [r.township_name for r in rows],
        "premium": [float(r.premium) for r in rows],
        "paid": [float(r.amount_paid) for r in rows],
        "ratio": [round(r.loss_ratio * 100, 1) if r.loss_ratio is not None else None for r in rows],
    }
    return render(
        request,
        "insurance/figures.html",
        {
            "rows": rows,
            "total": total,
            "year": year,
            "years": figures.years_for(request.user),
            "chart": chart,
            "before_known": figures.thefts_known_before(year),
        },
    )


@login_required
def figures_export(request):
    return xlsx_response(request.user, _year(request))

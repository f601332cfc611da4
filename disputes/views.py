"""Browser pages of mediation, petitions and subsidies: the mediator's work list, a mediation
with its action forms and its printable agreement, petitions (new, list, 我包的案, 积案) with a
printable reply, the subsidy statements with approval and XLSX export, and the figures.

Thin: reads through selectors, every action through the same tables as the API (actions.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError as InputError

from governance.actions import action_view, failure_context, form_errors
from incidents import selectors as incident_selectors

from . import actions, figures, petitions, selectors, services, subsidies
from .api import serializers as s
from .api.views import agreement_response, statements_xlsx
from .constants import BodyLevel, Channel, MediationStatus, PartySide, PetitionStatus, ReferredTo, level_above
from .workflow import MEDIATION_WORKFLOW, PETITION_WORKFLOW, STATEMENT_WORKFLOW

PAGE_SIZE = 50


def _page(qs, request):
    """Keyset pagination by id, newest first (?before=<id>): no COUNT, no OFFSET."""
    before = request.GET.get("before", "")
    if before.isdigit():
        qs = qs.filter(pk__lt=int(before))
    rows = list(qs.order_by("-id")[: PAGE_SIZE + 1])
    params = request.GET.copy()
    params.pop("before", None)
    return rows[:PAGE_SIZE], (rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None), params.urlencode()


def _available(workflow, user, obj):
    return [
        {"action": t.action, "label": t.label, "requires_note": t.requires_note, "note_label": t.note_label}
        for t in workflow.available(user, obj)
    ]


# --- work space ------------------------------------------------------------------------------


@login_required
def home(request):
    """调解员工作台: my open mediations, my recent sessions, follow-ups due (mine or in my area)."""
    today = timezone.localdate()
    due = list(selectors.follow_ups_due(selectors.follow_ups_for(request.user), today).order_by("due_on", "id")[:100])
    return render(
        request,
        "disputes/home.html",
        {
            "open": list(selectors.open_mediations_of(request.user).order_by("-id")[:100]),
            "sessions": list(selectors.my_sessions(request.user)[:30]),
            "due": due,
            "today": today,
            "owned": selectors.owned_by(request.user).exclude(status=PetitionStatus.RESOLVED).count(),
        },
    )


@login_required
def mediations(request):
    status = request.GET.get("status", "")
    qs = selectors.mediations_for(request.user)
    if status in MediationStatus.values:
        qs = qs.filter(status=status)
    rows, next_before, query = _page(qs, request)
    return render(
        request,
        "disputes/mediations.html",
        {
            "mediations": rows,
            "next_before": next_before,
            "query": query,
            "status": status,
            "statuses": MediationStatus.choices,
        },
    )


def _mediation_context(request, mediation, failure=None):
    above = level_above(mediation.level)
    upper = list(services.bodies_serving(mediation.case, above).prefetch_related("mediators")) if above else []
    return {
        "m": mediation,
        "available": _available(MEDIATION_WORKFLOW, request.user, mediation),
        **failure_context(failure),
        "posted": request.POST if failure else {},
        "body_mediators": [x for x in mediation.body.mediators.all() if x.is_active],
        "upper_bodies": upper,
        "pending_follow_ups": [f for f in mediation.follow_ups.all() if f.done_on is None],
        "referrals": ReferredTo.choices,
        "today": timezone.localdate(),
    }


def _mediation_page(request, pk, failure=None):
    mediation = get_object_or_404(selectors.mediation_detail_queryset(request.user), pk=pk)
    return render(request, "disputes/mediation.html", _mediation_context(request, mediation, failure))


mediation_detail = login_required(_mediation_page)
mediation_action = action_view(
    actions.MEDIATION_ACTIONS,
    page=_mediation_page,
    next_url=lambda request, pk: reverse("disputes:mediation", args=[pk]),
)


def _parties_from(post) -> list[dict]:
    rows = zip(post.getlist("party_name"), post.getlist("party_side"), post.getlist("party_phone"), strict=False)
    return [{"name": n, "side": side, "phone": phone} for n, side, phone in rows if n.strip() or phone.strip()]


@login_required
@require_POST
def open_mediation(request, case_pk):
    """受理调解 from the case page's panel; errors go back to the case page as a message."""
    data = {
        "case": case_pk,
        "body": request.POST.get("body", ""),
        "mediators": request.POST.getlist("mediators"),
        "matter": request.POST.get("matter", ""),
        "difficulty": request.POST.get("difficulty", ""),
        "parties": _parties_from(request.POST),
    }
    serializer = s.OpenMediationSerializer(data=data)
    try:
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        mediation = services.open_mediation(
            actor=request.user,
            case_id=case_pk,
            body_id=d["body"],
            mediator_ids=d["mediators"],
            matter=d["matter"],
            difficulty=d["difficulty"],
            parties=d["parties"],
        )
    except (ValidationError, InputError, PermissionDenied) as exc:
        text = [str(exc)] if isinstance(exc, PermissionDenied) else [m for ms in form_errors(exc).values() for m in ms]
        messages.error(request, _("未能受理调解：%(why)s") % {"why": "；".join(text)})
        return redirect("incidents:case", pk=case_pk)
    messages.success(request, _("已受理调解：%(number)s") % {"number": mediation.number})
    return redirect("disputes:mediation", pk=mediation.pk)


@login_required
def agreement(request, pk):
    """人民调解协议书 (A4): parties, matter, agreement, mediators, confirmation."""
    mediation = get_object_or_404(selectors.mediation_detail_queryset(request.user), pk=pk)
    if mediation.status != MediationStatus.AGREED:
        raise Http404
    return render(request, "disputes/agreement_print.html", {"m": mediation, "printed_at": timezone.now()})


@login_required
def agreement_file(request, pk):
    mediation = get_object_or_404(selectors.mediations_for(request.user), pk=pk)
    if not mediation.agreement_file:
        raise Http404
    return agreement_response(mediation)


# --- petitions -------------------------------------------------------------------------------


@login_required
def petition_list(request):
    qs = selectors.petitions_for(request.user)
    status = request.GET.get("status", "")
    if status in PetitionStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("repeat") == "1":
        qs = qs.filter(first_petition__isnull=False)
    rows, next_before, query = _page(qs, request)
    return render(
        request,
        "disputes/petitions.html",
        {
            "petitions": rows,
            "next_before": next_before,
            "query": query,
            "status": status,
            "statuses": PetitionStatus.choices,
            "title": _("信访事项"),
            "today": timezone.localdate(),
        },
    )


@login_required
def owned(request):
    """我包的案: the petitions I answer for, open ones first by reply date."""
    rows = list(selectors.owned_by(request.user)[:200])
    return render(request, "disputes/owned.html", {"petitions": rows, "today": timezone.localdate()})


@login_required
def backlog(request):
    """积案: the open backlog with its owners, this year's clearing target and the clearing per month."""
    area = figures.area_for(request.user, request.GET.get("area", ""))
    today = timezone.localdate()
    report = figures.report(area, today.replace(month=1, day=1), today)
    rows = list(selectors.backlog(request.user).order_by("backlog_since", "id")[:500])
    return render(request, "disputes/backlog.html", {"petitions": rows, "report": report, "today": today})


def _new_petition_context(request, errors=None):
    return {
        "errors": errors or {},
        "form": request.POST if errors is not None else {},
        "channels": Channel.choices,
        "categories": incident_selectors.categories().filter(parent__isnull=False).order_by("code"),
    }


@login_required
def petition_new(request):
    """登记信访 (also 信访代办 by a grid worker for a petitioner)."""
    if request.method != "POST":
        return render(request, "disputes/petition_new.html", _new_petition_context(request))
    post = request.POST
    data = {
        "channel": post.get("channel", ""),
        "category": post.get("category", ""),
        "description": post.get("description", ""),
        "petitioners": [
            {"name": n, "id_number": i, "phone": p}
            for n, i, p in zip(
                post.getlist("petitioner_name"),
                post.getlist("petitioner_id"),
                post.getlist("petitioner_phone"),
                strict=False,
            )
            if n.strip() or i.strip() or p.strip()
        ],
        "address": post.get("address", ""),
        "on_behalf": post.get("on_behalf") == "on",
    }
    if post.get("grid", "").strip():
        data["grid"] = post["grid"]
    if post.get("reply_due_on", "").strip():
        data["reply_due_on"] = post["reply_due_on"]
    serializer = s.PetitionInputSerializer(data=data)
    try:
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        petition = petitions.file_petition(
            actor=request.user,
            channel=d["channel"],
            category=d["category"],
            description=d["description"],
            petitioners=d["petitioners"],
            grid_id=d["grid"],
            address=d["address"],
            reply_due_on=d["reply_due_on"],
            on_behalf=d["on_behalf"],
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return render(request, "disputes/petition_new.html", _new_petition_context(request, {}), status=403)
    except (ValidationError, InputError) as exc:
        context = _new_petition_context(request, form_errors(exc))
        return render(request, "disputes/petition_new.html", context, status=400)
    if petition.is_repeat:
        messages.warning(
            request, _("识别为重复信访，已关联首次信访 %(n)s。") % {"n": petition.first_petition.case.number}
        )
    messages.success(request, _("已登记信访：%(n)s") % {"n": petition.case.number})
    return redirect("disputes:petition", pk=petition.pk)


def _petition_context(request, petition, failure=None):
    return {
        "p": petition,
        "available": _available(PETITION_WORKFLOW, request.user, petition),
        **failure_context(failure),
        "posted": request.POST if failure else {},
        "leaders": petitions.owner_candidates(petition),
        "today": timezone.localdate(),
    }


def _petition_page(request, pk, failure=None):
    petition = get_object_or_404(selectors.petition_detail_queryset(request.user), pk=pk)
    return render(request, "disputes/petition.html", _petition_context(request, petition, failure))


petition_detail = login_required(_petition_page)
petition_action = action_view(
    actions.PETITION_ACTIONS, page=_petition_page, next_url=lambda request, pk: reverse("disputes:petition", args=[pk])
)


@login_required
def petition_reply(request, pk):
    """信访事项答复意见书 (A4)."""
    petition = get_object_or_404(selectors.petition_detail_queryset(request.user), pk=pk)
    if not petition.reply_text:
        raise Http404
    return render(request, "disputes/reply_print.html", {"p": petition, "printed_at": timezone.now()})


# --- subsidies -------------------------------------------------------------------------------


@login_required
def statements(request):
    month = figures.parse_month(request.GET.get("month", ""))
    qs = selectors.statements_for(request.user)
    if month:
        qs = qs.filter(month=month)
    rows = list(qs.order_by("-month", "township__code", "body__name")[:200])
    return render(request, "disputes/statements.html", {"statements": rows, "month": month})


def _statement_page(request, pk, failure=None):
    statement = get_object_or_404(selectors.statement_detail_queryset(request.user), pk=pk)
    context = {
        "st": statement,
        "mediators": subsidies.per_mediator(statement),
        "available": _available(STATEMENT_WORKFLOW, request.user, statement),
        **failure_context(failure),
        "posted": request.POST if failure else {},
    }
    return render(request, "disputes/statement.html", context)


statement_detail = login_required(_statement_page)
statement_action = action_view(
    actions.STATEMENT_ACTIONS,
    page=_statement_page,
    next_url=lambda request, pk: reverse("disputes:statement", args=[pk]),
)


@login_required
def statements_export(request):
    return statements_xlsx(request.user, figures.parse_month(request.GET.get("month", "")))


# --- figures ---------------------------------------------------------------------------------


@login_required
def figures_page(request):
    area = figures.area_for(request.user, request.GET.get("area", ""))
    start, end = figures.period_from(request.GET)
    return render(
        request,
        "disputes/figures.html",
        {"report": figures.report(area, start, end), "levels": BodyLevel, "sides": PartySide.choices},
    )

"""Browser pages of the closed loop: the command-centre desk, the case page, the township inbox.

Thin like the API: reads through selectors, every action through the same ACTIONS table the
API uses (serializer + service). Ordinary form posts; HTMX only refreshes the desk's counts.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from governance import approvals, jobs, outbox
from governance.actions import action_view, failure_context
from governance.phones import mask_phone
from governance.spreadsheets import XLSX_TYPE

from . import actions, case_lists, deadlines, exports, queues, response, selectors, tasks
from .api.filters import CaseFilter
from .constants import CaseStatus, Outcome, Source, UnitKind, UrgeGrade
from .models import Unit
from .reviews import selectors as review_selectors
from .sections import sections_for
from .workflow import CASE_WORKFLOW

PAGE_SIZE = 50


def _page(qs, request):
    """Keyset pagination by id, newest first: ?before=<id> (no COUNT, no OFFSET)."""
    before = request.GET.get("before", "")
    if before.isdigit():
        qs = qs.filter(pk__lt=int(before))
    rows = list(qs.order_by("-id")[: PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], (rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None)


def _query_without(request, *names):
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def _desk_export(request, filterset, now):
    """The desk's export link: the list as filtered; the bare desk (every case the centre ever had)
    exports the last CASE_EXPORT_DEFAULT_DAYS days instead, and says so on the button."""
    query = _query_without(request, "before")
    narrowed = request.GET.get("queue") or (
        filterset.is_valid() and any(value not in (None, "", []) for value in filterset.form.cleaned_data.values())
    )
    if narrowed:
        return query, _("按当前筛选")
    days = settings.CASE_EXPORT_DEFAULT_DAYS
    params = request.GET.copy()
    params.pop("before", None)
    params["created_from"] = (timezone.localtime(now) - timezone.timedelta(days=days - 1)).date().isoformat()
    return params.urlencode(), _("近 %(days)s 天") % {"days": days}


def _table_rows(cases, now):
    """The rows of the case table (`_case_table.html`) with what it shows computed per page: the
    deadline's colour, and the status and source labels translated once — a model's
    get_FOO_display hashes every lazy label of the field's choices on each call (≈ 1,000
    translations for a page of 50, a quarter of the desk's time)."""
    statuses = {key: str(label) for key, label in CaseStatus.choices}
    sources = {key: str(label) for key, label in Source.choices}
    for case in cases:
        case.colour = deadlines.colour(case, now)
        case.status_label = statuses.get(case.status, case.status)
        case.source_label = sources.get(case.source, case.source)
    return cases


@login_required
def desk(request):
    """指挥中心工作台: queues with live counts, filters kept in the URL, the case list."""
    now = timezone.now()
    filterset = CaseFilter(request.GET, queryset=case_lists.base_queryset(request.user, "desk", request.GET, now))
    rows, next_before = _page(filterset.qs, request) if filterset.is_valid() else ([], None)
    export_query, export_scope = _desk_export(request, filterset, now)
    return render(
        request,
        "incidents/desk.html",
        {
            "queue": request.GET.get("queue", ""),
            "counts": queues.queue_counts(request.user, now),
            "latest_urgent": selectors.latest_urgent_id(request.user),
            "filter": filterset,
            "cases": _table_rows(rows, now),
            "next_before": next_before,
            "query": _query_without(request, "before"),
            "base_query": _query_without(request, "before", "queue"),
            "categories": selectors.categories().filter(parent__isnull=True),
            "townships": selectors.townships_for(request.user),
            "list_name": "desk",
            "export_query": export_query,
            "export_scope": export_scope,
        },
    )


@login_required
def desk_counts(request):
    """The queue counts alone (HTMX refreshes them every 30 s); flags a new urgent case."""
    latest_urgent = selectors.latest_urgent_id(request.user)
    return render(
        request,
        "incidents/_queue_counts.html",
        {
            "counts": queues.queue_counts(request.user),
            "queue": request.GET.get("queue", ""),
            "base_query": _query_without(request, "queue", "seen_urgent"),
            "latest_urgent": latest_urgent,
            "new_urgent": latest_urgent and str(latest_urgent) != request.GET.get("seen_urgent", str(latest_urgent)),
        },
    )


@login_required
def inbox(request):
    """乡镇（村、部门）收件箱: what was sent to my unit and is still with us."""
    now = timezone.now()
    rows, next_before = _page(queues.inbox_for(request.user), request)
    return render(
        request,
        "incidents/inbox.html",
        {
            "cases": _table_rows(rows, now),
            "next_before": next_before,
            "query": _query_without(request, "before"),
            "list_name": "inbox",
            "approvals": approvals.waiting_for(request.user),
            "figures": review_selectors.township_summary(request.user),
        },
    )


def _case_context(request, case, failure=None):
    user = request.user
    available = [
        {
            "action": t.action,
            "endpoint": actions.endpoint_for(t.action),
            "label": t.label,
            "short_label": str(t.label).split("（")[0],
            "requires_note": t.requires_note,
            "note_label": t.note_label,
        }
        for t in CASE_WORKFLOW.available(user, case)
    ]
    return {
        "case": _label_states(case),
        "colour": deadlines.colour(case),
        "available": available,
        **failure_context(failure),
        "submitted_note": request.POST.get("note", "") if failure else "",
        "reporter_display": _reporter_display(case),
        "photos": list(case.attachments.all()),
        "dispatch_units": selectors.units_for(user, [UnitKind.TOWNSHIP, UnitKind.DEPARTMENT]).order_by("kind", "code"),
        "village_units": Unit.objects.filter(kind=UnitKind.VILLAGE, area__path__startswith=case.township.path),
        "templates": selectors.reply_templates(category_id=case.category_id),
        "outcomes": Outcome.choices,
        "urge_grades": UrgeGrade.choices,
        "grid_boundary_json": json.dumps(case.grid.boundary) if case.grid.boundary else "",
        "point_json": json.dumps([case.lat, case.lng]) if case.lat is not None else "",
        "sections": sections_for(request, case),
        "timer": response.running_of(case),
        "arrive_offered": any(a["action"] == "arrive" for a in available),
    }


def _label_states(case):
    """The timeline's states in words (the event rows keep the codes)."""
    labels = dict(CaseStatus.choices)
    for event in case.events.all():
        event.from_label = labels.get(event.from_state, event.from_state)
        event.to_label = labels.get(event.to_state, event.to_state)
    return case


def _reporter_display(case) -> str:
    """Who reported it: the account, or the name and masked phone a caller gave."""
    if case.reporter_id:
        return str(case.reporter)
    phone = mask_phone(case.reporter_phone)
    return " ".join(part for part in (case.reporter_name, phone) if part) or "—"


@login_required
def case_detail(request, pk):
    case = get_object_or_404(selectors.case_detail_queryset(request.user), pk=pk)
    return render(request, "incidents/case_detail.html", _case_context(request, case))


@login_required
def case_print(request, pk):
    """案卷: the case, its timeline and photos, laid out to print cleanly."""
    case = get_object_or_404(selectors.case_detail_queryset(request.user), pk=pk)
    photos = list(case.attachments.all()) + [a for e in case.events.all() for a in e.attachments.all()]
    context = {"case": _label_states(case), "photos": photos, "printed_at": timezone.now()}
    return render(request, "incidents/case_print.html", context)


def _case_page(request, pk, failure):
    case = get_object_or_404(selectors.case_detail_queryset(request.user), pk=pk)
    return render(request, "incidents/case_detail.html", _case_context(request, case, failure))


def _after_action(request, pk):
    """The case again, or home when the action moved it out of the user's sight."""
    if selectors.cases_for(request.user).filter(pk=pk).exists():
        return reverse("incidents:case", args=[pk])
    return reverse("home")


# 处置反馈, 立案, …: one view for every action of the case page (governance.actions).
case_action = action_view(actions.ACTIONS, page=_case_page, next_url=_after_action)


@login_required
def search(request):
    """One box: a case number, address, reporter, household name or phone, in the user's scope."""
    q = request.GET.get("q", "").strip()
    cases = list(case_lists.base_queryset(request.user, "search", request.GET)[:50])
    context = {"q": q, "cases": _table_rows(cases, timezone.now()), "list_name": "search"}
    return render(request, "incidents/search.html", {**context, "query": _query_without(request)})


@login_required
def export(request, name):
    """The list as XLSX with the page's filters: at once when short, else as a task with progress."""
    if name not in case_lists.LISTS:
        raise Http404
    try:
        qs = case_lists.case_list(request.user, name, request.GET)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(request.META.get("HTTP_REFERER") or "home")
    if exports.count_up_to(qs, exports.sync_limit()) <= exports.sync_limit():
        response = HttpResponse(exports.to_xlsx(qs), content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, exports.filename(name))
        return response
    job = jobs.start_job(kind="export_cases", requested_by=request.user, message=_("排队等待导出……"))
    query = request.GET.urlencode()
    outbox.enqueue(tasks.export_cases, job.pk, request.user.pk, name, query)
    return redirect("job", pk=job.pk)

"""Browser pages of governance credit: the command centre's overview and 红黑榜, the evaluation
work (rounds at village / township / county, the proposals queue) and the cooperative's lookup.

Thin like the API: reads through selectors, every write through the same services. The round
actions go through the ACTIONS table the API uses and the kernel's page action view (bad input
keeps the page with the messages next to the fields, 400; a stale page reloads with a warning);
the other forms show their outcome as a message (governance.actions.run_for_page).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.actions import action_view, failure_context, form_data, parse, run_for_page
from grids.levels import AreaLevel
from grids.models import Area
from grids.scoping import VIEW_CREDIT

from . import figures, integrity, lending, selectors, services
from .actions import ROUND_ACTIONS
from .api import serializers as s
from .constants import MovementKind, RoundStatus
from .standing import standing
from .workflow import ROUND_WORKFLOW

PAGE_SIZE = 50


def _require_evaluator(user):
    if not selectors.is_evaluator(user):
        raise Http404


@login_required
def overview(request):
    """指挥中心：各乡镇评级、等级分布、授信用信一览。"""
    _require_evaluator(request.user)
    level = request.GET.get("level", "township")
    if level not in figures.LEVEL_FIELDS:
        level = "township"
    return render(
        request,
        "credit/overview.html",
        {
            "rows": figures.figures(request.user, level=level),
            "level": level,
            "grades": ["AAA", "AA", "A", "未评级"],
            "not_evaluated": figures.townships_not_evaluated(request.user),
        },
    )


@login_required
def honour_roll(request):
    _require_evaluator(request.user)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
        quarter = int(request.GET.get("quarter") or (today.month - 1) // 3 + 1)
        if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        year, quarter = today.year, (today.month - 1) // 3 + 1
    roll = figures.honour_roll(request.user, year=year, quarter=quarter)
    return render(request, "credit/honour_roll.html", {"roll": roll, "year": year, "quarter": quarter})


@login_required
def rounds(request):
    """评定工作：村级发起和提报、乡镇评定小组的审核队列、县级发布和生效。"""
    _require_evaluator(request.user)
    status = request.GET.get("status", "")
    qs = selectors.rounds_for(request.user).order_by("-id")
    if status in RoundStatus.values:
        qs = qs.filter(status=status)
    villages = Area.objects.restrict(request.user, VIEW_CREDIT).filter(level=AreaLevel.VILLAGE).only("id", "name")[:200]
    return render(
        request,
        "credit/rounds.html",
        {
            "rounds": list(qs[:PAGE_SIZE]),
            "status": status,
            "statuses": RoundStatus.choices,
            "villages": villages,
            "pending_facts": selectors.pending_facts_for(request.user).count(),
        },
    )


@login_required
@require_POST
def round_create(request):
    _require_evaluator(request.user)
    created = []

    def create():
        d = parse(s.RoundInputSerializer, form_data(request))
        village = get_object_or_404(
            Area.objects.restrict(request.user, VIEW_CREDIT), pk=d["village"], level=AreaLevel.VILLAGE
        )
        created.append(services.create_round(actor=request.user, village=village, period=d["period"]))

    run_for_page(request, create, _("已发起评定。"))
    return redirect("credit:round", pk=created[0].pk) if created else redirect("credit:rounds")


def _round_page(request, pk, failure=None):
    rnd = get_object_or_404(selectors.round_detail_queryset(request.user), pk=pk)
    ratings = selectors.ratings_for(request.user).filter(round=rnd).order_by("-score", "id")[:500]
    return render(
        request,
        "credit/round_detail.html",
        {
            "round": rnd,
            "ratings": ratings,
            "available": ROUND_WORKFLOW.available(request.user, rnd),
            "may_nominate": rnd.status == RoundStatus.DRAFT
            and ROUND_WORKFLOW.may(request.user, rnd, ROUND_WORKFLOW.get("propose")),
            "open_objections": [o for o in rnd.objections.all() if not o.answered_at],
            **failure_context(failure),
        },
    )


@login_required
def round_detail(request, pk):
    return _round_page(request, pk)


# 提报, 审核, 发布, 异议, …: one view for every action of the round page (governance.actions).
round_action = action_view(
    ROUND_ACTIONS, page=_round_page, next_url=lambda request, pk: reverse("credit:round", args=[pk])
)


@login_required
@require_POST
def round_nominate(request, pk):
    run_for_page(
        request,
        lambda: services.nominate(actor=request.user, round_id=pk, whole_village=True),
        _("已将全村农户列入评定。"),
    )
    return redirect("credit:round", pk=pk)


@login_required
def proposals(request):
    """评定小组：待决定的加减分和否决提议（来自结案事件或村级提报）。"""
    _require_evaluator(request.user)
    facts = selectors.pending_facts_for(request.user).order_by("id")[:PAGE_SIZE]
    return render(request, "credit/proposals.html", {"facts": facts})


@login_required
@require_POST
def decide(request, pk):
    apply = request.POST.get("decision") == "apply"
    version = request.POST.get("version")
    run_for_page(
        request,
        lambda: services.decide_fact(
            actor=request.user,
            fact_id=pk,
            apply=apply,
            note=request.POST.get("note", ""),
            version=int(version) if version and version.isdigit() else None,
        ),
        _("已采纳。") if apply else _("已不予采纳。"),
    )
    return redirect("credit:proposals")


@login_required
def cooperative(request):
    """农信社：按身份证号或统一社会信用代码查询（须填写事由，留痕），授信，登记用信和还款。"""
    if not selectors.is_lender(request.user):
        raise Http404
    answer, subject = None, None
    if request.method == "POST":
        found = []
        ok = run_for_page(
            request,
            lambda: found.append(
                integrity.check_integrity(
                    actor=request.user,
                    reason=request.POST.get("reason", ""),
                    id_number=request.POST.get("id_number", "").strip(),
                    credit_code=request.POST.get("credit_code", "").strip(),
                )
            ),
            _("查询已记录。"),
        )
        if ok:
            answer = found[0]
            subject = _subject_of(request.user, answer)
    lines = selectors.lines_for(request.user).order_by("-id")[:PAGE_SIZE]
    return render(
        request,
        "credit/cooperative.html",
        {"answer": answer, "subject": subject, "lines": lines, "movement_kinds": MovementKind.choices},
    )


def _subject_of(user, answer):
    """The subject the check found, with its standing (grade, line, validity) for the grant form."""
    if answer.subject_id is None:
        return None
    subject = selectors.subjects_for(user).filter(pk=answer.subject_id).first()
    if subject is not None:
        subject.standing = standing(subject, timezone.localdate())
    return subject


@login_required
@require_POST
def grant(request):
    def call():
        d = parse(s.GrantInputSerializer, form_data(request))
        lending.grant_line(
            actor=request.user, subject_id=d["subject"], amount=d["amount"], granted_on=d.get("granted_on")
        )

    run_for_page(request, call, _("已授信。"))
    return redirect("credit:cooperative")


@login_required
@require_POST
def movement(request, pk):
    def call():
        lending.record_movement(actor=request.user, line_id=pk, **parse(s.MovementInputSerializer, form_data(request)))

    run_for_page(request, call, _("已登记。"))
    return redirect("credit:cooperative")

"""Browser pages of governance credit: the command centre's overview and 红黑榜, the evaluation
work (rounds at village / township / county, the proposals queue) and the cooperative's lookup.

Thin like the API: reads through selectors, every write through the same services (the round
actions through the ACTIONS table the API uses). Ordinary form posts; errors come back as
messages, a stale page (409) reloads with a warning.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.errors import Conflict
from grids.levels import AreaLevel
from grids.models import Area
from grids.scoping import VIEW_CREDIT

from . import figures, integrity, lending, selectors, services
from .actions import ROUND_ACTIONS
from .constants import MovementKind, RoundStatus
from .standing import standing
from .workflow import ROUND_WORKFLOW

PAGE_SIZE = 50


def _require_evaluator(user):
    if not selectors.is_evaluator(user):
        raise Http404


def _message_for(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(m for messages_ in exc.message_dict.values() for m in messages_)
    return "；".join(exc.messages)


def _run(request, call, success: str) -> bool:
    """Call a service for a page: its problems become messages. True when it went through."""
    try:
        call()
    except Conflict as exc:
        messages.warning(request, exc.message + _(" 已为您重新载入最新内容。"))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您无权执行此操作。"))
    except ValidationError as exc:
        messages.error(request, _message_for(exc))
    else:
        messages.success(request, success)
        return True
    return False


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
        {"rows": figures.figures(request.user, level=level), "level": level, "grades": ["AAA", "AA", "A", "未评级"]},
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
    village = get_object_or_404(
        Area.objects.restrict(request.user, VIEW_CREDIT), pk=request.POST.get("village") or 0, level=AreaLevel.VILLAGE
    )
    created = []
    _run(
        request,
        lambda: created.append(
            services.create_round(actor=request.user, village=village, period=request.POST.get("period", ""))
        ),
        _("已发起评定。"),
    )
    return redirect("credit:round", pk=created[0].pk) if created else redirect("credit:rounds")


@login_required
def round_detail(request, pk):
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
        },
    )


@login_required
@require_POST
def round_action(request, pk, action):
    if action not in ROUND_ACTIONS:
        raise Http404
    serializer_class, call, label = ROUND_ACTIONS[action]
    serializer = serializer_class(data=request.POST)

    def run():
        if not serializer.is_valid():
            raise ValidationError(serializer.errors)
        call(pk, request.user, serializer.validated_data)

    _run(request, run, _("已完成：%(label)s") % {"label": label.split("（")[0]})
    return redirect("credit:round", pk=pk)


@login_required
@require_POST
def round_nominate(request, pk):
    _run(
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
    _run(
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
        ok = _run(
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
    amount = request.POST.get("amount", "")
    _run(
        request,
        lambda: lending.grant_line(
            actor=request.user,
            subject_id=int(request.POST.get("subject") or 0),
            amount=int(amount) if amount.isdigit() else -1,
        ),
        _("已授信。"),
    )
    return redirect("credit:cooperative")


@login_required
@require_POST
def movement(request, pk):
    amount = request.POST.get("amount", "")
    _run(
        request,
        lambda: lending.record_movement(
            actor=request.user,
            line_id=pk,
            kind=request.POST.get("kind", ""),
            amount=int(amount) if amount.isdigit() else -1,
        ),
        _("已登记。"),
    )
    return redirect("credit:cooperative")

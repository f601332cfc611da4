"""What disputes adds to incidents' pages. The case page's mediation and petition panel
(settings.CASE_PAGE_SECTIONS): a dispute case shows its chain of mediations and, to those who
may, the form that opens one; a petition case shows its petition — a few queries, nothing for
other cases. The weekly evaluation's page (settings.WEEKLY_REVIEW_SECTIONS): the week's figures."""

import datetime as dt

from django.db.models import Prefetch
from django.http import Http404

from incidents.constants import FINAL_STATES, Source
from incidents.sections import Section

from . import figures, selectors, services
from .constants import Difficulty, MediationStatus, PartySide
from .models import Mediator
from .workflow import LEVEL_ROLES


def _may_open(user, case, chain) -> bool:
    if case.status in FINAL_STATES or any(m.status != MediationStatus.ESCALATED for m in chain):
        return False
    roles = user.role_names()
    return user.is_superuser or any(LEVEL_ROLES[level] & roles for level in LEVEL_ROLES)


def case_section(request, case):
    dispute = services.is_dispute(case.category)
    petition = case.source == Source.PETITION
    if not (dispute or petition):
        return []
    user = request.user
    chain = list(selectors.mediations_of_case(user, case)) if dispute else []
    found = selectors.petitions_for(user).filter(case=case).first() if petition else None
    may_open = dispute and _may_open(user, case, chain)
    bodies = []
    if may_open:
        active = Mediator.objects.filter(is_active=True).order_by("name")
        bodies = list(
            services.bodies_serving(case).prefetch_related(Prefetch("mediators", queryset=active)).order_by("level")
        )
    section = Section(
        "disputes/_case_section.html",
        {
            "case": case,
            "dispute": dispute,
            "mediations": chain,
            "petition": found,
            "may_open": may_open and bool(bodies),
            "bodies": bodies,
            "difficulties": Difficulty.choices,
            "sides": PartySide.choices,
        },
    )
    return [section]


def weekly_section(request, evaluation):
    """周评: the week's mediation and petition figures of the user's area, per township or village."""
    try:
        area = figures.area_for(request.user, "")
    except Http404:
        return []
    start, end = evaluation.week_start, evaluation.week_start + dt.timedelta(days=6)
    total, rows = figures.table(area, start, end)
    context = {"area": area, "start": start, "end": end, "total": total, "rows": rows}
    return [Section("disputes/_weekly_section.html", {"report": context})]

"""The dashboard's panels: a small registry so that any app adds its tile without touching this
code — write a `Panel` and put its dotted path in `settings.DASHBOARD_PANELS` (in place of the
placeholder with the same key, once the feature lands).

A panel's `compute(scope, now)` returns JSON-able content of this shape (every part optional):

    {
      "title": "各乡镇在办事件",                       # overrides the panel's title
      "figures": [{"label": "今日新增", "value": 12, "unit": "件",
                   "href": "/desk/?…", "tone": "danger|warning|success|"}],
      "chart": {"kind": "bar|hbar|line", "labels": ["城关镇", …], "stacked": false,
                "series": [{"name": "在办", "data": [3, …], "hrefs": ["/desk/?…", …]}]},
      "rows": [{"label": "城关镇", "value": "98.5", "href": "/…"}],
      "note": "说明文字",
    }

Every figure, bar, point and row carries the `href` of the list behind it. Content is cached per
panel and area for `ttl` seconds (Django's cache), so it is computed once per area and period
whoever is watching; `compute` gets only the area (`OversightScope`), never the viewer, which is
what makes that sharing safe. Who sees a panel: holders of `perm` on the area (e.g.
`view_insurance_records` for the insurance tile).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from care import figures as care_figures
from credit import figures as credit_figures
from disputes import figures as dispute_figures
from grids.levels import AreaLevel, ancestor_path
from grids.models import HouseholdColour
from grids.scoping import VIEW, VIEW_CREDIT, VIEW_INSURANCE, in_scope
from incidents import response
from incidents.constants import CaseStatus, Urgency
from incidents.models import Case
from incidents.reviews.models import SubjectKind, WeeklyEvaluation, WeeklyScore
from insurance import figures as insurance_figures
from insurance.constants import ClaimStatus

from . import case_figures
from .case_figures import stability_rows
from .constants import Colour
from .links import OPEN, cases_url
from .scope import OversightScope

DEFAULT_TTL = 45  # seconds: the wall screen polls every 30 s
TONES = {Colour.GREEN: "success", Colour.YELLOW: "warning", Colour.ORANGE: "warning", Colour.RED: "danger"}


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    compute: Callable[[OversightScope, dt.datetime], dict] | None = None  # None: a placeholder
    placeholder: str = ""  # what a placeholder says until its feature lands
    width: int = 6  # Bootstrap columns (of 12) on a wide screen
    perm: str = VIEW  # area permission the viewer needs on the shown area
    ttl: int = DEFAULT_TTL

    @property
    def is_placeholder(self) -> bool:
        return self.compute is None

    def content(self, scope: OversightScope, now: dt.datetime | None = None) -> dict:
        """The panel's content for the area, from the cache or computed (and cached)."""
        if self.compute is None:
            return {"note": str(self.placeholder)}
        key = f"oversight:panel:{self.key}:{scope.cache_key}"
        content = cache.get(key)
        if content is None:
            content = self.compute(scope, now or timezone.now())
            content["computed_at"] = timezone.localtime().strftime("%H:%M:%S")
            cache.set(key, content, self.ttl)
        return content


def registered() -> list[Panel]:
    """The panels of settings.DASHBOARD_PANELS, in order (keys must be unique)."""
    panels = [import_string(path) for path in settings.DASHBOARD_PANELS]
    keys = [p.key for p in panels]
    if len(set(keys)) != len(keys):
        raise ImproperlyConfigured(f"DASHBOARD_PANELS has duplicate keys: {keys}")
    return panels


def visible(user, scope: OversightScope) -> list[Panel]:
    return [p for p in registered() if in_scope(user, p.perm, scope.area)]


def find(user, scope: OversightScope, key: str) -> Panel | None:
    return next((p for p in visible(user, scope) if p.key == key), None)


# ---------------------------------------------------------------------------- the case panels


def _today(scope: OversightScope, now: dt.datetime) -> dict:
    f = case_figures.headline(scope, now)
    here = scope.cases_url
    today = timezone.localdate(now).isoformat()
    since = case_figures.trend_days(now)[0].isoformat()
    rate = f["on_time_rate"]
    return {
        "figures": [
            {
                "key": "new_today",
                "label": str(_("今日新增")),
                "value": f["new_today"],
                "unit": str(_("件")),
                "href": here(created_from=today, created_to=today),
            },
            {
                "key": "closed_today",
                "label": str(_("今日结案")),
                "value": f["closed_today"],
                "unit": str(_("件")),
                "href": here(status=CaseStatus.CLOSED.value, closed_from=today),
                "tone": "success",
            },
            {
                "key": "overdue",
                "label": str(_("超期未办")),
                "value": f["overdue"],
                "unit": str(_("件")),
                "href": here(overdue="true"),
                "tone": "danger" if f["overdue"] else "",
            },
            {
                "key": "urgent",
                "label": str(_("紧急在办")),
                "value": f["urgent"],
                "unit": str(_("件")),
                "href": here(urgency=Urgency.URGENT.value, **OPEN),
                "tone": "warning" if f["urgent"] else "",
            },
            {
                "key": "open",
                "label": str(_("在办总数")),
                "value": f["open"],
                "unit": str(_("件")),
                "href": here(**OPEN),
            },
            {
                "key": "on_time_rate",
                "label": str(_("近30日按期结案率")),
                "value": rate,
                "unit": "%" if rate is not None else "",
                "href": here(status=CaseStatus.CLOSED.value, closed_from=since),
                "tone": "success" if rate is not None and rate >= 90 else "warning",
            },
        ],
        "note": str(_("近30日结案 %(closed)d 件，其中按期 %(on_time)d 件"))
        % {"closed": f["closed_30"], "on_time": f["on_time_30"]},
    }


def _by_area(scope: OversightScope, now: dt.datetime) -> dict:
    rows = case_figures.open_by_child_area(scope, now)
    child_level = AreaLevel(scope.child_level)
    title = {
        AreaLevel.COUNTY: _("各县（市、区）在办事件"),
        AreaLevel.TOWNSHIP: _("各乡镇在办事件"),
        AreaLevel.VILLAGE: _("各村（社区）在办事件"),
        AreaLevel.GRID: _("各网格在办事件"),
    }[child_level]
    return {
        "title": str(title),
        "chart": {
            "kind": "bar",
            "labels": [r["name"] for r in rows],
            "series": [
                {
                    "name": str(_("在办")),
                    "data": [r["open"] - r["overdue"] for r in rows],
                    "hrefs": [cases_url(child_level, r["id"], overdue="false", **OPEN) for r in rows],
                },
                {
                    "name": str(_("超期")),
                    "data": [r["overdue"] for r in rows],
                    "hrefs": [cases_url(child_level, r["id"], overdue="true") for r in rows],
                },
            ],
            "stacked": True,
        },
    }


def _by_category(scope: OversightScope, now: dt.datetime) -> dict:
    here = scope.cases_url
    rows = case_figures.new_by_category(scope, now)
    since = case_figures.trend_days(now)[0].isoformat()
    rows = list(reversed(rows))  # a horizontal bar chart draws its first label at the bottom
    return {
        "chart": {
            "kind": "hbar",
            "labels": [r["name"] for r in rows],
            "series": [
                {
                    "name": str(_("上报")),
                    "data": [r["count"] for r in rows],
                    "hrefs": [here(category=r["id"], created_from=since) for r in rows],
                }
            ],
        }
    }


def _trend(scope: OversightScope, now: dt.datetime) -> dict:
    here = scope.cases_url
    trend = case_figures.daily_trend(scope, now)
    days = [d.isoformat() for d in trend["days"]]
    return {
        "chart": {
            "kind": "line",
            "labels": [d[5:] for d in days],
            "series": [
                {
                    "name": str(_("新增")),
                    "data": trend["new"],
                    "hrefs": [here(created_from=d, created_to=d) for d in days],
                },
                {
                    "name": str(_("结案")),
                    "data": trend["closed"],
                    "hrefs": [here(status=CaseStatus.CLOSED.value, closed_from=d, closed_to=d) for d in days],
                },
            ],
        }
    }


TODAY = Panel("today", _("今日态势"), _today, width=12)
TREND = Panel("trend", _("近30日事件趋势"), _trend, width=3)
BY_AREA = Panel("by_area", _("分区域在办事件"), _by_area, width=4)
BY_CATEGORY = Panel("by_category", _("近30日事件分类"), _by_category, width=3)

WALL_TIMERS = 2  # the most pressing running 115 timers the tile counts down


def _percent(rate) -> dict:
    return {"value": round(rate * 100), "unit": "%"} if rate is not None else {"value": "—", "unit": ""}


def _urgent_response(scope: OversightScope, now: dt.datetime) -> dict:
    """“115” of the area (incidents/response.py): today's and this week's compliance rate, the
    timers running now and the most pressing of them counting down (docs/urgent.md)."""
    cases = Case.objects.filter(**scope.cases_filter)
    today = timezone.localdate(now)
    day_start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    f = response.area_summary(cases, day_start, day_start - dt.timedelta(days=today.weekday()), now)
    running = list(response.running_for(cases)[:WALL_TIMERS])
    urgent = scope.cases_url(urgency=Urgency.URGENT.value, **OPEN)

    def tone(rate):
        return "" if rate is None else ("success" if rate >= 0.9 else "danger")

    return {
        "figures": [
            {
                "key": "day_rate",
                "label": str(_("今日达标率")),
                **_percent(f["day_rate"]),
                "href": urgent,
                "tone": tone(f["day_rate"]),
            },
            {
                "key": "week_rate",
                "label": str(_("本周达标率")),
                **_percent(f["week_rate"]),
                "href": urgent,
                "tone": tone(f["week_rate"]),
            },
            {
                "key": "running",
                "label": str(_("计时中")),
                "value": f["running"],
                "unit": str(_("件")),
                "href": urgent,
                "tone": "warning" if running else "",
            },
        ],
        "timers": [
            {
                "number": r.case.number,
                "href": reverse("incidents:case", args=[r.case_id]),
                "stage": r.get_stage_display(),
                "due": int(r.due_at.timestamp()),
                "alert": r.alert_seconds,
            }
            for r in running
        ],
        "note": str(_("本周接报 %(n)d 件：1分钟推送、1分钟派遣、5分钟到场")) % {"n": f["week_received"]},
    }


URGENT_RESPONSE = Panel("urgent_response", _("115 快速响应"), _urgent_response, width=2, ttl=10)

# Whose ranking a dashboard shows: the level below the area, as 周评 ranks it.
RANKED_BELOW = {
    AreaLevel.CITY: (SubjectKind.COUNTY, "county_id__in"),  # a city ranks its counties
    AreaLevel.COUNTY: (SubjectKind.TOWNSHIP, "county_id"),
    AreaLevel.TOWNSHIP: (SubjectKind.VILLAGE, "township_id"),
    AreaLevel.VILLAGE: (SubjectKind.GRID_WORKER, "village_id"),
}
RANKING_ROWS = 5


def _weekly_ranking(scope: OversightScope, now: dt.datetime) -> dict:
    """The latest published 周评: the first places of the level below the area, linking to the ranking."""
    evaluation = WeeklyEvaluation.objects.filter(published_at__isnull=False).order_by("-week_start").first()
    if evaluation is None or scope.area.level not in RANKED_BELOW:
        return {"note": str(_("尚无已发布的周评（每周一 08:00 评出上一周）。"))}
    kind, column = RANKED_BELOW[scope.area.level]
    scores = WeeklyScore.objects.filter(
        evaluation=evaluation, kind=kind, **{column: list(scope.counties) if scope.is_city else scope.area.id}
    )
    href = f"{reverse('reviews:weekly')}?week={evaluation.week_start.isoformat()}&kind={kind}"
    return {
        "rows": [
            {"label": f"{s.rank}. {s.name}", "value": f"{s.score:.1f}", "tone": "primary", "href": href}
            for s in scores.order_by("rank", "name")[:RANKING_ROWS]
        ],
        "note": str(_("%(week)s 当周得分，前 %(n)d 名")) % {"week": evaluation.week_start, "n": RANKING_ROWS},
    }


WEEKLY_RANKING = Panel("weekly_ranking", _("周评排名"), _weekly_ranking, width=2)


def _count(n) -> str:
    return f"{n:,}"


def _wan(yuan) -> str:
    """Yuan as 万元 with one decimal and thousands separators (2,150,000 → "215.0")."""
    return f"{float(yuan) / 10_000:,.1f}"


def _policy_filter(scope: OversightScope) -> dict:
    """Policies are bought per township: a village's dashboard shows its township's policy."""
    if scope.area.level == AreaLevel.VILLAGE:
        return {"township__path": ancestor_path(scope.area.path, AreaLevel.VILLAGE, AreaLevel.TOWNSHIP)}
    return scope.cases_filter


def _insurance(scope: OversightScope, now: dt.datetime) -> dict:
    """平安家园保险 of the area: insured population (policies in force), claims open and settled
    this year, the loss ratio; counts and sums only, each linking to the scoped insurance pages."""
    today = timezone.localdate(now)
    f = insurance_figures.area_summary(scope.cases_filter, _policy_filter(scope), today)
    claims = reverse("insurance:claims")
    ratio = f["loss_ratio"]
    village = scope.area.level == AreaLevel.VILLAGE
    return {
        "figures": [
            {
                "key": "insured",
                "label": str(_("所属乡镇参保人口") if village else _("参保人口")),
                "value": _count(f["population"]),
                "unit": str(_("人")),
                "href": f"{reverse('insurance:policies')}?year={today.year}",
                "tone": "" if f["policies"] else "warning",
            },
            {
                "key": "claims_open",
                "label": str(_("在办理赔")),
                "value": _count(f["open"]),
                "unit": str(_("件")),
                "href": f"{claims}?all=1",
                "tone": "warning" if f["open"] else "",
            },
            {
                "key": "claims_settled",
                "label": str(_("今年已赔付")),
                "value": _count(f["settled_this_year"]),
                "unit": str(_("件")),
                "href": f"{claims}?status={ClaimStatus.SETTLED.value}",
                "tone": "success",
            },
            {
                "key": "loss_ratio",
                "label": str(_("赔付率")),
                "value": f"{ratio * 100:.1f}" if ratio is not None else "—",
                "unit": "%" if ratio is not None else "",
                "href": f"{reverse('insurance:figures')}?year={today.year}",
            },
        ],
        "note": (
            str(_("今年赔付 %(paid)s 万元；保费 %(premium)s 万元"))
            % {"paid": _wan(f["paid_this_year"]), "premium": _wan(f["premium"])}
            if not village
            else str(_("保单按乡镇投保，赔付率见乡镇大屏"))
        ),
    }


INSURANCE = Panel("insurance", _("平安家园保险"), _insurance, width=2, perm=VIEW_INSURANCE)


def _credit(scope: OversightScope, now: dt.datetime) -> dict:
    """综治信用 of the area: ratings in effect by grade, lines granted and drawn, facts waiting for
    the evaluation group; counts and sums only (no subject, score or veto reason)."""
    f = credit_figures.area_summary(scope.cases_filter, timezone.localdate(now))
    overview, lending = reverse("credit:overview"), reverse("credit:cooperative")
    return {
        "figures": [
            {
                "key": "lines",
                "label": str(_("授信户数")),
                "value": _count(f["lines"]),
                "unit": str(_("户")),
                "href": lending,
            },
            {
                "key": "granted",
                "label": str(_("授信额度")),
                "value": _wan(f["granted"]),
                "unit": str(_("万元")),
                "href": lending,
            },
            {
                "key": "drawn",
                "label": str(_("累计用信")),
                "value": _wan(f["drawn"]),
                "unit": str(_("万元")),
                "href": lending,
            },
            {
                "key": "pending",
                "label": str(_("待评定事实")),
                "value": _count(f["pending"]),
                "unit": str(_("条")),
                "href": reverse("credit:proposals"),
                "tone": "warning" if f["pending"] else "",
            },
        ],
        "rows": [{"label": grade, "value": _count(n), "href": overview} for grade, n in f["grades"].items()]
        + (
            [{"label": str(_("一票否决")), "value": _count(f["vetoed"]), "tone": "danger", "href": overview}]
            if f["vetoed"]
            else []
        ),
        "note": str(_("有效评级 %(n)s 户")) % {"n": _count(sum(f["grades"].values()) + f["vetoed"])},
    }


CREDIT = Panel("credit", _("综治信用"), _credit, width=2, perm=VIEW_CREDIT)


def _disputes(scope: OversightScope, now: dt.datetime) -> dict:
    """This month's mediation and petition figures of the area (disputes/figures.py), each linking
    to the figures page of the area."""
    today = timezone.localdate(now)
    t = dispute_figures.totals(scope.area, today.replace(day=1), today)
    href = f"{reverse('disputes:figures')}?area={scope.area.id}"

    def pct(value):
        return {"value": value, "unit": "%"} if value is not None else {"value": "—", "unit": ""}

    return {
        "figures": [
            {
                "key": "success_rate",
                "label": str(_("调解成功率")),
                **pct(t.success_rate),
                "href": href,
                "tone": "success" if (t.success_rate or 0) >= 90 else "",
            },
            {"key": "village_rate", "label": str(_("小事不出村")), **pct(t.village_rate), "href": href},
            {
                "key": "repeat_rate",
                "label": str(_("重复信访率")),
                **pct(t.repeat_rate),
                "href": href,
                "tone": "warning" if (t.repeat_rate or 0) > 10 else "",
            },
            {"key": "on_time_rate", "label": str(_("按期答复率")), **pct(t.on_time_rate), "href": href},
            {
                "key": "backlog_open",
                "label": str(_("在册积案")),
                "value": t.backlog_open,
                "unit": str(_("件")),
                "href": f"{reverse('disputes:backlog')}?area={scope.area.id}",
                "tone": "danger" if t.backlog_open else "",
            },
        ],
        "note": str(_("本月：调解终结 %(n)d 件，达成协议 %(a)d 件")) % {"n": t.concluded, "a": t.agreed},
    }


DISPUTES = Panel("disputes", _("矛盾调解与信访"), _disputes, width=2)


STABILITY_ROWS = 8  # the worst townships; the index page behind each row lists all of them


def _stability(scope: OversightScope, now: dt.datetime) -> dict:
    """The latest week's 社会稳定指数 of the townships in the area, worst first (the township of a
    village for a village's dashboard), each linking to the week's index page."""
    rows = stability_rows(scope)
    if not rows:
        return {"note": str(_("尚未计算稳定指数（每周一凌晨计算上一周）。"))}
    week = rows[0]["week_start"]
    href = f"{reverse('oversight:stability')}?week={week.isoformat()}"
    note = str(_("%(week)s 当周，指数越低越需关注")) % {"week": week.isoformat()}
    if len(rows) > STABILITY_ROWS:
        note += str(_("；共 %(n)d 个乡镇，列出最低的 %(shown)d 个")) % {"n": len(rows), "shown": STABILITY_ROWS}
    return {
        "rows": [
            {"label": r["township__name"], "value": f"{r['index']:.1f}", "tone": TONES[r["colour"]], "href": href}
            for r in rows[:STABILITY_ROWS]
        ],
        "note": note,
    }


STABILITY = Panel("stability", _("社会稳定指数"), _stability, width=2)


def _care(scope: OversightScope, now: dt.datetime) -> dict:
    """关爱守护: key people in care, visits due and done today and overdue, 一人四管 gaps, the 三色
    split, volunteer hours and the 家家帮 pairs and watch units of the area (counts only; the lists
    behind them are scoped pages)."""
    f = care_figures.area_figures(scope.cases_filter, timezone.localdate(now))
    plans, colours = reverse("care:home"), reverse("care:colours")
    return {
        "figures": [
            {"label": str(_("在管重点人员")), "value": f["plans"], "unit": "人", "href": plans},
            {"label": str(_("今日到期走访")), "value": f["due_today"], "unit": "人", "href": plans, "tone": "warning"},
            {
                "label": str(_("逾期未走访")),
                "value": f["overdue"],
                "unit": "人",
                "href": f"{plans}?overdue=1",
                "tone": "danger" if f["overdue"] else "",
            },
            {
                "label": str(_("一人四管不全")),
                "value": f["keepers_missing"],
                "unit": "人",
                "href": f"{plans}?keepers_complete=0",
            },
        ],
        "rows": [{"label": str(_("今日已走访")), "value": f["done_today"], "href": plans}]
        + [
            {"label": str(label), "value": f["colours"][colour], "href": colours}
            for colour, label in HouseholdColour.choices
        ]
        + [
            {"label": str(_("三色变更待确认")), "value": f["colour_changes_pending"], "href": colours},
            {
                "label": str(_("志愿者 / 服务小时")),
                "value": f"{f['volunteers']} / {f['hours'] or 0}",
                "href": reverse("care:volunteers"),
            },
            {
                "label": str(_("家家帮结对 / 挨户防 / 微网格")),
                "value": f"{f['pairs']} / {f['watch']} / {f['micro']}",
                "href": reverse("care:neighbours"),
            },
        ],
    }


CARE = Panel("care", _("关爱守护"), _care, width=2)

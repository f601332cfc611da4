"""The starting catalogue: handling units, the categories named in DOMAIN.md and their time
limits. `ensure_catalogue(county)` is idempotent: it adds what is missing and changes nothing
an admin has edited since."""

from django.db import transaction

from grids.levels import AreaLevel
from grids.models import Area

from .constants import HandlingLevel as L
from .constants import LimitUnit, Phase, UnitKind, Urgency
from .models import Category, ReplyTemplate, RoutingRule, TimeLimit, Unit

# Petty theft and similar property crime: what the safe-home insurance pays for (insurance app).
THEFT_CATEGORY = "ZA03"

DEPARTMENTS = [
    ("police", "县公安局"),
    ("urban", "县城市管理局"),
    ("emergency", "县应急管理局"),
    ("fire", "县消防救援大队"),
    ("land", "县自然资源局"),
    ("environment", "市生态环境局分局"),
    ("petition", "县信访局"),
    ("labour", "县人力资源和社会保障局"),
    ("civil", "县民政局"),
    ("health", "县卫生健康委员会"),
    ("transport", "县交通运输局"),
]

# (code, name, level, urgency, default department, children: (code, name, level, department))
CATEGORIES = [
    (
        "MD",
        "矛盾纠纷",
        L.TOWNSHIP,
        Urgency.NORMAL,
        None,
        [
            ("MD01", "婚姻家庭纠纷", L.VILLAGE, None),
            ("MD02", "邻里纠纷", L.VILLAGE, None),
            ("MD03", "土地纠纷", L.TOWNSHIP, None),
            ("MD04", "建房纠纷", L.TOWNSHIP, None),
            ("MD05", "劳资纠纷", L.DEPARTMENT, "labour"),
        ],
    ),
    (
        "ZA",
        "治安隐患",
        L.DEPARTMENT,
        Urgency.NORMAL,
        "police",
        [
            ("ZA01", "治安隐患", L.DEPARTMENT, "police"),
            ("ZA02", "可疑人员线索", L.DEPARTMENT, "police"),
            (THEFT_CATEGORY, "盗窃（侵财）", L.DEPARTMENT, "police"),
        ],
    ),
    (
        "XF",
        "消防隐患",
        L.VILLAGE,
        Urgency.NORMAL,
        "fire",
        [
            ("XF01", "飞线充电", L.VILLAGE, None),
            ("XF02", "电动车违规停放充电", L.VILLAGE, None),
            ("XF03", "其他消防隐患", L.DEPARTMENT, "fire"),
        ],
    ),
    (
        "AQ",
        "安全生产",
        L.DEPARTMENT,
        Urgency.NORMAL,
        "emergency",
        [
            ("AQ01", "安全生产隐患", L.DEPARTMENT, "emergency"),
            ("AQ02", "安全生产事故", L.DEPARTMENT, "emergency"),
        ],
    ),
    (
        "WJ",
        "违法建设",
        L.TOWNSHIP,
        Urgency.NORMAL,
        "land",
        [
            ("WJ01", "违法建设", L.TOWNSHIP, None),
            ("WJ02", "违法占用耕地", L.DEPARTMENT, "land"),
        ],
    ),
    (
        "HJ",
        "环境卫生",
        L.TOWNSHIP,
        Urgency.NORMAL,
        "urban",
        [
            ("HJ01", "道路堆物占道", L.TOWNSHIP, None),
            ("HJ02", "垃圾乱堆乱倒", L.VILLAGE, None),
            ("HJ03", "环境污染", L.DEPARTMENT, "environment"),
        ],
    ),
    (
        "CZ",
        "出租房屋",
        L.DEPARTMENT,
        Urgency.NORMAL,
        "police",
        [
            ("CZ01", "出租房屋管理", L.DEPARTMENT, "police"),
        ],
    ),
    (
        "XS",
        "信访事项",
        L.DEPARTMENT,
        Urgency.NORMAL,
        "petition",
        [
            ("XS01", "信访诉求", L.DEPARTMENT, "petition"),
        ],
    ),
    (
        "FW",
        "困难群众服务",
        L.TOWNSHIP,
        Urgency.NORMAL,
        "civil",
        [
            ("FW01", "困难帮扶", L.TOWNSHIP, None),
            ("FW02", "重点人员关爱", L.VILLAGE, None),
        ],
    ),
    (
        "YJ",
        "突发事件",
        L.DEPARTMENT,
        Urgency.URGENT,
        "emergency",
        [
            ("YJ01", "防汛险情", L.DEPARTMENT, "emergency"),
            ("YJ02", "森林火情", L.DEPARTMENT, "fire"),
            ("YJ03", "公共卫生事件", L.DEPARTMENT, "health"),
        ],
    ),
    (  # recorded so that the safe-area assessment can count them (oversight: 无命案, 刑事案件少)
        "XA",
        "刑事案件",
        L.DEPARTMENT,
        Urgency.URGENT,
        "police",
        [
            ("XA01", "命案", L.DEPARTMENT, "police"),
            ("XA02", "电信网络诈骗", L.DEPARTMENT, "police"),
            ("XA03", "其他刑事案件", L.DEPARTMENT, "police"),
        ],
    ),
    # 道路交通: a blocked or damaged road goes to the transport bureau; a broken street light is the
    # township's (village and town lighting is maintained by the township, the county seat's by 城管
    # through a routing rule an admin adds).
    (
        "DL",
        "道路交通",
        L.DEPARTMENT,
        Urgency.NORMAL,
        "transport",
        [
            ("DL01", "道路阻断", L.DEPARTMENT, "transport"),
            ("DL02", "路灯损坏", L.TOWNSHIP, None),
            ("DL03", "道路破损", L.DEPARTMENT, "transport"),
        ],
    ),
]

# Per level: (phase, red amount, yellow amount, unit)
NORMAL_LIMITS = {
    L.VILLAGE: [
        (Phase.SIGN, 60, 45, LimitUnit.MINUTES),
        (Phase.HANDLE, 3, 2, LimitUnit.WORKING_DAYS),
        (Phase.VERIFY, 24, 16, LimitUnit.HOURS),
    ],
    L.TOWNSHIP: [
        (Phase.SIGN, 120, 90, LimitUnit.MINUTES),
        (Phase.HANDLE, 5, 3, LimitUnit.WORKING_DAYS),
        (Phase.VERIFY, 24, 16, LimitUnit.HOURS),
    ],
    L.DEPARTMENT: [
        (Phase.SIGN, 240, 180, LimitUnit.MINUTES),
        (Phase.HANDLE, 7, 5, LimitUnit.WORKING_DAYS),
        (Phase.VERIFY, 48, 36, LimitUnit.HOURS),
    ],
}
URGENT_LIMITS = [
    (Phase.SIGN, 15, 10, LimitUnit.MINUTES),
    (Phase.HANDLE, 4, 3, LimitUnit.HOURS),
    (Phase.VERIFY, 4, 3, LimitUnit.HOURS),
]


# (action, category code or None for every category, text)
REPLY_TEMPLATES = [
    ("reject", None, "经核实，该事项不属于网格事件受理范围，已告知反映人通过相应渠道办理。"),
    ("reject", None, "经核实，反映情况不属实。"),
    ("return", None, "经核实，该事项不属于本单位职责范围，请重新派遣。"),
    ("dispose", "MD", "经村调解委员会调解，双方达成一致意见，矛盾已化解。"),
    ("dispose", "HJ", "已组织人员清理，现场恢复整洁通畅。"),
    ("dispose", "XF", "已督促住户拆除飞线，电动车已规范停放充电。"),
    ("rework", None, "现场核查问题仍未解决，请继续处置并上传处置后照片。"),
    ("urge", None, "该事件即将超期，请抓紧办理。"),
    ("callback", None, "已回访反映人，对处置结果表示满意。"),
]


def _own_unit(county: Area, code: str, kind: str, name: str) -> Unit:
    """The county's unit `code`: the installation's first county keeps the plain code (the
    single-county installation as always); another county of a prefecture gets its own unit
    `<code>-<county code>` named after it."""
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        return Unit.objects.create(code=code, kind=kind, name=name, area=county)
    if unit.area_id == county.id:
        return unit
    unit, _ = Unit.objects.get_or_create(
        code=f"{code}-{county.code}", defaults={"kind": kind, "name": f"{county.name}{name}", "area": county}
    )
    return unit


def ensure_units(county: Area) -> dict[str, Unit]:
    """The command centre, the departments, and one unit per township and village (per county:
    each county of a prefecture has its own centre and departments)."""
    units = {"centre": _own_unit(county, "command-centre", UnitKind.COMMAND_CENTRE, "县综治指挥中心")}
    for code, name in DEPARTMENTS:
        units[code] = _own_unit(county, f"dept-{code}", UnitKind.DEPARTMENT, name)
    have = set(Unit.objects.filter(kind__in=[UnitKind.TOWNSHIP, UnitKind.VILLAGE]).values_list("area_id", flat=True))
    missing = Area.objects.filter(path__startswith=county.path, level__in=[AreaLevel.TOWNSHIP, AreaLevel.VILLAGE])
    Unit.objects.bulk_create(
        [
            Unit(
                kind=UnitKind.TOWNSHIP if a.level == AreaLevel.TOWNSHIP else UnitKind.VILLAGE,
                code=f"area-{a.code}",
                name=f"{a.name}综治中心" if a.level == AreaLevel.TOWNSHIP else f"{a.name}网格站",
                area=a,
            )
            for a in missing.exclude(pk__in=have).only("id", "code", "name", "level")
        ],
        batch_size=1000,
    )
    return units


def _own_department_routes(county: Area, units: dict[str, Unit]) -> None:
    """The catalogue's department categories name the first county's departments as their
    default; another county of a prefecture sends them to its own departments by routing rules
    on the county node (the same rules an admin edits in the console, per county)."""
    own = {f"dept-{code}": units[code] for code, _name in DEPARTMENTS}
    leaves = Category.objects.filter(handling_level=L.DEPARTMENT).select_related(
        "default_unit", "parent__default_unit"
    )
    rules = []
    for category in leaves:
        default = category.default_unit or (category.parent.default_unit if category.parent_id else None)
        if default is None or default.area_id == county.id or default.code not in own:
            continue
        rules.append(RoutingRule(category=category, area=county, unit=own[default.code]))
    RoutingRule.objects.bulk_create(rules, ignore_conflicts=True)  # one rule per category and area


@transaction.atomic
def ensure_catalogue(county: Area) -> None:
    units = ensure_units(county)
    for code, name, level, urgency, dept, children in CATEGORIES:
        parent, _ = Category.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "handling_level": level,
                "urgency": urgency,
                "default_unit": units[dept] if dept else None,
            },
        )
        for child_code, child_name, child_level, child_dept in children:
            Category.objects.get_or_create(
                code=child_code,
                defaults={
                    "parent": parent,
                    "name": child_name,
                    "handling_level": child_level,
                    "urgency": urgency,
                    "default_unit": units[child_dept] if child_dept else None,
                },
            )
        for limit_level, rows in NORMAL_LIMITS.items():
            for phase, amount, warn, unit in URGENT_LIMITS if urgency == Urgency.URGENT else rows:
                TimeLimit.objects.get_or_create(
                    category=parent,
                    level=limit_level,
                    phase=phase,
                    county=None,
                    defaults={"amount": amount, "warn_amount": warn, "unit": unit},
                )
    _own_department_routes(county, units)
    if not ReplyTemplate.objects.exists():
        by_code = dict(Category.objects.filter(parent__isnull=True).values_list("code", "id"))
        ReplyTemplate.objects.bulk_create(
            [
                ReplyTemplate(action=action, category_id=by_code.get(code), text=text)
                for action, code, text in REPLY_TEMPLATES
            ]
        )

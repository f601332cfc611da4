"""The column layouts of the three spreadsheet kinds and the words accepted in their cells.

Import and export share these, so an exported file re-imports unchanged.
"""

import functools
from dataclasses import dataclass

from django.utils import translation

from governance.roles import Role

from ..levels import AreaLevel
from ..models import HouseholdColour, RegisterStatus, Relation

AREAS = "areas"
ASSIGNMENTS = "assignments"
HOUSEHOLDS = "households"
KINDS = (AREAS, ASSIGNMENTS, HOUSEHOLDS)
SHEET_LANGUAGE = "zh-hans"  # labels in files are Chinese whatever the request's language


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = True  # a required column must be in the header (its cells may still be optional)


AREA_COLUMNS = (
    Column("区划代码"),
    Column("名称"),
    Column("层级"),
    Column("上级代码"),
    Column("人口数", required=False),
    Column("户数", required=False),
    Column("中心纬度", required=False),
    Column("中心经度", required=False),
)
ASSIGNMENT_COLUMNS = (
    Column("用户名"),
    Column("姓名", required=False),
    Column("手机号", required=False),
    Column("角色"),
    Column("区划代码"),
    Column("开始日期", required=False),
)
HOUSEHOLD_FIELD_COLUMNS = (
    Column("户编号"),
    Column("网格代码"),
    Column("户主姓名"),
    Column("住址"),
    Column("联系电话", required=False),
    Column("三色", required=False),
    Column("户籍状态", required=False),
    Column("户籍所在地", required=False),
)
RESIDENT_COLUMNS = (
    Column("成员姓名", required=False),
    Column("与户主关系", required=False),
    Column("身份证号", required=False),
    Column("成员手机号", required=False),
    Column("重点人员标签", required=False),
)
HOUSEHOLD_COLUMNS = HOUSEHOLD_FIELD_COLUMNS + RESIDENT_COLUMNS

COLUMNS = {AREAS: AREA_COLUMNS, ASSIGNMENTS: ASSIGNMENT_COLUMNS, HOUSEHOLDS: HOUSEHOLD_COLUMNS}


def header_of(kind: str) -> list[str]:
    return [c.name for c in COLUMNS[kind]]


def header_problem(kind: str, header: list[str]) -> str | None:
    """One message for everything wrong with a header (missing, unknown, repeated columns)."""
    known = {c.name for c in COLUMNS[kind]}
    present = [h for h in header if h]
    missing = [c.name for c in COLUMNS[kind] if c.required and c.name not in present]
    unknown = [h for h in present if h not in known]
    repeated = sorted({h for h in present if present.count(h) > 1}, key=present.index)
    parts = []
    if missing:
        parts.append("缺少必需的列：" + "、".join(missing))
    if unknown:
        parts.append("无法识别的列：" + "、".join(unknown))
    if repeated:
        parts.append("重复的列：" + "、".join(repeated))
    if not parts:
        return None
    return "表头有误，" + "；".join(parts) + "。可用的列：" + "、".join(c.name for c in COLUMNS[kind]) + "。"


# ---- words in cells ----------------------------------------------------------------------


def _key(text: str) -> str:
    return "".join(str(text).split()).replace("(", "（").replace(")", "）").lower()


def _lookup(choices, extra: dict[str, list[str]]) -> dict[str, str]:
    table = {}
    for value, label in choices.choices:
        table[_key(value)] = value
        table[_key(str(label))] = value
    for value, words in extra.items():
        for word in words:
            table[_key(word)] = value
    return table


LEVEL_WORDS = {
    AreaLevel.CITY: "市",
    AreaLevel.COUNTY: "县",
    AreaLevel.TOWNSHIP: "乡镇",
    AreaLevel.VILLAGE: "村",
    AreaLevel.GRID: "网格",
    AreaLevel.MICRO_GRID: "微网格",
}
COLOUR_WORDS = {HouseholdColour.GREEN: "绿", HouseholdColour.YELLOW: "黄", HouseholdColour.RED: "红"}


@functools.cache
def _words() -> dict[str, dict[str, str]]:
    """Accepted words → value, built on first use from the Chinese labels and the values."""
    with translation.override(SHEET_LANGUAGE):
        return _build_words()


def _build_words() -> dict[str, dict[str, str]]:
    return {
        "levels": _lookup(
            AreaLevel,
            {
                AreaLevel.CITY: ["市", "地级市", "市级", "设区的市"],
                AreaLevel.COUNTY: ["县", "县级", "区", "县区", "县（区）", "县/区"],
                AreaLevel.TOWNSHIP: ["乡镇", "乡", "镇", "街道", "乡镇/街道", "一级网格"],
                AreaLevel.VILLAGE: ["村", "社区", "村/社区", "村（社区）", "二级网格"],
                AreaLevel.GRID: ["网格", "基础网格", "三级网格"],
                AreaLevel.MICRO_GRID: ["微网格"],
            },
        ),
        "colours": _lookup(
            HouseholdColour,
            {
                HouseholdColour.GREEN: ["绿", "绿色", "放心户"],
                HouseholdColour.YELLOW: ["黄", "黄色", "关心户"],
                HouseholdColour.RED: ["红", "红色", "连心户"],
            },
        ),
        "statuses": _lookup(
            RegisterStatus,
            {
                RegisterStatus.REGISTERED_HERE: ["人户一致"],
                RegisterStatus.LIVING_HERE_ONLY: ["人在户不在", "外来人口"],
                RegisterStatus.REGISTERED_ONLY: ["户在人不在", "外出人口"],
            },
        ),
        "relations": _lookup(
            Relation,
            {
                Relation.HEAD: ["本人"],
                Relation.SPOUSE: ["妻", "妻子", "夫", "丈夫"],
                Relation.CHILD: ["子", "女", "儿子", "女儿", "长子", "长女", "次子", "次女"],
                Relation.PARENT: ["父", "母", "父亲", "母亲"],
                Relation.GRANDCHILD: ["孙子", "孙女", "外孙", "外孙女"],
            },
        ),
        "roles": _lookup(Role, {}),
    }


def parse_level(text: str) -> str | None:
    return _words()["levels"].get(_key(text))


def parse_colour(text: str) -> str | None:
    return _words()["colours"].get(_key(text))


def parse_register_status(text: str) -> str | None:
    return _words()["statuses"].get(_key(text))


def parse_relation(text: str) -> str | None:
    return _words()["relations"].get(_key(text))


def parse_role(text: str) -> str | None:
    return _words()["roles"].get(_key(text))


def split_tags(text: str) -> list[str]:
    """'孤寡老人、残疾人' / 'elderly_alone,disabled' → the words, in order, without repeats."""
    for sep in ("，", "、", ";", "；", "/"):
        text = text.replace(sep, ",")
    words = [w.strip() for w in text.split(",")]
    return list(dict.fromkeys(w for w in words if w))

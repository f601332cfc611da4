"""The weekly evaluation as an XLSX workbook: one sheet per kind of subject, one with formulas."""

import io

from openpyxl import Workbook

from .models import ReviewRules, SubjectKind
from .weekly import FORMULAS, RULE_FIELDS

COLUMNS = [
    ("rank", "名次"),
    ("name", "名称"),
    ("score", "得分"),
    ("due", "应结案数"),
    ("closed", "结案数"),
    ("closed_on_time", "按期结案数"),
    ("postponed", "缓办数"),
    ("close_rate", "结案率"),
    ("on_time_rate", "按期结案率"),
    ("rework", "返工数"),
    ("yellow_urges", "黄牌督办"),
    ("red_urges", "红牌督办"),
    ("reports", "上报数"),
    ("overdue", "超期数"),
    ("work_overdue", "逾期走访/回访"),
    ("satisfaction", "平均满意度"),
]


def _cell(value):
    return float(value) if value is not None and not isinstance(value, (int, str)) else value


def weekly_workbook(evaluation, scores) -> bytes:
    """`scores`: the caller's scoped queryset of this evaluation's rows."""
    book = Workbook(write_only=True)
    by_kind = {}
    for row in scores.order_by("kind", "rank", "name"):
        by_kind.setdefault(row.kind, []).append(row)
    for kind in SubjectKind:
        if kind == SubjectKind.COUNTY and kind.value not in by_kind:
            continue  # counties are ranked only in a prefecture
        sheet = book.create_sheet(str(kind.label).replace("/", "、"))  # "/" is not allowed in a sheet name
        sheet.append([label for _f, label in COLUMNS])
        for row in by_kind.get(kind.value, []):
            sheet.append([_cell(getattr(row, f)) for f, _label in COLUMNS])
    notes = book.create_sheet("计算公式")
    notes.append(["周评", f"{evaluation.week_start:%Y-%m-%d} 起一周"])
    for name, formula in FORMULAS:
        notes.append([name, str(formula)])
    notes.append([])
    notes.append(["所用规则", ""])
    for field in RULE_FIELDS:
        notes.append([str(ReviewRules._meta.get_field(field).verbose_name), evaluation.rules.get(field, "")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

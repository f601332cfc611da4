"""Writing XLSX sheets row by row (openpyxl's write-only mode: memory stays flat for a million
rows), with text that a spreadsheet would run as a formula defused (CSV/formula injection)."""

from collections.abc import Iterable
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula: prefix it with an apostrophe."""
    return "'" + value if value and value.startswith(FORMULA_START) else value


def write_sheet(fileobj, *, title: str, header: list[str], rows: Iterable[list], widths: dict | None = None) -> None:
    """One sheet with a bold header, dates formatted, into `fileobj`. `widths`: header → width."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for i, name in enumerate(header):
        sheet.column_dimensions[get_column_letter(i + 1)].width = (widths or {}).get(name, 14)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_cell(sheet, name, font=bold) for name in header])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    workbook.save(fileobj)


def _cell(sheet, value, font=None):
    if isinstance(value, str):
        value = safe_text(value)
    elif isinstance(value, datetime):
        value = value.replace(tzinfo=None)  # spreadsheets have no time zones: local time is written
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    if font:
        cell.font = font
    return cell

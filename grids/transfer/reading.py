"""Spreadsheets in: a CSV or XLSX file becomes a header and rows that keep the line number the
user sees in Excel (the header is line 1).

CSV is read as UTF-8 (with or without BOM) and, when that fails, as GB18030 (a superset of
GBK, which Chinese Excel writes by default). XLSX is read with openpyxl in read-only mode: the
first sheet, header in row 1, cached values instead of formulas.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

from governance.spreadsheets import FORMULA_START

# Export escapes a text cell that a spreadsheet would run as a formula with a leading quote
# (see governance.spreadsheets.safe_text); reading takes it off again so an export re-imports unchanged.

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary Excel format (OLE2)


class UnreadableFile(Exception):
    """The file cannot be read as a spreadsheet at all (not a per-row problem)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Row:
    """One data row: its line in the spreadsheet and its cells by (normalised) column name."""

    line: int
    values: dict[str, object]
    numeric: frozenset[str] = field(default_factory=frozenset)  # columns whose cell was an Excel number

    def text(self, column: str) -> str:
        value = self.values.get(column, "")
        if isinstance(value, date):
            return value.isoformat()
        return "" if value is None else str(value)

    def raw(self, column: str):
        return self.values.get(column, "")

    def is_blank(self) -> bool:
        return all(self.text(c) == "" for c in self.values)


@dataclass
class Table:
    header: list[str]
    rows: list[Row]


def normalise_header(name) -> str:
    """Header names are matched with every space (also full-width) taken out."""
    return re.sub(r"\s+", "", str(name or "")).lstrip("\ufeff")


def _cell(value) -> tuple[object, bool]:
    """A cell as text (or a date), and whether Excel stored it as a number."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, datetime):
        return (value.date() if value.time() == datetime.min.time() else value), False
    if isinstance(value, date):
        return value, False
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else repr(value)), True
    text = str(value).strip()
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_START:
        text = text[1:]
    return text, False


def _rows(header: list[str], records, max_rows: int) -> list[Row]:
    rows = []
    for line, record in records:
        if line > 5 * max_rows + 1000:  # blank rows too: a sheet can claim a billion empty rows
            raise UnreadableFile(_("文件行数过多，请删除空行后分批导入。"))
        cells = [_cell(v) for v in record]
        values, numeric = {}, set()
        for i, name in enumerate(header):
            if not name:
                continue
            value, is_number = cells[i] if i < len(cells) else ("", False)
            values[name] = value
            if is_number:
                numeric.add(name)
        row = Row(line, values, frozenset(numeric))
        if row.is_blank():
            continue
        if len(rows) >= max_rows:
            raise UnreadableFile(_("文件超过 %(n)d 行数据，请分批导入。") % {"n": max_rows})
        rows.append(row)
    return rows


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableFile(_("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK 编码的 CSV。")) from None


def read_csv(data: bytes, max_rows: int) -> Table:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableFile(_("CSV 文件格式有误：%(error)s") % {"error": exc}) from None
    if not records:
        raise UnreadableFile(_("文件是空的。"))
    header = [normalise_header(h) for h in records[0]]
    # csv.reader yields one record per spreadsheet row (a quoted cell may span text lines).
    return Table(header, _rows(header, enumerate(records[1:], start=2), max_rows))


def read_xlsx(data: bytes, max_rows: int) -> Table:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for a broken file
        raise UnreadableFile(_("无法读取 XLSX 文件：文件已损坏或不是 Excel 工作簿。")) from None
    try:
        if not workbook.worksheets:
            raise UnreadableFile(_("工作簿中没有工作表。"))
        records = workbook.worksheets[0].iter_rows(values_only=True)
        try:
            first = next(records, None)
            if first is None:
                raise UnreadableFile(_("文件是空的。"))
            header = [normalise_header(h) for h in first]
            while header and not header[-1]:
                header.pop()
            return Table(header, _rows(header, enumerate(records, start=2), max_rows))
        except UnreadableFile:
            raise
        except Exception:
            raise UnreadableFile(_("无法读取 XLSX 文件：文件已损坏或不是 Excel 工作簿。")) from None
    finally:
        workbook.close()


def read_table(data: bytes, filename: str = "", *, max_rows: int = 20000) -> Table:
    """Read CSV or XLSX bytes (told apart by content, then by file name)."""
    name = filename.lower()
    if data.startswith(XLS_MAGIC) or name.endswith(".xls"):
        raise UnreadableFile(_("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV。"))
    if data.startswith(XLSX_MAGIC) or name.endswith(".xlsx"):
        return read_xlsx(data, max_rows)
    if b"\x00" in data[:4096]:
        raise UnreadableFile(_("无法读取文件：请上传 CSV 或 XLSX 文件。"))
    return read_csv(data, max_rows)

"""Export of areas, assignments and households in the import layout (see `columns`).

Rows come from the scoped selectors, in chunks (`.iterator(chunk_size=…)` with prefetching),
so memory and the number of queries stay flat however many rows there are. ID numbers and
phones are exported in full only where the caller holds `view_identity` (checked in memory per
row); elsewhere they are masked — a masked file is for reading, it does not re-import.
Residents' key-person tags are exported only where the caller holds `view_key_persons`.
`user=None` means a trusted operator (the management command): everything, unmasked.
An export that may carry full numbers writes an access record (`note_unmasked`).
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date

import phonenumbers
from django.db.models import OuterRef, Prefetch, Subquery
from django.db.models.functions import Length, Substr
from django.utils import translation

from governance import access_records
from governance.phones import mask_phone
from governance.roles import Role
from governance.spreadsheets import safe_text, write_sheet

from ..identity import decrypt_id_number
from ..models import Area, Assignment, Household, KeyPersonTag, RegisterStatus, Relation, Resident
from ..scoping import VIEW_IDENTITY, VIEW_KEY_PERSONS, granted_areas, in_scope
from ..selectors import areas_for, assignments_for, households_for
from . import columns as C

CHUNK_SIZE = 500
SHEET_TITLES = {C.AREAS: "区划", C.ASSIGNMENTS: "人员分配", C.HOUSEHOLDS: "住户"}
CSV_TYPE = "text/csv; charset=utf-8"
WIDE_COLUMNS = {"身份证号": 22, "住址": 22}


def phone_text(e164: str, full: bool) -> str:
    """A stored E.164 number as people write it (13812345678, 03707654321), or masked."""
    if not e164:
        return ""
    if not full:
        return mask_phone(e164)
    if not e164.startswith("+86"):
        return e164
    try:
        national = phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        return e164
    return "".join(ch for ch in national if ch.isdigit())


def _labels(choices) -> dict[str, str]:
    """Value → Chinese label, as the import reads them back."""
    with translation.override(C.SHEET_LANGUAGE):
        return {value: str(label) for value, label in choices.choices}


def _coordinate(value: float | None):
    """Seven decimals (about 1 cm): what a spreadsheet keeps, so CSV and XLSX round-trip alike."""
    return "" if value is None else round(value, 7)


def _area_rows(user, under: Area | None) -> Iterator[list]:
    qs = Area.objects.all() if user is None else areas_for(user)
    if under is not None:
        qs = qs.filter(path__startswith=under.path)
    parent = Area.objects.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Area.steplen))
    qs = qs.annotate(parent_code=Subquery(parent.values("code")[:1])).order_by("path")
    for area in qs.iterator(chunk_size=CHUNK_SIZE):
        yield [
            area.code,
            area.name,
            C.LEVEL_WORDS[area.level],
            area.parent_code or "",
            area.population,
            area.household_count,
            _coordinate(area.center_lat),
            _coordinate(area.center_lng),
        ]


def _assignment_rows(user, under: Area | None) -> Iterator[list]:
    """Active assignments only: an imported row starts an assignment that is still running."""
    qs = Assignment.objects.select_related("user", "area") if user is None else assignments_for(user)
    qs = qs.filter(end_date__isnull=True)
    roles = _labels(Role)
    if under is not None:
        qs = qs.filter(area__path__startswith=under.path)
    for a in qs.order_by("area__path", "role", "user__username", "id").iterator(chunk_size=CHUNK_SIZE):
        full = user is None or in_scope(user, VIEW_IDENTITY, a.area)
        yield [
            a.user.username,
            a.user.full_name,
            phone_text(a.user.phone, full),
            roles[a.role],
            a.area.code,
            a.start_date,
        ]


def _household_rows(user, under: Area | None) -> Iterator[list]:
    """One row per resident, the household's cells repeated; a household without residents gets one row."""
    qs = Household.objects.all() if user is None else households_for(user)
    if under is not None:
        field = Household.area_fields.get(under.level)
        qs = qs.filter(**{field: under.id}) if field else qs.none()
    qs = qs.select_related("grid", "micro_grid").prefetch_related(
        Prefetch("residents", queryset=Resident.objects.order_by("id")),
        Prefetch("residents__tags", queryset=KeyPersonTag.objects.order_by("id")),
    )
    statuses, relations = _labels(RegisterStatus), _labels(Relation)
    for h in qs.order_by("number").iterator(chunk_size=CHUNK_SIZE):
        full = user is None or in_scope(user, VIEW_IDENTITY, h)
        tagged = user is None or in_scope(user, VIEW_KEY_PERSONS, h)
        shared = [
            h.number,
            (h.micro_grid or h.grid).code,
            h.head_name,
            h.address,
            phone_text(h.phone, full),
            C.COLOUR_WORDS[h.colour],
            statuses[h.register_status],
            h.registered_place,
        ]
        residents = list(h.residents.all())
        if not residents:
            yield shared + [""] * len(C.RESIDENT_COLUMNS)
        for r in residents:
            id_text = decrypt_id_number(r.id_number_encrypted) if full else r.id_number_masked
            tags = "、".join(t.name for t in r.tags.all()) if tagged else ""
            yield shared + [r.name, relations[r.relation], id_text, phone_text(r.phone, full), tags]


ROWS = {C.AREAS: _area_rows, C.ASSIGNMENTS: _assignment_rows, C.HOUSEHOLDS: _household_rows}


def export_rows(kind: str, user=None, under: Area | None = None) -> Iterator[list]:
    """The rows (without header) of `kind` that `user` may see, below `under` if given."""
    return ROWS[kind](user, under)


def note_unmasked(kind: str, user, *, filename: str, under: Area | None, via: str, reason: str = "") -> None:
    """The access record of an export of households (ID numbers) or assignments (phones) by
    someone who sees full numbers somewhere (`user=None`: the management command, everything)."""
    if kind == C.AREAS or (user is not None and granted_areas(user, VIEW_IDENTITY) == []):
        return
    what = filename if under is None else f"{filename}（{under.name}）"
    access_records.unmasked_export(user, subject=f"grids.{kind}", what=what, via=via, reason=reason)


def _csv_value(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return safe_text(value) if isinstance(value, str) else str(value)


def csv_chunks(header: list[str], rows: Iterable[list], flush_at: int = 64 * 1024) -> Iterator[bytes]:
    """A UTF-8 CSV with BOM (so Excel shows the Chinese) as byte chunks, for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
        if buffer.tell() >= flush_at:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def write_xlsx(kind: str, rows: Iterable[list], fileobj) -> None:
    """An XLSX workbook written row by row into `fileobj`."""
    write_sheet(fileobj, title=SHEET_TITLES[kind], header=C.header_of(kind), rows=rows, widths=WIDE_COLUMNS)


def write_csv(kind: str, rows: Iterable[list], fileobj) -> None:
    for chunk in csv_chunks(C.header_of(kind), rows):
        fileobj.write(chunk)

"""Spreadsheet import and export of areas, assignments and households (grids.transfer)."""

import csv
import io
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.roles import Role
from grids import services
from grids.household_services import ResidentInput, create_household
from grids.identity import check_character
from grids.levels import AreaLevel
from grids.models import Area, AreaUserPermission, Assignment, Household, HouseholdColour, Resident
from grids.transfer import views as transfer_views
from grids.transfer.columns import header_of
from grids.transfer.exporters import csv_chunks, export_rows, write_xlsx
from grids.transfer.importers import import_file
from grids.transfer.reading import UnreadableFile
from tests.factories import UserFactory

User = get_user_model()

AREA_HEADER = ["区划代码", "名称", "层级", "上级代码", "人口数", "户数", "中心纬度", "中心经度"]
ASSIGNMENT_HEADER = ["用户名", "姓名", "手机号", "角色", "区划代码", "开始日期"]
HOUSEHOLD_HEADER = header_of("households")


def id_number(seq: int, prefix: str = "110105", born: str = "19800101") -> str:
    """A valid ID number (110105 is in the current division table: no warning)."""
    first17 = f"{prefix}{born}{seq:03d}"
    return first17 + check_character(first17)


def csv_bytes(header, rows, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(header, rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def counts():
    return (
        Area.objects.count(),
        Assignment.objects.count(),
        Household.objects.count(),
        Resident.objects.count(),
        User.objects.count(),
    )


def problems(report):
    return [(e.line, e.column) for e in report.errors]


def household_row(number, grid, head, *, member=("", "", "", "", ""), **shared):
    cells = {
        "住址": "幸福路1号",
        "联系电话": "",
        "三色": "绿",
        "户籍状态": "",
        "户籍所在地": "",
    } | shared
    return [
        number,
        grid,
        head,
        cells["住址"],
        cells["联系电话"],
        cells["三色"],
        cells["户籍状态"],
        cells["户籍所在地"],
    ] + list(member)


def add_households(world, per_grid: int, towns=None) -> list[Household]:
    """`per_grid` households in each grid of the given townships, two residents each (one tagged)."""
    made = []
    for town in towns or world.towns:
        for grid in world.grids[town.code]:
            for k in range(per_grid):
                seq = len(made)
                household, _warnings = create_household(
                    grid=grid,
                    number=f"{grid.code}{k:03d}",
                    head_name=f"户主{seq}",
                    address=f"{grid.name}{k}号",
                    phone="13812345678" if k % 2 == 0 else "0370-7654321",
                    colour=[HouseholdColour.GREEN, HouseholdColour.YELLOW, HouseholdColour.RED][seq % 3],
                    residents=[
                        ResidentInput(
                            name=f"户主{seq}", relation="head", id_number=id_number(seq % 1000), phone="13912345678"
                        ),
                        ResidentInput(name=f"成员{seq}", relation="child", tags=["elderly_alone", "disabled"]),
                    ],
                )
                made.append(household)
    return made


# ---- dry run and all-or-nothing -------------------------------------------------------------


def test_dry_run_lists_every_bad_row_with_its_line_and_column_and_writes_nothing(world):
    rows = [
        ["411425100203", "新村\n（原东村）", "村", "411425100", "1200", "300", "", ""],  # line 2: good, 2 text lines
        ["41142510020", "短码村", "村", "411425100", "", "", "", ""],  # line 3: code too short
        ["411425100204", "某村", "省", "411425100", "", "", "", ""],  # line 4: unknown level
        [],  # line 5: blank (Excel shows it, so it still counts)
        ["411425100205", "", "村", "411425100", "", "", "", ""],  # line 6: no name
        ["411425100206", "负数村", "村", "411425100", "-3", "", "", ""],  # line 7: negative population
        ["411425100207001", "越级网格", "网格", "411425100", "", "", "", ""],  # line 8: grid under a township
        ["411425100208", "半个坐标村", "村", "411425100", "", "", "34.4", ""],  # line 9: lat without lng
        ["411425300209", "无上级村", "村", "411425300", "", "", "", ""],  # line 10: parent does not exist
    ]
    before = counts()

    report = import_file("areas", csv_bytes(AREA_HEADER, rows), "areas.csv", dry_run=True)

    assert problems(report) == [
        (3, "区划代码"),
        (4, "层级"),
        (6, "名称"),
        (7, "人口数"),
        (8, "层级"),
        (9, "中心纬度"),
        (10, "上级代码"),
    ]
    assert "12 位数字" in report.errors[0].message
    assert "乡镇（一级网格）下只能建村/社区（二级网格）" in report.errors[4].message
    assert "411425300 不存在" in report.errors[6].message
    assert (report.rows_total, report.rows_ok, report.written) == (8, 1, False)
    assert counts() == before


def test_dry_run_of_a_good_file_passes_and_still_writes_nothing(world):
    rows = [["411425100203", "新村", "村", "411425100", "1200", "300", "", ""]]
    before = counts()
    report = import_file("areas", csv_bytes(AREA_HEADER, rows), "areas.csv", dry_run=True)
    assert report.ok and (report.rows_total, report.rows_ok, report.written) == (1, 1, False)
    assert counts() == before


def test_one_bad_household_among_good_ones_writes_nothing(world):
    grid = world.grids["411425100"][0].code
    rows = [
        household_row("H001", grid, "张三", member=("张三", "户主", id_number(1), "13812345678", "")),
        household_row("H002", grid, "李四", member=("李四", "户主", id_number(2), "", "")),
        household_row("H003", grid, "王五", member=("王五", "户主", "110105198001010010", "", "")),  # bad check digit
        household_row("H004", grid, "赵六", member=("赵六", "户主", id_number(4), "", "")),
    ]
    before = counts()

    report = import_file("households", csv_bytes(HOUSEHOLD_HEADER, rows), "h.csv")

    assert problems(report) == [(4, "身份证号")]
    assert "校验位" in report.errors[0].message
    assert report.written is False and report.rows_ok == 3
    assert counts() == before


def test_a_service_refusing_a_checked_row_rolls_back_every_earlier_write(world, monkeypatch):
    real_create_area = services.create_area
    calls = []

    def create_area_failing_on_third(**kwargs):
        calls.append(kwargs["code"])
        if len(calls) == 3:
            raise ValidationError({"code": "模拟的服务拒绝。"})
        return real_create_area(**kwargs)

    monkeypatch.setattr(services, "create_area", create_area_failing_on_third)
    rows = [
        ["411425100203", "一村", "村", "411425100", "", "", "", ""],
        ["411425100203001", "一村第1网格", "网格", "411425100203", "", "", "", ""],
        ["411425100204", "二村", "村", "411425100", "", "", "", ""],
    ]
    before = counts()

    report = import_file("areas", csv_bytes(AREA_HEADER, rows), "areas.csv")

    assert len(calls) == 3
    assert problems(report) == [(4, "区划代码")] and report.errors[0].message == "模拟的服务拒绝。"
    assert report.written is False
    assert counts() == before
    assert not Area.objects.filter(code__in=["411425100203", "411425100203001"]).exists()


# ---- areas ----------------------------------------------------------------------------------


def test_a_good_areas_file_writes_everything_with_parents_from_the_same_file(world):
    rows = [
        ["411425100203", "新村", "村/社区", "411425100", "1200", "300", "", ""],
        ["411425100203001", "新村第1网格", "网格", "411425100203", "400", "100", "34.41", "115.85"],
        ["411425100203002", "新村第2网格", "grid", "411425100203", "", "", "", ""],
        ["41142510020300101", "新村第1网格微网格1", "微网格", "411425100203001", "12", "4", "", ""],
    ]
    report = import_file("areas", csv_bytes(AREA_HEADER, rows), "areas.csv")

    assert report.ok and report.written and report.rows_ok == 4
    village = Area.objects.get(code="411425100203")
    assert (village.level, village.population, village.household_count) == (AreaLevel.VILLAGE, 1200, 300)
    assert village.path[:-4] == world.a.path
    grid = Area.objects.get(code="411425100203001")
    assert grid.path[:-4] == village.path and (grid.center_lat, grid.center_lng) == (34.41, 115.85)
    assert Area.objects.get(code="411425100203002").level == AreaLevel.GRID
    assert Area.objects.get(code="41142510020300101").path[:-4] == grid.path


def test_duplicates_and_parent_order_within_a_file(world):
    rows = [
        ["411425100203001", "先写的网格", "网格", "411425100203", "", "", "", ""],  # 2: parent comes later
        ["411425100203", "新村", "村", "411425100", "", "", "", ""],  # 3: good
        ["411425100203", "又一个新村", "村", "411425100", "", "", "", ""],  # 4: duplicate of line 3
        ["411425100201", "已有的村", "村", "411425100", "", "", "", ""],  # 5: exists in the database
        ["411425100209", "坏村", "村", "411425100", "abc", "", "", ""],  # 6: bad population
        ["411425100209001", "坏村的网格", "网格", "411425100209", "", "", "", ""],  # 7: parent row is bad
        ["411425100203002", "新村第2网格", "网格", "411425100203", "", "", "", ""],  # 8: good (parent line 3)
    ]
    report = import_file("areas", csv_bytes(AREA_HEADER, rows), "areas.csv", dry_run=True)

    assert problems(report) == [(2, "上级代码"), (4, "区划代码"), (5, "区划代码"), (6, "人口数"), (7, "上级代码")]
    messages = [e.message for e in report.errors]
    assert "在第 3 行，须放在本行之前" in messages[0]
    assert "与第 3 行重复" in messages[1]
    assert "已存在" in messages[2]
    assert "第 6 行）有错误" in messages[4]
    assert report.rows_ok == 2


def test_header_problems_are_one_error_for_the_file(world):
    data = csv_bytes([" 区划 代码 ", "名称", "上级代码", "备注"], [["411425100203", "新村", "411425100", "x"]])
    report = import_file("areas", data, "areas.csv")
    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.line, error.column) == (1, "")
    assert "缺少必需的列：层级" in error.message and "无法识别的列：备注" in error.message
    assert report.written is False


def test_unreadable_files_are_refused(world):
    with pytest.raises(UnreadableFile, match="XLSX"):
        import_file("areas", b"PK\x03\x04 not really a zip", "areas.xlsx")
    with pytest.raises(UnreadableFile, match=".xls"):
        import_file("areas", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "areas.xls")
    with pytest.raises(UnreadableFile):
        import_file("areas", b"", "areas.csv")


def test_gb18030_csv_is_read(world):
    rows = [["411425100203", "新村（社区）", "村", "411425100", "1200", "", "", ""]]
    data = csv_bytes(AREA_HEADER, rows, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the file really is not UTF-8

    report = import_file("areas", data, "areas.csv")

    assert report.ok and report.written
    assert Area.objects.get(code="411425100203").name == "新村（社区）"


def test_xlsx_areas_with_numeric_cells_and_a_gap_row(world):
    rows = [
        [411425100203, "新村", "村", 411425100, 1200, 300, None, None],  # codes typed as numbers
        [None] * 8,  # line 3 blank
        [411425100203001, "新村第1网格", "网格", "411425100203", 400.0, None, 34.41, 115.85],
        ["411425100203002", "", "网格", "411425100203", None, None, None, None],  # line 5: no name
    ]
    report = import_file("areas", xlsx_bytes(AREA_HEADER, rows), "areas.xlsx", dry_run=True)
    assert problems(report) == [(5, "名称")]

    del rows[3]
    report = import_file("areas", xlsx_bytes(AREA_HEADER, rows), "areas.xlsx")
    assert report.written
    assert Area.objects.get(code="411425100203001").population == 400


# ---- assignments ----------------------------------------------------------------------------


def test_assignments_create_missing_users_and_grant_their_areas(world):
    grid = world.grids["411425100"][0]
    village = world.villages["411425200"][0]
    rows = [
        ["wangwu", "王五", "13812345678", "网格员", grid.code, datetime(2024, 3, 1)],  # Excel date cell
        ["wangwu", "王五", "", "grid_police", village.code, "2024-03-02"],  # same new user again, role value
        [world.officers["411425100"].username, "", "", "网格长", world.villages["411425100"][0].code, ""],
    ]
    report = import_file("assignments", xlsx_bytes(ASSIGNMENT_HEADER, rows), "a.xlsx")

    assert report.ok and report.written, report.errors
    assert [(w.line, w.column) for w in report.warnings] == [(2, "用户名")]  # "a new user will be created"
    user = User.objects.get(username="wangwu")
    assert (user.full_name, user.phone, user.has_usable_password()) == ("王五", "+8613812345678", False)
    worker = Assignment.objects.get(user=user, role=Role.GRID_WORKER)
    assert (worker.area, worker.start_date, worker.end_date) == (grid, date(2024, 3, 1), None)
    assert Assignment.objects.get(user=user, role=Role.GRID_POLICE).start_date == date(2024, 3, 2)
    leader = Assignment.objects.get(user=world.officers["411425100"], role=Role.GRID_LEADER)
    assert leader.start_date == timezone.localdate()
    assert AreaUserPermission.objects.filter(user=user, content_object=grid).exists()


def test_two_grid_workers_for_one_grid_in_one_file_is_an_error(world):
    grid = world.grids["411425100"][0]
    rows = [
        ["w1", "网格员甲", "", "网格员", grid.code, "2024-01-01"],
        ["w2", "网格员乙", "", "网格员", grid.code, "2024-01-01"],
        ["w3", "网格员丙", "", "网格员", world.grids["411425100"][1].code, "2024-01-01"],
    ]
    before = counts()
    report = import_file("assignments", csv_bytes(ASSIGNMENT_HEADER, rows), "a.csv")
    assert problems(report) == [(3, "区划代码")]
    assert "已在第 2 行分配网格员" in report.errors[0].message
    assert counts() == before


def test_assignment_rules_of_the_service_are_checked_per_row(world):
    grid = world.grids["411425100"][0]
    services.assign(user=UserFactory(username="sitting"), area=grid, role=Role.GRID_WORKER)
    tomorrow = timezone.localdate() + timedelta(days=1)
    rows = [
        ["w1", "甲", "", "网格员", grid.code, "2024-01-01"],  # 2: grid already has a worker
        ["w2", "乙", "", "网格员", world.a.code, "2024-01-01"],  # 3: a grid worker on a township
        ["w3", "丙", "", "村长", world.a.code, "2024-01-01"],  # 4: unknown role
        ["w4", "丁", "", "乡镇综治干部", world.a.code, tomorrow.isoformat()],  # 5: future start
        ["w5", "", "", "乡镇综治干部", world.a.code, "2024-01-01"],  # 6: a new user needs a name
        [world.officers["411425100"].username, "", "", "township_officer", world.a.code, ""],  # 7: already holds it
        ["w6", "戊", "12345", "乡镇综治干部", "411425100999", ""],  # 8: bad phone, unknown area
        ["w7", "己", "", "乡镇综治干部", world.a.code, "2024/13/01"],  # 9: not a date
    ]
    report = import_file("assignments", csv_bytes(ASSIGNMENT_HEADER, rows), "a.csv", dry_run=True)
    assert problems(report) == [
        (2, "区划代码"),
        (3, "区划代码"),
        (4, "角色"),
        (5, "开始日期"),
        (6, "姓名"),
        (7, "用户名"),
        (8, "手机号"),
        (8, "区划代码"),
        (9, "开始日期"),
    ]
    assert "已有在任网格员" in report.errors[0].message
    assert "网格员不能任职于乡镇" in report.errors[1].message


# ---- households -----------------------------------------------------------------------------


def test_a_good_households_file_with_resident_rows(world):
    grid = world.grids["411425100"][0]
    micro = services.create_area(parent=grid, level=AreaLevel.MICRO_GRID, code=grid.code + "01", name="微网格1")
    rows = [
        household_row("H001", grid.code, "张三", member=("张三", "户主", id_number(1), "138 1234 5678", "")),
        household_row("H001", "", "", member=("李梅", "配偶", id_number(2), "", "孤寡老人、disabled")),
        household_row(
            "H002",
            micro.code,
            "王五",
            三色="红",
            户籍状态="人在户不在",
            户籍所在地="安徽省砀山县",
            联系电话="0370-7654321",
            member=("王五", "本人", "440524188001010014", "", ""),  # abolished county: a warning only
        ),
        household_row("H003", grid.code, "赵六"),  # a household without resident rows
    ]
    report = import_file("households", csv_bytes(HOUSEHOLD_HEADER, rows), "h.csv")

    assert report.ok and report.written, report.errors
    assert [(w.line, w.column) for w in report.warnings] == [(4, "身份证号")]
    h1 = Household.objects.get(number="H001")
    assert (h1.grid, h1.township, h1.micro_grid) == (grid, world.a, None)
    members = list(h1.residents.order_by("id"))
    assert [(m.name, m.relation, m.phone) for m in members] == [
        ("张三", "head", "+8613812345678"),
        ("李梅", "spouse", ""),
    ]
    assert members[0].id_number_masked == id_number(1)[:6] + "********" + id_number(1)[-4:]
    assert sorted(members[1].tags.values_list("code", flat=True)) == ["disabled", "elderly_alone"]
    h2 = Household.objects.get(number="H002")
    assert (h2.grid, h2.micro_grid, h2.colour, h2.register_status) == (grid, micro, "red", "living_here_only")
    assert h2.phone == "+863707654321"
    assert Household.objects.get(number="H003").residents.count() == 0


def test_household_rows_problems(world):
    grid = world.grids["411425100"][0].code
    Household.objects.all().delete()
    rows = [
        household_row("H001", grid, "张三", member=("张三", "户主", id_number(1), "", "")),
        household_row("H001", grid, "张三", 住址="别处", member=("李梅", "配偶", "", "", "")),  # 3: other address
        household_row("H002", world.a.code, "李四"),  # 4: not a grid
        household_row("H003", grid, "王五", 三色="紫", member=("", "子女", "", "", "")),  # 5: colour, no member name
        household_row("H004", grid, "赵六", 户籍状态="人在户不在"),  # 6: registered place required
        household_row("H005", grid, "钱七", member=("钱七", "户主", "", "", "吸烟")),  # 7: unknown tag
        household_row(
            "H006", grid, "孙八", member=("孙八", "户主", id_number(1), "", "")
        ),  # warning: same ID as line 2
    ]
    report = import_file("households", csv_bytes(HOUSEHOLD_HEADER, rows), "h.csv")
    assert problems(report) == [
        (3, "住址"),
        (4, "网格代码"),
        (5, "三色"),
        (5, "成员姓名"),
        (6, "户籍所在地"),
        (7, "重点人员标签"),
    ]
    assert [(w.line, w.column) for w in report.warnings] == [(8, "身份证号")]
    assert report.written is False and Household.objects.count() == 0


def test_an_id_number_stored_as_an_excel_number_gets_a_hint(world):
    grid = world.grids["411425100"][0].code
    row = household_row("H001", grid, "张三", member=("张三", "户主", int(id_number(1)[:17] + "0"), "", ""))
    report = import_file("households", xlsx_bytes(HOUSEHOLD_HEADER, [row]), "h.xlsx", dry_run=True)
    assert problems(report) == [(2, "身份证号")]
    assert "数字格式" in report.errors[0].message


# ---- export and round trips -----------------------------------------------------------------


def _export_bytes(kind, fmt, user=None, under=None) -> bytes:
    rows = export_rows(kind, user, under)
    if fmt == "csv":
        return b"".join(csv_chunks(header_of(kind), rows))
    out = io.BytesIO()
    write_xlsx(kind, rows, out)
    return out.getvalue()


def _wipe(kind):
    if kind in ("households", "areas"):
        Household.objects.all().delete()
    if kind in ("assignments", "areas"):
        AreaUserPermission.objects.all().delete()
        Assignment.objects.all().delete()
    if kind == "areas":
        Area.objects.all().delete()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["areas", "assignments", "households"])
def test_export_reimports_into_an_empty_tree_unchanged(world, kind, fmt):
    services.assign(
        user=UserFactory(username="worker-a1", phone="+8613812345678"),
        area=world.grids["411425100"][0],
        role=Role.GRID_WORKER,
    )
    add_households(world, per_grid=1)
    before = list(export_rows(kind))
    data = _export_bytes(kind, fmt)
    assert len(before) > 3
    _wipe(kind)
    assert list(export_rows(kind)) == []

    report = import_file(kind, data, f"{kind}.{fmt}")

    assert report.ok and report.written, report.errors
    assert report.warnings == []
    assert list(export_rows(kind)) == before
    if fmt == "csv":
        assert _export_bytes(kind, fmt) == data


def test_export_is_scoped_and_masked_where_identity_is_not_granted(world):
    add_households(world, per_grid=1)
    officer = world.officers["411425100"]
    own_grid = world.grids["411425100"][0]
    services.assign(user=officer, area=own_grid, role=Role.GRID_WORKER)  # view_identity on this grid only
    officer = User.objects.get(pk=officer.pk)

    rows = list(export_rows("households", officer))

    grids_a = {g.code for g in world.grids["411425100"]}
    assert {r[1] for r in rows} == grids_a  # every grid of township A, none of B
    for row in rows:
        full = row[1] == own_grid.code
        head_id, head_phone, member_phone = row[10], row[4], row[11]
        if row[9] != "户主":
            continue
        if full:
            assert "*" not in head_id and len(head_id) == 18
            assert head_phone in ("13812345678", "03707654321") and member_phone == "13912345678"
        else:
            assert head_id[6:14] == "********"
            assert "****" in head_phone and member_phone == "139****5678"
    areas = list(export_rows("areas", officer))
    assert {r[0][:9] for r in areas} == {"411425100"} and len(areas) == 7
    assert {r[4] for r in list(export_rows("assignments", officer))} == {"411425100", own_grid.code}

    admin_rows = list(export_rows("households", world.admin))
    assert len(admin_rows) == 2 * len(rows)
    assert all("*" not in r[10] for r in admin_rows if r[9] == "户主")


def test_export_under_an_area(world):
    add_households(world, per_grid=1)
    village = world.villages["411425200"][1]
    rows = list(export_rows("households", world.admin, under=village))
    assert {r[1] for r in rows} == {g.code for g in world.grids["411425200"][2:]}
    assert [r[0] for r in export_rows("areas", world.admin, under=village)] == [
        village.code,
        village.code + "001",
        village.code + "002",
    ]


# ---- management commands --------------------------------------------------------------------


def test_import_command_prints_a_table_and_fails_on_errors(world, tmp_path):
    path = tmp_path / "areas.csv"
    path.write_bytes(csv_bytes(AREA_HEADER, [["411425100203", "", "村", "411425100", "", "", "", ""]]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("import_grids", "areas", str(path), "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[1].split() == ["行", "列", "原因"]
    assert lines[2].split()[:3] == ["2", "名称", "名称不能为空。"]

    path.write_bytes(csv_bytes(AREA_HEADER, [["411425100203", "新村", "村", "411425100", "", "", "", ""]]))
    call_command("import_grids", "areas", str(path), stdout=io.StringIO())
    assert Area.objects.filter(code="411425100203").exists()


def test_export_command_writes_the_file(world, tmp_path):
    path = tmp_path / "areas.xlsx"
    call_command("export_grids", "areas", str(path), "--under", "411425200", stdout=io.StringIO())
    sheet = openpyxl.load_workbook(path).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == AREA_HEADER
    assert [v[0] for v in values[1:]][:2] == ["411425200", "411425200201"] and len(values) == 8

    officer = world.officers["411425100"].username
    path = tmp_path / "mine.csv"
    call_command("export_grids", "areas", str(path), "--user", officer, stdout=io.StringIO())
    codes = [r[0] for r in csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig")))][1:]
    assert len(codes) == 7 and all(c.startswith("411425100") for c in codes)
    with pytest.raises(CommandError, match="看不到"):
        call_command("export_grids", "areas", str(path), "--user", officer, "--under", "411425200")


# ---- REST API -------------------------------------------------------------------------------


def _upload(data: bytes, name: str, dry_run=None):
    payload = {"file": io.BytesIO(data)}
    payload["file"].name = name
    if dry_run is not None:
        payload["dry_run"] = "true" if dry_run else "false"
    return payload


def test_api_import_writes_a_good_file(world, as_user):
    data = csv_bytes(AREA_HEADER, [["411425100203", "新村", "村", "411425100", "10", "", "", ""]])
    response = as_user(world.admin).post("/api/v1/imports/areas/", _upload(data, "a.csv"), format="multipart")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body == {"kind": "areas", "rows_total": 1, "rows_ok": 1, "errors": [], "warnings": [], "written": True}
    assert Area.objects.filter(code="411425100203").exists()


def test_api_dry_run_and_row_errors(world, as_user):
    client = as_user(world.admin)
    good = ["411425100203", "新村", "村", "411425100", "", "", "", ""]
    response = client.post("/api/v1/imports/areas/", _upload(csv_bytes(AREA_HEADER, [good]), "a.csv", dry_run=True))
    assert response.status_code == 200 and response.json()["written"] is False
    assert not Area.objects.filter(code="411425100203").exists()

    bad = csv_bytes(AREA_HEADER, [good, ["411425100204", "", "村", "411425100", "", "", "", ""]])
    response = client.post("/api/v1/imports/areas/", _upload(bad, "a.csv", dry_run=False))
    assert response.status_code == 400
    body = response.json()
    assert body["written"] is False and body["rows_ok"] == 1
    assert body["errors"] == [{"line": 3, "column": "名称", "message": "名称不能为空。"}]
    assert not Area.objects.filter(code="411425100203").exists()


def test_api_import_scope_of_a_county_admin(world, as_user):
    data = csv_bytes(AREA_HEADER, [["411426", "另一个县", "县", "", "", "", "", ""]])
    response = as_user(world.admin).post("/api/v1/imports/areas/", _upload(data, "a.csv"))
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "只有超级管理员可以导入县级区域。"

    root = UserFactory(is_superuser=True)
    response = as_user(root).post("/api/v1/imports/areas/", _upload(data, "a.csv"))
    assert response.status_code == 200 and Area.objects.filter(code="411426").exists()


def test_api_import_refuses_non_admins_unreadable_and_oversized_files(world, as_user, api, monkeypatch):
    data = csv_bytes(AREA_HEADER, [["411425100203", "新村", "村", "411425100", "", "", "", ""]])
    response = as_user(world.officers["411425100"]).post("/api/v1/imports/areas/", _upload(data, "a.csv"))
    assert response.status_code == 403
    assert api.post("/api/v1/imports/areas/", _upload(data, "a.csv")).status_code in (401, 403)
    assert not Area.objects.filter(code="411425100203").exists()

    client = as_user(world.admin)
    response = client.post("/api/v1/imports/areas/", _upload(b"PK\x03\x04garbage", "a.xlsx"))
    assert response.status_code == 400 and "XLSX" in response.json()["detail"]

    monkeypatch.setattr(transfer_views, "MAX_UPLOAD_BYTES", 100)
    response = client.post("/api/v1/imports/areas/", _upload(data + b" " * 200, "a.csv"))
    assert response.status_code == 400 and "MB" in response.json()["detail"]
    assert client.post("/api/v1/imports/nothing/", _upload(data, "a.csv")).status_code == 404


def _get_export(client, url) -> tuple[int, bytes]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def test_api_export_csv_and_xlsx_scoped(world, as_user, api):
    add_households(world, per_grid=1)
    client = as_user(world.officers["411425100"])
    status, body = _get_export(client, "/api/v1/exports/households/?format=csv")
    assert status == 200
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == HOUSEHOLD_HEADER
    assert {r[1][:9] for r in rows[1:]} == {"411425100"} and len(rows) == 1 + 4 * 2

    status, body = _get_export(client, f"/api/v1/exports/areas/?format=xlsx&under={world.villages['411425100'][0].id}")
    assert status == 200
    values = list(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert [v[0] for v in values[1:]] == ["411425100201", "411425100201001", "411425100201002"]

    assert client.get(f"/api/v1/exports/areas/?under={world.b.id}").status_code == 404  # not theirs
    assert client.get("/api/v1/exports/areas/?format=pdf").status_code == 400
    assert api.get("/api/v1/exports/areas/").status_code in (401, 403)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_api_export_query_count_does_not_grow_with_rows(world, as_user, fmt):
    client = as_user(world.admin)
    url = f"/api/v1/exports/households/?format={fmt}"
    add_households(world, per_grid=1, towns=[world.a])
    with CaptureQueriesContext(connection) as small:
        status, body_small = _get_export(client, url)
    assert status == 200
    add_households(world, per_grid=3, towns=[world.b])
    with CaptureQueriesContext(connection) as large:
        status, body_large = _get_export(client, url)
    assert status == 200 and len(body_large) > len(body_small)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_openapi_schema_lists_the_endpoints(world, as_user):
    response = as_user(world.admin).get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "post" in paths["/api/v1/imports/{kind}/"]
    assert "get" in paths["/api/v1/exports/{kind}/"]

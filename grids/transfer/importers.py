"""Import of areas, assignments and households from spreadsheets.

Every import runs in two steps. First each row is checked with the services' own public
validators (`services.check_new_area`, `services.check_assignment`, `check_household_fields`,
`selectors.check_row_grid`, `accounts.check_username`, ID numbers, phones), fed with facts read
in bulk, plus the rules only a file has (duplicates within it, parents earlier in it, two grid
workers for one grid in it); every bad row is reported with the line the user sees in Excel.
Then, only when no row is bad and it is not a dry run, everything is written through the
services (and `accounts.create_user`) in one transaction; if a service still refuses a row, the
whole transaction is rolled back and that row reported.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import accounts, jobs
from governance.phones import normalize_phone
from governance.roles import Role

from .. import services
from ..household_services import ResidentInput, check_household_fields, create_household
from ..identity import id_number_digest, parse_id_number
from ..levels import AreaLevel
from ..models import Area, Assignment, Household, HouseholdColour, KeyPersonTag, RegisterStatus, Relation, Resident
from ..scoping import CHANGE, MANAGE_ASSIGNMENTS, granted_areas, in_scope
from ..selectors import check_row_grid
from . import columns as C
from .reading import Row, Table, read_table

PROGRESS_STEP = 200  # rows written between two progress updates of a background import


@dataclass
class RowError:
    """A problem on one line (the header is line 1) and column of the file."""

    line: int
    column: str
    message: str


@dataclass
class ImportReport:
    kind: str
    rows_total: int = 0
    rows_ok: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return asdict(self)


class _RollBack(Exception):
    """Leaves the import's transaction so that nothing it wrote is kept."""


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(str(value).strip(), fmt).date()
        except ValueError:
            continue
    return None


class Importer:
    """Checks the rows of one kind and writes the checked plans through the services."""

    kind = ""
    field_columns: dict[str, str] = {}  # a service's error key → the column it is about

    def __init__(self, actor=None):
        self.actor = actor  # None: a trusted operator (management command), no scope checks
        self.report = ImportReport(self.kind)

    # -- recording problems --
    def error(self, line: int, column: str, message) -> None:
        self.report.errors.append(RowError(line, column, str(message)))

    def warn(self, line: int, column: str, message) -> None:
        self.report.warnings.append(RowError(line, column, str(message)))

    @contextmanager
    def collect(self, line: int, column: str | None = None) -> Iterator[None]:
        """Turn a validator's ValidationError into row errors (its field keys mapped to columns)."""
        try:
            yield
        except ValidationError as exc:
            for key, messages in _messages(exc).items():
                for message in messages:
                    self.error(line, column or self.field_columns.get(key, ""), message)

    def passes(self, line: int, validator, *args, **kwargs) -> bool:
        """Run a validator of the services; record its errors on `line`; whether it passed."""
        before = len(self.report.errors)
        with self.collect(line):
            validator(*args, **kwargs)
        return len(self.report.errors) == before

    def _may_change(self, area: Area) -> bool:
        return self.actor is None or in_scope(self.actor, CHANGE, area)

    def check_length(self, row: Row, column: str, model, field_name: str) -> None:
        limit = _max_length(model, field_name)
        if len(row.text(column)) > limit:
            self.error(row.line, column, _("不能超过 %(n)d 个字。") % {"n": limit})

    def parse_phone(self, row: Row, column: str) -> str:
        with self.collect(row.line, column):
            return normalize_phone(row.text(column))
        return ""

    def parse_count(self, row: Row, column: str) -> int:
        text = row.text(column).replace(",", "")
        if not text:
            return 0
        try:
            value = int(text)
        except ValueError:
            try:
                number = float(text)  # "12.0" from a spreadsheet that stored the count as a decimal
                value = int(number) if number.is_integer() else -1
            except ValueError:
                value = -1
        if value < 0:
            self.error(row.line, column, _("必须是不小于 0 的整数。"))
            return 0
        return value

    def parse_float(self, row: Row, column: str) -> float | None:
        text = row.text(column)
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            self.error(row.line, column, _("必须是数字。"))
            return None

    # -- the two steps --
    def check(self, rows: list[Row]) -> list:
        """Check every row, record errors and warnings, return the plans to write."""
        raise NotImplementedError

    def write(self, plan) -> None:
        raise NotImplementedError

    def refused(self, plan, exc: ValidationError) -> None:
        """A service refused a checked plan: report it on the plan's line."""
        with self.collect(plan.line):
            raise exc


# ---- areas ------------------------------------------------------------------------------


@dataclass
class _Seen:
    line: int
    level: str | None
    ok: bool


@dataclass
class AreaPlan:
    line: int
    code: str
    parent_code: str
    fields: dict


class AreaImporter(Importer):
    kind = C.AREAS
    field_columns = {
        "code": "区划代码",
        "name": "名称",
        "level": "层级",
        "parent": "上级代码",
        "center_lat": "中心纬度",
        "center_lng": "中心经度",
        "population": "人口数",
        "household_count": "户数",
    }

    def check(self, rows):
        first_line: dict[str, int] = {}
        for row in rows:
            first_line.setdefault(row.text("区划代码"), row.line)
        wanted = {row.text("区划代码") for row in rows} | {row.text("上级代码") for row in rows}
        self.existing = {a.code: a for a in Area.objects.filter(code__in=wanted - {""})}
        self.created: dict[str, Area] = {}
        seen: dict[str, _Seen] = {}
        plans = []
        for row in rows:
            before = len(self.report.errors)
            plan = self._check_row(row, seen, first_line)
            ok = len(self.report.errors) == before
            code = row.text("区划代码")
            if code and code not in seen:
                seen[code] = _Seen(row.line, parse_level(row), ok)
            if ok:
                plans.append(plan)
        return plans

    def _check_row(self, row: Row, seen: dict[str, _Seen], first_line: dict[str, int]) -> AreaPlan:
        line, code, parent_code = row.line, row.text("区划代码"), row.text("上级代码")
        level = parse_level(row)
        if not row.text("层级"):
            self.error(line, "层级", _("层级不能为空。"))
        elif level is None:
            self.error(
                line, "层级", _("无法识别的层级“%(v)s”，可填 县/乡镇/村/网格/微网格。") % {"v": row.text("层级")}
            )
        if code in seen:
            self.error(
                line, "区划代码", _("区划代码 %(code)s 与第 %(n)d 行重复。") % {"code": code, "n": seen[code].line}
            )
        parent_level = None
        if level == AreaLevel.CITY or (level == AreaLevel.COUNTY and not parent_code):  # a root
            if parent_code:
                self.error(line, "上级代码", _("市级区域不填上级代码。"))
            elif self.actor is not None and granted_areas(self.actor, CHANGE) is not None:
                self.error(line, "区划代码", _("只有超级管理员可以导入县级区域。"))
        elif level is not None and parent_code:
            parent_level = self._parent_level(line, parent_code, seen, first_line)

        name = row.text("名称")
        if name:
            self.check_length(row, "名称", Area, "name")
        population = self.parse_count(row, "人口数")
        household_count = self.parse_count(row, "户数")
        lat, lng = self.parse_float(row, "中心纬度"), self.parse_float(row, "中心经度")
        with self.collect(line):
            services.check_new_area(
                level=level,
                code=code,
                name=name,
                parent_level=parent_level,
                parent_code=parent_code,
                code_taken=code not in seen and code in self.existing,
                center_lat=lat,
                center_lng=lng,
            )
        return AreaPlan(
            line,
            code,
            parent_code,
            dict(
                level=level,
                name=name,
                population=population,
                household_count=household_count,
                center_lat=lat,
                center_lng=lng,
            ),
        )

    def _parent_level(self, line, parent_code, seen, first_line) -> str | None:
        """The level of the parent a row names (an earlier row or an existing area), or None with
        the reason reported."""
        if parent_code in seen:
            parent = seen[parent_code]
            if parent.ok:
                return parent.level
            self.error(
                line,
                "上级代码",
                _("上级区域 %(code)s（第 %(n)d 行）有错误。") % {"code": parent_code, "n": parent.line},
            )
        elif parent_code in self.existing:
            parent = self.existing[parent_code]
            if self.actor is not None and not in_scope(self.actor, CHANGE, parent):
                self.error(line, "上级代码", _("无权在区域 %(code)s 下导入区域。") % {"code": parent_code})
                return None
            return parent.level
        elif parent_code in first_line:
            self.error(
                line,
                "上级代码",
                _("上级区域 %(code)s 在第 %(n)d 行，须放在本行之前。")
                % {"code": parent_code, "n": first_line[parent_code]},
            )
        else:
            self.error(line, "上级代码", _("上级区域 %(code)s 不存在。") % {"code": parent_code})
        return None

    def write(self, plan: AreaPlan) -> None:
        parent = None
        if plan.parent_code:
            parent = self.created.get(plan.parent_code) or self.existing[plan.parent_code]
        self.created[plan.code] = services.create_area(parent=parent, code=plan.code, **plan.fields)


def parse_level(row: Row) -> str | None:
    return C.parse_level(row.text("层级")) if row.text("层级") else None


# ---- assignments --------------------------------------------------------------------------


@dataclass
class AssignmentPlan:
    line: int
    username: str
    area: Area
    role: str
    start_date: date
    new_user: dict | None  # the fields of a user this row creates


class AssignmentImporter(Importer):
    kind = C.ASSIGNMENTS
    field_columns = {
        "user": "用户名",
        "username": "用户名",
        "full_name": "姓名",
        "phone": "手机号",
        "area": "区划代码",
        "role": "角色",
        "start_date": "开始日期",
    }

    def check(self, rows):
        User = get_user_model()
        self.users = {u.username: u for u in User.objects.filter(username__in={r.text("用户名") for r in rows})}
        self.areas = {a.code: a for a in Area.objects.filter(code__in={r.text("区划代码") for r in rows})}
        area_ids = [a.id for a in self.areas.values()]
        active = list(Assignment.objects.filter(area_id__in=area_ids, end_date__isnull=True).select_related("user"))
        self.active_keys = {(a.user_id, a.area_id, a.role) for a in active}
        self.active_workers = {a.area_id: a.user for a in active if a.role == Role.GRID_WORKER}
        self.last_end = dict(
            Assignment.objects.filter(area_id__in=area_ids, role=Role.GRID_WORKER, end_date__isnull=False)
            .values("area_id")
            .annotate(last=Max("end_date"))
            .values_list("area_id", "last")
        )
        self.new_users: dict[str, tuple[int, str, str]] = {}
        self.keys: dict[tuple, int] = {}
        self.workers: dict[str, int] = {}
        plans = []
        for row in rows:
            before = len(self.report.errors)
            plan = self._check_row(row)
            if len(self.report.errors) == before:
                plans.append(plan)
        return plans

    def _check_row(self, row: Row) -> AssignmentPlan:
        User = get_user_model()
        line, username, full_name = row.line, row.text("用户名"), row.text("姓名")
        phone = self.parse_phone(row, "手机号")
        self.check_length(row, "姓名", User, "full_name")
        user, new_user = self.users.get(username), None
        if user is not None:
            if full_name and full_name != user.full_name:
                self.warn(line, "姓名", _("与系统中的姓名“%(name)s”不一致，未修改。") % {"name": user.full_name})
            if phone and phone != user.phone:
                self.warn(line, "手机号", _("与系统中登记的手机号不一致，未修改。"))
        else:
            with self.collect(line, "用户名"):
                accounts.check_username(username)
        if user is None and username:
            first = self.new_users.get(username)
            if first is None:
                if not full_name:
                    self.error(line, "姓名", _("新用户须填写姓名。"))
                self.new_users[username] = (line, full_name, phone)
                new_user = {"full_name": full_name, "phone": phone}
                self.warn(
                    line,
                    "用户名",
                    _("用户 %(u)s 不存在，导入时将新建（没有可用密码，须由管理员重置密码后才能登录）。")
                    % {"u": username},
                )
            else:
                for column, mine, theirs in (("姓名", full_name, first[1]), ("手机号", phone, first[2])):
                    if mine and mine != theirs:
                        self.error(
                            line,
                            column,
                            _("同一新用户在第 %(n)d 行的%(col)s与本行不一致。") % {"n": first[0], "col": column},
                        )

        role = C.parse_role(row.text("角色"))
        if not row.text("角色"):
            self.error(line, "角色", _("角色不能为空。"))
        elif role is None:
            self.error(line, "角色", _("无法识别的角色“%(v)s”。") % {"v": row.text("角色")})

        code, area = row.text("区划代码"), self.areas.get(row.text("区划代码"))
        if not code:
            self.error(line, "区划代码", _("区划代码不能为空。"))
        elif area is None:
            self.error(line, "区划代码", _("区划代码 %(code)s 不存在（请先导入区划）。") % {"code": code})
        elif self.actor is not None and not in_scope(self.actor, MANAGE_ASSIGNMENTS, area):
            self.error(line, "区划代码", _("无权管理区域 %(code)s 的人员分配。") % {"code": code})

        start = timezone.localdate() if row.text("开始日期") == "" else _parse_date(row.raw("开始日期"))
        if start is None:
            self.error(line, "开始日期", _("日期格式应为 YYYY-MM-DD。"))

        if role is not None and area is not None:
            self._check_place(line, username, user, area, role, start)
        elif start is not None:
            with self.collect(line):
                services.check_start_date(start)
        return AssignmentPlan(line, username, area, role, start, new_user)

    def _check_place(self, line, username, user, area, role, start) -> None:
        """The service's rules (`services.check_assignment`) with the facts read in bulk, plus this
        file's own: the same assignment twice, two grid workers for one grid."""
        key, user_id = (username, area.code, role), user.id if user is not None else None
        if key in self.keys:
            self.error(line, "用户名", _("与第 %(n)d 行重复（同一人、同一区域、同一角色）。") % {"n": self.keys[key]})
        worker_line = self.workers.get(area.code) if role == Role.GRID_WORKER else None
        sitting = self.active_workers.get(area.id) if role == Role.GRID_WORKER else None
        with self.collect(line):
            services.check_assignment(
                role=role,
                area_level=area.level,
                area_name=area.name,
                start_date=start,
                holds_already=key not in self.keys and (user_id, area.id, role) in self.active_keys,
                sitting_worker=sitting,
                last_end=None if worker_line else self.last_end.get(area.id),
            )
        if not services.can_hold(role, area.level):
            return
        self.keys.setdefault(key, line)
        if role != Role.GRID_WORKER:
            return
        if sitting is None and worker_line is not None:
            self.error(
                line,
                "区划代码",
                _("网格“%(area)s”已在第 %(n)d 行分配网格员，一个网格只能有一名在任网格员。")
                % {"area": area.name, "n": worker_line},
            )
        self.workers.setdefault(area.code, line)

    def write(self, plan: AssignmentPlan) -> None:
        user = self.users.get(plan.username)
        if user is None:
            # A new account gets an unusable password and no rights until its assignment grants
            # them; an admin resets the password.
            user = accounts.create_user(username=plan.username, password=None, **plan.new_user)
            self.users[plan.username] = user
        services.assign(user=user, area=plan.area, role=plan.role, start_date=plan.start_date, actor=self.actor)


# ---- households -------------------------------------------------------------------------

RESIDENT_COLUMN_NAMES = [c.name for c in C.RESIDENT_COLUMNS]
SHARED_COLUMN_NAMES = [c.name for c in C.HOUSEHOLD_FIELD_COLUMNS[1:]]  # the same on every row of a household


@dataclass
class HouseholdPlan:
    line: int  # the household's first row
    number: str
    grid: Area | None
    fields: dict
    shared: dict[str, str]  # the first row's household cells, to compare later rows with
    residents: list[tuple[int, ResidentInput]] = field(default_factory=list)
    ok: bool = True


class HouseholdImporter(Importer):
    kind = C.HOUSEHOLDS
    field_columns = {
        "number": "户编号",
        "grid": "网格代码",
        "head_name": "户主姓名",
        "address": "住址",
        "phone": "联系电话",
        "colour": "三色",
        "register_status": "户籍状态",
        "registered_place": "户籍所在地",
    }

    def check(self, rows):
        numbers = {r.text("户编号") for r in rows}
        self.existing_numbers = set(Household.objects.filter(number__in=numbers).values_list("number", flat=True))
        self.grids = {a.code: a for a in Area.objects.filter(code__in={r.text("网格代码") for r in rows})}
        self.tags = {}
        for tag in KeyPersonTag.objects.all():
            self.tags[tag.code] = tag.code
            self.tags[tag.name] = tag.code
        self.digests: dict[str, int] = {}
        groups: dict[str, HouseholdPlan] = {}
        for row in rows:
            before = len(self.report.errors)
            number = row.text("户编号")
            plan = groups.get(number) if number else None
            if plan is None:
                plan = self._start_household(row)
                if number:
                    groups[number] = plan
            else:
                self._check_same(row, plan)
            resident = self._check_resident(row)
            if resident is not None:
                plan.residents.append((row.line, resident))
            if len(self.report.errors) > before:
                plan.ok = False
        self._warn_known_id_numbers()
        return [plan for plan in groups.values() if plan.ok]

    def _start_household(self, row: Row) -> HouseholdPlan:
        line, number = row.line, row.text("户编号")
        if number and number not in self.existing_numbers:
            self.check_length(row, "户编号", Household, "number")
        code, grid = row.text("网格代码"), self.grids.get(row.text("网格代码"))
        if not code:
            self.error(line, "网格代码", _("网格代码不能为空。"))
        elif grid is None:
            self.error(line, "网格代码", _("网格代码 %(code)s 不存在。") % {"code": code})
        elif self.passes(line, check_row_grid, grid) and not self._may_change(grid):
            self.error(line, "网格代码", _("无权在网格 %(code)s 中导入住户。") % {"code": code})

        colour, status = HouseholdColour.GREEN, RegisterStatus.REGISTERED_HERE
        if row.text("三色"):  # a word it does not know is left for check_household_fields to refuse
            colour = C.parse_colour(row.text("三色")) or row.text("三色")
        if row.text("户籍状态"):
            status = C.parse_register_status(row.text("户籍状态"))
            if status is None:
                self.error(
                    line,
                    "户籍状态",
                    _("无法识别的户籍状态“%(v)s”，可填：%(choices)s。")
                    % {"v": row.text("户籍状态"), "choices": "、".join(str(label) for label in RegisterStatus.labels)},
                )
        phone = self.parse_phone(row, "联系电话")
        for column, name in (("户主姓名", "head_name"), ("住址", "address"), ("户籍所在地", "registered_place")):
            self.check_length(row, column, Household, name)
        fields = dict(
            head_name=row.text("户主姓名"),
            address=row.text("住址"),
            phone=phone,
            colour=colour,
            register_status=status or RegisterStatus.REGISTERED_HERE,
            registered_place=row.text("户籍所在地"),
        )
        with self.collect(line):
            check_household_fields(
                **{k: v for k, v in fields.items() if k != "phone"},
                number=number,
                number_taken=number in self.existing_numbers,
            )
        return HouseholdPlan(line, number, grid, fields, {c: row.text(c) for c in SHARED_COLUMN_NAMES})

    def _check_same(self, row: Row, plan: HouseholdPlan) -> None:
        for column in SHARED_COLUMN_NAMES:
            value = row.text(column)
            if value and value != plan.shared[column]:
                self.error(
                    row.line,
                    column,
                    _("与本户第 %(n)d 行的“%(v)s”不一致；同一户各行的户信息须相同（或只填在第一行）。")
                    % {"n": plan.line, "v": plan.shared[column] or _("（空）")},
                )

    def _check_resident(self, row: Row) -> ResidentInput | None:
        if not any(row.text(c) for c in RESIDENT_COLUMN_NAMES):
            return None
        line, name = row.line, row.text("成员姓名")
        if not name:
            self.error(line, "成员姓名", _("填写了成员信息时，成员姓名不能为空。"))
        else:
            self.check_length(row, "成员姓名", Resident, "name")
        relation = Relation.OTHER
        if row.text("与户主关系"):
            relation = C.parse_relation(row.text("与户主关系"))
            if relation is None:
                self.error(
                    line,
                    "与户主关系",
                    _("无法识别的与户主关系“%(v)s”，可填：%(choices)s。")
                    % {"v": row.text("与户主关系"), "choices": "、".join(str(label) for label in Relation.labels)},
                )
        id_number = self._check_id_number(row)
        phone = self.parse_phone(row, "成员手机号")
        tags, unknown = [], []
        for word in C.split_tags(row.text("重点人员标签")):
            (tags if word in self.tags else unknown).append(word)
        if unknown:
            self.error(
                line,
                "重点人员标签",
                _("未知的重点人员标签：%(tags)s（可填：%(known)s）")
                % {"tags": "、".join(unknown), "known": "、".join(sorted(set(self.tags) - set(self.tags.values())))},
            )
        return ResidentInput(
            name=name,
            id_number=id_number,
            relation=relation or Relation.OTHER,
            phone=phone,
            tags=list(dict.fromkeys(self.tags[t] for t in tags)),
        )

    def _check_id_number(self, row: Row) -> str:
        raw = row.text("身份证号")
        if not raw:
            return ""
        try:
            parsed = parse_id_number(raw)
        except ValidationError as exc:
            for message in exc.messages:
                if "身份证号" in row.numeric:
                    message += _("（该单元格是数字格式，Excel 只保留 15 位有效数字，请把此列设为文本后重新录入。）")
                self.error(row.line, "身份证号", message)
            return ""
        for warning in parsed.warnings:
            self.warn(row.line, "身份证号", warning)
        digest = id_number_digest(parsed.value)
        if digest in self.digests:
            self.warn(row.line, "身份证号", _("与第 %(n)d 行的身份证号相同，请核对。") % {"n": self.digests[digest]})
        else:
            self.digests[digest] = row.line
        return parsed.value

    def _warn_known_id_numbers(self) -> None:
        known = set(
            Resident.objects.filter(id_number_digest__in=list(self.digests)).values_list("id_number_digest", flat=True)
        )
        for digest in known:
            self.warn(self.digests[digest], "身份证号", _("该身份证号已在系统中其他户登记，请核对是否重复。"))

    def write(self, plan: HouseholdPlan) -> None:
        create_household(
            grid=plan.grid, number=plan.number, residents=[r for _line, r in plan.residents], **plan.fields
        )

    def refused(self, plan: HouseholdPlan, exc: ValidationError) -> None:
        for key, messages in _messages(exc).items():
            line, column = plan.line, self.field_columns.get(key, "")
            if key.startswith("residents["):
                index = int(key[len("residents[") : -1])
                line, column = plan.residents[index][0], "成员姓名"
            for message in messages:
                self.error(line, column, message)


IMPORTERS: dict[str, type[Importer]] = {
    C.AREAS: AreaImporter,
    C.ASSIGNMENTS: AssignmentImporter,
    C.HOUSEHOLDS: HouseholdImporter,
}


def import_table(
    kind: str, table: Table, *, actor=None, dry_run: bool = False, job_id: int | None = None
) -> ImportReport:
    """Check every row; unless it is a dry run and only if no row is bad, write all in one
    transaction. With `job_id` (a background import) the rows checked and written are counted
    on that governance Job."""
    importer = IMPORTERS[kind](actor)
    report = importer.report
    problem = C.header_problem(kind, table.header)
    if problem:
        report.errors.append(RowError(1, "", problem))
        return report
    report.rows_total = len(table.rows)
    if not table.rows:
        report.errors.append(RowError(1, "", _("文件中没有数据行。")))
        return report
    plans = importer.check(table.rows)
    _count_ok(report)
    if report.errors or dry_run:
        return report
    if job_id:
        jobs.set_total(job_id, report.rows_total + len(plans), message=_("校验通过，正在写入……"))
        jobs.advance(job_id, report.rows_total)
    try:
        with transaction.atomic():
            for i, plan in enumerate(plans, start=1):
                if job_id and i % PROGRESS_STEP == 0:
                    jobs.advance(job_id, PROGRESS_STEP)
                try:
                    importer.write(plan)
                except ValidationError as exc:
                    importer.refused(plan, exc)
                    raise _RollBack from exc
                except DatabaseError as exc:  # a constraint the checks did not foresee (or a race)
                    importer.error(plan.line, "", _("数据库拒绝写入：%(error)s") % {"error": exc})
                    raise _RollBack from exc
    except _RollBack:
        _count_ok(report)
        return report
    report.written = True
    return report


def import_file(
    kind: str, data: bytes, filename: str = "", *, actor=None, dry_run: bool = False, job_id: int | None = None
) -> ImportReport:
    """Read a CSV/XLSX file and import it; raises reading.UnreadableFile for a file that cannot be read."""
    return import_table(kind, read_table(data, filename), actor=actor, dry_run=dry_run, job_id=job_id)


def _count_ok(report: ImportReport) -> None:
    bad = {e.line for e in report.errors}
    report.rows_ok = report.rows_total - len(bad)
    order = {name: i for i, name in enumerate(C.header_of(report.kind))}
    for problems in (report.errors, report.warnings):
        problems.sort(key=lambda p: (p.line, order.get(p.column, -1)))

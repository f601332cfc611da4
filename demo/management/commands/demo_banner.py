"""manage.py demo_banner --url URL — where the demo is served and who can sign in."""

import unicodedata

from django.core.management.base import BaseCommand
from django.db.models import Q

from demo import grids as county_demo
from governance.roles import Role
from grids.levels import AreaLevel
from grids.models import Assignment

# Which account of a role to show when it has several; every role with an active account is shown.
PREFERRED = {
    Role.ADMIN: Q(user__username="admin"),
    Role.COMMAND_OPERATOR: Q(user__username="zhihui"),
    Role.COMMAND_LEADER: Q(user__username="zhihui-lead"),
    Role.TOWNSHIP_OFFICER: Q(user__username__startswith="town-"),
    Role.DEPARTMENT_OFFICER: Q(user__username__startswith="dept-"),
    Role.VILLAGE_HEAD: Q(user__username__startswith="vh-"),
    Role.GRID_LEADER: Q(user__username__startswith="gl-"),
    Role.GRID_POLICE: Q(user__username__startswith="police-"),
    Role.GRID_WORKER: Q(user__username__startswith="gw-"),
    Role.INSURER: Q(user__username="baoxian"),  # demo.insurance
    Role.CREDIT_COMMITTEE: Q(user__username__startswith="credit-"),
    Role.CREDIT_COOPERATIVE: Q(user__username="coop"),
}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


class Command(BaseCommand):
    help = "打印演示平台的访问地址和演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="平台地址")

    def handle(self, *args, **options):
        url = options["url"].rstrip("/") + "/"
        rows = []
        for role in Role:
            active = Assignment.objects.filter(role=role, end_date__isnull=True, user__is_active=True)
            ordered = active.select_related("user", "area").order_by("area__path", "user__username")
            a = ordered.filter(PREFERRED.get(role, Q())).first() or ordered.first()
            if a:
                rows.append((Role(role).label, a.user.username, a.user.full_name, a.area.name))
        city = (  # a prefecture (seed_demo --prefecture): the city's command centre too
            Assignment.objects.filter(
                area__level=AreaLevel.CITY,
                role__in=[Role.COMMAND_OPERATOR, Role.COMMAND_LEADER],
                end_date__isnull=True,
                user__is_active=True,
            )
            .select_related("user", "area")
            .order_by("role", "user__username")
        )
        for a in city:
            rows.append((f"市{Role(a.role).label}", a.user.username, a.user.full_name, a.area.name))
        out = [
            "",
            "网格治理指挥平台（演示）",
            f"  访问地址：{url}",
            f"  接口文档：{url}api/docs/（系统管理员、指挥中心）",
        ]
        if rows:
            widths = [max(_width(r[i]) for r in rows) + 2 for i in range(3)]
            out.append(f"  演示账号（密码均为 {county_demo.PASSWORD}）：")
            out += ["    " + "".join(_pad(r[i], widths[i]) for i in range(3)) + r[3] for r in rows]
        else:
            out.append("  尚未载入演示数据：请先运行 manage.py seed_demo。")
        out.append("")
        self.stdout.write("\n".join(out))

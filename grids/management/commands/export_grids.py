"""manage.py export_grids <areas|assignments|households> <file.csv|file.xlsx> [--under CODE] [--user USERNAME]"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from governance.models import AccessVia
from grids.models import Area
from grids.selectors import areas_for
from grids.transfer.columns import KINDS
from grids.transfer.exporters import export_rows, note_unmasked, write_csv, write_xlsx


class Command(BaseCommand):
    help = "把区划、在任人员分配或住户导出为 CSV 或 XLSX（与导入相同的列）。默认导出全部且不脱敏。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path, help="以 .csv 或 .xlsx 结尾")
        parser.add_argument("--under", metavar="CODE", help="只导出该区划代码及其下级")
        parser.add_argument("--user", metavar="USERNAME", help="按该用户的可见范围和脱敏规则导出")

    def handle(self, *args, kind, file, under, user, **options):
        suffix = file.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise CommandError("文件名须以 .csv 或 .xlsx 结尾。")
        area = None
        if under:
            area = Area.objects.filter(code=under).first()
            if area is None:
                raise CommandError(f"区划代码 {under} 不存在。")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户 {user} 不存在。")
            if area is not None and not areas_for(actor).filter(pk=area.pk).exists():
                raise CommandError(f"用户 {user} 看不到区域 {under}。")
        count = 0

        def counted(rows):
            nonlocal count
            for row in rows:
                count += 1
                yield row

        rows = counted(export_rows(kind, actor, area))
        note_unmasked(kind, actor, filename=file.name, under=area, via=AccessVia.COMMAND)
        with file.open("wb") as out:
            (write_xlsx if suffix == ".xlsx" else write_csv)(kind, rows, out)
        self.stdout.write(self.style.SUCCESS(f"已导出 {count} 行到 {file}。"))

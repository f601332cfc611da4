"""manage.py import_grids <areas|assignments|households> <file.csv|file.xlsx> [--dry-run]"""

import unicodedata
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from grids.transfer.columns import KINDS
from grids.transfer.importers import ImportReport, RowError, import_file
from grids.transfer.reading import UnreadableFile


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(problems: list[RowError]) -> str:
    """The problems as a table 行 | 列 | 原因, aligned for Chinese text in a terminal."""
    rows = [("行", "列", "原因")] + [(str(p.line), p.column or "—", p.message) for p in problems]
    line_w = max(_width(r[0]) for r in rows)
    col_w = max(_width(r[1]) for r in rows)
    return "\n".join(f"{_pad(a, line_w)}  {_pad(b, col_w)}  {c}" for a, b, c in rows)


class Command(BaseCommand):
    help = (
        "从 CSV 或 XLSX 导入区划、人员分配或住户（列见 grids/transfer/__init__.py）。先校验全部行，"
        "任何一行有错误则什么都不写入。人员分配中不存在的用户名会新建账号（无可用密码，须由管理员重置）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")

    def handle(self, *args, kind, file, dry_run, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法打开文件：{exc}") from None
        try:
            report = import_file(kind, data, file.name, dry_run=dry_run)
        except UnreadableFile as exc:
            raise CommandError(exc.message) from None
        self.print_report(report)
        if report.errors:
            raise CommandError(f"有 {len(report.errors)} 处错误，未写入任何数据。")

    def print_report(self, report: ImportReport) -> None:
        if report.errors:
            self.stdout.write(self.style.ERROR("错误："))
            self.stdout.write(format_table(report.errors))
        if report.warnings:
            self.stdout.write(self.style.WARNING("提示（不影响导入）："))
            self.stdout.write(format_table(report.warnings))
        summary = f"共 {report.rows_total} 行，{report.rows_ok} 行通过校验。"
        if report.written:
            self.stdout.write(self.style.SUCCESS(summary + "已全部写入。"))
        elif not report.errors:
            self.stdout.write(self.style.SUCCESS(summary + "试运行，未写入。"))
        else:
            self.stdout.write(summary)

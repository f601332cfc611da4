"""`make backup`: the database, the uploaded files and the demo's keys into one folder
(governance/backups.py, docs/operations.md). Run as the tables' owner (DATABASE_AS=owner)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from governance.backups import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库（pg_dump 自定义格式）、上传文件和演示环境的密钥到一个目录。"

    def add_arguments(self, parser):
        parser.add_argument("--to", default=str(Path(settings.VAR_DIR) / "backups"), help="备份存放的上级目录")

    def handle(self, *args, to, **options):
        try:
            folder = backup(Path(to))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"备份完成：{folder}")
        if not (folder / "keys").exists():
            self.stdout.write(
                "提醒：IDENTITY_KEY 与 SECRET_KEY 不在备份中，请另行妥善保存；"
                "没有原来的 IDENTITY_KEY，身份证号无法解密。"
            )

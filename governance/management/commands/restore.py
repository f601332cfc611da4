"""`make restore BACKUP=<folder>`: load a backup into an empty database and MEDIA_ROOT and verify
the row counts and the event logs' checksums (governance/backups.py, docs/operations.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from governance.backups import BackupError, restore


class Command(BaseCommand):
    help = "把备份恢复到空数据库和上传文件目录，并核对各表行数和事件日志校验和。"

    def add_arguments(self, parser):
        parser.add_argument("folder", help="make backup 生成的备份目录")
        parser.add_argument("--force", action="store_true", help="覆盖非空的数据库和上传文件目录")

    def handle(self, *args, folder, force, **options):
        try:
            restored = restore(Path(folder), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"恢复完成并已核对：{restored.tables} 张表共 {restored.rows} 行，{restored.media_files} 个上传文件。"
        )

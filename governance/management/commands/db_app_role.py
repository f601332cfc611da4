"""Prepare the application's PostgreSQL role (governance/db_roles.py); run as the owner
(DATABASE_AS=owner) after migrating. On SQLite there are no roles: nothing to do."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from governance.db_roles import app_role_for, prepare_app_role


class Command(BaseCommand):
    help = "创建或更新应用使用的数据库角色及其权限（以迁移角色运行）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--print-env", action="store_true", help="输出 DATABASE_URL=…（应用角色的连接串），供 make serve 使用"
        )

    def handle(self, *args, print_env=False, **options):
        if connection.vendor != "postgresql":
            return
        role = app_role_for(connection)
        with transaction.atomic():
            prepare_app_role(connection, role)
        if print_env and role.url:
            self.stdout.write(f"DATABASE_URL={role.url}")
        elif options["verbosity"] > 0 and not print_env:
            self.stdout.write(f"数据库角色 {role.user} 已就绪。")

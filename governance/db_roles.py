"""The application's PostgreSQL role: owns nothing, may read and write the business tables, may only
add rows to the append-only ones (no UPDATE, DELETE or TRUNCATE; an attachment's event column may be
filled once), cannot alter a table, disable a trigger or set session_replication_role. Run as the
owner after every migration (`manage.py db_app_role`, which `make migrate` does)."""

import secrets
from dataclasses import dataclass

import environ
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from psycopg2 import sql

from .audit import append_only_tables


@dataclass
class AppRole:
    user: str
    password: str
    url: str  # empty when DATABASE_URL already names this role


def app_role_for(connection) -> AppRole:
    """The role the application connects as: DATABASE_URL's user when a separate owner URL is set,
    else DATABASE_APP_USER ("<database>_app") with a password kept under var/ (the local demo)."""
    if settings.OWNER_DATABASE_URL:
        app = environ.Env.db_url_config(settings.APP_DATABASE_URL)
        return AppRole(app["USER"], app.get("PASSWORD") or "", "")
    path = settings.VAR_DIR / "database_app_password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    password = path.read_text().strip()
    params = connection.settings_dict
    user = settings.DATABASE_APP_USER or f"{params['NAME']}_app"[:63]
    host = params.get("HOST") or "127.0.0.1"
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return AppRole(user, password, f"postgres://{user}:{password}@{host}{port}/{params['NAME']}")


def prepare_app_role(connection, role: AppRole) -> None:
    """Create the role if it is missing and (re)grant exactly its privileges. Idempotent."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
        if role.user == owner:
            raise ImproperlyConfigured("应用的数据库角色不能是表的所有者（迁移角色）：请为应用单独设置 DATABASE_URL。")
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role.user])
        found = cursor.fetchone()
        name = sql.Identifier(role.user)
        if found is None:
            create = "CREATE ROLE {} LOGIN PASSWORD %s NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
            cursor.execute(sql.SQL(create).format(name), [role.password])
        elif any(found):
            raise ImproperlyConfigured(f"数据库角色 {role.user} 是超级用户或可绕过行级安全，不能作为应用角色。")
        elif role.url:  # the demo's own role: keep its password in step with var/
            cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD %s").format(name), [role.password])
        database = sql.Identifier(connection.settings_dict["NAME"])
        statements = [
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(database, name),
            sql.SQL("REVOKE ALL ON SCHEMA public FROM {}").format(name),
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
            sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(name),
            sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(name),
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(name),
        ]
        for table, fill_once in append_only_tables():
            statements.append(sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(sql.Identifier(table), name))
            if fill_once:
                statements.append(
                    sql.SQL("GRANT UPDATE ({}) ON {} TO {}").format(
                        sql.Identifier(fill_once), sql.Identifier(table), name
                    )
                )
        for statement in statements:
            cursor.execute(statement)

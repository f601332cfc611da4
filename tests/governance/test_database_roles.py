"""Issue 23 (6): the audit tables are append-only for everyone by trigger (UPDATE, DELETE and now
TRUNCATE, attachments included), and the application's own role (`manage.py db_app_role`) cannot
TRUNCATE, disable a trigger, set session_replication_role or skip pgtrigger's ignore list — while it
can still do its work (read, add rows, link an attachment to its event once)."""

import psycopg2
import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from governance.audit import append_only_tables
from governance.db_roles import AppRole, prepare_app_role
from tests.factories import UserFactory
from tests.incidents.conftest import loop, report  # noqa: F401  (a county with a case, for the attachment)

pytestmark = pytest.mark.django_db(transaction=True)

LOG = "credit_integritycheck"


def refused(cursor, statement, params=None) -> str:
    """Run `statement` in a savepoint; the error PostgreSQL answers with (the test fails if none)."""
    cursor.execute("SAVEPOINT probe")
    try:
        cursor.execute(statement, params)
    except (psycopg2.Error, DatabaseError) as exc:  # the app role's raw cursor, or Django's wrapping one
        cursor.execute("ROLLBACK TO SAVEPOINT probe")
        return str(exc)
    pytest.fail(f"not refused: {statement}")


@pytest.fixture
def app_role():
    """The application role on the test database, created as the command does; dropped after."""
    settings_dict = connection.settings_dict
    role = AppRole(f"{settings_dict['NAME']}_app"[:63], "app-role-test-password", "")
    with transaction.atomic():
        prepare_app_role(connection, role)
    app = psycopg2.connect(
        dbname=settings_dict["NAME"],
        user=role.user,
        password=role.password,
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
    )
    try:
        yield app
    finally:
        app.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role.user}"; DROP ROLE "{role.user}"')


@pytest.fixture
def logged_check():
    user = UserFactory(username="checker")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {LOG} (checked_by_id, reason, query_kind, query_masked, query_digest, result, created_at)"
            " VALUES (%s, '核查', 'id_number', '411425********0011', '', 'not_found', %s) RETURNING id",
            [user.pk, timezone.now()],
        )
        return user, cursor.fetchone()[0]


def test_every_audit_table_refuses_change_delete_and_truncate_even_to_the_owner(logged_check):
    tables = dict(append_only_tables())
    assert {"incidents_caseevent", "incidents_caseattachment", "insurance_claimphoto", LOG} <= set(tables)
    assert {"care_pointsmovement", "care_helplog"} <= set(tables)  # points and help given: the same protection
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            assert "append-only" in refused(cursor, f"TRUNCATE {table} CASCADE")
        assert "append-only" in refused(cursor, f"UPDATE {LOG} SET reason = 'x'")
        assert "append-only" in refused(cursor, f"DELETE FROM {LOG}")
        # pgtrigger's session switch (which any role may set) does not open these triggers
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [LOG])
        names = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(names) + "}"])
        assert "append-only" in refused(cursor, f"UPDATE {LOG} SET reason = 'x'")


def test_the_application_role_cannot_switch_the_protection_off(app_role, logged_check):
    user, log_id = logged_check
    cursor = app_role.cursor()
    assert "permission denied" in refused(cursor, f"TRUNCATE {LOG}")
    assert "must be owner" in refused(cursor, f"ALTER TABLE {LOG} DISABLE TRIGGER ALL")
    assert "permission denied" in refused(cursor, "SET session_replication_role = replica")
    assert "permission denied" in refused(cursor, f"UPDATE {LOG} SET reason = 'x' WHERE id = %s", [log_id])
    assert "permission denied" in refused(cursor, f"DELETE FROM {LOG} WHERE id = %s", [log_id])
    cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [LOG])
    for (trigger,) in cursor.fetchall():
        assert "must be owner" in refused(cursor, f"DROP TRIGGER {trigger} ON {LOG}")
    assert "permission denied" in refused(cursor, "CREATE TABLE public.smuggled (id int)")
    # …and it still does its work: reads, adds audit rows, changes business rows.
    cursor.execute(f"SELECT count(*) FROM {LOG}")
    assert cursor.fetchone()[0] == 1
    cursor.execute(
        f"INSERT INTO {LOG} (checked_by_id, reason, query_kind, query_masked, query_digest, result, created_at)"
        " VALUES (%s, '再查', 'id_number', '411425********0011', '', 'not_found', now())",
        [user.pk],
    )
    cursor.execute("UPDATE governance_user SET full_name = full_name WHERE id = %s", [user.pk])
    app_role.commit()
    with connection.cursor() as owner:
        owner.execute(f"SELECT count(*) FROM {LOG}")
        assert owner.fetchone()[0] == 2


def test_an_attachment_is_linked_to_its_event_once_and_never_changed(loop, report, app_role):  # noqa: F811
    from incidents.models import CaseAttachment, CaseEvent

    case = report()
    event = CaseEvent.objects.filter(case=case).first()
    with connection.cursor() as owner:
        owner.execute(
            "INSERT INTO incidents_caseattachment (case_id, file, original_name, content_type, size, uploaded_by_id,"
            " created_at) VALUES (%s, 'x.jpg', 'x.jpg', 'image/jpeg', 3, %s, now()) RETURNING id",
            [case.pk, loop.worker.pk],
        )
        attachment_id = owner.fetchone()[0]
    cursor = app_role.cursor()
    cursor.execute("UPDATE incidents_caseattachment SET event_id = %s WHERE id = %s", [event.pk, attachment_id])
    app_role.commit()
    assert CaseAttachment.objects.get(pk=attachment_id).event_id == event.pk
    again = "UPDATE incidents_caseattachment SET event_id = NULL WHERE id = %s"
    assert "append-only" in refused(cursor, again, [attachment_id])
    assert "permission denied" in refused(
        cursor, "UPDATE incidents_caseattachment SET original_name = 'y' WHERE id = %s", [attachment_id]
    )
    assert "permission denied" in refused(cursor, "DELETE FROM incidents_caseattachment WHERE id = %s", [attachment_id])

"""The test suite's database backend: Django's PostgreSQL backend, except that emptying the tables
between transactional tests runs under `session_replication_role = replica`.

The audit tables refuse TRUNCATE by trigger (governance.audit), and Django's flush is a TRUNCATE.
The suite connects as the owner (a superuser on the test machine), which may set that parameter
for its own transaction; the application role may not (tests/governance/test_database_roles.py).
"""

from django.db import transaction
from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def execute_sql_flush(self, sql_list):
        with transaction.atomic(using=self.connection.alias):
            with self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
                for sql in sql_list:
                    cursor.execute(sql)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

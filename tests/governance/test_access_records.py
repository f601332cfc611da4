"""Issue 18 (2): the access log (查阅留痕) is append-only in the database and the admin lists it
with filters. Where rows are written: tests/grids/test_access_records.py, tests/care/test_plans.py."""

import pytest
from django.db import connection, transaction

from governance import access_records
from governance.models import AccessKind, AccessRecord, AccessVia
from tests.factories import UserFactory

LOG = "/admin/governance/accessrecord/"


@pytest.fixture
def rows(db):
    viewer = UserFactory(username="viewer", full_name="查看人")
    access_records.record(user=viewer, kind=AccessKind.IDENTITY, subject="grids.household", what="户 H1 成员身份证号",
                          via=AccessVia.API, rows=3)
    access_records.record(user=viewer, kind=AccessKind.EXPORT, subject="grids.households", what="households.csv",
                          via=AccessVia.API, rows=0, reason="年度核查")
    return viewer


def test_the_access_log_refuses_update_and_delete(rows):
    for statement in (
        "UPDATE governance_accessrecord SET reason = 'x'",
        "DELETE FROM governance_accessrecord",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AccessRecord.objects.count() == 2


def test_the_admin_lists_the_log_with_filters_and_changes_nothing(client, rows, django_assert_max_num_queries):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = client.get(LOG).content.decode()
    assert "户 H1 成员身份证号" in page and "households.csv" in page
    page = client.get(LOG, {"kind__exact": "export"}).content.decode()
    assert "households.csv" in page and "户 H1" not in page
    assert "年度核查" in client.get(LOG, {"q": "年度"}).content.decode()
    row = AccessRecord.objects.first()
    assert client.get(f"{LOG}add/").status_code == 403
    assert client.post(f"{LOG}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessRecord.objects.count() == 2
    with django_assert_max_num_queries(14):
        assert client.get(LOG).status_code == 200

"""FILE_STORAGE=s3: uploads in an S3-compatible object store shared by every web host, against a
real S3 endpoint on the loopback (moto's server). A case photo goes into the bucket, the case
page's download streams it back through the scope check, the orphan sweep lists and deletes in
the bucket, and a backup carries the bucket's files."""

import datetime as dt
import socket
import tarfile

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

from governance import orphan_files
from incidents.models import CaseAttachment
from tests.governance.test_settings_secrets import IDENTITY, SECRET, start
from tests.incidents.conftest import loop  # noqa: F401  (fixture)
from tests.incidents.test_api import post_report

BUCKET = "grid-governance-uploads"
KEYS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(settings, s3_endpoint):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    options = {**settings.FILE_STORAGE_BACKENDS["s3"]["OPTIONS"], "bucket_name": BUCKET, "endpoint_url": s3_endpoint}
    settings.FILE_STORAGE = "s3"
    s3 = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options | KEYS}
    settings.STORAGES = {**settings.STORAGES, "default": s3}
    yield client
    for stored in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=stored["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _objects(client) -> set[str]:
    return {o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_a_case_photo_lives_in_the_bucket_and_downloads_through_the_scope_check(bucket, loop, as_user):  # noqa: F811
    assert isinstance(storages["default"], S3Storage)
    case = post_report(as_user(loop.worker), loop).json()
    stored = CaseAttachment.objects.get(case_id=case["id"]).file.name
    assert _objects(bucket) == {stored}
    url = case["timeline"][0]["attachments"][0]["url"]
    answer = as_user(loop.operator).get(url)
    body = b"".join(answer.streaming_content)
    assert answer.status_code == 200 and body == bucket.get_object(Bucket=BUCKET, Key=stored)["Body"].read()
    assert body[:2] == b"\xff\xd8"  # the JPEG itself
    assert as_user(loop.world.officers["411425100"]).get(url).status_code == 404


def test_the_orphan_sweep_and_the_backup_read_the_bucket(bucket, loop, as_user, tmp_path):  # noqa: F811
    case = post_report(as_user(loop.worker), loop).json()
    kept = CaseAttachment.objects.get(case_id=case["id"]).file.name
    orphan = default_storage.save("cases/2026/12/orphan.jpg", ContentFile(b"no row names me"))
    assert set(orphan_files.stored_files(default_storage)) == {kept, orphan}

    assert orphan_files.sweep(grace=dt.timedelta(0)) == 1
    assert _objects(bucket) == {kept}

    from governance import backups  # pg_dump of the test database as well: the whole backup path

    folder = backups.backup(tmp_path)
    with tarfile.open(folder / backups.MEDIA) as archive:
        assert archive.getnames() == [kept]
        assert archive.extractfile(kept).read() == bucket.get_object(Bucket=BUCKET, Key=kept)["Body"].read()


@pytest.mark.parametrize(
    "variables,says",
    [({"FILE_STORAGE": "ftp"}, "FILE_STORAGE must be local or s3"), ({"FILE_STORAGE": "s3"}, "S3_BUCKET")],
)
def test_a_storage_setting_that_cannot_work_stops_the_start(tmp_path, variables, says):
    result = start(tmp_path, DEBUG="false", SECRET_KEY=SECRET, IDENTITY_KEY=IDENTITY, **variables)
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr and says in result.stderr

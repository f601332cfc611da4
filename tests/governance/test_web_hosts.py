"""Several web hosts behind one nginx: two gunicorn servers, each with a local disk of its own
(VAR_DIR), sharing only PostgreSQL, Redis and the object store (FILE_STORAGE=s3, moto's S3
server on the loopback). A person signs in on one host and is served by the other, posts a
report with a photo to the other with the CSRF token the first set, and downloads the photo
from the first: nothing a request needs lives in one host's memory or disk."""

import io
import os
import subprocess
import sys
import time
import uuid

import boto3
import pytest
import requests
from django.conf import settings
from django.db import connection
from PIL import Image

from incidents.models import CaseAttachment
from tests.faults import free_port
from tests.governance.test_object_storage import s3_endpoint  # noqa: F401  (fixture)
from tests.incidents.conftest import loop  # noqa: F401  (fixture)

BUCKET = "grid-governance-shared"
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def _start_host(var_dir, endpoint) -> tuple[subprocess.Popen, str]:
    db = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "governance.test_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{db['PORT'] or 5432}/{db['NAME']}",
        "VAR_DIR": str(var_dir),
        "FILE_STORAGE": "s3",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "testing",
        "S3_SECRET_ACCESS_KEY": "testing",
    }
    command = [sys.executable, "-m", "gunicorn", "governance.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1",
               "--config", "python:governance.gunicorn_conf"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return process, f"http://127.0.0.1:{port}"


@pytest.fixture
def hosts(tmp_path, s3_endpoint):  # noqa: F811
    bucket = boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id="testing", aws_secret_access_key="testing",
        region_name="us-east-1",
    )  # fmt: skip
    bucket.create_bucket(Bucket=BUCKET)
    started = [_start_host(tmp_path / name, s3_endpoint) for name in ("host-a", "host-b")]
    try:
        deadline = time.monotonic() + 90
        for process, base in started:
            while True:
                try:
                    requests.get(f"{base}/accounts/login/", timeout=20)
                    break
                except requests.ConnectionError:
                    assert time.monotonic() < deadline and process.poll() is None, "gunicorn did not start"
                    time.sleep(0.3)
        yield [base for _process, base in started], bucket
    finally:
        for process, _base in started:
            process.terminate()
            process.wait(30)
        for stored in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", []):
            bucket.delete_object(Bucket=BUCKET, Key=stored["Key"])
        bucket.delete_bucket(Bucket=BUCKET)


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 140, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_person_moves_between_hosts_without_noticing(hosts, loop):  # noqa: F811
    (a, b), bucket = hosts
    browser = requests.Session()  # cookies are per host name, not per port: like one site behind nginx
    browser.get(f"{a}/accounts/login/", timeout=30)
    signed_in = browser.post(
        f"{a}/accounts/login/",
        data={"username": "gw", "password": PASSWORD, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302 and "sessionid" in browser.cookies
    me = browser.get(f"{b}/api/v1/me/", timeout=30)
    assert me.status_code == 200 and me.json()["username"] == "gw"  # A's session, on B

    photo = _jpeg()
    report = browser.post(
        f"{b}/api/v1/cases/",
        data={"source": "grid_app", "category": loop.category("HJ01").id, "description": "两台主机之间的上报",
              "lat": 34.405, "lng": 115.905, "crs": "WGS84"},
        files={"photos": ("scene.jpg", photo, "image/jpeg")},
        headers={"X-CSRFToken": browser.cookies["csrftoken"], "Idempotency-Key": uuid.uuid4().hex},
        timeout=60,
    )  # fmt: skip
    assert report.status_code == 201, report.text[:500]
    download = browser.get(a + report.json()["timeline"][0]["attachments"][0]["url"], timeout=30)
    stored = CaseAttachment.objects.get(case_id=report.json()["id"]).file.name
    assert download.status_code == 200 and download.content[:2] == b"\xff\xd8"  # written by B, read by A
    assert download.content == bucket.get_object(Bucket=BUCKET, Key=stored)["Body"].read()

    browser.post(f"{a}/accounts/logout/", headers={"X-CSRFToken": browser.cookies["csrftoken"]}, timeout=30)
    assert browser.get(f"{b}/api/v1/me/", timeout=30).status_code in (401, 403)  # signed out on every host

"""The API's orjson renderer answers what DRF's own JSONRenderer would."""

import datetime as dt
import json
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

from governance.renderers import JSONRenderer

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_every_kind_of_value_the_api_gives_is_encoded_as_drf_encodes_it():
    data = {
        "utc": dt.datetime(2026, 12, 5, 4, 30, 1, 123456, tzinfo=dt.UTC),
        "local": dt.datetime(2026, 12, 5, 12, 30, 1, 987654, tzinfo=SHANGHAI),
        "naive": dt.datetime(2026, 12, 5, 12, 30),
        "day": dt.date(2026, 12, 5),
        "clock": dt.time(8, 30, 15, 250000),
        "span": dt.timedelta(hours=2),
        "premium": Decimal("25.50"),
        "label": gettext_lazy("上报"),
        "token": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "text": "虞城县 利民镇 \u2028 \"quoted\"",
        "rows": [{"id": 7, "ok": True, "none": None, "ratio": 0.25}],
        "by_id": {3: "三", 12: "十二"},
        "pair": (1, 2),
    }
    ours, drf = JSONRenderer().render(data), DRFJSONRenderer().render(data)
    assert json.loads(ours) == json.loads(drf)
    assert json.loads(ours)["utc"] == "2026-12-05T04:30:01.123456Z"  # DRF's "Z", not orjson's "+00:00"
    assert json.loads(ours)["by_id"] == {"3": "三", "12": "十二"}


def test_something_neither_can_encode_is_refused():
    with pytest.raises(TypeError):
        JSONRenderer().render({"x": object()})


@pytest.mark.django_db
def test_the_api_answers_through_it(client, django_user_model):
    user = django_user_model.objects.create_user("renderer-check", password="x")
    client.force_login(user)
    response = client.get("/api/v1/me/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert isinstance(response.accepted_renderer, JSONRenderer)
    assert response.json()["username"] == "renderer-check"

"""通知设置: the page where a user chooses their channels and quiet hours."""

import datetime as dt

import pytest

from governance.models import Delivery, NotificationPreference
from governance.notifications import notify
from tests.factories import UserFactory

URL = "/notifications/settings/"


@pytest.fixture
def sms_only(settings):
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"  # configured; nothing is sent in these tests
    settings.WECOM_ROBOT_URL = settings.DINGTALK_ROBOT_URL = settings.EMAIL_HOST = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # no EMAIL_HOST: 未开通


@pytest.fixture
def officer(db):
    return UserFactory(phone="13800001111", email="")


def test_the_page_offers_the_configured_channels_and_names_the_others(client, officer, sms_only):
    client.force_login(officer)
    page = client.get(URL).content.decode()
    assert 'name="channels" value="sms"' in page
    assert "企业微信群（未开通）" in page and "钉钉群（未开通）" in page and "电子邮件（未开通）" in page
    assert "13800001111" in page and 'name="viewport"' in page


def test_saving_channels_and_quiet_hours(client, officer, sms_only):
    client.force_login(officer)
    response = client.post(
        URL, {"channels": ["sms"], "quiet_from": "22:00", "quiet_until": "07:00", "quiet_mode": "skip"}
    )
    assert response.status_code == 302 and response["Location"] == URL
    pref = NotificationPreference.objects.get(user=officer)
    assert (pref.channels, pref.quiet_from, pref.quiet_until, pref.quiet_mode) == (
        ["sms"],
        dt.time(22, 0),
        dt.time(7, 0),
        "skip",
    )
    page = client.get(URL).content.decode()
    assert "通知设置已保存" in page and 'value="22:00"' in page and 'value="sms" id="id_channels_0" checked' in page


@pytest.mark.parametrize(
    "form,field_message",
    [
        ({"quiet_from": "22:00", "quiet_mode": "defer"}, "请同时填写安静时段的开始和结束时间。"),
        ({"quiet_from": "22:00", "quiet_until": "22:00", "quiet_mode": "defer"}, "结束时间不能与开始时间相同。"),
        ({"quiet_from": "25:00", "quiet_until": "07:00", "quiet_mode": "defer"}, "输入一个有效的时间。"),
        ({"channels": ["wecom"], "quiet_mode": "defer"}, "不在可用的选项中"),
        ({"quiet_mode": "never"}, "不在可用的选项中"),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_saved(client, officer, sms_only, form, field_message):
    client.force_login(officer)
    response = client.post(URL, form)
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_sms_without_a_phone_number_is_refused(client, db, sms_only):
    user = UserFactory(phone="")
    client.force_login(user)
    response = client.post(URL, {"channels": ["sms"], "quiet_mode": "defer"})
    assert response.status_code == 400
    assert "您的账号没有登记手机号，无法通过「短信」接收" in response.content.decode()


def test_signed_out_users_are_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_latest_deliveries_are_listed_in_a_fixed_number_of_queries(
    client, officer, sms_only, django_assert_max_num_queries
):
    NotificationPreference.objects.create(
        user=officer, channels=["sms"], quiet_from=dt.time(0), quiet_until=dt.time(23, 59), quiet_mode="skip"
    )
    other = UserFactory(phone="13900002222")
    NotificationPreference.objects.create(
        user=other, channels=["sms"], quiet_from=dt.time(0), quiet_until=dt.time(23, 59), quiet_mode="skip"
    )
    client.force_login(officer)

    def count():
        with django_assert_max_num_queries(50) as captured:
            page = client.get(URL).content.decode()
        return len(captured.captured_queries), page

    notify([officer, other], kind="dispatched", title="第一条")
    few, _ = count()
    for i in range(8):
        notify([officer, other], kind="dispatched", title=f"通知{i}")
    many, page = count()
    assert many == few
    assert page.count("安静时段，未发送") == 9 and "第一条" in page
    assert Delivery.objects.filter(notification__recipient=other).count() == 9 and "13900002222" not in page

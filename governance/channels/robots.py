"""Group robots of 企业微信 (WeCom) and 钉钉 (DingTalk): the message goes to the work group the
robot sits in, @-mentioning the recipient by the phone number their account is registered with.

Both answer HTTP 200 with `{"errcode": 0, "errmsg": "ok"}` on success; any other errcode is a
failure, and the rate limits (WeCom 45009, DingTalk 130101: 20 messages a minute per robot)
are tried again later.

- WeCom: WECOM_ROBOT_URL (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…), a text
  message `{"msgtype": "text", "text": {"content": …, "mentioned_mobile_list": [phone]}}`.
- DingTalk: DINGTALK_ROBOT_URL (https://oapi.dingtalk.com/robot/send?access_token=…) and, for
  a robot with 加签, DINGTALK_ROBOT_SECRET (SEC…): `timestamp` (ms) and `sign` =
  base64(HMAC-SHA256(secret, "timestamp\\nsecret")) are added to the URL; the message is
  `{"msgtype": "text", "text": {"content": "… @phone"}, "at": {"atMobiles": [phone],
  "isAtAll": false}}` (DingTalk shows the mention only when the content names it).
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import Answer, Channel, Unreachable, post_json, text_of


class RobotChannel(Channel):
    url_setting = ""
    rate_limited: frozenset[int] = frozenset()

    def configured(self) -> bool:
        return bool(getattr(settings, self.url_setting))

    def url(self) -> str:
        return getattr(settings, self.url_setting)

    def send(self, delivery) -> Answer:
        answer = post_json(self.url(), self.payload(delivery))
        try:
            errcode = json.loads(answer.text).get("errcode")
        except (ValueError, AttributeError):
            errcode = None
        if errcode in self.rate_limited:
            raise Unreachable(Answer(False, answer.status_code, answer.text))
        return Answer(answer.ok and errcode == 0, answer.status_code, answer.text)


class WecomRobot(RobotChannel):
    key = "wecom"
    label = _("企业微信群")
    url_setting = "WECOM_ROBOT_URL"
    rate_limited = frozenset({45009})

    def payload(self, delivery) -> dict:
        return {
            "msgtype": "text",
            "text": {"content": text_of(delivery.notification), "mentioned_mobile_list": [delivery.address]},
        }


class DingtalkRobot(RobotChannel):
    key = "dingtalk"
    label = _("钉钉群")
    url_setting = "DINGTALK_ROBOT_URL"
    rate_limited = frozenset({130101})

    def url(self) -> str:
        secret = settings.DINGTALK_ROBOT_SECRET
        if not secret:
            return settings.DINGTALK_ROBOT_URL
        return settings.DINGTALK_ROBOT_URL + "&" + urllib.parse.urlencode(sign(secret, int(time.time() * 1000)))

    def payload(self, delivery) -> dict:
        return {
            "msgtype": "text",
            "text": {"content": f"{text_of(delivery.notification)}\n@{delivery.address}"},
            "at": {"atMobiles": [delivery.address], "isAtAll": False},
        }


def sign(secret: str, timestamp_ms: int) -> dict[str, str]:
    """DingTalk's 加签 parameters for a robot's secret at a moment (milliseconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return {"timestamp": str(timestamp_ms), "sign": base64.b64encode(digest).decode()}

"""SMS through the county's SMS gateway over HTTP.

Settings: SMS_GATEWAY_URL (empty: the channel is 未开通), SMS_GATEWAY_USER and
SMS_GATEWAY_PASSWORD (sent as HTTP Basic credentials), SMS_TEMPLATE (the text, with
{title}, {body} and {link}). The gateway receives `{"mobile": "<11 digits>", "content": "…"}`
as JSON and answers 2xx when it accepted the message. A gateway with another request shape gets
its own subclass in settings.NOTIFICATION_CHANNELS (override `payload` / `accepted`).
"""

import base64

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import Answer, Channel, post_json


class SmsChannel(Channel):
    key = "sms"
    label = _("短信")

    def configured(self) -> bool:
        return bool(settings.SMS_GATEWAY_URL)

    def payload(self, delivery) -> dict:
        n = delivery.notification
        content = settings.SMS_TEMPLATE.format(title=n.title, body=n.body, link=n.link)
        return {"mobile": delivery.address, "content": content}

    def send(self, delivery) -> Answer:
        headers = {}
        if settings.SMS_GATEWAY_USER:
            pair = f"{settings.SMS_GATEWAY_USER}:{settings.SMS_GATEWAY_PASSWORD}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        return post_json(settings.SMS_GATEWAY_URL, self.payload(delivery), headers=headers)

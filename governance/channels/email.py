"""E-mail through Django's mail settings (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
EMAIL_HOST_PASSWORD, EMAIL_USE_TLS / EMAIL_USE_SSL, DEFAULT_FROM_EMAIL). Without EMAIL_HOST
(and with the SMTP backend) the channel is 未开通."""

import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext_lazy as _

from . import Answer, Channel, Unreachable, text_of

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class EmailChannel(Channel):
    key = "email"
    label = _("电子邮件")

    def configured(self) -> bool:
        return bool(settings.EMAIL_HOST) or settings.EMAIL_BACKEND != SMTP_BACKEND

    def address(self, user) -> str:
        return user.email or ""

    def send(self, delivery) -> Answer:
        n = delivery.notification
        try:
            send_mail(n.title, text_of(n), None, [delivery.address])
        except smtplib.SMTPRecipientsRefused as error:
            return Answer(False, None, str(error.recipients)[:2000])
        except (smtplib.SMTPException, OSError) as error:
            raise Unreachable(Answer(False, None, str(error)[:2000])) from None
        return Answer(True, None, "accepted by the mail server")

"""Notification channels beyond the in-app inbox: the contract and the registry.

A channel is a class named by its dotted path in settings.NOTIFICATION_CHANNELS with a `key`
(stored in users' preferences and on each delivery), a `label` for the preferences page,
`configured()` (its settings are filled in: a channel without them is shown as 未开通 and never
planned), `address(user)` (the phone number or e-mail address it reaches the user at, "" when
the user has none) and `send(delivery) -> Answer`. `send` raises `Unreachable` when the other
side is down or answers "later" (HTTP 5xx, a time-out, a rate limit): the delivery is tried
again by the Celery task's retry policy. Any other unsuccessful answer is returned with
`ok=False` and the delivery fails at once (a wrong key does not get better by retrying).
A county with another SMS gateway adds its own class to the setting.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

ANSWER_LIMIT = 2000  # characters of the other side's answer kept in the log


@dataclass(frozen=True)
class Answer:
    ok: bool
    status_code: int | None = None
    text: str = ""


class Unreachable(Exception):
    """A transient failure: the answer (if any) is logged and the delivery tried again."""

    def __init__(self, answer: Answer):
        super().__init__(answer.text)
        self.answer = answer


class Channel:
    key = ""
    label = ""

    def configured(self) -> bool:
        raise NotImplementedError

    def address(self, user) -> str:
        return user.phone or ""

    def send(self, delivery) -> Answer:
        raise NotImplementedError


def installed() -> dict[str, Channel]:
    """key → channel, for every channel in settings.NOTIFICATION_CHANNELS, in its order."""
    channels = [import_string(path)() for path in settings.NOTIFICATION_CHANNELS]
    return {c.key: c for c in channels}


def configured() -> dict[str, Channel]:
    return {key: c for key, c in installed().items() if c.configured()}


def text_of(notification) -> str:
    """The message as the external channels send it: the title, the body, the page to open."""
    parts = [notification.title, notification.body]
    if notification.link:
        parts.append(settings.SITE_URL.rstrip("/") + notification.link if settings.SITE_URL else notification.link)
    return "\n".join(p for p in parts if p)


def post_json(url: str, payload: dict, *, headers: dict | None = None) -> Answer:
    """POST `payload` as JSON; the answer, or Unreachable on a network error, a time-out or 5xx."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"a notification channel posts to http(s) URLs only, not {url!r}")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        method="POST",
    )
    try:
        # the scheme is checked above (settings' http/https URLs only)
        with urllib.request.urlopen(request, timeout=settings.NOTIFICATION_HTTP_TIMEOUT) as response:  # nosec B310
            return Answer(True, response.status, _read(response))
    except urllib.error.HTTPError as error:
        answer = Answer(False, error.code, _read(error))
        if error.code >= 500 or error.code == 429:
            raise Unreachable(answer) from None
        return answer
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise Unreachable(Answer(False, None, str(getattr(error, "reason", error))[:ANSWER_LIMIT])) from None


def _read(response) -> str:
    return response.read(ANSWER_LIMIT * 4).decode("utf-8", "replace")[:ANSWER_LIMIT]

"""Browser sessions end after `SESSION_IDLE_MINUTES` without a request and `SESSION_COOKIE_AGE`
after sign-in, whatever the activity; disabling an account ends every session and API token it
has, at once (docs/security.md)."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.models import Session
from django.utils import timezone
from knox.models import AuthToken

SIGNED_IN = "_signed_in_at"
SEEN = "_seen_at"
SEEN_RESOLUTION = 60  # seconds: the last-seen time is written at most once a minute


def mark_signed_in(sender, request, user, **kwargs):
    """user_logged_in: the session's start, for the absolute limit (not for an API token's
    sign-in, which sends the same signal and has no session to keep)."""
    if SESSION_KEY in getattr(request, "session", {}):
        request.session[SIGNED_IN] = request.session[SEEN] = time.time()


class SessionLimitsMiddleware:
    """After AuthenticationMiddleware: a session idle too long or too old is signed out before the
    view runs (a page then sends the person to the sign-in page, the API answers 403)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            now = time.time()
            seen, signed_in = session.get(SEEN, now), session.get(SIGNED_IN, now)
            if now - seen > settings.SESSION_IDLE_MINUTES * 60 or now - signed_in > settings.SESSION_COOKIE_AGE:
                logout(request)
            elif now - seen >= SEEN_RESOLUTION or SEEN not in session:
                session[SEEN] = now
                session.setdefault(SIGNED_IN, now)
        return self.get_response(request)


def end_sessions_and_tokens(user) -> int:
    """Delete every live browser session and API token of `user`; the number ended. Sessions are
    found by decoding the live ones (disabling an account is rare; key rotation cannot hide one)."""
    ended = 0
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator(chunk_size=500):
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()
            ended += 1
    tokens, _by_model = AuthToken.objects.filter(user=user).delete()
    return ended + tokens


def remember_active(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save on the user model: whether the row was active before this save (a save of named
    fields without is_active, such as last_login at sign-in, cannot disable anyone)."""
    if raw or not instance.pk or (update_fields is not None and "is_active" not in update_fields):
        instance._was_active = False
    else:
        instance._was_active = sender._default_manager.filter(pk=instance.pk, is_active=True).exists()


def end_access_of_disabled(sender, instance, created=False, raw=False, **kwargs):
    """post_save on the user model: an account just disabled (admin, console, API, shell) loses
    every session and token in the same transaction."""
    if not raw and not created and getattr(instance, "_was_active", False) and not instance.is_active:
        end_sessions_and_tokens(instance)
    instance._was_active = instance.is_active

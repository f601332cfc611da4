"""Hardening applied to every page and API answer (docs/security.md).

- A NUL byte in the query string or the path answers 400: PostgreSQL refuses NUL in text, so it
  would otherwise surface as a 500 in whichever filter or search passes it on.
- Content-Security-Policy: same origin only (vendored assets), no inline script or style, no
  framing; the map's tile server is added to img-src when one is configured. A view may set its
  own policy (ReDoc, `allow_inline_styles`), which is then kept.
- Permissions-Policy: no camera, microphone, payment, USB or motion sensors; geolocation for this
  origin only (the report form and fieldwork use the phone's GPS).
- Cache-Control: no-store on every answer that passes here (static files are answered earlier by
  WhiteNoise): pages, API answers, exports and attachments carry personal data.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(self), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)


def content_security_policy(*, inline_styles: bool = False) -> str:
    images = ["'self'", "data:", "blob:"]
    tiles = urlsplit(settings.MAP_TILE_URL)
    if tiles.scheme and tiles.netloc:  # a {s} subdomain placeholder becomes a wildcard
        images.append(f"{tiles.scheme}://{tiles.netloc.replace('{s}', '*')}")
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"] if inline_styles else ["'self'"],
        "img-src": images,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def allow_inline_styles(view):
    """For a third-party page that injects <style> elements (ReDoc's styled-components): the same
    policy with inline styles allowed; scripts stay same-origin only."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.headers["Content-Security-Policy"] = content_security_policy(inline_styles=True)
        return response

    return wrapped


def _has_nul(request) -> bool:
    return "\x00" in request.path or any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
    )


def _bad_request(request):
    message = _("请求参数中含有不允许的字符（NUL）。")
    if request.path.startswith("/api/") or request.path.startswith("/open311/"):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponseBadRequest(render_to_string("400.html"))  # outside the session: no user yet


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        response = _bad_request(request) if _has_nul(request) else self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers["Cache-Control"] = "no-store"
        return response

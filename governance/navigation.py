"""The top navigation: entries from settings.NAV_ITEMS, shown to the roles they name.

Each entry is (label, url name, roles or None for everyone signed in). An entry whose url
name does not resolve is skipped, so an app's pages appear once its urls are installed.
"""
from django.conf import settings
from django.urls import NoReverseMatch, reverse


def nav_items(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    roles = user.role_names()
    items = []
    for label, url_name, allowed in settings.NAV_ITEMS:
        if allowed is not None and not (user.is_superuser or roles & set(allowed)):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path.startswith(url) and url != "/"})
    return {"nav_items": items}

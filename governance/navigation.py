"""The top navigation: entries from settings.NAV_ITEMS, shown to the roles they name.

An entry is (label, url name, roles or None for everyone signed in), or a menu
(label, [entries]) shown when at least one of its entries is. An entry whose url name does not
resolve is skipped, so an app's pages appear once its urls are installed.
"""

from django.conf import settings
from django.urls import NoReverseMatch, reverse


def _visible(entries, user, roles, path):
    items = []
    for entry in entries:
        if isinstance(entry[1], list):
            children = _visible(entry[1], user, roles, path)
            if children:
                items.append({"label": entry[0], "children": children, "active": any(c["active"] for c in children)})
            continue
        label, url_name, allowed = entry
        if allowed is not None and not (user.is_superuser or roles & set(allowed)):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": path.startswith(url) and url != "/"})
    return items


def nav_items(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": _visible(settings.NAV_ITEMS, user, user.role_names(), request.path)}

"""The views sent to a read replica exist under the names listed, and include what the issue names:
dashboard panels, map layers, figures, exports and the weekly evaluation."""

from django.conf import settings
from django.urls import get_resolver
from django.urls.resolvers import URLPattern, URLResolver


def view_names(patterns=None, namespace="") -> set[str]:
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= view_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_listed_view_name_is_a_route():
    assert settings.REPLICA_READ_VIEWS - view_names() == set()


def test_the_heavy_reads_are_listed():
    for name in ("oversight-dashboard", "oversight-map-areas", "oversight-map-cases", "oversight:map",
                 "incidents:export", "reviews:weekly", "insurance:figures"):
        assert name in settings.REPLICA_READ_VIEWS

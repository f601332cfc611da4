"""The one router every app's API registers its viewsets on.

Detail routes take the object's id as `<int:pk>` (Django's path converter): an id that is not
a whole number (`abc`, `null,null`, `1.5`, `-1`) matches no route and answers 404 — JSON, like
every answer under /api/ (governance.error_pages) — before any view code runs, so no endpoint
parses an id by itself. The schema types the id as an integer. A viewset whose lookup is not an
id names its converter in `lookup_value_converter`; an extra action's own path parameters use
converters too (`url_path="photos/<int:photo_id>"`).
"""

from rest_framework.routers import SimpleRouter


class Router(SimpleRouter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, use_regex_path=False, **kwargs)

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or getattr(viewset, "lookup_field", "pk")
        converter = getattr(viewset, "lookup_value_converter", None) or "int"
        return f"<{converter}:{lookup_prefix}{lookup_url_kwarg}>"

"""Open311 GeoReport v2 answers in its two formats: JSON, and XML with the spec's element names
(a list's items are named by the list: `<services><service>…`), UTF-8 with its declaration."""

import json
from xml.etree import ElementTree  # nosec B405 - only writes XML (answers), never parses a request

from django.http import HttpResponse
from django.utils import timezone

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# A list's element name → its items' element name.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


def iso(moment) -> str | None:
    """ISO 8601 with the local offset (+08:00), seconds precision."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(tag: str, value) -> ElementTree.Element:
    element = ElementTree.Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            element.append(_element(key, child))
    elif isinstance(value, list):
        for child in value:
            element.append(_element(ITEMS[tag], child))
    else:
        element.text = _text(value)
    return element


DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def to_xml(root: str, value) -> bytes:
    """The document with the declaration as the spec writes it (double quotes)."""
    return (DECLARATION + ElementTree.tostring(_element(root, value), encoding="unicode")).encode()


def respond(fmt: str, root: str, value, status: int = 200, headers=None) -> HttpResponse:
    """`value` as JSON, or as XML under the element `root`."""
    if fmt == "xml":
        body = to_xml(root, value)
    else:
        body = json.dumps(value, ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=FORMATS.get(fmt, FORMATS["xml"]))
    for name, header in (headers or {}).items():
        response[name] = header
    return response


def errors(fmt: str, status: int, descriptions, headers=None) -> HttpResponse:
    """The spec's error answer: a list of {code, description} (XML `<errors><error>…`)."""
    rows = [{"code": status, "description": text} for text in descriptions]
    return respond(fmt if fmt in FORMATS else "xml", "errors", rows, status=status, headers=headers)

"""Post a page's form the way a browser does: every field, and a file field with nothing chosen
as an empty part (`filename=""`), which Django's test client never sends by itself.

`page_forms(html)` reads the POST forms of a page; `fill_required(form)` fills only what the
browser would insist on (fields marked `required`), leaving every optional field empty."""

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser

BOUNDARY = "----BrowserFormBoundary7MA4YWxkTrZu0gW"
SIGN_OUT = "/accounts/logout/"


def multipart(fields: list[tuple[str, str]], empty_files: list[str] = ()) -> bytes:
    parts = []
    for name, value in fields:
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n')
    for name in empty_files:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename=""\r\n'
            "Content-Type: application/octet-stream\r\n\r\n\r\n"
        )
    parts.append(f"--{BOUNDARY}--\r\n")
    return "".join(parts).encode()


def browser_post(client, url: str, fields: dict | list, empty_files: list[str] = ()):
    """POST `fields` (a dict, or (name, value) pairs) and the file fields `empty_files` with no
    file chosen, as multipart/form-data."""
    pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
    body = multipart([(k, str(v)) for k, v in pairs], empty_files)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


@dataclass
class Control:
    tag: str
    name: str
    type: str = ""
    value: str = ""
    required: bool = False
    checked: bool = False
    options: list[str] = field(default_factory=list)
    selected: str | None = None


@dataclass
class Form:
    action: str
    controls: list[Control] = field(default_factory=list)


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._textarea: Control | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = Form(a.get("action") or "")
            self.forms.append(self._form)
        if self._form is None or not a.get("name") and tag != "option":
            return
        if tag == "input":
            self._form.controls.append(
                Control(
                    "input",
                    a["name"],
                    (a.get("type") or "text").lower(),
                    a.get("value") or "",
                    "required" in a,
                    "checked" in a,
                )
            )
        elif tag == "select":
            self._select = Control("select", a["name"], required="required" in a)
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a:
                self._select.selected = value
        elif tag == "textarea":
            self._textarea = Control("textarea", a["name"], required="required" in a)
            self._form.controls.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_forms(html: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _filled(control: Control) -> str:
    tomorrow = dt.datetime.now() + dt.timedelta(days=1)
    return {
        "number": "1",
        "date": dt.date.today().isoformat(),
        "datetime-local": tomorrow.strftime("%Y-%m-%dT%H:%M"),
    }.get(control.type, "测试填写")


def fill_required(form: Form) -> tuple[list[tuple[str, str]], list[str]]:
    """What a browser sends when the user fills only the required fields: (fields, empty file
    fields). Hidden fields keep their values, a select its selected (or first) option, a radio
    group its checked button; an optional text field goes empty, a file field with no file."""
    fields, files = [], []
    for c in form.controls:
        if c.tag == "select":
            fields.append((c.name, c.selected if c.selected is not None else (c.options[0] if c.options else "")))
        elif c.tag == "textarea":
            fields.append((c.name, c.value or ("测试填写" if c.required else "")))
        elif c.type == "file":
            files.append(c.name)
        elif c.type in ("radio", "checkbox"):
            if c.checked:
                fields.append((c.name, c.value or "on"))
        elif c.type in ("submit", "button"):
            continue
        elif c.type == "hidden":
            fields.append((c.name, c.value))
        else:
            fields.append((c.name, c.value or (_filled(c) if c.required else "")))
    return fields, files


def walk_forms(client, page_url: str) -> dict[str, int]:
    """Post every POST form of the page at `page_url` as a browser would with only its required
    fields filled (optional ones empty, file fields with no file), each in a savepoint rolled
    back afterwards so that every form meets the page's state. Returns form action → status
    (nothing for a page out of the user's scope, 404)."""
    from django.db import transaction

    page = client.get(page_url)
    if page.status_code == 404:
        return {}
    assert page.status_code == 200, (page_url, page.status_code, page.get("Location"))
    answers = {}
    for form in page_forms(page.content.decode()):
        if form.action == SIGN_OUT:  # the navigation's, not the page's
            continue
        fields, files = fill_required(form)
        savepoint = transaction.savepoint()
        try:
            response = browser_post(client, form.action, fields, files)
            assert "/accounts/login/" not in response.get("Location", ""), form.action  # still signed in
            answers[form.action] = response.status_code
        finally:
            transaction.savepoint_rollback(savepoint)
    return answers


def assert_no_server_error(answers: dict[str, int]) -> set[str]:
    """No form answered 5xx; returns the action names posted (the last part of `/act/<name>/`)."""
    assert not {url: code for url, code in answers.items() if code >= 500}
    assert set(answers.values()) <= {200, 302, 400, 403, 404}, answers
    return {url.rstrip("/").rsplit("/", 1)[-1] for url in answers}

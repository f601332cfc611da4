"""Who saw what: one append-only row (`AccessRecord`) for every look at sensitive personal data —
a full ID number shown, a key person's record opened, an export that is not masked. The apps that
show such data call `record` at the point where they decide to show it; the rows are read in the
admin (查阅留痕), filtered by person, kind, way and time (docs/security.md)."""

from django.db import models

from .models import AccessKind, AccessRecord, AccessVia

REASON_MAX = 200


def via_of(request) -> str:
    """page or api: the API's requests are DRF's, whose paths start with /api/."""
    return AccessVia.API if request.path.startswith("/api/") else AccessVia.PAGE


def reason_of(request) -> str:
    """The optional 查阅理由 a page or client gives (`reason` in the query string or the form)."""
    data = request.POST if request.method == "POST" else request.GET
    return (data.get("reason") or "").strip()[:REASON_MAX]


def record(
    *,
    user,
    kind: str,
    obj: models.Model | None = None,
    subject: str = "",
    what: str,
    via: str,
    rows: int = 1,
    reason: str = "",
) -> AccessRecord:
    """One row: `user` (None: a management command on the server) saw `what` (a short label
    without the personal data itself) of `obj` (or of the `subject` named, for an export)."""
    if obj is not None:
        subject, object_id = obj._meta.label_lower, str(obj.pk)
    else:
        object_id = ""
    return AccessRecord.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        kind=kind,
        via=via,
        subject=subject,
        object_id=object_id,
        what=str(what)[:200],
        rows=rows,
        reason=(reason or "").strip()[:REASON_MAX],
    )


def key_person_opened(request, obj, what: str) -> AccessRecord:
    """A key person's record opened on a page or over the API."""
    return record(
        user=request.user, kind=AccessKind.KEY_PERSON, obj=obj, what=what, via=via_of(request),
        reason=reason_of(request),
    )


def identity_shown(request, obj, what: str, rows: int) -> AccessRecord:
    """Full ID numbers (`rows` of them) of `obj` shown on a page or over the API."""
    return record(
        user=request.user, kind=AccessKind.IDENTITY, obj=obj, what=what, via=via_of(request), rows=rows,
        reason=reason_of(request),
    )


def unmasked_export(user, *, subject: str, what: str, via: str, reason: str = "") -> AccessRecord:
    """An export carrying full ID numbers or phones (`what` names the file; rows 0: not counted,
    the file is streamed)."""
    return record(user=user, kind=AccessKind.EXPORT, subject=subject, what=what, via=via, rows=0, reason=reason)

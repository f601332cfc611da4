"""A case's files: checked and cleaned by governance.attachments, stored as CaseAttachment rows."""

from governance.attachments import prepare

from .models import CaseAttachment


def store(*, case, uploads, user, event=None) -> list[CaseAttachment]:
    rows = []
    for upload in uploads:
        content, content_type, original, size = prepare(upload)
        rows.append(
            CaseAttachment.objects.create(
                case=case,
                event=event,
                file=content,
                original_name=original,
                content_type=content_type,
                size=size,
                uploaded_by=user,
            )
        )
    return rows


def link_to_event(attachments, event) -> None:
    """Attach already-stored files to the event that used them (e.g. disposal evidence)."""
    CaseAttachment.objects.filter(pk__in=[a.pk for a in attachments], case_id=event.case_id, event__isnull=True).update(
        event=event
    )

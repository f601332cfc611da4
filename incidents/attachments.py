"""A case's files: checked and cleaned by governance.attachments, stored as CaseAttachment rows."""

from governance import attachments

from .models import CaseAttachment


def store(*, case, uploads, user, event=None) -> list[CaseAttachment]:
    return attachments.store(CaseAttachment, uploads, uploaded_by=user, case=case, event=event)


def link_to_event(attachments, event) -> None:
    """Attach already-stored files to the event that used them (e.g. disposal evidence)."""
    CaseAttachment.objects.filter(pk__in=[a.pk for a in attachments], case_id=event.case_id, event__isnull=True).update(
        event=event
    )

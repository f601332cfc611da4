"""What interfaces adds to the case page (settings.CASE_PAGE_SECTIONS): for a case another system
sent, which system (its key), the other side's number (12345 工单号) and the media link the
report came with. One query, and only for cases of the sources other systems report under."""

from incidents.constants import Source
from incidents.sections import Section

from .models import Submission

SYSTEM_SOURCES = (Source.HOTLINE, Source.VIDEO, Source.CITIZEN, Source.OPEN_API)


def case_section(request, case):
    if case.source not in SYSTEM_SOURCES:
        return []
    submission = Submission.objects.filter(case=case).select_related("key").first()
    if submission is None:  # entered on the command centre's own form
        return []
    return [Section("interfaces/_case_section.html", {"submission": submission})]

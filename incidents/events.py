"""Case events heard by the apps above incidents (settings.CASE_EVENT_LISTENERS).

Every case event row — a report (intake), each workflow action (`services.record_event`) and
日清's automatic urges and escalations (written in bulk) — is announced here, inside the
transaction that wrote it, right after the rows exist. A listener is a callable named by its
dotted path in the setting (`interfaces.webhooks.hear`: webhook deliveries), given the list of
new `CaseEvent` rows (each with its `case` attached); it may write rows of its own in the same
transaction (they commit or roll back with the event) and must never talk to the network —
what it sends goes out after the commit, through the outbox (governance/outbox.py).

A listener costs a fixed number of queries per call whatever the number of events (日清
announces its whole batch at once).
"""

from django.utils.translation import gettext_lazy as _

from governance import registry

from .workflow import CASE_WORKFLOW

# The kinds of case event: the report (intake's event) and every action of the workflow table.
REPORT = "report"
KINDS = [(REPORT, _("上报"))] + [(t.action, t.label) for t in CASE_WORKFLOW.transitions]


def announce(events) -> None:
    """Give the new event rows to every listener in settings.CASE_EVENT_LISTENERS."""
    events = list(events)
    if not events:
        return
    for listener in registry.entries("CASE_EVENT_LISTENERS"):
        listener(events)

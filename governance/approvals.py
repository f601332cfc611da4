"""What waits for a person's decision across the platform (insurance claims to approve, credit
proposals to decide, assessment evidence to accept …), for the inbox's "待我审批" panel.

Each app that has approvals names a function in settings.APPROVAL_SOURCES: it takes the user
and returns a list of `Waiting` (one COUNT query each); this module knows nothing of areas.
"""

from dataclasses import dataclass

from .registry import gather


@dataclass(frozen=True)
class Waiting:
    label: str
    count: int
    url: str


def waiting_for(user) -> list[Waiting]:
    """Every source's waiting items for `user`, leaving out the empty ones."""
    return [w for w in gather("APPROVAL_SOURCES", user) if w.count]

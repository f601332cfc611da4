"""The contract of settings.SAFE_VILLAGE_SINKS: what an app does when the safe-area assessment
approves a village as 平安村 for a year, and when that approval is revoked.

Each entry names a `SafeVillageSink` (today `credit.rewards.SAFE_VILLAGE_SINK`, the 三个10%
rewards). The assessment (`oversight.assessment.rewards`) calls `designate(village=, year=,
source=)` after an approval commits, and `withdraw(village=, year=, source=, reason=, actor=)`
inside the revocation's transaction: what the revoked approval fed (`source` names it) stops at
once, or the revocation does not happen. `withdraw` returns how many records it withdrew."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SafeVillageSink:
    designate: Callable[..., object]
    withdraw: Callable[..., int]

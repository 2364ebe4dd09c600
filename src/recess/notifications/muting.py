"""Whether a silence mutes a notification. Pure decisions over the silences covering a group.

During a silence every trigger and recovery of a covered group is muted, with one exception
Datadog documents: a group that was already alerting when the downtime began still sends the
recovery that ends that alert, unless a covering downtime sets
mute_first_recovery_notification. When a silence ends, the feature that owns it decides which
groups are notified again (downtimes: notify_end_states and notify_end_types); such a notice is
muted while another silence still covers the group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from recess.notifications.muter import Silence


@dataclass(frozen=True)
class Decision:
    muted: bool
    by: tuple[str, ...] = ()
    reason: str | None = None


SEND = Decision(False)


def decide(from_state: str, to_state: str, covering: Sequence[Silence], alerting_since: datetime | None) -> Decision:
    """The decision for a group moving `from_state` -> `to_state`, covered by `covering` (the
    silences active at that instant). `alerting_since` is when the alert being ended began."""
    if not covering:
        return SEND
    by = tuple(s.uuid for s in covering)
    if to_state == "OK" and from_state != "OK" and alerting_since is not None:
        began = min(s.start for s in covering)
        if alerting_since < began:
            if any(s.mute_first_recovery_notification for s in covering):
                return Decision(True, by, "first recovery muted by mute_first_recovery_notification")
            return Decision(False, (), "recovery of an alert that began before the downtime")
    return Decision(True, by, "muted by downtime")


def at_end(others: Sequence[Silence], ended: str, how: str) -> Decision:
    """The decision for the notice that silence `ended` ended `how`: muted while another covers the group."""
    if others:
        return Decision(True, tuple(s.uuid for s in others), f"downtime {ended} {how}, but another still covers the group")
    return Decision(False, (), f"downtime {ended} {how}")

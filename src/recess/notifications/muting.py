"""Whether a downtime mutes a notification. Pure decisions over matching entries.

During a downtime every trigger and recovery of a covered group is muted, with one exception
Datadog documents: a group that was already alerting when the downtime began still sends the
recovery that ends that alert, unless a covering downtime sets
mute_first_recovery_notification. When a downtime ends (expired or canceled), each group it
covers whose state is in notify_end_states is notified again if the way it ended is in
notify_end_types, unless another downtime still covers it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from recess.downtimes.matching import Entry

END_STATES = {"Alert": "alert", "Warn": "warn", "No Data": "no data"}


@dataclass(frozen=True)
class Decision:
    muted: bool
    by: tuple[str, ...] = ()
    reason: str | None = None


SEND = Decision(False)


def decide(from_state: str, to_state: str, covering: Sequence[Entry], alerting_since: datetime | None, at: datetime) -> Decision:
    """The decision for a group moving `from_state` -> `to_state` at `at`, covered by `covering`
    (the active downtimes that match it). `alerting_since` is when the alert being ended began."""
    if not covering:
        return SEND
    by = tuple(e.uuid for e in covering)
    if to_state == "OK" and from_state != "OK" and alerting_since is not None:
        began = min(e.window(at).start for e in covering)
        if alerting_since < began:
            if any(e.mute_first_recovery_notification for e in covering):
                return Decision(True, by, "first recovery muted by mute_first_recovery_notification")
            return Decision(False, (), "recovery of an alert that began before the downtime")
    return Decision(True, by, "muted by downtime")


def notifies_at_end(entry: Entry, how: str, group_state: str) -> bool:
    """Whether `entry` ending `how` ("expired" | "canceled") re-notifies a group in `group_state`."""
    return END_STATES.get(group_state) in entry.notify_end_states and how in entry.notify_end_types


def at_end(others: Sequence[Entry], ended: Entry, how: str) -> Decision:
    """The decision for an end-of-downtime notice: muted while another downtime covers the group."""
    if others:
        return Decision(True, tuple(e.uuid for e in others), f"downtime {ended.uuid} {how}, but another still covers the group")
    return Decision(False, (), f"downtime {ended.uuid} {how}")

"""What a notification is about, as the feature that raises it describes it.

Monitors turn a monitor and one of its groups into a `Subject`; notifications only read it, so
they never import monitors (or know what a threshold is).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from recess.notifications.muter import Target


@dataclass(frozen=True)
class Subject:
    org_id: int
    monitor_id: int
    monitor_name: str
    monitor_type: str
    query: str
    message: str
    priority: int | None
    monitor_tags: tuple[str, ...]
    group: str
    group_tags: tuple[str, ...]
    # Template variables only the raiser knows ({{value}}, {{threshold}}, ...).
    variables: dict[str, str] = field(default_factory=dict)

    @property
    def target(self) -> Target:
        return Target(self.org_id, self.monitor_id, self.monitor_tags, self.group, self.group_tags)

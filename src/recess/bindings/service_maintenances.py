"""A maintenance on bound components mutes their monitors: the downtimes it owns.

`MaintenanceDowntimes` is status pages' `MaintenanceListener`: told of every change of a
maintenance in that change's transaction, it makes the maintenance's downtimes agree with it.
One v2 downtime per binding that applies to the maintenance's components (a component's own,
and its group's), from `start_date` to `completed_date`; moved with the maintenance; canceled
(through the downtimes service, so `notify_end_*` apply as usual) when the maintenance is
canceled, completed before its `completed_date`, or no longer affects the component. A
downtime someone canceled by hand stays canceled and is told on the maintenance's next update.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from recess.bindings import rules, store
from recess.bindings.model import MaintenanceDowntime, MonitorBinding
from recess.core.db import wake_after_commit
from recess.downtimes import rules as downtime_rules
from recess.downtimes import service as downtime_service
from recess.downtimes import store as downtime_store
from recess.downtimes.model import Downtime
from recess.notifications.service import Notifier
from recess.statuspages.listeners import MaintenanceEvent
from recess.statuspages.model import Maintenance, StatusPage

LIVE = ("scheduled", "in_progress")


class MaintenanceDowntimes:
    """Implements `recess.statuspages.listeners.MaintenanceListener`."""

    def __init__(self, notifier: Notifier) -> None:
        self.notifier = notifier

    def maintenance_changed(self, session: Session, maintenance: Maintenance, event: MaintenanceEvent, user: str,
                            now: datetime) -> None:
        self.reconcile(session, maintenance, user, now)

    def maintenance_notes(self, session: Session, maintenance: Maintenance, now: datetime) -> list[str]:
        """Downtimes of this maintenance canceled by hand and not told yet, each told once."""
        notes = []
        links = [link for link in store.links(session, maintenance.id) if not link.noted and not link.canceled_by_maintenance]
        names = {c.id: c.name for c in store.components(session, [link.component_id for link in links]).values()}
        for link in links:
            row = session.get(Downtime, link.downtime_id)
            if row is not None and row.canceled is not None:
                notes.append(rules.hand_cancel_note(names.get(link.component_id, link.component_id), row.uuid, row.canceled))
                link.noted = True
        return notes

    def targets(self, session: Session, maintenance: Maintenance) -> set[str]:
        """The components whose bindings apply to the maintenance: those it affects, and their groups."""
        affected = {item["id"] for item in maintenance.components_affected}
        parents = {c.parent_id for c in store.components(session, affected).values() if c.parent_id}
        return affected | parents

    def reconcile(self, session: Session, maintenance: Maintenance, user: str, now: datetime) -> None:
        """Make the maintenance's downtimes agree with it (see the module)."""
        if maintenance.is_backfilled:
            return
        store.lock_maintenance(session, maintenance.id)
        targets = self.targets(session, maintenance)
        bindings = {b.component_id: b for b in store.bindings_of(session, maintenance.page_id, targets)}
        links = {link.component_id: link for link in store.links(session, maintenance.id)}
        live = maintenance.status in LIVE
        actor: list[int] = []

        def acting() -> int:
            if not actor:
                found = store.user_id(session, maintenance.org_id, user)
                assert found is not None, "an org with a maintenance has a user"
                actor.append(found)
            return actor[0]

        for component_id, link in links.items():
            row = session.get(Downtime, link.downtime_id)
            if row is None or row.canceled is not None:
                continue  # canceled by hand: it stays so
            if live and component_id in targets:
                self._follow(row, maintenance, bindings.get(component_id), acting, now)
            elif row.end is None or row.end > now:  # not ended on its own at the maintenance's end
                downtime_service.cancel(session, self.notifier, row, acting(), now)
                link.canceled_by_maintenance = True
                wake_after_commit(session, "delivery")
        if live and maintenance.completed_date > now:
            page = session.get(StatusPage, maintenance.page_id)
            assert page is not None
            for component_id, binding in bindings.items():
                if component_id not in links:
                    self._make(session, maintenance, page, binding, acting(), now)
        wake_after_commit(session, "scheduler")  # a downtime's end may have moved

    def _window(self, row: Downtime | None, maintenance: Maintenance, now: datetime) -> dict[str, datetime]:
        """The downtime's schedule: the maintenance's window; a maintenance started early mutes
        from then, and a start that has passed stays."""
        start = maintenance.start_date
        if maintenance.status == "in_progress":
            if row is not None and row.start <= now:
                start = row.start
            elif start > now:
                start = now
        return {"start": start, "end": maintenance.completed_date}

    def _make(self, session: Session, maintenance: Maintenance, page: StatusPage, binding: MonitorBinding, user_id: int,
              now: datetime) -> None:
        attributes: dict[str, Any] = {
            "scope": binding.scope, "monitor_identifier": _identifier(binding),
            "message": rules.maintenance_message(maintenance.title, page.name, maintenance.id),
            "schedule": self._window(None, maintenance, now),
        }
        row = downtime_store.insert(session, maintenance.org_id, user_id, downtime_rules.create(attributes, now), now, api_version=2)
        session.add(MaintenanceDowntime(maintenance_id=maintenance.id, component_id=binding.component_id, downtime_id=row.id,
                                        canceled_by_maintenance=False, noted=False))
        session.flush()

    def _follow(self, row: Downtime, maintenance: Maintenance, binding: MonitorBinding | None, acting: Any, now: datetime) -> None:
        """Move the downtime with the maintenance (and to its binding's current monitors, if it still has one)."""
        changes: dict[str, Any] = {}
        window = self._window(row, maintenance, now)
        if (row.start, row.end) != (window["start"], window["end"]):
            changes["schedule"] = window
        if binding is not None:
            if binding.scope != row.scope:
                changes["scope"] = binding.scope
            if (binding.monitor_id, binding.monitor_tags) != (row.monitor_id, row.monitor_tags):
                changes["monitor_identifier"] = _identifier(binding)
        if changes:
            fields = downtime_rules.update(downtime_store.fields_of(row), changes, now)
            downtime_store.write(row, fields, acting(), now)


def _identifier(binding: MonitorBinding) -> dict[str, Any]:
    if binding.monitor_id is not None:
        return {"monitor_id": binding.monitor_id}
    return {"monitor_tags": list(binding.monitor_tags or [])}

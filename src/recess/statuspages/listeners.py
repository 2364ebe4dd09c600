"""What status pages tell other features about maintenances, in the caller's transaction.

Status pages define the interface; a feature that reacts implements it and provides it at start
under `MAINTENANCE_LISTENER` (bindings turns a maintenance into the downtimes that mute its
components' monitors), as notifications define `Muter` and downtimes implement it. So status
pages import no feature that reacts. Without a listener provided, nothing happens
(`NO_LISTENER`, which status pages provide at start). Backfilled maintenances are never told.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Protocol

from fastapi import Request
from sqlalchemy.orm import Session

from recess.core.application import Key, services
from recess.statuspages.model import Maintenance

# created; moved (dates or components changed); in_progress, completed, canceled (its status,
# by hand or on time).
MaintenanceEvent = Literal["created", "moved", "in_progress", "completed", "canceled"]


class MaintenanceListener(Protocol):
    def maintenance_changed(self, session: Session, maintenance: Maintenance, event: MaintenanceEvent, user: str,
                            now: datetime) -> None:
        """`maintenance` was just created or changed by `user` (a user uuid) in this transaction."""
        ...

    def maintenance_notes(self, session: Session, maintenance: Maintenance, now: datetime) -> list[str]:
        """Lines to add to the update about to be appended to `maintenance`'s timeline (each
        said once: what is returned counts as told)."""
        ...


class NoListener:
    def maintenance_changed(self, session: Session, maintenance: Maintenance, event: MaintenanceEvent, user: str,
                            now: datetime) -> None:
        return None

    def maintenance_notes(self, session: Session, maintenance: Maintenance, now: datetime) -> list[str]:
        return []


NO_LISTENER: MaintenanceListener = NoListener()
MAINTENANCE_LISTENER: Key[MaintenanceListener] = Key("maintenance_listener")


async def maintenance_listener(request: Request) -> MaintenanceListener:
    """The dependency that gives a route its app's maintenance listener."""
    return services(request).get(MAINTENANCE_LISTENER)

"""What else names a monitor, so that deleting it would leave that thing pointing at nothing.

Monitors cannot look into the features that name them (downtimes depend on monitors, never the
other way round), so they define the question and those features answer it: downtimes
implement `References` and provide it under `REFERENCES` at start, as they do notifications'
`Muter`. `GET /api/v1/monitor/can_delete` and `DELETE /api/v1/monitor/{id}` ask it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from recess.core.application import Key


class References(Protocol):
    def naming(self, session: Session, org_id: int, monitor_ids: Sequence[int], at: datetime) -> dict[int, list[str]]:
        """For each of `monitor_ids` that something names at `at`, what names it (one string each)."""
        ...


REFERENCES: Key[References] = Key("monitor_references")

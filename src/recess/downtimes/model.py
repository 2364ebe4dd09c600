from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recess.core.db import Base, BigId, UTCDateTime


class Downtime(Base):
    """One downtime, whichever API created it.

    `id` is the v1 integer id and `uuid` the v2 id. For a one-time schedule `start`/`end` are the
    schedule; for a recurring one they bound all its occurrences (`end` None: it never ends) and
    `timezone` + `recurrences` hold the rules.
    """

    __tablename__ = "downtimes"
    __table_args__ = (
        Index("ix_downtimes_org_created", "org_id", "created", "id"),
        Index("ix_downtimes_change_seq", "change_seq"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))  # indexed first in ix_downtimes_org_created
    api_version: Mapped[int] = mapped_column(SmallInteger)  # the API that created it: 1 or 2
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created: Mapped[datetime] = mapped_column(UTCDateTime())
    modified: Mapped[datetime] = mapped_column(UTCDateTime())
    canceled: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The downtimes change counter's value when this row last changed (see core.changes): other
    # processes' indexes apply the rows past the last value they saw.
    change_seq: Mapped[int] = mapped_column(BigInteger)
    # Its change_seq when it was inserted (None: inserted before 0017): an index applying it
    # past the last value it saw knows it as a new row, one more of its org's downtimes.
    created_seq: Mapped[int | None] = mapped_column(BigInteger)

    scope: Mapped[str] = mapped_column(Text)
    monitor_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    monitor_tags: Mapped[list[str] | None] = mapped_column(JSON)
    message: Mapped[str | None] = mapped_column(Text)
    display_timezone: Mapped[str] = mapped_column(String(64))
    mute_first_recovery_notification: Mapped[bool] = mapped_column(Boolean)
    notify_end_states: Mapped[list[str]] = mapped_column(JSON)
    notify_end_types: Mapped[list[str]] = mapped_column(JSON)

    start: Mapped[datetime] = mapped_column(UTCDateTime())
    end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    timezone: Mapped[str | None] = mapped_column(String(64))
    recurrences: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    # When the current (or next) window ends: the scheduler sends end-of-downtime notifications
    # then. None once it never ends again, or when canceled.
    ends_next: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    # As v1 last wrote them, to echo them back: the scope as a list of terms, and the recurrence
    # object. None when v2 wrote the scope or schedule last (v1 then derives its view).
    v1_scope: Mapped[list[str] | None] = mapped_column(JSON)
    v1_recurrence: Mapped[dict[str, object] | None] = mapped_column(JSON)


class V1Id(Base):
    """Allocates v1 integer ids, shared by downtimes and their occurrences so they never clash."""

    __tablename__ = "v1_ids"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)


class Occurrence(Base):
    """A v1 id for one occurrence of a recurring downtime: its `active_child`."""

    __tablename__ = "downtime_occurrences"
    __table_args__ = (UniqueConstraint("downtime_id", "start"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    downtime_id: Mapped[int] = mapped_column(ForeignKey("downtimes.id"), index=True)
    start: Mapped[datetime] = mapped_column(UTCDateTime())

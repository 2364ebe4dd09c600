"""What notifications do, as plain calls in the caller's transaction: decide, record, enqueue.

Features that raise notifications (monitors on a transition, downtimes at a downtime's end)
call the app's `Notifier`; it asks the app's `Muter` whether the group is muted and writes the
notification and its outbox rows with the caller's change, so a crash loses neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from sqlalchemy.orm import Session

from recess.core.application import Key, services
from recess.notifications import muting, outbox
from recess.notifications.muter import Muter
from recess.notifications.outbox import Recorded
from recess.notifications.subjects import Subject
from recess.notifications.templates import Moment


@dataclass(frozen=True)
class Transition:
    """A group changed state at `at`; `alerting_since` is when the alert it changes began."""

    subject: Subject
    moment: Moment
    at: datetime
    alerting_since: datetime | None


class Notifier:
    def __init__(self, muter: Muter, public_url: str) -> None:
        self.muter = muter
        self.public_url = public_url.rstrip("/")

    def on_transition(self, session: Session, subject: Subject, moment: Moment, at: datetime,
                      alerting_since: datetime | None) -> Recorded:
        """A group changed state at `at`: record it, muted or not by what covers the group then."""
        return self.on_transitions(session, [Transition(subject, moment, at, alerting_since)])[0]

    def on_transitions(self, session: Session, transitions: Sequence[Transition]) -> list[Recorded]:
        """`on_transition` for each, in order, written together (a posted list of check runs)."""
        if not transitions:
            return []
        covering = self.muter.silences_each(session, [(t.subject.target, t.at) for t in transitions])
        return outbox.record_each(session, [
            outbox.Record(t.subject, t.moment, muting.decide(t.moment.from_state, t.moment.to_state, silences, t.alerting_since), t.at)
            for t, silences in zip(transitions, covering, strict=True)
        ], self.public_url)

    def on_silence_end(self, session: Session, subject: Subject, state: str, ended: str, how: str,
                       at: datetime) -> Recorded:
        """Silence `ended` stopped covering a group in `state` (`how`: expired | canceled): tell
        its receivers again, unless another silence still covers it."""
        others = [s for s in self.muter.silences(session, subject.target, at) if s.uuid != ended]
        decision = muting.at_end(others, ended, how)
        return outbox.record(session, subject, Moment(state, state), decision, at, self.public_url,
                             kind="downtime_end", downtime=ended)


NOTIFIER: Key[Notifier] = Key("notifier")


async def notifier(request: Request) -> Notifier:
    """The dependency that gives a route its app's notifier."""
    return services(request).get(NOTIFIER)

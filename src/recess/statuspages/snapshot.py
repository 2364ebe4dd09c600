"""A status page as its readers see it, read once into plain frozen data.

Why: the HTML page, the history, the feeds, the Statuspage-compatible JSON and the badge all
show the same things; reading them in one place, in one read transaction, keeps them in step
and leaves everything after this module pure (history.py, render.py, feeds.py, public_api.py).
Deleted updates are not shown to readers, so they are left out here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from recess.statuspages import rules, store
from recess.statuspages.documents import statuses
from recess.statuspages.model import Component, Degradation, Maintenance, StatusPage, Update

OPEN_INCIDENT = ("investigating", "identified", "monitoring")
OPEN_MAINTENANCE = ("scheduled", "in_progress")


@dataclass(frozen=True)
class Affected:
    id: str
    name: str
    status: str


@dataclass(frozen=True)
class Entry:
    """One update of a timeline."""

    id: str
    status: str
    description: str
    started_at: datetime
    created_at: datetime
    modified_at: datetime
    components: tuple[Affected, ...]


@dataclass(frozen=True)
class Event:
    """A degradation (kind "incident") or a maintenance, with its live timeline, oldest first."""

    id: str
    kind: str
    title: str
    status: str
    created_at: datetime
    modified_at: datetime
    updates: tuple[Entry, ...]
    backfilled: bool
    start: datetime | None = None  # a maintenance's planned window
    end: datetime | None = None
    published_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status in (OPEN_INCIDENT if self.kind == "incident" else ("in_progress",))

    @property
    def components(self) -> tuple[Affected, ...]:
        """What the latest update names (a maintenance: what it plans to touch)."""
        return self.updates[-1].components if self.updates else ()

    @property
    def touched(self) -> tuple[Affected, ...]:
        """Every component any update named, each with the worst status it was given."""
        worst: dict[str, Affected] = {}
        for update in self.updates:
            for item in update.components:
                if rules.severity(item.status) >= rules.severity(worst[item.id].status if item.id in worst else "operational"):
                    worst[item.id] = item
        return tuple(worst.values())

    @property
    def began(self) -> datetime:
        """When it started for readers: the first update, or a maintenance's start."""
        if self.kind == "maintenance" and self.start is not None:
            return self.start
        return self.updates[0].started_at if self.updates else self.created_at


@dataclass(frozen=True)
class Node:
    """A component, or a group holding components (`children`)."""

    id: str
    name: str
    type: str
    position: int
    status: str
    created_at: datetime
    modified_at: datetime
    group_id: str | None
    children: tuple[Node, ...] = ()

    def leaves(self) -> tuple[Node, ...]:
        return self.children if self.type == "group" else (self,)


@dataclass(frozen=True)
class Snapshot:
    id: str
    name: str
    prefix: str
    visualization_type: str
    subscriptions_enabled: bool
    has_logo: bool
    has_favicon: bool
    created_at: datetime
    modified_at: datetime
    url: str  # the page's address for readers, absolute
    components: tuple[Node, ...]
    events: tuple[Event, ...]  # newest first by when they began
    now: datetime
    base: str = ""  # the path links on the page start with: /status/{prefix}, or an internal page's /status-pages/{id}/view
    internal: bool = False  # shown to a signed-in reader (the page offers to sign out)
    slack_subscriptions_enabled: bool = False

    @property
    def subscribable(self) -> bool:
        """The page shows the subscription form: a public page taking some kind of subscriber."""
        return not self.internal and (self.subscriptions_enabled or self.slack_subscriptions_enabled)

    def leaves(self) -> tuple[Node, ...]:
        return tuple(leaf for node in self.components for leaf in node.leaves())

    def event(self, kind: str, event_id: str) -> Event | None:
        return next((e for e in self.events if e.kind == kind and e.id == event_id), None)

    @property
    def incidents(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.kind == "incident")

    @property
    def maintenances(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.kind == "maintenance")

    @property
    def updated_at(self) -> datetime:
        return max([self.modified_at, *(e.modified_at for e in self.events),
                    *(n.modified_at for node in self.components for n in (node, *node.children))])


def _entry(row: Update, names: dict[str, str]) -> Entry:
    items: list[dict[str, Any]] = row.components_affected or []
    return Entry(row.id, row.status, row.description or "", row.started_at, row.created_at, row.modified_at,
                 tuple(Affected(i["id"], names.get(i["id"], i.get("name", "")), i["status"]) for i in items))


def _nodes(rows: list[Component], derived: dict[str, str]) -> tuple[Node, ...]:
    def node(row: Component) -> Node:
        children = tuple(node(c) for c in sorted((c for c in rows if c.parent_id == row.id), key=lambda c: c.position))
        status = rules.worst(c.status for c in children) if row.type == "group" else derived.get(row.id, "operational")
        return Node(row.id, row.name, row.type, row.position, status, row.created_at, row.modified_at, row.parent_id, children)

    return tuple(node(r) for r in sorted((r for r in rows if not r.parent_id), key=lambda r: r.position))


def read(session: Session, page: StatusPage, url: str, now: datetime, base: str | None = None, internal: bool = False) -> Snapshot:
    """The page `page` as readers see it at `now`; `url` is its address for readers, `base` the
    path its links start with (the public `/status/{prefix}` unless given)."""
    components = store.components(session, [page.id])
    names = {c.id: c.name for c in components}
    degradations: list[Degradation] = list(store.degradations(session, page.org_id, page.id))
    maintenances: list[Maintenance] = list(store.maintenances(session, page.org_id, page.id))
    timelines = store.updates(session, [d.id for d in degradations] + [m.id for m in maintenances])
    events: list[Event] = []
    for d in degradations:
        live = tuple(_entry(u, names) for u in store.live_updates(timelines[d.id]))
        if live:
            events.append(Event(d.id, "incident", d.title, live[-1].status, d.created_at, d.modified_at, live, d.is_backfilled))
    for m in maintenances:
        live = tuple(_entry(u, names) for u in store.live_updates(timelines[m.id]))
        events.append(Event(m.id, "maintenance", m.title, m.status, m.created_at, m.modified_at, live, m.is_backfilled,
                            m.start_date, m.completed_date, m.published_date))
    events.sort(key=lambda e: (e.began, e.id), reverse=True)
    return Snapshot(
        id=page.id, name=page.name, prefix=page.domain_prefix, visualization_type=page.visualization_type,
        subscriptions_enabled=page.subscriptions_enabled, has_logo=bool(page.company_logo), has_favicon=bool(page.favicon),
        created_at=page.created_at, modified_at=page.modified_at, url=url,
        components=_nodes(components, statuses(session, [page.id])), events=tuple(events), now=now,
        base=base if base is not None else f"/status/{page.domain_prefix}", internal=internal,
        slack_subscriptions_enabled=page.slack_subscriptions_enabled)

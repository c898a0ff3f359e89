"""Use cases about events (異業種交流会, parties, seminars): add, list, show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from kinmyaku.domain.errors import NotFound, ValidationError
from kinmyaku.domain.limits import check_lengths
from kinmyaku.domain.model import EventKind
from kinmyaku.domain.people import PersonSummary
from kinmyaku.domain.validate import require_text
from kinmyaku.storage import read
from kinmyaku.storage.schema import encounters, events
from kinmyaku.storage.uow import UnitOfWork


@dataclass
class EventView:
    """An event with the people met there."""

    id: int
    name: str
    kind: str
    date: date
    place: str
    goal: str
    goal_count: int | None
    met_count: int = 0
    people: list[PersonSummary] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "date": self.date.isoformat(),
            "place": self.place,
            "goal": self.goal,
            "goal_count": self.goal_count,
            "met_count": self.met_count,
            "people": [p.to_json() for p in self.people],
        }


def _kind(value: str) -> EventKind:
    try:
        return EventKind(value)
    except ValueError:
        raise ValidationError(
            "kind",
            "'{value}' is not a valid {field}; choose one of: {choices}",
            value=value,
            choices=", ".join(k.value for k in EventKind),
        ) from None


def add_event(
    uow: UnitOfWork,
    *,
    name: str,
    on: date,
    kind: str = "meetup",
    place: str = "",
    goal: str = "",
    goal_count: int | None = None,
) -> int:
    """Add an event with my goal for it (e.g. talk to 10 people); returns its id."""
    check_lengths({"name": name, "place": place, "goal": goal})
    title = require_text(name, field="name")
    what = _kind(kind)
    if goal_count is not None and goal_count < 0:
        raise ValidationError("goal_count", "The goal must be zero or more people")
    with uow as conn:
        return int(
            conn.execute(
                insert(events)
                .values(
                    name=title,
                    kind=what.value,
                    date=on,
                    place=place.strip(),
                    goal=goal.strip(),
                    goal_count=goal_count,
                )
                .returning(events.c.id)
            ).scalar_one()
        )


def list_events(uow: UnitOfWork, *, limit: int | None = None) -> list[EventView]:
    """Events, newest first, with how many people I met at each."""
    met = (
        select(encounters.c.event_id, func.count(func.distinct(encounters.c.person_id)).label("n"))
        .where(encounters.c.event_id.is_not(None))
        .group_by(encounters.c.event_id)
        .subquery()
    )
    stmt = (
        select(events, func.coalesce(met.c.n, 0).label("met_count"))
        .outerjoin(met, met.c.event_id == events.c.id)
        .order_by(events.c.date.desc(), events.c.id.desc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    with uow as conn:
        return [
            EventView(
                id=r.id,
                name=r.name,
                kind=r.kind,
                date=r.date,
                place=r.place,
                goal=r.goal,
                goal_count=r.goal_count,
                met_count=int(r.met_count),
            )
            for r in conn.execute(stmt)
        ]


def show_event(uow: UnitOfWork, event_id: int) -> EventView:
    """One event and the people I met there."""
    with uow as conn:
        row = conn.execute(select(events).where(events.c.id == event_id)).first()
        if row is None:
            raise NotFound("No event with id {id}", id=event_id)
        ids = list(
            dict.fromkeys(
                conn.execute(
                    select(encounters.c.person_id)
                    .where(encounters.c.event_id == event_id)
                    .order_by(encounters.c.id)
                ).scalars()
            )
        )
        met = read.summaries(conn, ids, with_last_contact=True)
        return EventView(
            id=row.id,
            name=row.name,
            kind=row.kind,
            date=row.date,
            place=row.place,
            goal=row.goal,
            goal_count=row.goal_count,
            met_count=len(met),
            people=met,
        )


def update_event(
    uow: UnitOfWork,
    *,
    event_id: int,
    name: str | None = None,
    on: date | None = None,
    kind: str | None = None,
    place: str | None = None,
    goal: str | None = None,
    goal_count: int | None = None,
) -> None:
    """Correct an event; fields left None stay as they are."""
    check_lengths({"name": name, "place": place, "goal": goal})
    values: dict[str, Any] = {}
    if name is not None:
        values["name"] = require_text(name, field="name")
    if on is not None:
        values["date"] = on
    if kind is not None:
        values["kind"] = _kind(kind).value
    if place is not None:
        values["place"] = place.strip()
    if goal is not None:
        values["goal"] = goal.strip()
    if goal_count is not None:
        if goal_count < 0:
            raise ValidationError("goal_count", "The goal must be zero or more people")
        values["goal_count"] = goal_count
    with uow as conn:
        exists = conn.execute(select(events.c.id).where(events.c.id == event_id)).first()
        if exists is None:
            raise NotFound("No event with id {id}", id=event_id)
        if values:
            conn.execute(update(events).where(events.c.id == event_id).values(**values))


def delete_event(uow: UnitOfWork, *, event_id: int) -> None:
    """Delete an event; the people met there keep their encounters, without the event."""
    with uow as conn:
        done = conn.execute(delete(events).where(events.c.id == event_id))
        if not done.rowcount:
            raise NotFound("No event with id {id}", id=event_id)

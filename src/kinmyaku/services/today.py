"""The home page's read model: Today as a to-do list.

People met in the last 48 hours first, then the follow-ups overdue and due this week
(services/followups.py, every source), then the requests I owe that are not listed above.
``new_contacts`` and ``reconnect`` stay for the callers that read them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, exists, select

from kinmyaku.domain.insights import DEFAULT_PARAMS
from kinmyaku.domain.model import RequestSide, RequestStatus
from kinmyaku.domain.people import display_name
from kinmyaku.services.followups import Agenda, agenda_of
from kinmyaku.services.insights_summary import ensure_touch_summary, refresh_touch_summary
from kinmyaku.storage.followups import cadence_overdue
from kinmyaku.storage.schema import (
    encounters,
    events,
    exchanges,
    interaction_people,
    interactions,
    people,
    requests,
)
from kinmyaku.storage.uow import UnitOfWork

HORIZON_DAYS = 7
RECENT_DAYS = 30
JUST_MET_DAYS = 2
"""Encounters dated today, yesterday or the day before: the last 48 hours, in days."""
LIMIT = 20
RECONNECT = 5


@dataclass
class FollowUp:
    """An interaction whose follow-up is due (or overdue)."""

    interaction_id: int
    on: date
    kind: str
    summary: str
    follow_up_on: date
    person_id: int
    name: str
    overdue: bool


@dataclass
class DueRequest:
    """An open request with a due date soon (or past)."""

    id: int
    person_id: int
    name: str
    side: str
    what: str
    due_on: date | None
    status: str
    overdue: bool


@dataclass
class NewContact:
    """Someone met recently with no touch since."""

    person_id: int
    name: str
    met_on: date
    event: str
    memory_cue: str


@dataclass
class Reconnect:
    """Someone whose keep-in-touch cadence has run out."""

    person_id: int
    name: str
    last_contact: date | None
    cadence_days: int
    days_over: int


@dataclass
class JustMet:
    """Someone met in the last 48 hours: where, and the memory cue."""

    person_id: int
    name: str
    met_on: date
    event_id: int | None
    event: str
    memory_cue: str


@dataclass
class Today:
    """Everything the home page shows."""

    today: date
    just_met: list[JustMet] = field(default_factory=list)
    agenda: Agenda | None = None
    owed: list[DueRequest] = field(default_factory=list)
    running_event: tuple[int, str] | None = None
    uow: UnitOfWork | None = field(default=None, repr=False, compare=False)

    # The older lists (logged follow-ups, requests due, people met in 30 days without a
    # touch, reconnects) are read on demand only: the page shows the agenda instead.
    def _read(self, query: Callable[[Connection, date], list[Any]]) -> list[Any]:
        if self.uow is None:
            return []
        with self.uow as conn:
            return query(conn, self.today)

    @cached_property
    def follow_ups(self) -> list[FollowUp]:
        """Logged follow-ups due within a week (or overdue)."""
        return self._read(_follow_ups)

    @cached_property
    def requests(self) -> list[DueRequest]:
        """Open requests due within a week (or overdue), both sides."""
        return self._read(_requests)

    @cached_property
    def new_contacts(self) -> list[NewContact]:
        """People met in the last 30 days without a touch since."""
        return self._read(_new_contacts)

    @cached_property
    def reconnect(self) -> list[Reconnect]:
        """People whose purpose cadence ran out."""
        return self._read(_reconnect)


def _follow_ups(conn: Connection, today: date) -> list[FollowUp]:
    i, ip, p = interactions, interaction_people, people
    rows = conn.execute(
        select(
            i.c.id,
            i.c.date,
            i.c.kind,
            i.c.summary,
            i.c.follow_up_on,
            p.c.id.label("pid"),
            p.c.family_name,
            p.c.given_name,
        )
        .join(ip, ip.c.interaction_id == i.c.id)
        .join(p, p.c.id == ip.c.person_id)
        .where(
            i.c.follow_up_on.is_not(None),
            i.c.follow_up_on <= today + timedelta(days=HORIZON_DAYS),
            i.c.follow_up_done.is_(False),
        )
        .order_by(i.c.follow_up_on, i.c.id, p.c.sort_key)
        .limit(LIMIT)
    ).all()
    return [
        FollowUp(
            interaction_id=r.id,
            on=r.date,
            kind=r.kind,
            summary=r.summary,
            follow_up_on=r.follow_up_on,
            person_id=r.pid,
            name=display_name(r.family_name, r.given_name),
            overdue=r.follow_up_on < today,
        )
        for r in rows
    ]


def _requests(conn: Connection, today: date) -> list[DueRequest]:
    r, p = requests, people
    rows = conn.execute(
        select(
            r.c.id,
            r.c.person_id,
            r.c.side,
            r.c.what,
            r.c.due_on,
            r.c.status,
            p.c.family_name,
            p.c.given_name,
        )
        .join(p, p.c.id == r.c.person_id)
        .where(
            r.c.status.in_([RequestStatus.OPEN.value, RequestStatus.IN_PROGRESS.value]),
            r.c.due_on.is_not(None),
            r.c.due_on <= today + timedelta(days=HORIZON_DAYS),
        )
        .order_by(r.c.due_on, r.c.id)
        .limit(LIMIT)
    ).all()
    return [
        DueRequest(
            id=x.id,
            person_id=x.person_id,
            name=display_name(x.family_name, x.given_name),
            side=x.side,
            what=x.what,
            due_on=x.due_on,
            status=x.status,
            overdue=x.due_on < today,
        )
        for x in rows
    ]


def _just_met(conn: Connection, today: date) -> list[JustMet]:
    e, p = encounters, people
    rows = conn.execute(
        select(
            e.c.person_id,
            e.c.date,
            e.c.memory_cue,
            e.c.event_id,
            events.c.name.label("event"),
            p.c.family_name,
            p.c.given_name,
        )
        .join(p, p.c.id == e.c.person_id)
        .outerjoin(events, events.c.id == e.c.event_id)
        .where(e.c.date >= today - timedelta(days=JUST_MET_DAYS), e.c.date <= today)
        .order_by(e.c.date.desc(), e.c.id.desc())
        .limit(LIMIT * 2)
    ).all()
    return [
        JustMet(
            person_id=r.person_id,
            name=display_name(r.family_name, r.given_name),
            met_on=r.date,
            event_id=r.event_id,
            event=r.event or "",
            memory_cue=r.memory_cue,
        )
        for r in _latest_each(rows)
    ][:LIMIT]


def _latest_each(rows: Sequence[Any]) -> list[Any]:
    """The first row of each person (the rows come newest first)."""
    seen: set[int] = set()
    first = []
    for r in rows:
        if r.person_id not in seen:
            seen.add(r.person_id)
            first.append(r)
    return first


def _owed(conn: Connection, today: date, listed: set[int]) -> list[DueRequest]:
    """Open requests I owe (they asked me: side ``theirs``) not on the follow-up list."""
    r, p = requests, people
    rows = conn.execute(
        select(r.c.id, r.c.person_id, r.c.what, r.c.due_on, r.c.status)
        .add_columns(p.c.family_name, p.c.given_name)
        .join(p, p.c.id == r.c.person_id)
        .where(
            r.c.side == RequestSide.THEIRS.value,
            r.c.status.in_([RequestStatus.OPEN.value, RequestStatus.IN_PROGRESS.value]),
        )
        .order_by(r.c.due_on.is_(None), r.c.due_on, r.c.id)
        .limit(LIMIT + len(listed))
    ).all()
    return [
        DueRequest(
            id=x.id,
            person_id=x.person_id,
            name=display_name(x.family_name, x.given_name),
            side=RequestSide.THEIRS.value,
            what=x.what,
            due_on=x.due_on,
            status=x.status,
            overdue=x.due_on is not None and x.due_on < today,
        )
        for x in rows
        if x.id not in listed
    ][:LIMIT]


def _new_contacts(conn: Connection, today: date) -> list[NewContact]:
    e, p = encounters, people
    since = today - timedelta(days=RECENT_DAYS)
    touched_after = exists().where(
        interaction_people.c.person_id == e.c.person_id,
        interactions.c.id == interaction_people.c.interaction_id,
        interactions.c.date >= e.c.date,
    )
    gave_after = exists().where(
        exchanges.c.person_id == e.c.person_id, exchanges.c.date >= e.c.date
    )
    rows = conn.execute(
        select(
            e.c.person_id,
            e.c.date,
            e.c.memory_cue,
            events.c.name.label("event"),
            p.c.family_name,
            p.c.given_name,
        )
        .join(p, p.c.id == e.c.person_id)
        .outerjoin(events, events.c.id == e.c.event_id)
        .where(e.c.date >= since, e.c.date <= today, ~touched_after, ~gave_after)
        .order_by(e.c.date.desc(), e.c.id.desc())
        .limit(LIMIT)
    ).all()
    return [
        NewContact(
            person_id=r.person_id,
            name=display_name(r.family_name, r.given_name),
            met_on=r.date,
            event=r.event or "",
            memory_cue=r.memory_cue,
        )
        for r in _latest_each(rows)
    ]


def _reconnect(conn: Connection, today: date) -> list[Reconnect]:
    """People whose keep-in-touch cadence ran out: no touch within their cadence; the most
    frequent cadences come first (the rule of the follow-up list: storage/followups.py)."""
    summary = refresh_touch_summary(conn, today=today, params=DEFAULT_PARAMS)
    found = []
    for r in cadence_overdue(conn, summary, today=today, limit=RECONNECT):
        last_on = r.last_touch_on
        found.append(
            Reconnect(
                person_id=r.person_id,
                name=r.name,
                last_contact=last_on,
                cadence_days=r.cadence_days,
                days_over=(today - last_on).days - r.cadence_days if last_on else r.cadence_days,
            )
        )
    return found


def running_event(conn: Connection, today: date) -> tuple[int, str] | None:
    """The event held today, if any (quick add pre-selects it)."""
    row = conn.execute(
        select(events.c.id, events.c.name)
        .where(events.c.date == today)
        .order_by(events.c.id.desc())
        .limit(1)
    ).first()
    return (int(row.id), str(row.name)) if row else None


def show_today(uow: UnitOfWork, *, today: date, now: datetime | None = None) -> Today:
    """Just met, follow-ups overdue and due this week, requests I owe (and the older lists)."""
    moment = now or datetime.combine(today, time(12))
    # The agenda's cadences are read from the touch summary: brought up to date first in a
    # transaction of its own, as stats and the review do.
    ensure_touch_summary(uow, today=today, params=DEFAULT_PARAMS, parts=())
    with uow as conn:
        agenda = agenda_of(conn, today=today, now=moment)
        listed = {int(d.key[1:]) for d in agenda.items() if d.source == "request"}
        return Today(
            today=today,
            just_met=_just_met(conn, today),
            agenda=agenda,
            owed=_owed(conn, today, listed),
            running_event=running_event(conn, today),
            uow=uow,
        )


def event_today(uow: UnitOfWork, *, today: date) -> tuple[int, str] | None:
    """The id and name of the event held today, if any."""
    with uow as conn:
        return running_event(conn, today)


def met_day(uow: UnitOfWork, *, on: date | None, event_id: int | None, today: date) -> date:
    """When we met: the date given, else the event's date, else today."""
    if on is not None:
        return on
    if event_id is not None:
        with uow as conn:
            held = conn.execute(select(events.c.date).where(events.c.id == event_id)).scalar()
        if held is not None:
            return held if isinstance(held, date) else date.fromisoformat(str(held)[:10])
    return today

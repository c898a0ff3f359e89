"""Read models for the web pages and the API: the filtered people list, requests, records by id."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, case, func, select

from kinmyaku.domain.errors import NotFound
from kinmyaku.domain.people import PersonSummary, display_name
from kinmyaku.storage import read
from kinmyaku.storage.people_filters import PeopleQuery, page_ids
from kinmyaku.storage.schema import (
    encounters,
    events,
    exchanges,
    interaction_people,
    interactions,
    people,
    requests,
)
from kinmyaku.storage.search_memory import search_hints
from kinmyaku.storage.uow import UnitOfWork

MAX_PER_PAGE = 200


@dataclass
class PeoplePage:
    """One page of the people list and how many match in all."""

    people: list[PersonSummary]
    total: int
    page: int
    per_page: int
    exact: bool = True
    has_more: bool = False

    @property
    def pages(self) -> int:
        """How many pages there are (at least one; a lower bound when not exact)."""
        return max(1, -(-self.total // self.per_page))


@dataclass
class EventChoice:
    """An event as offered in a select."""

    id: int
    name: str
    date: date


@dataclass
class RequestRow:
    """A request with the name of the person it is with."""

    id: int
    person_id: int
    name: str
    side: str
    what: str
    asked_on: date
    due_on: date | None
    status: str
    outcome: str
    closed_on: date | None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in vars(self).items()}


@dataclass
class FollowUpState:
    """After an event: did I follow up with this person, and is a follow-up pending?"""

    last_touch: date | None = None
    pending_on: date | None = None

    @property
    def state(self) -> str:
        """``done`` (touched since), ``pending`` (a follow-up is planned) or ``none``."""
        if self.pending_on is not None:
            return "pending"
        return "done" if self.last_touch else "none"


@dataclass
class EventFollowUps:
    """Follow-up state of each person met at an event."""

    by_person: dict[int, FollowUpState] = field(default_factory=dict)

    def of(self, person_id: int) -> FollowUpState:
        """The state for one person (``none`` when nothing is recorded)."""
        return self.by_person.get(person_id, FollowUpState())


def browse_people(
    uow: UnitOfWork, *, query: PeopleQuery, page: int = 1, per_page: int = 50
) -> PeoplePage:
    """A page of people: searched, filtered (tag, company, industry, channel, event), sorted."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    with uow as conn:
        found = page_ids(conn, query, limit=per_page, offset=(page - 1) * per_page)
        # The last contact is shown when browsing; a search (as you type) skips it: it would
        # cost more than the search itself.
        shown = not query.q or query.sort == "last_contact"
        rows = read.summaries(conn, found.ids, with_last_contact=shown)
        if query.q:  # where and when we met each one, the cue, what the words matched
            hints = search_hints(conn, query.q, found.ids)
            rows = [replace(row, hint=hints.get(row.id)) for row in rows]
    return PeoplePage(
        people=rows,
        total=found.total,
        page=page,
        per_page=per_page,
        exact=found.exact,
        has_more=found.has_more,
    )


def person_summaries(uow: UnitOfWork, ids: list[int]) -> list[PersonSummary]:
    """Summaries of these people (missing ids are left out)."""
    with uow as conn:
        return read.summaries(conn, ids)


def event_choices(uow: UnitOfWork, *, limit: int = 100) -> list[EventChoice]:
    """The most recent events, newest first, for a select."""
    with uow as conn:
        rows = conn.execute(
            select(events.c.id, events.c.name, events.c.date)
            .order_by(events.c.date.desc(), events.c.id.desc())
            .limit(limit)
        ).all()
    return [EventChoice(id=r.id, name=r.name, date=r.date) for r in rows]


def _request_rows(conn: Connection, stmt: Any) -> list[RequestRow]:
    return [
        RequestRow(
            id=r.id,
            person_id=r.person_id,
            name=display_name(r.family_name, r.given_name),
            side=r.side,
            what=r.what,
            asked_on=r.asked_on,
            due_on=r.due_on,
            status=r.status,
            outcome=r.outcome,
            closed_on=r.closed_on,
        )
        for r in conn.execute(stmt)
    ]


def _request_select() -> Any:
    return select(
        requests.c.id,
        requests.c.person_id,
        requests.c.side,
        requests.c.what,
        requests.c.asked_on,
        requests.c.due_on,
        requests.c.status,
        requests.c.outcome,
        requests.c.closed_on,
        people.c.family_name,
        people.c.given_name,
    ).join(people, people.c.id == requests.c.person_id)


def list_requests(
    uow: UnitOfWork,
    *,
    status: str | None = None,
    side: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[RequestRow], int]:
    """Requests (open ones first, by due date), with the total that match."""
    where: list[ColumnElement[bool]] = []
    if status == "active":
        where.append(requests.c.status.in_(["open", "in_progress"]))
    elif status:
        where.append(requests.c.status == status)
    if side:
        where.append(requests.c.side == side)
    closed = requests.c.status.in_(["done", "declined"])
    stmt = (
        _request_select()
        .where(*where)
        .order_by(
            closed,
            requests.c.due_on.is_(None),
            requests.c.due_on,
            requests.c.asked_on.desc(),
            requests.c.id.desc(),
        )
        .limit(limit)
        .offset(offset)
    )
    with uow as conn:
        rows = _request_rows(conn, stmt)
        total = conn.execute(select(func.count()).select_from(requests).where(*where)).scalar_one()
    return rows, int(total)


def get_request(uow: UnitOfWork, *, request_id: int) -> RequestRow:
    """One request by id."""
    with uow as conn:
        found = _request_rows(conn, _request_select().where(requests.c.id == request_id))
    if not found:
        raise NotFound("No request with id {id}", id=request_id)
    return found[0]


def _one(conn: Connection, stmt: Any, missing: NotFound) -> dict[str, Any]:
    row = conn.execute(stmt).mappings().first()
    if row is None:
        raise missing
    return dict(row)


def get_encounter(uow: UnitOfWork, *, encounter_id: int) -> dict[str, Any]:
    """One encounter (how we met) by id."""
    with uow as conn:
        stmt = select(encounters).where(encounters.c.id == encounter_id)
        return _one(conn, stmt, NotFound("No encounter with id {id}", id=encounter_id))


def get_interaction(uow: UnitOfWork, *, interaction_id: int) -> dict[str, Any]:
    """One interaction by id, with the ids of the people in it."""
    with uow as conn:
        stmt = select(interactions).where(interactions.c.id == interaction_id)
        found = _one(conn, stmt, NotFound("No interaction with id {id}", id=interaction_id))
        found["person_ids"] = list(
            conn.execute(
                select(interaction_people.c.person_id)
                .where(interaction_people.c.interaction_id == interaction_id)
                .order_by(interaction_people.c.person_id)
            ).scalars()
        )
        return found


def get_exchange(uow: UnitOfWork, *, exchange_id: int) -> dict[str, Any]:
    """One give/take entry by id."""
    with uow as conn:
        stmt = select(exchanges).where(exchanges.c.id == exchange_id)
        return _one(conn, stmt, NotFound("No exchange with id {id}", id=exchange_id))


def event_follow_ups(uow: UnitOfWork, *, event_id: int) -> EventFollowUps:
    """For each person met at an event: the last touch since the event and any pending follow-up."""
    with uow as conn:
        on = conn.execute(select(events.c.date).where(events.c.id == event_id)).scalar()
        if on is None:
            raise NotFound("No event with id {id}", id=event_id)
        met = select(encounters.c.person_id).where(encounters.c.event_id == event_id)
        ip, i = interaction_people, interactions
        rows = conn.execute(
            select(
                ip.c.person_id,
                func.max(i.c.date).label("last"),
                # the earliest follow-up planned and not yet done
                func.min(case((i.c.follow_up_done.is_(False), i.c.follow_up_on))).label("pending"),
            )
            .join(i, i.c.id == ip.c.interaction_id)
            .where(ip.c.person_id.in_(met), i.c.date >= on)
            .group_by(ip.c.person_id)
        ).all()
    return EventFollowUps({r.person_id: FollowUpState(r.last, r.pending) for r in rows})

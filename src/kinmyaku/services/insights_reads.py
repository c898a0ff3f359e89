"""Small read models the insight use cases share: open requests, event follow-ups, labels.

These run inside the caller's transaction (they take a ``Connection``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Date, Select, and_, bindparam, case, func, select

from kinmyaku.domain.insights import (
    EventEncounter,
    FollowUp,
    InsightParams,
    SourceKind,
    YieldRow,
    followup_queue,
)
from kinmyaku.domain.model import RequestStatus
from kinmyaku.domain.people import display_name
from kinmyaku.storage.insights_queries import names_of
from kinmyaku.storage.schema import (
    affiliations,
    encounters,
    events,
    exchanges,
    interaction_people,
    interactions,
    organizations,
    people,
    requests,
)

FOLLOWUP_HORIZON_DAYS = 30
"""Event encounters older than this leave the follow-up queue (docs/concepts.md)."""
OPEN = (RequestStatus.OPEN.value, RequestStatus.IN_PROGRESS.value)


@dataclass(frozen=True, slots=True)
class Named:
    """A person's id and display name, for lists."""

    person_id: int
    name: str


@dataclass(frozen=True, slots=True)
class FollowUpItem:
    """Someone met at an event who still needs a follow-up."""

    person: Named
    organization: str
    item: FollowUp


@dataclass(frozen=True, slots=True)
class OpenRequest:
    """An open request: ``theirs`` is my commitment to them, ``mine`` what I wait for."""

    id: int
    person_id: int
    name: str
    side: str
    what: str
    asked_on: date
    due_on: date | None
    status: str
    overdue: bool
    days_left: int | None


def open_requests(
    conn: Connection,
    *,
    today: date,
    names: Mapping[int, str] | None = None,
    side: str | None = None,
    limit: int | None = None,
    due_by: date | None = None,
) -> list[OpenRequest]:
    """Open requests (of one side), overdue first, then by due day (undated last), then id.

    With ``limit``, only the first ones, sorted and cut by the database; with ``due_by``,
    only those due on or before that day (late ones included), chosen by the database.
    """
    r = requests
    stmt = (
        select(r, people.c.family_name, people.c.given_name)
        .join(people, people.c.id == r.c.person_id)
        .where(r.c.status.in_(OPEN))
    )
    if side is not None:
        stmt = stmt.where(r.c.side == side)
    if due_by is not None:
        stmt = stmt.where(r.c.due_on.is_not(None), r.c.due_on <= due_by)
    statements = [stmt]
    if limit is not None and due_by is not None:
        # Every one has a due day, so "overdue first" is the due day's order: one read per
        # open status in the order of the index on (status, due_on), each cut at the limit
        # (one read of both had the database sort them all); sorted and cut below.
        statements = [
            stmt.where(r.c.status == status).order_by(r.c.due_on, r.c.id).limit(limit)
            for status in OPEN
        ]
    elif limit is not None:
        # The first ones chosen from the requests alone, then named: with the join in the
        # same sort, PostgreSQL read all 100,000 people into a hash for 10 rows (sorted below).
        overdue_first = case((and_(r.c.due_on.is_not(None), r.c.due_on < today), 0), else_=1)
        first = select(r.c.id).where(r.c.status.in_(OPEN))
        if side is not None:
            first = first.where(r.c.side == side)
        first = first.order_by(overdue_first, r.c.due_on.is_(None), r.c.due_on, r.c.id)
        statements = [stmt.where(r.c.id.in_(first.limit(limit)))]
    found = []
    for x in (row for one in statements for row in conn.execute(one).all()):
        due = x.due_on
        name = (names or {}).get(x.person_id) or display_name(x.family_name, x.given_name)
        found.append(
            OpenRequest(
                id=int(x.id),
                person_id=int(x.person_id),
                name=name,
                side=x.side,
                what=x.what,
                asked_on=x.asked_on,
                due_on=due,
                status=x.status,
                overdue=due is not None and due < today,
                days_left=None if due is None else (due - today).days,
            )
        )
    found.sort(key=lambda o: (not o.overdue, o.due_on is None, o.due_on or date.max, o.id))
    return found if limit is None else found[:limit]


def count_open_requests(conn: Connection, *, due_by: date) -> int:
    """How many open requests are due on or before ``due_by`` (late ones included)."""
    r = requests
    return int(
        conn.execute(
            select(func.count())
            .select_from(r)
            .where(r.c.status.in_(OPEN), r.c.due_on.is_not(None), r.c.due_on <= due_by)
        ).scalar_one()
    )


def followups(
    conn: Connection,
    *,
    today: date,
    now: datetime,
    params: InsightParams,
    limit: int | None = None,
) -> list[FollowUpItem]:
    """People met at an event in the last 30 days with no follow-up yet, oldest due first.

    With ``limit``, the first ``limit`` only: only they are named (the review shows 10 of
    the 850 of the 100,000-person demo).
    """
    if limit is None:
        queue, companies = followup_queue_of(conn, today=today, now=now, params=params)
        return named_followups(conn, queue, companies)
    queue, companies = followup_queue_of(
        conn, today=today, now=now, params=params, enough=lambda head: len(head) >= limit
    )
    return named_followups(conn, queue[:limit], companies)


@functools.cache
def _met_lately_query() -> Select[Any]:
    """Encounters at an event after ``:since`` up to ``:upto``, with what the queue needs
    (the latest touches up to ``:today``).

    Built once: SQLAlchemy building this statement cost more than running it from its
    cache of compiled statements.
    """
    e, a = encounters, affiliations
    # Each person met lately has their current company and latest touches looked up by
    # their own index entries (scalar subqueries), and the names of the people and
    # companies shown are read by id afterwards: joined, PostgreSQL read every
    # organisation for each row, and all of `people`.
    current = (
        select(a.c.organization_id)
        .where(a.c.person_id == e.c.person_id, a.c.is_current.is_(True))
        .order_by(a.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    event = select(events.c.name).where(events.c.id == e.c.event_id)
    return select(
        e.c.person_id,
        e.c.date,
        e.c.event_id,
        event.scalar_subquery().label("event"),
        current.label("organization_id"),
        *_last_touches(e.c.person_id),
    ).where(
        e.c.date > bindparam("since", type_=Date),
        e.c.date <= bindparam("upto", type_=Date),
        e.c.event_id.is_not(None),
    )


REST_AT_ONCE = 400
"""Encounters the rest of the follow-up window may hold (by the days read so far) and still
be read at once: a small network reads its month in two statements, not one a doubling."""


def followup_queue_of(
    conn: Connection,
    *,
    today: date,
    now: datetime,
    params: InsightParams,
    enough: Callable[[Sequence[FollowUp]], bool] | None = None,
) -> tuple[list[FollowUp], dict[int, int | None]]:
    """``followups`` before the names: the queue, and each person's company (its id).

    A caller that shows only part of the queue (``kinmyaku due``, the review: a page)
    names only that part with ``named_followups``, and may say with ``enough`` when the
    queue's head suffices: the encounters are then read a few days at a time, oldest
    first (the queue's order: due a fixed time after the meeting), each with its latest
    touches looked up, until ``enough(queue)``; the last ``followup_hours`` (every item
    not late yet) are always read. The queue is then the full queue's first items up to
    the last day read, then the recent ones. At 100,000 people the demo has 850
    encounters in the month and 261 still waiting: the review needs the first ten.
    """
    since = today - timedelta(days=FOLLOWUP_HORIZON_DAYS)
    query = _met_lately_query()

    def read(after: date, upto: date) -> list[Any]:
        return list(conn.execute(query, {"since": after, "upto": upto, "today": today}))

    if enough is None:
        rows = read(since, today)
    else:
        # Not late yet: met after now - followup_hours, so on a later day than `recent`.
        recent = min(today, max(since, (now - timedelta(hours=params.followup_hours)).date()))
        recent -= timedelta(days=1) if recent > since else timedelta(0)
        head: list[Any] = []
        after, days = since, 2
        while after < recent:
            read_days = (after - since).days
            if read_days and len(head) * (recent - after).days <= REST_AT_ONCE * read_days:
                # Few encounters a day: the rest, the recent days with it, in one read.
                return _queue_and_companies(head + read(after, today), now, params)
            upto = min(recent, after + timedelta(days=days))
            head += read(after, upto)
            after, days = upto, days * 2
            if enough(_queue(head, now, params)):
                break
        rows = head + read(recent, today)
    return _queue_and_companies(rows, now, params)


def _queue_and_companies(
    rows: Sequence[Any], now: datetime, params: InsightParams
) -> tuple[list[FollowUp], dict[int, int | None]]:
    if not rows:
        return [], {}
    return _queue(rows, now, params), {int(r.person_id): r.organization_id for r in rows}


def _queue(rows: Sequence[Any], now: datetime, params: InsightParams) -> list[FollowUp]:
    latest: dict[int, date] = {}
    for r in rows:
        days = [_date(d) for d in (r.talked, r.gave, r.asked) if d is not None]
        if days:
            latest[int(r.person_id)] = max(days)
    return followup_queue(
        (
            EventEncounter(
                int(r.person_id), int(r.event_id), r.event, datetime.combine(r.date, time.min)
            )
            for r in rows
        ),
        last_followup_at={pid: datetime.combine(d, time.min) for pid, d in latest.items()},
        now=now,
        params=params,
    )


def named_followups(
    conn: Connection, shown: Iterable[FollowUp], companies: Mapping[int, int | None]
) -> list[FollowUpItem]:
    """These follow-ups with their people's names and companies (two reads by id)."""
    shown = list(shown)
    names = names_of(conn, [f.encounter.person_id for f in shown])
    company = _organization_names(conn, {companies.get(f.encounter.person_id) for f in shown})
    return [
        FollowUpItem(
            Named(f.encounter.person_id, names[f.encounter.person_id]),
            company.get(companies.get(f.encounter.person_id), ""),
            f,
        )
        for f in shown
        if f.encounter.person_id in names
    ]


def _organization_names(conn: Connection, ids: set[int | None]) -> dict[int | None, str]:
    """The names of these organisations (the companies of the people shown: one read)."""
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return {}
    rows = conn.execute(
        select(organizations.c.id, organizations.c.name).where(organizations.c.id.in_(wanted))
    )
    return {int(r.id): r.name for r in rows}


def _last_touches(person_id: Any) -> list[Any]:
    """The latest talk, exchange and request (not a meeting) of the row's person, on or
    before ``:today``: three scalar subqueries, each read from the person's index entries (a
    grouped union over a list of people had PostgreSQL read every interaction).

    The day is tested inside the ``max`` (``max(CASE WHEN date <= today ...)``), not in
    the WHERE: with a date condition PostgreSQL may walk the whole date index backwards
    for each row (its statistics of a freshly loaded table misjudge one person's rows),
    36 ms a row, minutes for a month of encounters at 100,000 people."""
    ip, i, x, r = interaction_people, interactions, exchanges, requests

    def latest(column: Any) -> Any:
        return func.max(case((column <= bindparam("today", type_=Date), column), else_=None))

    return [
        select(latest(i.c.date))
        .join(ip, ip.c.interaction_id == i.c.id)
        .where(ip.c.person_id == person_id)
        .scalar_subquery()
        .label("talked"),
        select(latest(x.c.date)).where(x.c.person_id == person_id).scalar_subquery().label("gave"),
        select(latest(r.c.asked_on))
        .where(r.c.person_id == person_id)
        .scalar_subquery()
        .label("asked"),
    ]


def _date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def yield_labels(
    conn: Connection, rows: Iterable[YieldRow], *, names: Mapping[int, str]
) -> dict[tuple[SourceKind, str], str]:
    """Readable labels of yield rows: the channel value, the event name, the person's name."""
    rows = list(rows)
    event_ids = [int(r.key) for r in rows if r.kind is SourceKind.EVENT]
    event_names: dict[int, str] = {}
    if event_ids:
        event_names = {
            int(i): str(n)
            for i, n in conn.execute(
                select(events.c.id, events.c.name).where(events.c.id.in_(event_ids))
            ).all()
        }
    labels: dict[tuple[SourceKind, str], str] = {}
    for r in rows:
        if r.kind is SourceKind.EVENT:
            labels[(r.kind, r.key)] = event_names.get(int(r.key), r.key)
        elif r.kind is SourceKind.INTRODUCER:
            labels[(r.kind, r.key)] = names.get(int(r.key), r.key)
        else:
            labels[(r.kind, r.key)] = r.key
    return labels

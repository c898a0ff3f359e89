"""Rows behind the follow-up list: logged follow-ups, request due dates, cadences, snoozes.

Every function runs inside the caller's transaction (it takes a ``Connection``).  A bulk
clear is recorded in ``settings`` under ``followups.clear.<n>`` (JSON: what it changed),
so that it can be undone: no table of its own.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Float,
    Integer,
    Select,
    Table,
    and_,
    bindparam,
    cast,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    union_all,
    update,
)

from kinmyaku.domain.model import RequestStatus
from kinmyaku.domain.people import display_name
from kinmyaku.storage.insights_queries import JULIAN_DAY_OF_ORDINAL_ZERO
from kinmyaku.storage.schema import (
    interaction_people,
    interactions,
    keep_in_touch,
    people,
    purposes,
    requests,
    settings,
)

OPEN = (RequestStatus.OPEN.value, RequestStatus.IN_PROGRESS.value)
CLEAR_PREFIX = "followups.clear."
_LIMIT = bindparam("limit", type_=Integer)
"""A page's size, bound at each read: the statements below are built once (building a
statement costs more than running it from SQLAlchemy's cache of compiled ones)."""


@dataclass(frozen=True, slots=True)
class LoggedRow:
    """An interaction with a follow-up date not done yet, and its first person."""

    id: int
    on: date
    kind: str
    summary: str
    follow_up_on: date
    person_id: int
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RequestRow:
    """An open request with a due date."""

    id: int
    person_id: int
    name: str
    side: str
    what: str
    due_on: date


@dataclass(frozen=True, slots=True)
class CadenceRow:
    """A person whose keep-in-touch cadence (purpose) ran out."""

    person_id: int
    name: str
    cadence_days: int
    goal: str
    last_touch_on: date | None


def _halves(column: Any) -> tuple[Any, Any]:
    """The conditions of the two halves of the agenda on a due-date column: before
    ``:today`` (overdue), and from ``:today`` to ``:until`` (the week ahead)."""
    return (
        column < bindparam("today", type_=Date),
        and_(column >= bindparam("today", type_=Date), column <= bindparam("until", type_=Date)),
    )


@functools.cache
def _logged_query() -> Select[Any]:
    """Interactions with a follow-up not done: the first ``:limit`` overdue (before ``:today``)
    and the first ``:limit`` due from ``:today`` to ``:until``, with their people. Each half
    is read to the limit on its own, so that many overdue never hide the week ahead; one
    statement for both."""
    i, ip, p = interactions, interaction_people, people
    halves = [
        select(i.c.id, i.c.date, i.c.kind, i.c.summary, i.c.follow_up_on)
        .where(i.c.follow_up_on.is_not(None), half, i.c.follow_up_done.is_(False))
        .order_by(i.c.follow_up_on, i.c.id)
        .limit(_LIMIT)
        .subquery()
        for half in _halves(i.c.follow_up_on)
    ]
    firsts = union_all(*(select(h) for h in halves)).subquery()
    return (
        select(firsts, p.c.id.label("pid"), p.c.family_name, p.c.given_name)
        .join(ip, ip.c.interaction_id == firsts.c.id)
        .join(p, p.c.id == ip.c.person_id)
        .order_by(firsts.c.follow_up_on, firsts.c.id, p.c.sort_key, p.c.id)
    )


def logged_followups(conn: Connection, *, today: date, until: date, limit: int) -> list[LoggedRow]:
    """Interactions whose follow-up is not done: the first ``limit`` overdue and the first
    ``limit`` due from ``today`` to ``until``, oldest first."""
    params = {"today": today, "until": until, "limit": limit}
    rows = conn.execute(_logged_query(), params).all()
    found: dict[int, LoggedRow] = {}
    for r in rows:
        name = display_name(r.family_name, r.given_name)
        old = found.get(r.id)
        if old is None:
            found[r.id] = LoggedRow(
                int(r.id), r.date, r.kind, r.summary, r.follow_up_on, int(r.pid), (name,)
            )
        else:
            found[r.id] = LoggedRow(**{**_fields(old), "names": (*old.names, name)})
    return list(found.values())


def _fields(row: LoggedRow) -> dict[str, Any]:
    return {k: getattr(row, k) for k in LoggedRow.__slots__}


@functools.cache
def _requests_query() -> Select[Any]:
    """Open requests with a due date: of each status, the first ``:limit`` overdue and the
    first ``:limit`` due from ``:today`` to ``:until``, earliest first, with names."""
    r, p = requests, people
    # Each open status and half read in the order of the index on (status, due_on) and cut
    # at the limit, then merged (one read of all had the database sort them all).
    each = [
        select(r.c.id, r.c.person_id, r.c.side, r.c.what, r.c.due_on)
        .where(r.c.status == status, r.c.due_on.is_not(None), half)
        .order_by(r.c.due_on, r.c.id)
        .limit(_LIMIT)
        .subquery()
        for status in OPEN
        for half in _halves(r.c.due_on)
    ]
    both = union_all(*(select(one) for one in each)).subquery()
    return (
        select(both, p.c.family_name, p.c.given_name)
        .join(p, p.c.id == both.c.person_id)
        .order_by(both.c.due_on, both.c.id)
    )


def due_requests(conn: Connection, *, today: date, until: date, limit: int) -> list[RequestRow]:
    """Open requests (either side): the first ``limit`` overdue and the first ``limit`` due
    from ``today`` to ``until``, earliest first."""
    params = {"today": today, "until": until, "limit": limit}
    rows = conn.execute(_requests_query(), params).all()
    overdue = [x for x in rows if x.due_on < today][:limit]
    ahead = [x for x in rows if x.due_on >= today][:limit]
    return [
        RequestRow(
            int(x.id),
            int(x.person_id),
            display_name(x.family_name, x.given_name),
            x.side,
            x.what,
            x.due_on,
        )
        for x in (*overdue, *ahead)
    ]


@functools.cache
def cadences_in_use() -> Select[Any]:
    """The purpose cadences in use, shortest first (read from their index, migration 0021)."""
    return (
        select(purposes.c.cadence_days)
        .where(purposes.c.cadence_days.is_not(None))
        .distinct()
        .order_by(purposes.c.cadence_days)
    )


@functools.cache
def _ran_out_query(dialect: str, summary: Table) -> Select[Any]:
    """The people whose ``:cadence`` ran out by ``:today``, not snoozed, in reading order.

    "Touched" is the touch summary's last touch (services/insights_summary.py: on or
    before today; a meeting, a talk, a gift or a request, asked or done), the same rule as
    the overdue list of the review and ``kinmyaku due``; someone never touched has no last
    touch (the outer join). ``:today`` is the day itself on PostgreSQL and its Julian day
    number on SQLite (the arithmetic of ``insights_queries.age_days``); the first ``:limit``.
    """
    pid, last = purposes.c.person_id, summary.c.last_touch_on
    if dialect == "sqlite":
        age: Any = bindparam("today", type_=Float) - func.julianday(last)
    else:
        age = cast(bindparam("today", type_=Date) - last, Integer)
    snoozed = exists().where(
        keep_in_touch.c.person_id == pid,
        keep_in_touch.c.snoozed_until.is_not(None),
        keep_in_touch.c.snoozed_until > bindparam("today_day", type_=Date),
    )
    return (
        select(pid, purposes.c.cadence_days, purposes.c.goal, people.c.family_name)
        .add_columns(people.c.given_name, last)
        .join(people, people.c.id == pid)
        .outerjoin(summary, summary.c.person_id == pid)
        .where(
            or_(last.is_(None), age >= purposes.c.cadence_days),
            ~snoozed,
            purposes.c.cadence_days == bindparam("cadence"),
        )
        .order_by(people.c.sort_key, pid)
        .limit(_LIMIT)
    )


def cadence_overdue(
    conn: Connection, summary: Table, *, today: date, limit: int
) -> list[CadenceRow]:
    """People whose purpose cadence ran out (no touch within it) and who are not snoozed.

    ``summary``: the fresh touch summary (``refresh_touch_summary``).
    """
    # One read per cadence, shortest first, each in reading order and cut at what the
    # page still needs: a read of every cadence at once sorted everyone with a purpose
    # (about 9,500 of 100,000 people) to show 50, and PostgreSQL read all of `people`
    # for it; the shortest cadence alone usually fills the page.
    cadences = conn.execute(cadences_in_use()).scalars()
    query = _ran_out_query(conn.dialect.name, summary)
    today_value: Any = today
    if conn.dialect.name == "sqlite":
        today_value = today.toordinal() + JULIAN_DAY_OF_ORDINAL_ZERO
    rows: list[Any] = []
    for cadence in list(cadences):
        if len(rows) >= limit:
            break
        wanted = {
            "cadence": cadence,
            "today": today_value,
            "today_day": today,
            "limit": limit - len(rows),
        }
        rows.extend(conn.execute(query, wanted).all())
    return [
        CadenceRow(
            int(r.person_id),
            display_name(r.family_name, r.given_name),
            r.cadence_days,
            r.goal,
            _day(r.last_touch_on),
        )
        for r in rows
    ]


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def snoozed_people(conn: Connection, *, today: date) -> set[int]:
    """Ids of the people snoozed past ``today``."""
    return {
        int(pid)
        for pid in conn.execute(
            select(keep_in_touch.c.person_id).where(keep_in_touch.c.snoozed_until > today)
        ).scalars()
    }


def interaction_exists(conn: Connection, interaction_id: int) -> bool:
    """True when this interaction has a follow-up date."""
    row = conn.execute(
        select(interactions.c.id).where(
            interactions.c.id == interaction_id, interactions.c.follow_up_on.is_not(None)
        )
    ).first()
    return row is not None


def set_followup(
    conn: Connection, interaction_id: int, *, on: date | None = None, done: bool = False
) -> None:
    """Mark an interaction's follow-up done, or move it to ``on`` (not done)."""
    values: dict[str, Any] = {"follow_up_done": done}
    if on is not None:
        values["follow_up_on"] = on
    conn.execute(update(interactions).where(interactions.c.id == interaction_id).values(**values))


def open_request_exists(conn: Connection, request_id: int) -> bool:
    """True when this request is open."""
    row = conn.execute(
        select(requests.c.id).where(requests.c.id == request_id, requests.c.status.in_(OPEN))
    ).first()
    return row is not None


def set_request_due(conn: Connection, request_id: int, due_on: date | None) -> None:
    """Move a request's due date (``None``: no date)."""
    conn.execute(update(requests).where(requests.c.id == request_id).values(due_on=due_on))


def clearable(conn: Connection, *, before: date) -> tuple[int, int]:
    """How many logged follow-ups and request due dates fall before ``before``."""
    i, r = interactions, requests
    logged = conn.execute(
        select(func.count()).where(i.c.follow_up_on < before, i.c.follow_up_done.is_(False))
    ).scalar_one()
    dated = conn.execute(
        select(func.count()).where(r.c.status.in_(OPEN), r.c.due_on < before)
    ).scalar_one()
    return int(logged), int(dated)


def clear_before(conn: Connection, *, before: date, at: datetime) -> dict[str, Any]:
    """Mark logged follow-ups due before ``before`` done and drop past request due dates.

    Returns the record of what changed (also stored, for :func:`undo_last_clear`).
    """
    i, r = interactions, requests
    logged = [
        int(x)
        for x in conn.execute(
            select(i.c.id)
            .where(i.c.follow_up_on < before, i.c.follow_up_done.is_(False))
            .order_by(i.c.id)
        ).scalars()
    ]
    dated = {
        str(x.id): x.due_on.isoformat()
        for x in conn.execute(
            select(r.c.id, r.c.due_on).where(r.c.status.in_(OPEN), r.c.due_on < before)
        )
    }
    for chunk in _chunks(logged):
        conn.execute(update(i).where(i.c.id.in_(chunk)).values(follow_up_done=True))
    for chunk in _chunks([int(k) for k in dated]):
        conn.execute(update(r).where(r.c.id.in_(chunk)).values(due_on=None))
    record = {
        "at": at.isoformat(timespec="seconds"),
        "before": before.isoformat(),
        "interactions": logged,
        "requests": dated,
    }
    if logged or dated:
        number = _last_clear_number(conn) + 1
        conn.execute(
            insert(settings).values(key=f"{CLEAR_PREFIX}{number}", value=json.dumps(record))
        )
    return record


def _chunks(ids: Sequence[int], size: int = 500) -> list[list[int]]:
    return [list(ids[k : k + size]) for k in range(0, len(ids), size)]


def _clear_keys(conn: Connection) -> list[tuple[int, str]]:
    keys = conn.execute(
        select(settings.c.key).where(settings.c.key.startswith(CLEAR_PREFIX, autoescape=True))
    ).scalars()
    found = []
    for key in keys:
        tail = key[len(CLEAR_PREFIX) :]
        if tail.isdigit():
            found.append((int(tail), key))
    return sorted(found)


def _last_clear_number(conn: Connection) -> int:
    keys = _clear_keys(conn)
    return keys[-1][0] if keys else 0


def last_clear(conn: Connection) -> dict[str, Any] | None:
    """The record of the latest bulk clear not undone, if any."""
    keys = _clear_keys(conn)
    if not keys:
        return None
    value = conn.execute(select(settings.c.value).where(settings.c.key == keys[-1][1])).scalar()
    found: dict[str, Any] = json.loads(value) if value else {}
    return found


def undo_last_clear(conn: Connection) -> dict[str, Any] | None:
    """Put back what the latest bulk clear changed; returns its record (``None``: nothing)."""
    keys = _clear_keys(conn)
    if not keys:
        return None
    key = keys[-1][1]
    record = last_clear(conn) or {}
    i, r = interactions, requests
    for chunk in _chunks([int(x) for x in record.get("interactions", [])]):
        conn.execute(update(i).where(i.c.id.in_(chunk)).values(follow_up_done=False))
    for rid, due in record.get("requests", {}).items():
        conn.execute(
            update(r)
            .where(r.c.id == int(rid), r.c.due_on.is_(None))
            .values(due_on=date.fromisoformat(due))
        )
    conn.execute(delete(settings).where(settings.c.key == key))
    return record

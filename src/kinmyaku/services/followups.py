"""Follow-ups that come due, from every source, and what can be done with each.

Four sources feed one list: a follow-up date logged with an interaction (``i12``), a
person met at an event and not thanked yet (``e7``, by person), a purpose's keep-in-touch
cadence run out (``p7``, by person) and an open request's due date (``r5``).  The key
names the source and the record.  Each item is overdue (its day has passed, or the event
follow-up is late) or due this week.  Done, snooze and reschedule act on the source's own
record; a person's snooze (``kinmyaku snooze``) hides their event and cadence items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, update

from kinmyaku.domain.errors import NotFound, ValidationError
from kinmyaku.domain.insights import DEFAULT_PARAMS, FollowUp, InsightParams
from kinmyaku.domain.model import RequestStatus
from kinmyaku.services import relations
from kinmyaku.services.insights import Due, due_in, snooze_person
from kinmyaku.services.insights_reads import followup_queue_of, named_followups
from kinmyaku.services.insights_summary import all_fresh, ensure_touch_summary
from kinmyaku.services.insights_totals import read_totals
from kinmyaku.storage import followups as rows
from kinmyaku.storage.schema import requests, touch_summary
from kinmyaku.storage.uow import UnitOfWork, reading

HORIZON_DAYS = 7
LIMIT = 50
SOURCES = {"i": "logged", "e": "event", "p": "cadence", "r": "request"}


@dataclass(frozen=True, slots=True)
class DueItem:
    """One thing to follow up, whatever its source."""

    key: str
    source: str
    person_id: int
    name: str
    what: str
    kind: str
    due_on: date
    overdue: bool
    days: int
    event_id: int | None = None


@dataclass(frozen=True, slots=True)
class Agenda:
    """Follow-ups overdue and due this week, each oldest first."""

    today: date
    overdue: list[DueItem] = field(default_factory=list)
    upcoming: list[DueItem] = field(default_factory=list)
    cut: frozenset[str] = frozenset()
    """The lists that filled the limit (``overdue``, ``this_week``): more may be due."""

    @property
    def counts(self) -> dict[str, int]:
        """How many are overdue and how many due this week (of the lists as cut)."""
        return {"overdue": len(self.overdue), "this_week": len(self.upcoming)}

    @property
    def shown(self) -> dict[str, str]:
        """The counts as a page shows them: "50+" for a list cut at the limit."""
        return {k: f"{n}+" if k in self.cut else str(n) for k, n in self.counts.items()}

    def items(self) -> list[DueItem]:
        """Every item, overdue first."""
        return [*self.overdue, *self.upcoming]


@dataclass(frozen=True, slots=True)
class Cleared:
    """What a bulk clear changed (or an undo put back)."""

    before: date
    followups: int
    requests: int

    @property
    def total(self) -> int:
        """Items changed in all."""
        return self.followups + self.requests


def _item(
    key: str,
    source: str,
    *,
    today: date,
    person_id: int,
    name: str,
    what: str,
    kind: str,
    due_on: date,
    overdue: bool | None = None,
    event_id: int | None = None,
) -> DueItem:
    late = due_on < today if overdue is None else overdue
    days = (today - due_on).days if late else (due_on - today).days
    return DueItem(key, source, person_id, name, what, kind, due_on, late, days, event_id)


def _logged(conn: Connection, today: date, until: date, limit: int) -> list[DueItem]:
    return [
        _item(
            f"i{x.id}",
            "logged",
            today=today,
            person_id=x.person_id,
            name="、".join(x.names),
            what=x.summary,
            kind=x.kind,
            due_on=x.follow_up_on,
        )
        for x in rows.logged_followups(conn, today=today, until=until, limit=limit)
    ]


def _events(
    conn: Connection, today: date, now: datetime, params: InsightParams, limit: int | None
) -> list[DueItem]:
    """People met at an event and not thanked yet (a snoozed person waits), one per person.

    The queue is oldest due first, so the first ``limit`` late and the first ``limit`` not
    yet late are all the agenda can show of it: only they are named (None: all), and the
    late ones are read only until ``limit`` people are found (``followup_queue_of``).
    """
    read: list[set[int]] = []  # the snoozed people, read once and only when needed

    def snoozed_people() -> set[int]:
        if not read:
            read.append(rows.snoozed_people(conn, today=today))
        return read[0]

    def enough(head: Sequence[FollowUp]) -> bool:
        late = {f.encounter.person_id for f in head if f.late}
        return limit is not None and len(late) >= limit and len(late - snoozed_people()) >= limit

    queue, companies = followup_queue_of(
        conn, today=today, now=now, params=params, enough=None if limit is None else enough
    )
    snoozed = snoozed_people() if queue else set()
    kept: dict[int, FollowUp] = {}
    taken = {True: 0, False: 0}
    for f in queue:
        pid = f.encounter.person_id
        if pid in snoozed or pid in kept:
            continue
        if limit is not None and taken[f.late] >= limit:
            continue
        kept[pid] = f
        taken[f.late] += 1
    return [
        _item(
            f"e{f.person.person_id}",
            "event",
            today=today,
            person_id=f.person.person_id,
            name=f.person.name,
            what=f.item.encounter.event_name,
            kind="event",
            due_on=_last_day(f.item.due_at),
            overdue=f.item.late,
            event_id=f.item.encounter.event_id,
        )
        for f in named_followups(conn, kept.values(), companies)
    ]


def _cadences(conn: Connection, today: date, limit: int) -> list[DueItem]:
    # The callers brought the touch summary up to date (ensure_touch_summary) just before.
    found = []
    for c in rows.cadence_overdue(conn, touch_summary, today=today, limit=limit):
        touched = c.last_touch_on
        due = touched + timedelta(days=c.cadence_days) if touched else today
        found.append(
            _item(
                f"p{c.person_id}",
                "cadence",
                today=today,
                person_id=c.person_id,
                name=c.name,
                what=c.goal,
                kind="cadence",
                due_on=min(due, today),
                overdue=True,
            )
        )
    return found


def _requests(conn: Connection, today: date, until: date, limit: int) -> list[DueItem]:
    return [
        _item(
            f"r{r.id}",
            "request",
            today=today,
            person_id=r.person_id,
            name=r.name,
            what=r.what,
            kind=r.side,
            due_on=r.due_on,
        )
        for r in rows.due_requests(conn, today=today, until=until, limit=limit)
    ]


def agenda_of(
    conn: Connection,
    *,
    today: date,
    now: datetime,
    params: InsightParams = DEFAULT_PARAMS,
    limit: int = LIMIT,
) -> Agenda:
    """The follow-up list inside the caller's transaction, oldest due first.

    The cadences are read from the touch summary: bring it up to date first, in a
    transaction of its own (``ensure_touch_summary``), as ``list_followups`` does.
    """
    until = today + timedelta(days=HORIZON_DAYS)
    sources = (
        _logged(conn, today, until, limit),
        _events(conn, today, now, params, limit),
        _cadences(conn, today, limit),
        _requests(conn, today, until, limit),
    )
    found = [d for source in sources for d in source]
    found.sort(key=lambda d: (d.due_on, d.source, d.key[:1], int(d.key[1:])))
    overdue = [d for d in found if d.overdue]
    upcoming = [d for d in found if not d.overdue]
    cut = frozenset(
        name
        for name, late, items in (("overdue", True, overdue), ("this_week", False, upcoming))
        # more than a page, or a source read to its limit (it may hold more)
        if len(items) > limit
        or any(sum(1 for d in source if d.overdue is late) >= limit for source in sources)
    )
    return Agenda(today, overdue[:limit], upcoming[:limit], cut)


def _last_day(due_at: datetime) -> date:
    """The last day to act by: a deadline at midnight falls on the day before."""
    return (due_at - timedelta(microseconds=1)).date()


def list_followups(
    uow: UnitOfWork,
    *,
    today: date,
    now: datetime,
    params: InsightParams = DEFAULT_PARAMS,
    limit: int = LIMIT,
) -> Agenda:
    """Follow-ups from every source: overdue, then due within a week.

    The touch summary is brought up to date first, in a transaction of its own (the
    cadences are read from it), as stats and the review do.
    """
    ensure_touch_summary(uow, today=today, params=params, parts=())
    with uow as conn:
        return agenda_of(conn, today=today, now=now, params=params, limit=limit)


@dataclass(frozen=True, slots=True)
class DueOverview:
    """Everything ``kinmyaku due`` shows."""

    due: Due
    """Overdue keep-in-touch people (cut at the limit) and requests due within a week."""
    overdue_total: int
    """How many people are overdue in all."""
    agenda: Agenda
    """Follow-ups from every source."""


def due_overview(
    uow: UnitOfWork,
    *,
    today: date,
    now: datetime,
    params: InsightParams = DEFAULT_PARAMS,
    limit: int = LIMIT,
) -> DueOverview:
    """The overdue people, the requests due, how many are overdue, and the follow-ups.

    One read transaction when the touch summary is current (the usual case: it is looked
    at and read in the same snapshot, and nothing is written); otherwise the summary is
    first brought up to date in a transaction of its own. Asked one by one
    (``due_now``, ``network_stats``, ``list_followups``), each checked the summary and
    opened its own transaction, and the overdue count read every headline figure.
    """
    found = read_due_overview(uow, today=today, now=now, params=params, limit=limit)
    if found is not None:
        return found
    ensure_touch_summary(uow, today=today, params=params, parts=DUE_PARTS)
    with uow as conn:
        return _overview(conn, today=today, now=now, params=params, limit=limit, fresh=False)


DUE_PARTS = ("headline",)
"""The stored totals ``kinmyaku due`` reads (the overdue count)."""


def read_due_overview(
    uow: UnitOfWork,
    *,
    today: date,
    now: datetime,
    params: InsightParams = DEFAULT_PARAMS,
    limit: int = LIMIT,
) -> DueOverview | None:
    """``due_overview`` when the touch summary is current, in one read-only transaction;
    None (nothing written, nothing more read) when it must be brought up to date first.

    The command server runs it once per PostgreSQL database to compile its statements
    ahead of the commands (cli/server_upkeep.py ``warm_reads``).
    """
    with reading(), uow as conn:
        if all_fresh(conn, today=today, params=params, parts=DUE_PARTS):
            return _overview(conn, today=today, now=now, params=params, limit=limit, fresh=True)
    return None


def _overview(
    conn: Connection,
    *,
    today: date,
    now: datetime,
    params: InsightParams,
    limit: int,
    fresh: bool,
) -> DueOverview:
    due = due_in(
        conn, today=today, now=now, params=params, limit=limit, with_followups=False, fresh=fresh
    )
    totals = read_totals(conn, today=today, params=params, kinds=("n",), fresh=fresh)
    agenda = agenda_of(conn, today=today, now=now, params=params, limit=limit)
    return DueOverview(due, totals.count("n", "overdue"), agenda)


def parse_key(key: str) -> tuple[str, int]:
    """The source and record id of a follow-up key (``i12``; a bare number is ``i``)."""
    text = key.strip().lower()
    if text.isdigit():
        text = f"i{text}"
    source = SOURCES.get(text[:1])
    if source is None or not text[1:].isdigit() or not 0 < int(text[1:]) < 2**31:
        raise ValidationError("followup", "Unknown follow-up {key}", key=key)
    return source, int(text[1:])


def _not_found(key: str) -> NotFound:
    return NotFound("No follow-up {key}", key=key)


def complete_followup(uow: UnitOfWork, *, key: str, today: date) -> None:
    """Mark a follow-up done: the logged follow-up or the request closes; a person is touched."""
    source, ident = parse_key(key)
    with uow as conn:
        if source == "logged":
            if not rows.interaction_exists(conn, ident):
                raise _not_found(key)
            rows.set_followup(conn, ident, done=True)
        elif source == "request":
            if not rows.open_request_exists(conn, ident):
                raise _not_found(key)
            conn.execute(
                update(requests)
                .where(requests.c.id == ident)
                .values(status=RequestStatus.DONE.value, closed_on=today)
            )
        else:
            relations.log_interaction(uow, person_ids=[ident], on=today, kind="message")


def move_followup(uow: UnitOfWork, *, key: str, to: date, today: date) -> date:
    """Move a follow-up to another day (snooze or reschedule); returns the day."""
    source, ident = parse_key(key)
    if to <= today and source in ("event", "cadence"):
        raise ValidationError("until", "Choose a day after today")
    if to < today:
        raise ValidationError("until", "Choose today or a later day")
    with uow as conn:
        if source == "logged":
            if not rows.interaction_exists(conn, ident):
                raise _not_found(key)
            rows.set_followup(conn, ident, on=to, done=False)
        elif source == "request":
            if not rows.open_request_exists(conn, ident):
                raise _not_found(key)
            rows.set_request_due(conn, ident, to)
        else:
            snooze_person(uow, person_id=ident, days=(to - today).days, today=today)
    return to


def snooze_followup(
    uow: UnitOfWork, *, key: str, today: date, days: int | None = None, until: date | None = None
) -> date:
    """Put a follow-up off by ``days`` or until a day; returns the new day."""
    if (days is None) == (until is None):
        raise ValidationError("until", "Give either a number of days or a date")
    if days is not None and days < 1:
        raise ValidationError("days", "Snooze for at least one day")
    to = until if until is not None else today + timedelta(days=days or 1)
    if to <= today:
        raise ValidationError("until", "Choose a day after today")
    return move_followup(uow, key=key, to=to, today=today)


def count_clearable(uow: UnitOfWork, *, before: date) -> Cleared:
    """What a bulk clear before ``before`` would change (for the confirm step)."""
    with uow as conn:
        found = rows.clearable(conn, before=before)
    return Cleared(before, found[0], found[1])


def clear_followups(uow: UnitOfWork, *, before: date, today: date, now: datetime) -> Cleared:
    """Mark every logged follow-up due before a day done and drop past request due dates."""
    if before > today:
        raise ValidationError("before", "Choose today or an earlier day")
    with uow as conn:
        record = rows.clear_before(conn, before=before, at=now)
    return Cleared(before, len(record["interactions"]), len(record["requests"]))


def last_cleared(uow: UnitOfWork) -> Cleared | None:
    """The latest bulk clear that can still be undone."""
    with uow as conn:
        record = rows.last_clear(conn)
    return _cleared(record) if record else None


def undo_clear(uow: UnitOfWork) -> Cleared:
    """Put back what the latest bulk clear changed."""
    with uow as conn:
        record = rows.undo_last_clear(conn)
    if record is None:
        raise NotFound("No cleared follow-ups to put back")
    return _cleared(record)


def _cleared(record: dict[str, Any]) -> Cleared:
    return Cleared(
        date.fromisoformat(record["before"]),
        len(record.get("interactions", [])),
        len(record.get("requests", {})),
    )

"""Use cases of the networking method: how we met, touches, give/take, requests, purpose, links."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, delete, insert, select, update

from kinmyaku.domain.errors import NotFound, ValidationError
from kinmyaku.domain.limits import check_lengths
from kinmyaku.domain.model import (
    Channel,
    Direction,
    ExchangeKind,
    InteractionKind,
    LinkKind,
    PurposeCategory,
    RequestSide,
    RequestStatus,
)
from kinmyaku.domain.people import display_name
from kinmyaku.domain.validate import check_cadence, check_weight, require_text
from kinmyaku.storage.schema import (
    encounters,
    events,
    exchanges,
    interaction_people,
    interactions,
    links,
    people,
    purposes,
    requests,
)
from kinmyaku.storage.uow import UnitOfWork

E = TypeVar("E", bound=StrEnum)


def choice(enum: type[E], value: str, field: str) -> E:
    """The enum member a value names, or a ValidationError listing the choices."""
    try:
        return enum(value)
    except ValueError:
        raise ValidationError(
            field,
            "'{value}' is not a valid {field}; choose one of: {choices}",
            value=value,
            choices=", ".join(m.value for m in enum),
        ) from None


def _require_people(conn: Connection, ids: Sequence[int]) -> None:
    wanted = set(ids)
    found = set(conn.execute(select(people.c.id).where(people.c.id.in_(wanted))).scalars())
    missing = sorted(wanted - found)
    if missing:
        raise NotFound("No person with id {id}", id=missing[0])


def _require_event(conn: Connection, event_id: int) -> None:
    if not conn.execute(select(events.c.id).where(events.c.id == event_id)).first():
        raise NotFound("No event with id {id}", id=event_id)


def record_encounter(
    uow: UnitOfWork,
    *,
    person_id: int,
    on: date,
    channel: str = "other",
    introducer_id: int | None = None,
    event_id: int | None = None,
    place: str = "",
    memory_cue: str = "",
) -> int:
    """Record how and where we met (出会い); returns the encounter id."""
    check_lengths({"place": place, "memory_cue": memory_cue})
    kind = choice(Channel, channel, "channel")
    with uow as conn:
        _require_people(conn, [person_id] + ([introducer_id] if introducer_id else []))
        if introducer_id == person_id:
            raise ValidationError("introducer", "A person cannot introduce themselves")
        if event_id is not None:
            _require_event(conn, event_id)
            if kind is Channel.OTHER:
                kind = Channel.EVENT
        if introducer_id is not None and kind is Channel.OTHER:
            kind = Channel.INTRODUCTION
        return int(
            conn.execute(
                insert(encounters)
                .values(
                    person_id=person_id,
                    date=on,
                    channel=kind.value,
                    introducer_id=introducer_id,
                    event_id=event_id,
                    place=place.strip(),
                    memory_cue=memory_cue.strip(),
                )
                .returning(encounters.c.id)
            ).scalar_one()
        )


def log_interaction(
    uow: UnitOfWork,
    *,
    person_ids: Sequence[int],
    on: date,
    kind: str = "meeting",
    summary: str = "",
    follow_up_on: date | None = None,
) -> int:
    """Log a touch point (接点) with one or more people; returns the interaction id."""
    check_lengths({"summary": summary})
    what = choice(InteractionKind, kind, "kind")
    if not person_ids:
        raise ValidationError("person", "Name at least one person")
    if follow_up_on is not None and follow_up_on < on:
        raise ValidationError("follow_up", "The follow-up date is before the interaction")
    with uow as conn:
        _require_people(conn, person_ids)
        interaction_id = int(
            conn.execute(
                insert(interactions)
                .values(
                    date=on,
                    kind=what.value,
                    summary=summary.strip(),
                    follow_up_on=follow_up_on,
                )
                .returning(interactions.c.id)
            ).scalar_one()
        )
        conn.execute(
            insert(interaction_people),
            [
                {"interaction_id": interaction_id, "person_id": pid}
                for pid in dict.fromkeys(person_ids)
            ],
        )
        return interaction_id


def complete_follow_up(uow: UnitOfWork, *, interaction_id: int) -> None:
    """Mark an interaction's follow-up as done."""
    with uow as conn:
        result = conn.execute(
            update(interactions)
            .where(interactions.c.id == interaction_id)
            .values(follow_up_done=True)
        )
        if not result.rowcount:
            raise NotFound("No interaction with id {id}", id=interaction_id)


def record_exchange(
    uow: UnitOfWork,
    *,
    person_id: int,
    on: date,
    direction: str,
    kind: str = "other",
    weight: int = 1,
    note: str = "",
    introduction_id: int | None = None,
) -> int:
    """Record something given to or received from a person (ギブ/テイク)."""
    check_lengths({"note": note})
    side = choice(Direction, direction, "direction")
    what = choice(ExchangeKind, kind, "kind")
    check_weight(weight)
    with uow as conn:
        _require_people(conn, [person_id])
        return int(
            conn.execute(
                insert(exchanges)
                .values(
                    person_id=person_id,
                    date=on,
                    direction=side.value,
                    kind=what.value,
                    weight=weight,
                    note=note.strip(),
                    introduction_id=introduction_id,
                )
                .returning(exchanges.c.id)
            ).scalar_one()
        )


def open_request(
    uow: UnitOfWork,
    *,
    person_id: int,
    side: str,
    what: str,
    asked_on: date,
    due_on: date | None = None,
) -> int:
    """Record a request (依頼): mine of them, or theirs of me; returns its id."""
    check_lengths({"what": what})
    who = choice(RequestSide, side, "side")
    text = require_text(what, field="what", max_length=2000)
    if due_on is not None and due_on < asked_on:
        raise ValidationError("due", "The due date is before the request was made")
    with uow as conn:
        _require_people(conn, [person_id])
        return int(
            conn.execute(
                insert(requests)
                .values(
                    person_id=person_id,
                    side=who.value,
                    what=text,
                    asked_on=asked_on,
                    due_on=due_on,
                    status=RequestStatus.OPEN.value,
                )
                .returning(requests.c.id)
            ).scalar_one()
        )


def update_request(
    uow: UnitOfWork,
    *,
    request_id: int,
    status: str,
    outcome: str = "",
    on: date | None = None,
) -> None:
    """Move a request on: in progress, done or declined (closing records the outcome)."""
    check_lengths({"outcome": outcome})
    state = choice(RequestStatus, status, "status")
    closing = state in (RequestStatus.DONE, RequestStatus.DECLINED)
    with uow as conn:
        values: dict[str, object] = {"status": state.value}
        if outcome:
            values["outcome"] = outcome.strip()
        values["closed_on"] = on if closing else None
        result = conn.execute(update(requests).where(requests.c.id == request_id).values(**values))
        if not result.rowcount:
            raise NotFound("No request with id {id}", id=request_id)


def set_purpose(
    uow: UnitOfWork,
    *,
    person_id: int,
    category: str,
    goal: str = "",
    offer: str = "",
    cadence_days: int | None = None,
) -> None:
    """Say why this relationship matters, what I can offer, and how often to touch base."""
    check_lengths({"goal": goal, "offer": offer})
    kind = choice(PurposeCategory, category, "category")
    if cadence_days is not None:
        check_cadence(cadence_days)
    with uow as conn:
        _require_people(conn, [person_id])
        values = {
            "category": kind.value,
            "goal": goal.strip(),
            "offer": offer.strip(),
            "cadence_days": cadence_days,
        }
        exists = conn.execute(
            select(purposes.c.person_id).where(purposes.c.person_id == person_id)
        ).first()
        if exists:
            conn.execute(update(purposes).where(purposes.c.person_id == person_id).values(**values))
        else:
            conn.execute(insert(purposes).values(person_id=person_id, **values))


def link_people(
    uow: UnitOfWork,
    *,
    person_a: int,
    person_b: int,
    kind: str = "knows",
    on: date | None = None,
    outcome: str = "",
    note: str = "",
) -> int:
    """Record that two people I know are connected (knows, colleague, introduced by me)."""
    check_lengths({"outcome": outcome, "note": note})
    what = choice(LinkKind, kind, "kind")
    if person_a == person_b:
        raise ValidationError("person", "A person cannot be linked to themselves")
    a, b = sorted((person_a, person_b))
    with uow as conn:
        _require_people(conn, [a, b])
        existing = conn.execute(
            select(links.c.id).where(
                links.c.person_a == a, links.c.person_b == b, links.c.kind == what.value
            )
        ).scalar()
        if existing:
            conn.execute(
                update(links)
                .where(links.c.id == existing)
                .values(date=on, outcome=outcome.strip(), note=note.strip())
            )
            return int(existing)
        return int(
            conn.execute(
                insert(links)
                .values(
                    person_a=a,
                    person_b=b,
                    kind=what.value,
                    date=on,
                    outcome=outcome.strip(),
                    note=note.strip(),
                )
                .returning(links.c.id)
            ).scalar_one()
        )


def list_requests(uow: UnitOfWork, *, include_closed: bool = False) -> list[dict[str, Any]]:
    """Requests with the person's name: open ones first, earliest due first."""
    closed = requests.c.status.in_([RequestStatus.DONE.value, RequestStatus.DECLINED.value])
    stmt = (
        select(requests, people.c.family_name, people.c.given_name)
        .join(people, people.c.id == requests.c.person_id)
        .order_by(closed, requests.c.due_on.is_(None), requests.c.due_on, requests.c.id)
    )
    if not include_closed:
        stmt = stmt.where(~closed)
    with uow as conn:
        rows = []
        for r in conn.execute(stmt).mappings():
            row = dict(r)
            row["name"] = display_name(row.pop("family_name"), row.pop("given_name"))
            rows.append(row)
        return rows


def _change(
    conn: Connection, table: Table, record_id: int, values: dict[str, Any], missing: str
) -> None:
    """Update one row, or raise NotFound naming what is missing."""
    if values:
        done = conn.execute(update(table).where(table.c.id == record_id).values(**values))
    else:
        done = conn.execute(select(table.c.id).where(table.c.id == record_id))
        if done.first():
            return
        raise NotFound(missing, id=record_id)
    if not done.rowcount:
        raise NotFound(missing, id=record_id)


def _remove(uow: UnitOfWork, table: Table, record_id: int, missing: str) -> None:
    with uow as conn:
        done = conn.execute(delete(table).where(table.c.id == record_id))
        if not done.rowcount:
            raise NotFound(missing, id=record_id)


def update_encounter(
    uow: UnitOfWork,
    *,
    encounter_id: int,
    on: date | None = None,
    channel: str | None = None,
    introducer_id: int | None = None,
    event_id: int | None = None,
    place: str | None = None,
    memory_cue: str | None = None,
) -> None:
    """Correct how and where we met; fields left None stay as they are."""
    check_lengths({"place": place, "memory_cue": memory_cue})
    values: dict[str, Any] = {}
    if on is not None:
        values["date"] = on
    if channel is not None:
        values["channel"] = choice(Channel, channel, "channel").value
    if place is not None:
        values["place"] = place.strip()
    if memory_cue is not None:
        values["memory_cue"] = memory_cue.strip()
    with uow as conn:
        if introducer_id is not None:
            _require_people(conn, [introducer_id])
            values["introducer_id"] = introducer_id
        if event_id is not None:
            _require_event(conn, event_id)
            values["event_id"] = event_id
        _change(conn, encounters, encounter_id, values, "No encounter with id {id}")


def update_exchange(
    uow: UnitOfWork,
    *,
    exchange_id: int,
    on: date | None = None,
    direction: str | None = None,
    kind: str | None = None,
    weight: int | None = None,
    note: str | None = None,
) -> None:
    """Correct a give/take entry; fields left None stay as they are."""
    check_lengths({"note": note})
    values: dict[str, Any] = {}
    if on is not None:
        values["date"] = on
    if direction is not None:
        values["direction"] = choice(Direction, direction, "direction").value
    if kind is not None:
        values["kind"] = choice(ExchangeKind, kind, "kind").value
    if weight is not None:
        values["weight"] = check_weight(weight)
    if note is not None:
        values["note"] = note.strip()
    with uow as conn:
        _change(conn, exchanges, exchange_id, values, "No exchange with id {id}")


def delete_encounter(uow: UnitOfWork, *, encounter_id: int) -> None:
    """Delete a record of how we met."""
    _remove(uow, encounters, encounter_id, "No encounter with id {id}")


def delete_interaction(uow: UnitOfWork, *, interaction_id: int) -> None:
    """Delete an interaction (for everyone in it)."""
    _remove(uow, interactions, interaction_id, "No interaction with id {id}")


def delete_exchange(uow: UnitOfWork, *, exchange_id: int) -> None:
    """Delete a give/take entry."""
    _remove(uow, exchanges, exchange_id, "No exchange with id {id}")


def delete_request(uow: UnitOfWork, *, request_id: int) -> None:
    """Delete a request."""
    _remove(uow, requests, request_id, "No request with id {id}")

"""Read queries behind the network graph: people, touches, links, colleagues, events.

Each function runs a handful of set-based queries and returns numpy arrays or plain data;
no per-person query (the graph of the 100,000-person demo is a few queries).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    Connection,
    Integer,
    String,
    case,
    func,
    literal,
    select,
    type_coerce,
    union_all,
)

from kinmyaku.domain.names import fold_text
from kinmyaku.domain.people import display_name
from kinmyaku.storage.schema import (
    affiliations,
    encounters,
    exchanges,
    interaction_people,
    interactions,
    introductions,
    links,
    organizations,
    people,
)

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
CHUNK = 20_000
"""Rows fetched at a time from a long result: arrays grow, Python rows never pile up."""


@dataclass(frozen=True)
class TouchRows:
    """Touches grouped by (person, day, direction): parallel arrays, age in days."""

    person: I64
    age: I64
    weight: F64
    count: I64
    direction: npt.NDArray[np.int8]  # 0 none, 1 gave, 2 received


def people_ids(conn: Connection) -> tuple[I64, npt.NDArray[np.bool_]]:
    """Every person id (sorted) and whether I have met them."""
    rows = conn.execute(select(people.c.id, people.c.met).order_by(people.c.id)).all()
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    met = np.fromiter((bool(r[1]) for r in rows), dtype=bool, count=len(rows))
    return ids, met


def touch_rows(conn: Connection, today: date) -> TouchRows:
    """Interactions, exchanges and encounters on or before today, grouped per person-day."""
    inter = (
        select(
            interaction_people.c.person_id.label("pid"),
            type_coerce(interactions.c.date, String).label("on"),
            func.count().label("w"),
            func.count().label("n"),
            literal(0, Integer).label("d"),
        )
        .join(interactions, interactions.c.id == interaction_people.c.interaction_id)
        .where(interactions.c.date <= today)
        .group_by(interaction_people.c.person_id, interactions.c.date)
    )
    enc = (
        select(
            encounters.c.person_id,
            type_coerce(encounters.c.date, String),
            func.count(),
            func.count(),
            literal(0, Integer),
        )
        .where(encounters.c.date <= today)
        .group_by(encounters.c.person_id, encounters.c.date)
    )
    exc = (
        select(
            exchanges.c.person_id,
            type_coerce(exchanges.c.date, String),
            func.sum(exchanges.c.weight),
            func.count(),
            func.max(case((exchanges.c.direction == "gave", 1), else_=2)),
        )
        .where(exchanges.c.date <= today)
        .group_by(exchanges.c.person_id, exchanges.c.date, exchanges.c.direction)
    )
    # Dates arrive as the driver gives them (SQLite: 'YYYY-MM-DD' text, unparsed by
    # SQLAlchemy; PostgreSQL: date) and numpy turns a chunk of either into days at once.
    day = np.datetime64(today, "D")
    result = conn.execute(union_all(inter, enc, exc))
    parts: list[tuple[I64, I64, F64, I64, npt.NDArray[np.int8]]] = []
    while rows := result.fetchmany(CHUNK):  # a chunk at a time: no list of every row
        n = len(rows)
        parts.append(
            (
                np.fromiter((r[0] for r in rows), dtype=np.int64, count=n),
                (day - np.array([r[1] for r in rows], dtype="datetime64[D]")).astype(np.int64),
                np.fromiter((float(r[2]) for r in rows), dtype=np.float64, count=n),
                np.fromiter((int(r[3]) for r in rows), dtype=np.int64, count=n),
                np.fromiter((int(r[4]) for r in rows), dtype=np.int8, count=n),
            )
        )
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return TouchRows(empty, empty, empty.astype(np.float64), empty, empty.astype(np.int8))
    person, age, weight, count, direction = (np.concatenate(c) for c in zip(*parts, strict=True))
    return TouchRows(person, age, weight, count, direction)


def link_pairs(conn: Connection) -> list[tuple[int, int, str]]:
    """Recorded links between people: (a, b, kind)."""
    return [
        (r[0], r[1], r[2])
        for r in conn.execute(select(links.c.person_a, links.c.person_b, links.c.kind))
    ]


def introducer_pairs(conn: Connection) -> list[tuple[int, int]]:
    """(introducer, person) from encounters and from introductions made to me."""
    enc = select(encounters.c.introducer_id, encounters.c.person_id).where(
        encounters.c.introducer_id.is_not(None)
    )
    intro = select(introductions.c.introducer_id, introductions.c.person_b).where(
        introductions.c.introducer_id.is_not(None)
    )
    return [(r[0], r[1]) for r in conn.execute(union_all(enc, intro))]


def made_introductions(conn: Connection) -> list[tuple[int, int]]:
    """Pairs I introduced to each other (state introduced): they now know each other."""
    stmt = select(introductions.c.person_a, introductions.c.person_b).where(
        introductions.c.introducer_id.is_(None), introductions.c.state == "introduced"
    )
    return [(r[0], r[1]) for r in conn.execute(stmt)]


def current_colleagues(conn: Connection) -> tuple[I64, I64]:
    """(organisation id, person id) of every current affiliation, sorted by organisation."""
    stmt = (
        select(affiliations.c.organization_id, affiliations.c.person_id)
        .where(affiliations.c.is_current.is_(True))
        .distinct()
        .order_by(affiliations.c.organization_id, affiliations.c.person_id)
    )
    rows = conn.execute(stmt).all()
    return (
        np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
        np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows)),
    )


def event_attendance(conn: Connection) -> tuple[I64, I64]:
    """(event id, person id) of every encounter at an event, sorted by event."""
    stmt = (
        select(encounters.c.event_id, encounters.c.person_id)
        .where(encounters.c.event_id.is_not(None))
        .distinct()
        .order_by(encounters.c.event_id, encounters.c.person_id)
    )
    rows = conn.execute(stmt).all()
    return (
        np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
        np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows)),
    )


def fingerprint(conn: Connection) -> tuple[object, ...]:
    """A cheap summary that changes whenever the data the graph reads changes."""
    parts: list[object] = []
    for table in (people, links, introductions, affiliations, encounters, exchanges):
        parts.extend(conn.execute(select(func.count(), func.max(table.c.id))).one())
    parts.append(conn.execute(select(func.max(people.c.updated_at))).scalar())
    parts.extend(
        conn.execute(select(func.count(), func.max(interaction_people.c.interaction_id))).one()
    )
    parts.append(
        conn.execute(select(func.count()).where(affiliations.c.is_current.is_(True))).scalar()
    )
    parts.append(
        conn.execute(select(func.count()).where(introductions.c.state == "introduced")).scalar()
    )
    return tuple(parts)


def names(conn: Connection, ids: Sequence[int]) -> dict[int, str]:
    """Display names of people by id."""
    if not ids:
        return {}
    stmt = select(people.c.id, people.c.family_name, people.c.given_name).where(
        people.c.id.in_(set(ids))
    )
    return {r[0]: display_name(r[1], r[2]) for r in conn.execute(stmt)}


def people_at_organizations(
    conn: Connection, query: str, *, exact: bool = False
) -> tuple[list[str], list[int]]:
    """Organisations named (or, not exact, whose name starts with) the query, and their people.

    Names compare folded (any width or variant); the people are those currently there.
    """
    key = fold_text(query)
    if not key:
        return [], []
    stmt = select(organizations.c.id, organizations.c.name).order_by(organizations.c.name_key)
    if exact:
        stmt = stmt.where(organizations.c.name_key == key)
    else:
        stmt = stmt.where(
            organizations.c.name_key >= key, organizations.c.name_key < key + "\U0010ffff"
        )
    orgs = conn.execute(stmt).all()
    if not orgs:
        return [], []
    return [o[1] for o in orgs], _current_people(conn, [o[0] for o in orgs])


def people_in_industry(conn: Connection, industry: str) -> list[int]:
    """People currently working at an organisation of this industry."""
    org_ids = conn.execute(
        select(organizations.c.id).where(organizations.c.industry == industry)
    ).scalars()
    return _current_people(conn, list(org_ids))


def _current_people(conn: Connection, org_ids: Sequence[int]) -> list[int]:
    if not org_ids:
        return []
    stmt = (
        select(affiliations.c.person_id)
        .where(affiliations.c.organization_id.in_(org_ids), affiliations.c.is_current.is_(True))
        .distinct()
    )
    return sorted(conn.execute(stmt).scalars())


def profiles(conn: Connection, *, only: Sequence[int] | None = None) -> dict[int, tuple[str, str]]:
    """(offers, needs) text of people who wrote either, optionally only these ids."""
    stmt = select(people.c.id, people.c.offers, people.c.needs).where(
        (people.c.offers != "") | (people.c.needs != "")
    )
    if only is not None:
        stmt = stmt.where(people.c.id.in_(set(only)))
    return {r[0]: (r[1], r[2]) for r in conn.execute(stmt)}


def profile_rows(conn: Connection) -> Iterator[tuple[int, str, str]]:
    """(id, offers, needs) of everyone who wrote either, fetched a chunk at a time."""
    stmt = select(people.c.id, people.c.offers, people.c.needs).where(
        (people.c.offers != "") | (people.c.needs != "")
    )
    result = conn.execute(stmt)
    while rows := result.fetchmany(CHUNK):
        yield from ((r[0], r[1], r[2]) for r in rows)


def roles(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """(organisation name, title) of each person's current job (the first one recorded)."""
    if not ids:
        return {}
    stmt = (
        select(affiliations.c.person_id, organizations.c.name, affiliations.c.title)
        .join(organizations, organizations.c.id == affiliations.c.organization_id)
        .where(affiliations.c.person_id.in_(set(ids)), affiliations.c.is_current.is_(True))
        .order_by(affiliations.c.person_id, affiliations.c.id)
    )
    found: dict[int, tuple[str, str]] = {}
    for pid, org, title in conn.execute(stmt):
        found.setdefault(pid, (org, title or ""))
    return found


def organisations(conn: Connection) -> dict[int, tuple[str, str]]:
    """(name, industry code or '') of every organisation by id."""
    stmt = select(organizations.c.id, organizations.c.name, organizations.c.industry)
    return {r[0]: (r[1], r[2] or "") for r in conn.execute(stmt)}

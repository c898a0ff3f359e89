"""Queries that write people, their contact points, tags, affiliations and search keys."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from kinmyaku.domain.names import fold_text
from kinmyaku.domain.search_keys import PersonKeys, organization_terms
from kinmyaku.storage.schema import (
    affiliations,
    contact_points,
    organizations,
    people,
    person_tags,
)
from kinmyaku.storage.schema import (
    organization_terms as organization_terms_table,
)
from kinmyaku.storage.search_index import replace_index


def now() -> datetime:
    """The current time, naive UTC (stored as is on both databases)."""
    return datetime.now(UTC).replace(tzinfo=None)


def insert_person(conn: Connection, values: dict[str, Any]) -> int:
    """Insert a person row and return its id."""
    stamp = now()
    row = {"created_at": stamp, "updated_at": stamp, **values}
    result = conn.execute(insert(people).values(**row).returning(people.c.id))
    return int(result.scalar_one())


def update_person(conn: Connection, person_id: int, values: dict[str, Any]) -> None:
    """Update some columns of a person."""
    if values:
        conn.execute(
            update(people).where(people.c.id == person_id).values(updated_at=now(), **values)
        )


def get_person_row(conn: Connection, person_id: int) -> dict[str, Any] | None:
    """A person's row as a dict, or None."""
    row = conn.execute(select(people).where(people.c.id == person_id)).mappings().first()
    return dict(row) if row else None


def add_contact_point(
    conn: Connection, person_id: int, kind: str, value: str, label: str, normalized: str
) -> bool:
    """Add a contact point unless the person has it already; True when added."""
    exists = conn.execute(
        select(contact_points.c.id).where(
            contact_points.c.person_id == person_id,
            contact_points.c.kind == kind,
            contact_points.c.normalized == normalized,
        )
    ).first()
    if exists:
        return False
    conn.execute(
        insert(contact_points).values(
            person_id=person_id, kind=kind, value=value, label=label, normalized=normalized
        )
    )
    return True


def remove_contact_point(conn: Connection, person_id: int, kind: str, normalized: str) -> int:
    """Remove a contact point; returns how many rows went."""
    result = conn.execute(
        delete(contact_points).where(
            contact_points.c.person_id == person_id,
            contact_points.c.kind == kind,
            contact_points.c.normalized == normalized,
        )
    )
    return int(result.rowcount or 0)


def add_tags(conn: Connection, person_id: int, tags: Iterable[str]) -> None:
    """Add tags a person does not have yet."""
    have = set(
        conn.execute(select(person_tags.c.tag).where(person_tags.c.person_id == person_id))
        .scalars()
        .all()
    )
    new = [t for t in dict.fromkeys(tags) if t and t not in have]
    if new:
        conn.execute(insert(person_tags), [{"person_id": person_id, "tag": t} for t in new])


def remove_tags(conn: Connection, person_id: int, tags: Iterable[str]) -> None:
    """Remove tags from a person."""
    conn.execute(
        delete(person_tags).where(
            person_tags.c.person_id == person_id, person_tags.c.tag.in_(list(tags))
        )
    )


def organization_id(
    conn: Connection,
    name: str,
    *,
    reading: str = "",
    industry: str | None = None,
    website: str = "",
) -> int:
    """The id of the organization with this name (any width or variant), created if new."""
    key = fold_text(name)
    row = conn.execute(
        select(organizations.c.id, organizations.c.reading, organizations.c.industry).where(
            organizations.c.name_key == key
        )
    ).first()
    if row:
        changes: dict[str, Any] = {}
        if reading and not row.reading:
            changes["reading"] = reading
        if industry and not row.industry:
            changes["industry"] = industry
        if changes:
            conn.execute(
                update(organizations).where(organizations.c.id == row.id).values(**changes)
            )
            index_organization(conn, row.id, name, reading or row.reading)
        return int(row.id)
    values = {"name": name, "reading": reading, "industry": industry, "website": website}
    if conn.dialect.name == "postgresql":
        # Two transactions adding the same new organization at once (READ COMMITTED): the
        # second waits for the first, then takes its row instead of failing the unique key.
        added = conn.execute(
            pg_insert(organizations)
            .values(**values, name_key=key)
            .on_conflict_do_nothing(index_elements=[organizations.c.name_key])
            .returning(organizations.c.id)
        ).scalar()
        if added is None:
            return int(
                conn.execute(
                    select(organizations.c.id).where(organizations.c.name_key == key)
                ).scalar_one()
            )
        org_id = int(added)
    else:  # SQLite: writers take turns (BEGIN IMMEDIATE), no race
        org_id = int(
            conn.execute(
                insert(organizations).values(**values, name_key=key).returning(organizations.c.id)
            ).scalar_one()
        )
    index_organization(conn, org_id, name, reading)
    return org_id


def index_organization(conn: Connection, org_id: int, name: str, reading: str) -> None:
    """Rebuild the search keys of one organization."""
    conn.execute(
        delete(organization_terms_table).where(organization_terms_table.c.organization_id == org_id)
    )
    rows = [
        {"term": t.term, "pos": t.pos, "organization_id": org_id, "whole": t.whole}
        for t in organization_terms(name, reading)
    ]
    if rows:
        conn.execute(insert(organization_terms_table), rows)


def set_affiliation(
    conn: Connection,
    person_id: int,
    org_id: int,
    *,
    department: str = "",
    title: str = "",
    start: date | None = None,
) -> None:
    """Make this the person's current job; a different current one becomes history."""
    current = (
        conn.execute(
            select(affiliations).where(
                affiliations.c.person_id == person_id, affiliations.c.is_current.is_(True)
            )
        )
        .mappings()
        .all()
    )
    for row in current:
        if row["organization_id"] == org_id:
            changes = {k: v for k, v in (("department", department), ("title", title)) if v}
            if changes:
                conn.execute(
                    update(affiliations).where(affiliations.c.id == row["id"]).values(**changes)
                )
            return
    if current:
        conn.execute(
            update(affiliations)
            .where(and_(affiliations.c.person_id == person_id, affiliations.c.is_current.is_(True)))
            .values(is_current=False, end_date=start or date.today())
        )
    conn.execute(
        insert(affiliations).values(
            person_id=person_id,
            organization_id=org_id,
            department=department,
            title=title,
            start_date=start,
            is_current=True,
        )
    )


def person_keys(conn: Connection, person_id: int) -> PersonKeys | None:
    """What of a person is searchable, read from the database."""
    row = get_person_row(conn, person_id)
    if row is None:
        return None
    points = conn.execute(
        select(contact_points.c.kind, contact_points.c.value).where(
            contact_points.c.person_id == person_id
        )
    ).all()
    tags = (
        conn.execute(select(person_tags.c.tag).where(person_tags.c.person_id == person_id))
        .scalars()
        .all()
    )
    return keys_from_row(
        row,
        emails=[v for k, v in points if k == "email"],
        phones=[v for k, v in points if k == "phone"],
        tags=list(tags),
    )


def keys_from_row(
    row: Mapping[str, Any], *, emails: Sequence[str], phones: Sequence[str], tags: Sequence[str]
) -> PersonKeys:
    """PersonKeys from a people row (or new columns) and its contact points and tags."""
    return PersonKeys(
        family_name=row["family_name"],
        given_name=row["given_name"] or "",
        family_reading=row["family_reading"] or "",
        given_reading=row["given_reading"] or "",
        romaji=row["romaji"] or "",
        nickname=row.get("nickname") or "",
        emails=tuple(emails),
        phones=tuple(phones),
        tags=tuple(tags),
        sort_key=row.get("sort_key") or "",
    )


def index_people(conn: Connection, keys_by_person: dict[int, PersonKeys]) -> None:
    """Replace the search keys of these people."""
    replace_index(conn, keys_by_person)


def reindex_person(conn: Connection, person_id: int) -> None:
    """Rebuild one person's search keys from what is stored."""
    keys = person_keys(conn, person_id)
    if keys is not None:
        index_people(conn, {person_id: keys})

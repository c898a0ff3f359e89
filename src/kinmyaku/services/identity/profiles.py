"""Read people as matching profiles: a handful of queries for everyone (or for some)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, select

from kinmyaku.domain.identity.profile import NameParts, Profile, is_named
from kinmyaku.storage.schema import (
    affiliations,
    contact_points,
    organizations,
    people,
    person_aliases,
    provenance,
)


def record_digest(
    names: NameParts,
    companies: Collection[str],
    points: Collection[tuple[str, str]],
    birthday: object,
) -> str:
    """A fingerprint of what a record says, the same for a card and the person made from it."""
    text = "\x1e".join(
        [
            "\x1f".join(names),
            "\x1f".join(sorted(companies)),
            "\x1f".join(sorted(f"{kind}:{value}" for kind, value in points)),
            str(birthday or ""),
        ]
    )
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


_Where = Callable[[Any], ColumnElement[bool]] | None
"""Which people's rows to read, given the column that holds the person's id."""


def _rows_of(conn: Connection, query: Select[Any], column: Any, where: _Where) -> Any:
    """The rows of ``query``, only those of the people ``where`` picks (all when None)."""
    return conn.execute(query if where is None else query.where(where(column)))


def load_profiles(
    conn: Connection, ids: Collection[int] | None = None, *, digests: bool = False
) -> list[Profile]:
    """Every person (or those of ``ids``) as a Profile, ordered by id.

    ``digests``: with each person's fingerprint, which only an import compares (a card
    imported again is the person made from it); two people whose records hold the same
    are otherwise two people (two bare cards of 佐藤 健 at one company)."""
    if ids is None:
        return _load(conn, None, None, digests=digests)
    listed = list(ids)
    rows = conn.execute(_person_query().where(people.c.id.in_(listed))).all()
    wanted = {row.id for row in rows}
    return _load(conn, rows, lambda column: column.in_(wanted), digests=digests)


def iter_profiles(conn: Connection, *, chunk: int = 5000) -> Iterator[Profile]:
    """Every person as a Profile, ordered by id, read ``chunk`` people at a time (what
    ``load_profiles`` gives, without every person's rows in memory at once)."""
    ids = list(conn.execute(select(people.c.id).order_by(people.c.id)).scalars())
    for start in range(0, len(ids), chunk):
        low, high = ids[start], ids[min(start + chunk, len(ids)) - 1]

        def where(column: Any, low: int = low, high: int = high) -> ColumnElement[bool]:
            return column.between(low, high)  # type: ignore[no-any-return]

        rows = conn.execute(_person_query().where(where(people.c.id))).all()
        yield from _load(conn, rows, where, digests=False)


def _person_query() -> Select[Any]:
    return select(
        people.c.id,
        people.c.family_name,
        people.c.given_name,
        people.c.family_reading,
        people.c.given_reading,
        people.c.reading_inferred,
        people.c.birthday,
        people.c.nickname,
    ).order_by(people.c.id)


def _load(
    conn: Connection, rows: Sequence[Any] | None, where: _Where, *, digests: bool
) -> list[Profile]:
    """The profiles of ``rows`` (people's rows; all people when None), their other rows
    read with ``where``."""
    if rows is None:
        rows = conn.execute(_person_query()).all()
    points: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    point_query = select(
        contact_points.c.person_id,
        contact_points.c.kind,
        contact_points.c.value,
        contact_points.c.normalized,
    ).order_by(contact_points.c.id)
    for pid, kind, value, normal in _rows_of(conn, point_query, contact_points.c.person_id, where):
        points[pid].append((kind, value, normal))
    companies: dict[int, list[str]] = defaultdict(list)
    titles: dict[int, list[str]] = defaultdict(list)
    job_query = (
        select(affiliations.c.person_id, organizations.c.name, affiliations.c.title)
        .join(organizations, organizations.c.id == affiliations.c.organization_id)
        .order_by(affiliations.c.person_id, affiliations.c.is_current.desc(), affiliations.c.id)
    )
    for pid, name, title in _rows_of(conn, job_query, affiliations.c.person_id, where):
        companies[pid].append(name)
        if title:
            titles[pid].append(title)
    books: dict[int, set[str]] = defaultdict(set)
    book_query = select(provenance.c.entity_id, provenance.c.import_id, provenance.c.file).where(
        provenance.c.entity == "person"
    )
    for pid, import_id, file in _rows_of(conn, book_query, provenance.c.entity_id, where):
        books[pid].add(f"{import_id}:{file}")
    aliases: dict[int, list[NameParts]] = defaultdict(list)
    alias_query = select(
        person_aliases.c.person_id,
        person_aliases.c.family_name,
        person_aliases.c.given_name,
        person_aliases.c.family_reading,
        person_aliases.c.given_reading,
    ).order_by(person_aliases.c.id)
    for pid, *parts in _rows_of(conn, alias_query, person_aliases.c.person_id, where):
        aliases[pid].append((parts[0], parts[1], parts[2], parts[3]))
    profiles = []
    for row in rows:
        held = points.get(row.id, [])
        emails = tuple(normal for kind, _, normal in held if kind == "email" and normal)
        phones = tuple(normal for kind, _, normal in held if kind == "phone" and normal)
        urls = tuple(value for kind, value, _ in held if kind == "url")
        addresses = tuple(value for kind, value, _ in held if kind == "address")
        jobs = tuple(dict.fromkeys(companies.get(row.id, [])))
        values = {value for _, value, _ in held} | set(jobs) | {row.nickname}
        names = (row.family_name, row.given_name, row.family_reading, row.given_reading)
        profiles.append(
            Profile(
                id=row.id,
                family=row.family_name,
                given=row.given_name,
                family_reading=row.family_reading,
                given_reading=row.given_reading,
                reading_inferred=bool(row.reading_inferred),
                named=is_named(row.family_name, row.given_name, values),
                birthday=row.birthday,
                companies=jobs,
                emails=emails,
                phones=phones,
                urls=urls,
                addresses=addresses,
                aliases=tuple(aliases.get(row.id, [])),
                titles=tuple(dict.fromkeys(titles.get(row.id, []))),
                books=frozenset(books.get(row.id, ())),
                digest=(
                    record_digest(names, jobs, [(k, n) for k, _, n in held], row.birthday)
                    if digests
                    else ""
                ),
            )
        )
    return profiles

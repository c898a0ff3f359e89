"""Use case: fill a database with a realistic demo network (``kinmyaku demo``).

The rows come from the pure generator in :mod:`kinmyaku.domain.demo.network`; this module
writes them in one transaction.  Writing 100,000 people person by person through
``add_person`` would take many minutes, so rows go in with bulk ``executemany`` inserts
(the statements compiled from the Core tables, so still parameterised and portable),
and the search index is built in chunks with the same terms as
:func:`kinmyaku.storage.people.index_people`, the name terms computed once per distinct
name (a demo of 100,000 people has far fewer distinct names).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, delete, func, select

from kinmyaku.domain.demo.companies import COMPANIES, Company
from kinmyaku.domain.demo.network import COLUMNS, IdStart, generate_network
from kinmyaku.domain.errors import KinmyakuError, ValidationError
from kinmyaku.domain.search_keys import (
    PersonKeys,
    contact_terms,
    name_index,
    reading_order,
    unique_terms,
)
from kinmyaku.storage import schema
from kinmyaku.storage.database import refresh_statistics
from kinmyaku.storage.many_rows import bind_processor, bulk_insert
from kinmyaku.storage.people import organization_id
from kinmyaku.storage.search_index import names_text, write_index_rows
from kinmyaku.storage.uow import UnitOfWork

MAX_PEOPLE = 1_000_000
CHUNK_PEOPLE = 10_000
# What --replace keeps: the app's own settings (owner password, secret key, language).
KEPT_TABLES = frozenset({"settings"})
TERM_COLUMNS = ("term", "field", "pos", "person_id", "whole", "cut", "sort_key")
# Tables whose ids the generator assigns (see IdStart).
ID_TABLES = (schema.people, schema.events, schema.interactions, schema.introductions)


@dataclass
class DemoSummary:
    """How much the demo generator wrote, and how long it took."""

    people: int
    companies: int
    events: int
    encounters: int
    interactions: int
    exchanges: int
    requests: int
    introductions: int
    links: int
    search_terms: int
    seconds: float

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def generate_demo(
    uow: UnitOfWork, *, people: int, seed: int, today: date, replace: bool = False
) -> DemoSummary:
    """Fill the database with a demo network; the same (people, seed, today), the same rows.

    Refuses a database that already has people unless ``replace`` is set, which first
    deletes everything in it except the app settings.
    """
    if not 1 <= people <= MAX_PEOPLE:
        raise ValidationError(
            "people",
            "The number of people must be from 1 to {limit}, not {value}",
            limit=MAX_PEOPLE,
            value=people,
        )
    started = time.perf_counter()
    with uow as conn:
        existing = _people_count(conn)
        if existing and not replace:
            raise KinmyakuError(
                "The database already has {count} people; add --replace to delete "
                "everything in it and fill it with the demo, or choose another --db",
                count=existing,
            )
        if replace:
            delete_everything(conn)
        first = IdStart(
            person=_next_id(conn, schema.people),
            event=_next_id(conn, schema.events),
            interaction=_next_id(conn, schema.interactions),
            introduction=_next_id(conn, schema.introductions),
        )
        network = generate_network(people=people, seed=seed, today=today, first=first)
        org_ids = {index: _organization(conn, COMPANIES[index]) for index in network.companies()}
        network.set_organization_ids(org_ids)
        for name, columns in COLUMNS.items():
            bulk_insert(conn, schema.metadata.tables[name], columns, network.rows[name])
        sync_id_sequences(conn, ID_TABLES)
        terms = index_demo_people(conn, network.keys)
        refresh_statistics(conn)
    return DemoSummary(
        people=network.count("people"),
        companies=len(org_ids),
        events=network.count("events"),
        encounters=network.count("encounters"),
        interactions=network.count("interactions"),
        exchanges=network.count("exchanges"),
        requests=network.count("requests"),
        introductions=network.count("introductions"),
        links=network.count("links"),
        search_terms=terms,
        seconds=round(time.perf_counter() - started, 2),
    )


def _organization(conn: Connection, company: Company) -> int:
    return organization_id(
        conn,
        company.name,
        reading=company.reading,
        industry=company.industry.value,
        website=f"https://www.{company.domain}",
    )


def _people_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(schema.people)).scalar_one())


def _next_id(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


def sync_id_sequences(conn: Connection, tables: Sequence[Table]) -> None:
    """After inserts with explicit ids, move PostgreSQL's id sequences past the largest id.

    SQLite needs nothing: a new row gets the largest id plus one.
    """
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        largest = conn.execute(select(func.max(table.c.id))).scalar()
        if largest is not None:
            sequence = func.pg_get_serial_sequence(table.name, "id")
            conn.execute(select(func.setval(sequence, int(largest))))


def delete_everything(conn: Connection) -> None:
    """Delete every person, event, organisation and import (the app settings stay)."""
    for table in reversed(schema.metadata.sorted_tables):
        if table.name not in KEPT_TABLES:
            conn.execute(delete(table))


def index_demo_people(conn: Connection, keys: dict[int, PersonKeys]) -> int:
    """Write the search index of new people (the same as ``index_people``); returns its rows.

    The people must have no index rows yet.  Name terms and substring keys are computed
    once per distinct name.
    """
    as_flag = bind_processor(conn, schema.search_terms, "whole") or bool
    by_name: dict[tuple[str, ...], tuple[list[tuple[str, int, int, Any, int]], str]] = {}
    ids = list(keys)
    written = 0
    for start in range(0, len(ids), CHUNK_PEOPLE):
        rows: list[tuple[Any, ...]] = []
        texts: list[tuple[int, str]] = []
        for person_id in ids[start : start + CHUNK_PEOPLE]:
            person = keys[person_id]
            order = reading_order(person)
            name = (
                person.family_name,
                person.given_name,
                person.family_reading,
                person.given_reading,
                person.romaji,
                person.nickname,
            )
            cached = by_name.get(name)
            if cached is None:
                terms, inside = name_index(person)
                cached = (
                    [
                        (t.term, int(t.field), t.pos, as_flag(t.whole), t.cut)
                        for t in unique_terms(terms)
                    ],
                    names_text(inside) if inside else "",
                )
                by_name[name] = cached
            rows += [
                (term, field, pos, person_id, whole, cut, order)
                for term, field, pos, whole, cut in cached[0]
            ]
            rows += [
                (t.term, int(t.field), t.pos, person_id, as_flag(t.whole), t.cut, order)
                for t in unique_terms(contact_terms(person))
            ]
            if cached[1]:
                texts.append((person_id, cached[1]))
        bulk_insert(conn, schema.search_terms, TERM_COLUMNS, rows, converted=True)
        write_index_rows(conn, [], texts)
        written += len(rows) + len(texts)
    return written

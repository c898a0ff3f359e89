"""Rows an import's matched records add to stored people, written many at a time.

A record that joins a person adds its other name, address, e-mail or extra field to them
and may fill in a column.  Written one ``INSERT ... RETURNING`` a value and one ``UPDATE``
a record, these were most of an import that joins many records (Febrl 4: 3,923 of its
10,000 rows join the person another row created).  Here they wait, in order, until the
writer's next flush: each table's rows get their ids in one go (``new_ids``) and go in
with ``bulk_insert``; the provenance rows that name them are completed with those ids
before they are written; a person's column changes are written as one UPDATE per set of
columns.  Nothing reads these rows before the flush: matching works from its own index in
memory, and the writer remembers what each person holds (``PersonBrief``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, select, update

from kinmyaku.domain.search_keys import PersonKeys
from kinmyaku.storage import people as store
from kinmyaku.storage.many_rows import bulk_insert
from kinmyaku.storage.schema import contact_points, people, person_tags

BRIEF = ("family_name", "given_name", "nickname", "notes", "birthday", "photo")
"""The columns of a person a matched record is compared with (``ImportWriter._update``)."""

PersonBrief = tuple[Any, ...]
"""A person's ``BRIEF`` columns, in that order: a tuple (100,000 of them stay small)."""

CHUNK_IDS = 500
"""People read at a time when their search keys are rebuilt."""


def brief_of(row: dict[str, Any]) -> PersonBrief:
    """A person's brief from a people row (or a new person's columns)."""
    return tuple(row.get(name) for name in BRIEF)


def new_ids(conn: Connection, table: Table, count: int, *, after: int = 0) -> list[int]:
    """Ids for ``count`` new rows of ``table`` (greater than ``after``), taken before the insert.

    Matching needs a new person's id at once, and one ``executemany`` is much faster than
    an ``INSERT ... RETURNING`` that keeps the rows' order (row by row on SQLite: 2 s per
    100,000 people).  SQLite gives a new row the largest id plus one, and the import holds
    the write lock, so the next ids are known (``after`` is the last one handed out and not
    inserted yet); PostgreSQL draws them from the table's sequence (never twice; unused
    ones are left as gaps, as a rolled-back insert leaves them).
    """
    if conn.dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(table.name, "id")
        drawn = select(func.nextval(sequence)).select_from(func.generate_series(1, count))
        return sorted(int(new_id) for new_id in conn.execute(drawn).scalars())
    largest = conn.execute(select(func.max(table.c.id))).scalar()
    start = max(int(largest or 0), after) + 1
    return list(range(start, start + count))


@dataclass
class LaterRows:
    """Rows and column changes waiting for the writer's next flush, in the order made."""

    rows: dict[Table, list[tuple[Any, ...]]] = field(default_factory=dict)
    """Each table's new rows (without their id), in ``columns`` order."""
    columns: dict[Table, tuple[str, ...]] = field(default_factory=dict)
    slots: dict[Table, list[int | None]] = field(default_factory=dict)
    """For each row, the index of the provenance row that names it (None: none does)."""
    plain: dict[Table, list[tuple[Any, ...]]] = field(default_factory=dict)
    """Rows that need no id (a person's tags)."""
    plain_columns: dict[Table, tuple[str, ...]] = field(default_factory=dict)
    changes: dict[int, dict[str, Any]] = field(default_factory=dict)
    """Each person's changed columns (a later change of one column wins, as it would)."""

    def add(
        self, table: Table, columns: tuple[str, ...], values: tuple[Any, ...], slot: int | None
    ) -> None:
        """A new row of ``table`` whose id the provenance row at ``slot`` will hold."""
        self.columns[table] = columns
        self.rows.setdefault(table, []).append(values)
        self.slots.setdefault(table, []).append(slot)

    def add_plain(self, table: Table, columns: tuple[str, ...], values: tuple[Any, ...]) -> None:
        """A new row of ``table`` that has no id."""
        self.plain_columns[table] = columns
        self.plain.setdefault(table, []).append(values)

    def change(self, person_id: int, values: dict[str, Any]) -> None:
        """Columns of a stored person to update."""
        self.changes.setdefault(person_id, {}).update(values)

    def write(
        self, conn: Connection, provenance_rows: list[tuple[Any, ...]], *, entity_at: int
    ) -> None:
        """Write everything waiting; complete the provenance rows (whose entity id is the
        value at ``entity_at``) with the new ids."""
        self.write_changes(conn)
        for table, rows in self.rows.items():
            ids = new_ids(conn, table, len(rows))
            for new_id, slot in zip(ids, self.slots[table], strict=True):
                if slot is not None:
                    row = provenance_rows[slot]
                    provenance_rows[slot] = (*row[:entity_at], new_id, *row[entity_at + 1 :])
            with_ids = [(new_id, *row) for new_id, row in zip(ids, rows, strict=True)]
            bulk_insert(conn, table, ("id", *self.columns[table]), with_ids)
        for table, rows in self.plain.items():
            bulk_insert(conn, table, self.plain_columns[table], rows)
        self.rows, self.slots, self.plain = {}, {}, {}

    def write_changes(self, conn: Connection) -> None:
        """Update the people whose columns changed: one statement a set of columns."""
        if not self.changes:
            return
        stamp = store.now()
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for pid, values in self.changes.items():
            names = tuple(sorted(values))
            row = {f"new_{name}": values[name] for name in names}
            row["person"] = pid
            by_columns.setdefault(names, []).append(row)
        for names, rows in by_columns.items():
            statement = (
                update(people)
                .where(people.c.id == bindparam("person"))
                .values(updated_at=stamp, **{name: bindparam(f"new_{name}") for name in names})
            )
            conn.execute(statement, rows)
        self.changes = {}


def person_keys_of(conn: Connection, person_ids: Iterable[int]) -> dict[int, PersonKeys]:
    """What of these people is searchable, read a chunk of people at a time (the people
    not stored are left out): what ``storage.people.person_keys`` reads for each."""
    ids = sorted(set(person_ids))
    found: dict[int, PersonKeys] = {}
    cp = contact_points
    for start in range(0, len(ids), CHUNK_IDS):
        chunk = ids[start : start + CHUNK_IDS]
        rows = {
            int(row["id"]): dict(row)
            for row in conn.execute(select(people).where(people.c.id.in_(chunk))).mappings()
        }
        emails: dict[int, list[str]] = {}
        phones: dict[int, list[str]] = {}
        points = (
            select(cp.c.person_id, cp.c.kind, cp.c.value)
            .where(cp.c.person_id.in_(chunk), cp.c.kind.in_(("email", "phone")))
            .order_by(cp.c.person_id, cp.c.id)
        )
        for pid, kind, value in conn.execute(points):
            (emails if kind == "email" else phones).setdefault(int(pid), []).append(value)
        tags: dict[int, list[str]] = {}
        for pid, tag in conn.execute(
            select(person_tags.c.person_id, person_tags.c.tag).where(
                person_tags.c.person_id.in_(chunk)
            )
        ):
            tags.setdefault(int(pid), []).append(tag)
        for pid, row in rows.items():
            found[pid] = store.keys_from_row(
                row, emails=emails.get(pid, []), phones=phones.get(pid, []), tags=tags.get(pid, [])
            )
    return found

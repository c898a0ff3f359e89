"""Rows changed by a merge, journaled so that the merge can be undone exactly.

A :class:`Journal` performs every write of a merge (update, delete, insert) and remembers,
per table, each row as it was *before the first change* (updated and deleted rows, all
columns) and the key of each row it added.  The journal is JSON (``merges.snapshot``);
:func:`restore` puts it back: added rows go, deleted rows come back with their original
keys, updated rows get their old values.

A row's key is its primary key, or its first unique constraint when it has none
(``person_tags``).  An update that changes a key column (``interaction_people``'s
person_id) is journaled as a delete of the old row and an insert of the new key, so that
restoring never needs to find a row by a key it no longer has.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    LargeBinary,
    Table,
    UniqueConstraint,
    and_,
    delete,
    insert,
    select,
    tuple_,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from kinmyaku.storage.schema import metadata

Key = tuple[Any, ...]
Row = dict[str, Any]


@cache
def person_references() -> tuple[tuple[str, str], ...]:
    """Every (table, column) with a foreign key to ``people.id``, read from the metadata."""
    found = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "people" for fk in column.foreign_keys):
                found.append((table.name, column.name))
    return tuple(found)


@cache
def key_columns(table: Table) -> tuple[str, ...]:
    """The columns that identify a row: the primary key, else the first unique constraint."""
    if table.primary_key.columns:
        return tuple(c.name for c in table.primary_key.columns)
    for constraint in sorted(table.constraints, key=lambda c: str(c.name)):
        if isinstance(constraint, UniqueConstraint):
            return tuple(c.name for c in constraint.columns)
    return tuple(c.name for c in table.columns)


def key_of(table: Table, row: Mapping[str, Any]) -> Key:
    """The key of a row (a dict of its columns)."""
    return tuple(row[name] for name in key_columns(table))


def _where(table: Table, key: Key) -> ColumnElement[bool]:
    return and_(
        *(table.c[name] == value for name, value in zip(key_columns(table), key, strict=True))
    )


def _among(table: Table, rows: list[Row]) -> ColumnElement[bool]:
    """Rows with one of these rows' keys."""
    names = key_columns(table)
    if len(names) == 1:
        return table.c[names[0]].in_([row[names[0]] for row in rows])
    columns = tuple_(*(table.c[name] for name in names))
    return columns.in_([key_of(table, row) for row in rows])


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _decode(table: Table, name: str, value: Any) -> Any:
    if value is None:
        return None
    kind = table.c[name].type
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    return value


def decode_row(table: Table, row: Mapping[str, Any]) -> Row:
    """A row read back from JSON, with dates, times and bytes as Python values."""
    return {name: _decode(table, name, value) for name, value in row.items()}


class Journal:
    """Writes of one merge (or of several merges made as one), with what undoes them."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.updated: dict[str, dict[Key, Row]] = {}
        self.deleted: dict[str, dict[Key, Row]] = {}
        self.inserted: dict[str, dict[Key, None]] = {}

    def rows(self, table: Table, where: ColumnElement[bool]) -> list[Row]:
        """The rows of a table that match, as dicts, in key order."""
        order = [table.c[name] for name in key_columns(table)]
        found = self.conn.execute(select(table).where(where).order_by(*order)).mappings()
        return [dict(row) for row in found]

    def _seen(self, table: Table, key: Key) -> bool:
        name = table.name
        return (
            key in self.updated.get(name, {})
            or key in self.deleted.get(name, {})
            or key in self.inserted.get(name, {})
        )

    def _record_delete(self, table: Table, row: Row) -> None:
        key = key_of(table, row)
        added = self.inserted.get(table.name, {})
        if key in added:
            del added[key]  # added by this merge: nothing to put back
            return
        before = self.updated.get(table.name, {}).pop(key, row)
        self.deleted.setdefault(table.name, {})[key] = before

    def _record_insert(self, table: Table, key: Key) -> None:
        gone = self.deleted.get(table.name, {})
        if key in gone:  # a key this merge deleted comes back: an update of that row
            self.updated.setdefault(table.name, {})[key] = gone.pop(key)
            return
        self.inserted.setdefault(table.name, {})[key] = None

    def update(self, table: Table, row: Row, values: Mapping[str, Any]) -> None:
        """Change some columns of a row (given as read, all columns)."""
        changes = {k: v for k, v in values.items() if row[k] != v}
        if not changes:
            return
        key = key_of(table, row)
        self.conn.execute(update(table).where(_where(table, key)).values(**changes))
        new = {**row, **changes}
        if key_of(table, new) != key:
            self._record_delete(table, row)
            self._record_insert(table, key_of(table, new))
        elif not self._seen(table, key):
            self.updated.setdefault(table.name, {})[key] = row

    def delete(self, table: Table, row: Row) -> None:
        """Delete a row (given as read, all columns)."""
        self.conn.execute(delete(table).where(_where(table, key_of(table, row))))
        self._record_delete(table, row)

    def update_all(self, table: Table, rows: list[Row], values: Mapping[str, Any]) -> None:
        """Give these rows the same new values, in one statement."""
        changed = [row for row in rows if any(row[k] != v for k, v in values.items())]
        if not changed:
            return
        if len(changed) == 1:
            self.update(table, changed[0], values)
            return
        self.conn.execute(update(table).where(_among(table, changed)).values(**values))
        for row in changed:
            key, new = key_of(table, row), {**row, **values}
            if key_of(table, new) != key:
                self._record_delete(table, row)
                self._record_insert(table, key_of(table, new))
            elif not self._seen(table, key):
                self.updated.setdefault(table.name, {})[key] = row

    def delete_all(self, table: Table, rows: list[Row]) -> None:
        """Delete these rows, in one statement."""
        if rows:
            self.conn.execute(delete(table).where(_among(table, rows)))
            for row in rows:
                self._record_delete(table, row)

    def insert(self, table: Table, values: Mapping[str, Any]) -> Key:
        """Insert a row; returns its key."""
        columns = [table.c[name] for name in key_columns(table)]
        found = self.conn.execute(insert(table).values(**values).returning(*columns)).one()
        key = tuple(found)
        self._record_insert(table, key)
        return key

    def to_json(self) -> str:
        """The journal as JSON (what ``merges.snapshot`` stores)."""

        def rows(part: dict[str, dict[Key, Row]]) -> dict[str, list[Row]]:
            return {
                name: [{k: _encode(v) for k, v in row.items()} for row in found.values()]
                for name, found in part.items()
                if found
            }

        data = {
            "updated": rows(self.updated),
            "deleted": rows(self.deleted),
            "inserted": {
                name: [[_encode(v) for v in key] for key in keys]
                for name, keys in self.inserted.items()
                if keys
            },
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _tables(names: Iterable[str]) -> list[Table]:
    """These tables in dependency order (a table after the tables it refers to)."""
    wanted = set(names)
    return [t for t in metadata.sorted_tables if t.name in wanted]


def taken_keys(conn: Connection, snapshot: str) -> list[tuple[str, Key]]:
    """Deleted rows whose key another row holds now (SQLite can reuse the largest id)."""
    data = json.loads(snapshot)
    taken = []
    for table in _tables(data["deleted"]):
        for row in data["deleted"][table.name]:
            key = key_of(table, decode_row(table, row))
            columns = [table.c[name] for name in key_columns(table)]
            if conn.execute(select(*columns).where(_where(table, key))).first():
                taken.append((table.name, key))
    return taken


def restore(conn: Connection, snapshot: str) -> None:
    """Undo a journal: delete what it added, insert what it deleted, reset what it updated."""
    data = json.loads(snapshot)
    for table in reversed(_tables(data["inserted"])):
        for key in data["inserted"][table.name]:
            decoded = tuple(
                _decode(table, name, v) for name, v in zip(key_columns(table), key, strict=True)
            )
            conn.execute(delete(table).where(_where(table, decoded)))
    for table in _tables(data["deleted"]):
        rows = [decode_row(table, row) for row in data["deleted"][table.name]]
        if rows:
            conn.execute(insert(table), rows)
    for table in _tables(data["updated"]):
        for encoded in data["updated"][table.name]:
            row = decode_row(table, encoded)
            key = key_of(table, row)
            done = conn.execute(update(table).where(_where(table, key)).values(**row))
            if not done.rowcount:  # deleted since the merge: put it back as it was
                conn.execute(insert(table).values(**row))

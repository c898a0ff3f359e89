"""Every row of one person, journaled as it is removed, and put back (services/dav_trash.py).

:func:`remove_person` deletes a person the way the database's foreign keys would, but
through a :class:`~kinmyaku.storage.merge_rows.Journal`, so nothing is lost: every row
that refers to them (found from the schema's foreign keys, so a new table is covered),
the rows that refer to those (an introduction's exchanges), their import provenance, and
interactions that were with them alone.  A reference from someone else's row (who
introduced a person I met; an exchange crediting an introduction of them) is set to NULL
and journaled as an update.  Derived tables (search index, touch summary) are left to the
database's cascade and rebuilt on restore.

:func:`restore_person` puts the journal back: each row with its own id when it is free,
else a new one (and every reference to it follows); a row whose parent has gone since
(an event, a shared interaction, another person) loses that reference (SET NULL) or is
left out (CASCADE); a reference set to NULL comes back only while it is still NULL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import Column, Connection, Integer, Table, and_, delete, insert, select, update

from kinmyaku.storage.forget import OWNED, PERSON_KEYED, provenance_of, traces_of
from kinmyaku.storage.merge_rows import Journal, Row, decode_row, key_columns, key_of
from kinmyaku.storage.people import index_organization
from kinmyaku.storage.schema import (
    affiliations,
    interaction_people,
    interactions,
    metadata,
    organizations,
    people,
    provenance,
    search_memory_dirty,
    touch_summary_dirty,
)

DERIVED = frozenset(
    {
        "search_terms",
        "search_names",
        "search_memory",
        "search_memory_dirty",
        "touch_summary",
        "touch_summary_dirty",
        "organization_terms",
    }
)
"""Rebuilt, never journaled (the database's cascade removes them with the person)."""
DETACH = frozenset({("exchanges", "introduction_id")})
"""CASCADE references set to NULL instead: others' exchanges keep their record."""
CHUNK = 500

Reference = tuple[Table, Column[Any], str]


@cache
def _children() -> dict[str, tuple[Reference, ...]]:
    """Per table: (child table, its column, what a delete does) for each foreign key to it."""
    found: dict[str, list[Reference]] = {}
    for table in metadata.sorted_tables:
        if table.name in DERIVED:
            continue
        for column in table.columns:
            for fk in column.foreign_keys:
                rule = (fk.ondelete or "NO ACTION").upper()
                if (table.name, column.name) in DETACH:
                    rule = "SET NULL"
                found.setdefault(fk.column.table.name, []).append((table, column, rule))
    return {name: tuple(refs) for name, refs in found.items()}


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _remove(j: Journal, table: Table, rows: list[Row]) -> None:
    """Delete rows and, first, what refers to them (deleted, or its reference nulled)."""
    if not rows:
        return
    for child, column, rule in _children().get(table.name, ()):
        [target] = [fk.column.name for fk in column.foreign_keys]
        values = sorted({row[target] for row in rows if row[target] is not None})
        for chunk in _chunks(values):
            found = j.rows(child, column.in_(chunk))
            if rule == "SET NULL":
                j.update_all(child, found, {column.name: None})
            else:
                _remove(j, child, found)
    for chunk in _chunks(rows):
        j.delete_all(table, chunk)


def remove_person(conn: Connection, person_id: int) -> str:
    """Delete a person and every row of theirs; returns the journal that puts them back."""
    j = Journal(conn)
    traces = traces_of(conn, person_id)
    j.delete_all(provenance, j.rows(provenance, provenance_of(traces)))
    theirs = select(interaction_people.c.interaction_id).where(
        interaction_people.c.person_id == person_id
    )
    shared = list(conn.execute(theirs).scalars())
    jobs = j.rows(affiliations, affiliations.c.person_id == person_id)
    orgs = sorted({row["organization_id"] for row in jobs})
    parents = j.rows(organizations, organizations.c.id.in_(orgs)) if orgs else []
    _remove(j, people, j.rows(people, people.c.id == person_id))
    lone = [
        row
        for row in j.rows(interactions, interactions.c.id.in_(shared))
        if conn.execute(
            select(interaction_people.c.person_id).where(
                interaction_people.c.interaction_id == row["id"]
            )
        ).first()
        is None
    ]
    _remove(j, interactions, lone)
    for table in (touch_summary_dirty, search_memory_dirty):
        conn.execute(delete(table).where(table.c.person_id == person_id))
    data = json.loads(j.to_json())
    data["parents"] = {
        "organizations": json.loads(_journal_of(conn, organizations, parents))["deleted"].get(
            "organizations", []
        )
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _journal_of(conn: Connection, table: Table, rows: list[Row]) -> str:
    """Rows encoded as a journal encodes deleted rows (dates, bytes), without deleting."""
    j = Journal(conn)
    j.deleted[table.name] = {key_of(table, row): row for row in rows}
    return j.to_json()


def snapshot_person_id(snapshot: str) -> int | None:
    """The id of the person a trash snapshot holds."""
    rows = json.loads(snapshot).get("deleted", {}).get("people", [])
    return int(rows[0]["id"]) if rows else None


# ---- putting a person back ----


def _own_id(table: Table) -> str | None:
    """The column of an integer id the database hands out, when that is the table's key."""
    keys = key_columns(table)
    if len(keys) == 1 and isinstance(table.c[keys[0]].type, Integer):
        column = table.c[keys[0]]
        if not column.foreign_keys and column.autoincrement in (True, "auto"):
            return keys[0]
    return None


def _existing(conn: Connection, column: Column[Any], values: Iterable[Any]) -> set[Any]:
    found: set[Any] = set()
    wanted = sorted({v for v in values if v is not None})
    for chunk in _chunks(wanted):
        found |= set(conn.execute(select(column).where(column.in_(chunk))).scalars())
    return found


class _Restorer:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.remap: dict[str, dict[Any, Any]] = {}
        self.dropped: dict[str, set[Any]] = {}

    def mapped(self, table: str, value: Any) -> Any:
        return self.remap.get(table, {}).get(value, value)

    def _follow(self, table: Table, rows: list[Row]) -> list[Row]:
        """Rows with their references remapped; a reference to a row gone is handled."""
        for column in table.columns:
            for fk in column.foreign_keys:
                parent = fk.column.table.name
                for row in rows:
                    if row.get(column.name) is not None:
                        row[column.name] = self.mapped(parent, row[column.name])
                there = _existing(self.conn, fk.column, (r.get(column.name) for r in rows))
                kept = []
                for row in rows:
                    value = row.get(column.name)
                    if value is None or value in there:
                        kept.append(row)
                    elif (fk.ondelete or "").upper() == "SET NULL" and column.nullable:
                        kept.append({**row, column.name: None})
                    else:
                        self._drop(table, row)
                rows = kept
        if table.name == provenance.name:
            for row in rows:
                row["entity_id"] = self._entity_id(row["entity"], row["entity_id"])
        return rows

    def _entity_id(self, entity: str, value: int) -> int:
        if entity in PERSON_KEYED:
            return int(self.mapped("people", value))
        if entity in OWNED:
            return int(self.mapped(OWNED[entity].name, value))
        return value

    def _drop(self, table: Table, row: Row) -> None:
        own = _own_id(table)
        if own is not None:
            self.dropped.setdefault(table.name, set()).add(row[own])

    def insert(self, table: Table, encoded: list[Row]) -> None:
        rows = self._follow(table, [decode_row(table, r) for r in encoded])
        own = _own_id(table)
        if own is not None:
            taken = _existing(self.conn, table.c[own], (r[own] for r in rows))
            for row in rows:
                if row[own] in taken:
                    old = row.pop(own)
                    new = self.conn.execute(insert(table).values(**row).returning(table.c[own]))
                    self.remap.setdefault(table.name, {})[old] = new.scalar_one()
                else:
                    self.conn.execute(insert(table).values(**row))
            return
        names = key_columns(table)
        for row in rows:
            where = and_(*(table.c[n] == row[n] for n in names))
            if self.conn.execute(select(*(table.c[n] for n in names)).where(where)).first():
                continue  # its key is someone else's now (a card name, a pair)
            self.conn.execute(insert(table).values(**row))

    def reattach(self, table: Table, encoded: list[Row]) -> set[int]:
        """References the removal set to NULL in others' rows, back while still NULL."""
        touched: set[int] = set()
        nulled = [c for c in table.columns if c.foreign_keys and c.nullable]
        for raw in encoded:
            row = decode_row(table, raw)
            key = key_of(table, row)
            for column in nulled:
                if row.get(column.name) is None:
                    continue
                [fk] = list(column.foreign_keys)
                value = self.mapped(fk.column.table.name, row[column.name])
                if not _existing(self.conn, fk.column, [value]):
                    continue
                where = [table.c[n] == v for n, v in zip(key_columns(table), key, strict=True)]
                done = self.conn.execute(
                    update(table).where(*where, column.is_(None)).values({column.name: value})
                )
                if done.rowcount and "person_id" in table.c:
                    touched.add(int(row["person_id"]))
        return touched


def _put_organization(conn: Connection, restorer: _Restorer, row: Row) -> None:
    """A company a job of theirs needs: there still, there under its name, or put back."""
    c = organizations.c
    same = conn.execute(select(c.id, c.name_key).where(c.id == row["id"])).first()
    if same is not None and same.name_key == row["name_key"]:
        return
    named = conn.execute(select(c.id).where(c.name_key == row["name_key"])).scalar()
    if named is not None:
        restorer.remap.setdefault("organizations", {})[row["id"]] = named
        return
    values = {k: v for k, v in row.items() if k != "id" or same is None}
    new = conn.execute(insert(organizations).values(**values).returning(c.id)).scalar_one()
    index_organization(conn, new, row["name"], row["reading"])
    restorer.remap.setdefault("organizations", {})[row["id"]] = new


def restore_person(conn: Connection, snapshot: str) -> tuple[int, set[int]]:
    """Put a removed person back: (their id, which may be new; others whose rows changed)."""
    data = json.loads(snapshot)
    restorer = _Restorer(conn)
    for encoded in data.get("parents", {}).get("organizations", []):
        _put_organization(conn, restorer, decode_row(organizations, encoded))
    deleted = data.get("deleted", {})
    for table in metadata.sorted_tables:
        if table.name in deleted:
            restorer.insert(table, deleted[table.name])
    others: set[int] = set()
    updated = data.get("updated", {})
    for table in metadata.sorted_tables:
        if table.name in updated:
            others |= restorer.reattach(table, updated[table.name])
    old = snapshot_person_id(snapshot)
    if old is None:
        raise ValueError("a trash snapshot without its person")
    return int(restorer.mapped("people", old)), others


def mentions(snapshot: str, person_id: int) -> bool:
    """True when a snapshot holds a row that refers to this person (another one's)."""
    data = json.loads(snapshot)
    for part in ("deleted", "updated"):
        for name, rows in data.get(part, {}).items():
            table = metadata.tables.get(name)
            if table is None:
                continue
            columns = [c.name for c in table.columns if _refers_to_people(c)]
            if any(row.get(c) == person_id for row in rows for c in columns):
                return True
    return False


def drop_mentions(snapshot: str, person_id: int) -> str:
    """The snapshot without rows that refer to this person (forgetting them)."""
    data = json.loads(snapshot)
    for part in ("deleted", "updated"):
        for name, rows in list(data.get(part, {}).items()):
            table = metadata.tables.get(name)
            if table is None:
                continue
            columns = [c.name for c in table.columns if _refers_to_people(c)]
            data[part][name] = [r for r in rows if all(r.get(c) != person_id for c in columns)]
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _refers_to_people(column: Column[Any]) -> bool:
    return any(fk.column.table.name == "people" for fk in column.foreign_keys)

"""Rows that hold a person outside their own tables: found and removed when they are forgotten.

The tables with a foreign key to ``people`` follow a delete by themselves (CASCADE, or
SET NULL for an introducer).  These do not: import provenance (keyed by a person's id or
by the id of one of their rows, with the values an import overwrote), merge history (each
merge's pairs and its journal of rows as they were), the import review queue (a record
that may be them), the touch summary of others (who introduced them), interactions left
with nobody, and the SQLite full-text indexes, which keep a deleted row's words until
their segments are merged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from kinmyaku.storage.merge_rows import key_columns, person_references
from kinmyaku.storage.schema import (
    affiliations,
    card_images,
    contact_points,
    encounters,
    exchanges,
    extra_fields,
    import_queue,
    imports,
    interaction_people,
    interactions,
    introductions,
    merges,
    metadata,
    organizations,
    people,
    person_aliases,
    photos,
    provenance,
    touch_summary,
    touch_summary_dirty,
)

OWNED: dict[str, Table] = {
    "contact_point": contact_points,
    "extra_field": extra_fields,
    "encounter": encounters,
    "affiliation": affiliations,
    "alias": person_aliases,
    "card_image": card_images,
}
"""Import provenance entities that are rows of a person (their ids are the rows' ids)."""
PERSON_KEYED = ("person", "tag", "photo", "field_conflict")
"""Import provenance entities whose ``entity_id`` is the person's id (``field_conflict``:
both values of a field a CardDAV merge found changed on both sides, services/dav_merge.py)."""
FTS_OPTIMIZE = (
    "INSERT INTO notes_fts(notes_fts) VALUES ('optimize')",
    "INSERT INTO search_names_fts(search_names_fts) VALUES ('optimize')",
    "INSERT INTO search_memory_fts(search_memory_fts) VALUES ('optimize')",
)
"""Merge the segments of the SQLite FTS5 indexes of people (migrations 0001 and 0003)."""


@dataclass
class Traces:
    """What identifies one person: their id, their rows' ids and their own values."""

    person_id: int
    owned: dict[str, set[int]] = field(default_factory=dict)
    values: set[str] = field(default_factory=set)
    """E-mail addresses and phone numbers, as written and normalised (never short)."""
    photo_names: set[str] = field(default_factory=set)
    organization_ids: set[int] = field(default_factory=set)
    import_ids: set[int] = field(default_factory=set)
    """The imports that brought or changed the person (or queued a record of them)."""
    names: set[str] = field(default_factory=set)
    """Their full name as a file name may carry it (``忘却 花子夢.vcf``), lower case."""


def traces_of(conn: Connection, person_id: int) -> Traces:
    """Everything that points at a person or copies them, read before anything is deleted."""
    found = Traces(person_id)
    for entity, table in OWNED.items():
        ids = conn.execute(select(table.c.id).where(table.c.person_id == person_id)).scalars()
        found.owned[entity] = set(ids)
    points = conn.execute(
        select(contact_points.c.value, contact_points.c.normalized).where(
            contact_points.c.person_id == person_id,
            contact_points.c.kind.in_(("email", "phone")),
        )
    )
    for value, normal in points:
        found.values |= {v for v in (value, normal) if v and len(v) >= 6}
    photo = conn.execute(select(people.c.photo).where(people.c.id == person_id)).scalar()
    if photo:
        found.photo_names.add(photo)
    found.photo_names |= set(
        conn.execute(
            select(provenance.c.before).where(
                provenance.c.entity == "photo",
                provenance.c.entity_id == person_id,
                provenance.c.before.is_not(None),
            )
        ).scalars()
    )
    found.organization_ids = set(
        conn.execute(
            select(affiliations.c.organization_id).where(affiliations.c.person_id == person_id)
        ).scalars()
    )
    found.names = _name_spellings(conn, person_id)
    return found


def _name_spellings(conn: Connection, person_id: int) -> set[str]:
    row = conn.execute(
        select(people.c.family_name, people.c.given_name, people.c.romaji).where(
            people.c.id == person_id
        )
    ).one()
    family, given, romaji = (str(v or "").strip() for v in row)
    spellings = {romaji} if len(romaji) >= 4 else set()
    if family and given:
        spellings |= {family + given, f"{family} {given}", f"{given} {family}"}
    return {s.lower() for s in spellings}


def imports_of(conn: Connection, traces: Traces) -> None:
    """Note the imports that hold the person (read before their provenance is deleted)."""
    found = select(provenance.c.import_id).where(provenance_of(traces)).distinct()
    traces.import_ids |= set(conn.execute(found).scalars())


def provenance_of(traces: Traces) -> ColumnElement[bool]:
    """The provenance rows of the person and of their rows."""
    pid = traces.person_id
    clauses = [and_(provenance.c.entity.in_(PERSON_KEYED), provenance.c.entity_id == pid)]
    for entity, ids in traces.owned.items():
        for chunk in _chunks(sorted(ids)):
            clauses.append(and_(provenance.c.entity == entity, provenance.c.entity_id.in_(chunk)))
    return or_(*clauses)


def delete_provenance(conn: Connection, traces: Traces) -> int:
    """Import provenance of the person and of their rows (with the values it kept)."""
    imports_of(conn, traces)
    return int(conn.execute(delete(provenance).where(provenance_of(traces))).rowcount or 0)


def scrub_imports(conn: Connection, traces: Traces) -> None:
    """Imports of the person after their provenance and queued records are gone.

    An import left with nothing (it brought only them) goes; another keeps its records,
    and a file name that carries the person's name becomes ``***.vcf``.
    """
    for import_id in sorted(traces.import_ids):
        left = select(provenance.c.id).where(provenance.c.import_id == import_id).exists()
        queued = select(import_queue.c.id).where(import_queue.c.import_id == import_id).exists()
        if not conn.execute(select(left | queued)).scalar():
            conn.execute(delete(imports).where(imports.c.id == import_id))
            continue
        stored = select(imports.c.files).where(imports.c.id == import_id)
        files = json.loads(conn.execute(stored).scalar_one() or "[]")
        renamed = {name: _nameless(name, traces.names) for name in files}
        for old, new in renamed.items():
            if old != new:
                conn.execute(
                    update(provenance)
                    .where(provenance.c.import_id == import_id, provenance.c.file == old)
                    .values(file=new)
                )
                conn.execute(
                    update(import_queue)
                    .where(import_queue.c.import_id == import_id, import_queue.c.file == old)
                    .values(file=new)
                )
        if any(old != new for old, new in renamed.items()):
            text = json.dumps([renamed[n] for n in files], ensure_ascii=False)
            conn.execute(update(imports).where(imports.c.id == import_id).values(files=text))


def _nameless(file: str, names: set[str]) -> str:
    """A file name without the person's name in it (the extension kept)."""
    if not any(name in file.lower() for name in names):
        return file
    suffix = file.rsplit(".", 1)[1] if "." in file else ""
    return f"***.{suffix}" if suffix else "***"


def _chunks(values: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _person_columns() -> dict[str, set[str]]:
    """Per table, the columns that hold a person's id (foreign keys, and the summary's)."""
    found: dict[str, set[str]] = {"people": {"id"}, "touch_summary": {"first_introducer_id"}}
    for table, column in person_references():
        found.setdefault(table, set()).add(column)
    return found


def _row_mentions(table: str, row: dict[str, Any], traces: Traces, columns: set[str]) -> bool:
    pid = traces.person_id
    if any(row.get(c) == pid for c in columns):
        return True
    if table == "provenance":
        entity, entity_id = row.get("entity"), row.get("entity_id")
        if entity in PERSON_KEYED and entity_id == pid:
            return True
        if entity_id in traces.owned.get(str(entity), ()):
            return True
    if table == "photos" and row.get("name") in traces.photo_names:
        return True
    return any(isinstance(v, str) and _holds(v, traces) for v in row.values())


def _holds(text: str, traces: Traces) -> bool:
    return any(value in text for value in traces.values)


def merge_mentions(pairs: str, snapshot: str, traces: Traces) -> bool:
    """True when a merge's pairs or journal hold the person (an id, a row, a value)."""
    pid = traces.person_id
    if any(pid in (p.get("a"), p.get("b"), p.get("keep")) for p in json.loads(pairs)):
        return True
    columns = _person_columns()
    data = json.loads(snapshot)
    for part in ("updated", "deleted"):
        for table, rows in data.get(part, {}).items():
            for row in rows:
                if _row_mentions(table, row, traces, columns.get(table, set())):
                    return True
    for table, keys in data.get("inserted", {}).items():
        names = key_columns(metadata.tables[table]) if table in metadata.tables else ()
        for key in keys:
            row = dict(zip(names, key, strict=False))
            if _row_mentions(table, row, traces, columns.get(table, set())):
                return True
    return False


def merge_photos(snapshot: str) -> set[str]:
    """The photo names a merge's journal holds (its people rows as they were)."""
    data = json.loads(snapshot)
    rows = [r for part in ("updated", "deleted") for r in data.get(part, {}).get("people", [])]
    return {str(r["photo"]) for r in rows if r.get("photo")}


def delete_merges(conn: Connection, traces: Traces) -> int:
    """Merge history that holds the person: gone (such a merge cannot be undone any more)."""
    gone = []
    for merge_id, pairs, snapshot in conn.execute(
        select(merges.c.id, merges.c.pairs, merges.c.snapshot)
    ):
        if merge_mentions(pairs, snapshot, traces):
            gone.append(merge_id)
            traces.photo_names |= merge_photos(snapshot)
    for chunk in _chunks(gone):
        conn.execute(delete(merges).where(merges.c.id.in_(chunk)))
    return len(gone)


def delete_queued(conn: Connection, traces: Traces) -> int:
    """Queued import records that may be the person or carry their e-mail or phone."""
    gone = []
    rows = conn.execute(
        select(
            import_queue.c.id,
            import_queue.c.import_id,
            import_queue.c.candidate_id,
            import_queue.c.record,
        )
    )
    for queue_id, import_id, candidate, record in rows:
        if candidate == traces.person_id or _holds(record, traces):
            gone.append(queue_id)
            traces.import_ids.add(import_id)
    for chunk in _chunks(gone):
        conn.execute(delete(import_queue).where(import_queue.c.id.in_(chunk)))
    return len(gone)


def detach_introductions(conn: Connection, person_id: int) -> int:
    """Introductions I made with the person: the other side's exchange stays, unlinked.

    The introduction itself goes with the person (it is about both); what I gave the other
    person stays in their ledger, without the introduction and without its reason (the
    note copied from the introduction, which may speak of the person).
    """
    found = conn.execute(
        select(introductions.c.id, introductions.c.why).where(
            or_(introductions.c.person_a == person_id, introductions.c.person_b == person_id)
        )
    ).all()
    for intro_id, why in found:
        mine = and_(exchanges.c.introduction_id == intro_id, exchanges.c.person_id != person_id)
        conn.execute(update(exchanges).where(mine, exchanges.c.note == why).values(note=""))
        conn.execute(update(exchanges).where(mine).values(introduction_id=None))
    return len(found)


def delete_lone_interactions(conn: Connection, person_id: int) -> int:
    """Interactions with the person and nobody else (shared ones keep the others)."""
    others = (
        select(interaction_people.c.interaction_id)
        .where(
            interaction_people.c.interaction_id == interactions.c.id,
            interaction_people.c.person_id != person_id,
        )
        .exists()
    )
    theirs = select(interaction_people.c.interaction_id).where(
        interaction_people.c.person_id == person_id
    )
    lone = delete(interactions).where(interactions.c.id.in_(theirs), ~others)
    return int(conn.execute(lone).rowcount or 0)


def forget_introducer(conn: Connection, person_id: int) -> None:
    """Others' touch summaries that name the person as who introduced them: recomputed."""
    introduced = select(touch_summary.c.person_id).where(
        touch_summary.c.first_introducer_id == person_id
    )
    marked = select(touch_summary_dirty.c.person_id)
    ids = set(conn.execute(introduced).scalars()) - set(conn.execute(marked).scalars())
    if ids:
        conn.execute(insert(touch_summary_dirty), [{"person_id": i} for i in sorted(ids)])
    conn.execute(
        update(touch_summary)
        .where(touch_summary.c.first_introducer_id == person_id)
        .values(first_introducer_id=None)
    )


def delete_leftovers(conn: Connection, traces: Traces) -> None:
    """After the person's row is gone: their photos, a company only they worked at, marks."""
    conn.execute(
        delete(touch_summary_dirty).where(touch_summary_dirty.c.person_id == traces.person_id)
    )
    used = select(people.c.photo).where(people.c.photo.is_not(None))
    names = sorted(traces.photo_names - set(conn.execute(used).scalars()))
    if names:
        conn.execute(delete(photos).where(photos.c.name.in_(names)))
    for org_id in sorted(traces.organization_ids):
        if not _organization_used(conn, org_id):
            conn.execute(
                delete(provenance).where(
                    provenance.c.entity == "organization", provenance.c.entity_id == org_id
                )
            )
            conn.execute(delete(organizations).where(organizations.c.id == org_id))


def _organization_used(conn: Connection, org_id: int) -> bool:
    """True while someone works there or a merge's journal could put such a job back."""
    job = exists().where(affiliations.c.organization_id == org_id)
    if conn.execute(select(job)).scalar():
        return True
    needle = f'"organization_id": {org_id}'
    mentioned = select(func.count()).where(merges.c.snapshot.contains(needle, autoescape=True))
    return bool(conn.execute(mentioned).scalar())


def purge_full_text(conn: Connection) -> None:
    """SQLite: merge the FTS5 segments, so that a deleted row's words leave the index file."""
    if conn.dialect.name != "sqlite":
        return  # PostgreSQL: the trigram index entries go with the row (VACUUM reclaims both)
    for statement in FTS_OPTIMIZE:
        conn.exec_driver_sql(statement)


def secure_delete(conn: Connection, on: bool) -> None:
    """SQLite: overwrite freed content with zeros (for this connection) while forgetting."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA secure_delete={'ON' if on else 'OFF'}")

"""The memory index: encounter cues and places, event names, titles, departments and notes.

Each person's remembered values (:mod:`kinmyaku.domain.memory_keys`) are one
``search_memory`` row, filled as the names' keys are (:mod:`kinmyaku.storage.search_index`)
and found by substring the same way: the FTS5 trigram table ``search_memory_fts`` on
SQLite, pg_trgm GIN indexes on PostgreSQL (migration 0009; of the keys without their filler
for words of three letters or more, migration 0011).

The values live in five tables that many use cases write (a cue recorded, an event
renamed, a job changed, a note edited, an import, a merge, a restore).  Rather than each
of them reindexing, triggers mark the people whose values changed in
``search_memory_dirty``, and :func:`refresh_memory` rebuilds their rows before a writing
transaction commits (:class:`kinmyaku.storage.uow.UnitOfWork`): a bulk import rebuilds its
people once, at its end, in chunks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Select,
    bindparam,
    column,
    delete,
    select,
    table,
)

from kinmyaku.domain.memory_keys import Encounter, Memory, SearchHint, memory_keys, search_hint
from kinmyaku.domain.names import fold_text
from kinmyaku.domain.search_keys import (
    PersonKeys,
    Term,
    name_index,
    query_keys,
    split_query,
)
from kinmyaku.domain.search_keys import name_matches as _name_matches
from kinmyaku.storage.bulk_index import merging_paused
from kinmyaku.storage.schema import (
    affiliations,
    encounters,
    events,
    people,
    search_memory,
    search_memory_dirty,
)
from kinmyaku.storage.search_index import (
    FILL,
    PLAIN_MIN,
    like_pattern,
    names_text,
    trigram_select,
)

MEMORY_MIN = 2
"""Characters a folded query word needs to be looked for in what is remembered."""
CHUNK_IDS = 500
search_memory_fts = table("search_memory_fts", column("rowid"))
_INSERT_FTS = "INSERT INTO search_memory_fts (rowid, memory_keys, plain) VALUES (?, ?, ?)"
_CLEAR_MARK = "DELETE FROM search_memory_dirty WHERE person_id = ?"
_CLEAR_MARK_PG = "DELETE FROM search_memory_dirty WHERE person_id = %s"
_UPSERT_PG = (
    "INSERT INTO search_memory (person_id, memory_keys) VALUES (%s, %s) "
    "ON CONFLICT (person_id) DO UPDATE SET memory_keys = EXCLUDED.memory_keys"
)


_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_e, _ev, _a = encounters.c, events.c, affiliations.c
# Built once: a statement built a call coerced each id of its IN list (half of a page's
# search hints, which the web asks for at every key typed).
_MET = (
    select(_e.person_id, _e.date, _ev.name, _ev.place, _e.place, _e.memory_cue)
    .select_from(encounters.outerjoin(events, events.c.id == _e.event_id))
    .where(_e.person_id.in_(_IDS))
    .order_by(_e.person_id, _e.date, _e.id)
)
_JOBS = (
    select(_a.person_id, _a.title, _a.department)
    .where(_a.person_id.in_(_IDS))
    .order_by(_a.person_id, _a.is_current.desc(), _a.id)
)
_NOTES = select(people.c.id, people.c.notes).where(people.c.id.in_(_IDS))


def memories(
    conn: Connection, person_ids: Iterable[int], *, notes: dict[int, str] | None = None
) -> dict[int, Memory]:
    """What these people are remembered by (everyone asked for has an entry); ``notes``:
    their notes when the caller has read them already."""
    ids = list(dict.fromkeys(person_ids))
    found = {pid: Memory() for pid in ids}
    for start in range(0, len(ids), CHUNK_IDS):
        chunk = {"ids": ids[start : start + CHUNK_IDS]}
        for pid, on, event, event_place, place, cue in conn.execute(_MET, chunk):
            found[int(pid)].encounters.append(
                Encounter(on, event or "", event_place or "", place or "", cue or "")
            )
        for pid, title, department in conn.execute(_JOBS, chunk):
            memory = found[int(pid)]
            if title:
                memory.titles.append(title)
            if department:
                memory.departments.append(department)
        if notes is None:
            for pid, text in conn.execute(_NOTES, chunk):
                found[int(pid)].notes = text or ""
    for pid, text in (notes or {}).items():
        if pid in found:
            found[pid].notes = text
    return found


def replace_memory(conn: Connection, person_ids: Iterable[int]) -> None:
    """Rebuild the memory rows of these people from what is stored."""
    ids = list(dict.fromkeys(person_ids))
    with merging_paused(conn, "search_memory_fts", len(ids)):
        _replace_chunks(conn, ids)


def _replace_chunks(conn: Connection, ids: list[int]) -> None:
    for start in range(0, len(ids), CHUNK_IDS):
        chunk = ids[start : start + CHUNK_IDS]
        texts = {pid: memory_keys(m) for pid, m in memories(conn, chunk).items()}
        _store(conn, texts, stored=True)


def _store(conn: Connection, texts: dict[int, list[str]], *, stored: bool) -> None:
    """Write these people's memory rows (``texts``: each one's keys, empty for none);
    ``stored``: some of them may have a row already (else none has one)."""
    rows = [(pid, names_text(keys)) for pid, keys in texts.items() if keys]
    if conn.dialect.name == "postgresql":
        # An upsert: two transactions may rebuild the same person at once.
        empty = [pid for pid, keys in texts.items() if not keys]
        if empty and stored:
            conn.execute(delete(search_memory).where(search_memory.c.person_id.in_(empty)))
        if rows:
            conn.exec_driver_sql(_UPSERT_PG, rows)
        return
    if stored:
        conn.execute(delete(search_memory).where(search_memory.c.person_id.in_(list(texts))))
    if rows:
        conn.exec_driver_sql(
            "INSERT INTO search_memory (person_id, memory_keys) VALUES (?, ?)", rows
        )
        # Written here, not by an insert trigger (as search_names: FTS5 flushes row by
        # row under a trigger); deletes and updates go through triggers.
        conn.exec_driver_sql(
            _INSERT_FTS, [(pid, text, text.replace(FILL, "")) for pid, text in rows]
        )


def write_new_memory(conn: Connection, texts: dict[int, list[str]]) -> None:
    """Write the memory rows of people created in this transaction from the keys their
    writer made (``memory_keys`` of what it stored of each: an import's new people, their
    keys made in its helper processes), and clear the marks their rows' triggers left, so
    that :func:`refresh_memory` does not read them back.  Each must be as stored: a person
    changed after its creation is left to the refresh."""
    ids = sorted(texts)
    with merging_paused(conn, "search_memory_fts", len(ids)):
        for start in range(0, len(ids), CHUNK_IDS):
            chunk = ids[start : start + CHUNK_IDS]
            _store(conn, {pid: texts[pid] for pid in chunk}, stored=False)
    if ids:  # one prepared statement run for each (an IN list compiled 200 times: 0.7 s)
        sql = _CLEAR_MARK if conn.dialect.paramstyle == "qmark" else _CLEAR_MARK_PG
        conn.exec_driver_sql(sql, [(pid,) for pid in ids])


_ANY_DIRTY = select(search_memory_dirty.c.person_id).limit(1)


def refresh_memory(conn: Connection) -> int:
    """Rebuild the memory rows of the people marked as changed; returns how many."""
    if conn.execute(_ANY_DIRTY).first() is None:
        return 0
    ids = [int(pid) for pid in conn.execute(select(search_memory_dirty.c.person_id)).scalars()]
    ids.sort()
    for start in range(0, len(ids), CHUNK_IDS):
        chunk = ids[start : start + CHUNK_IDS]
        conn.execute(delete(search_memory_dirty).where(search_memory_dirty.c.person_id.in_(chunk)))
    replace_memory(conn, ids)
    return len(ids)


def rebuild_memory(conn: Connection) -> int:
    """Rebuild everyone's memory rows (a migration, a repair); returns how many people."""
    conn.execute(delete(search_memory_dirty))
    ids = [int(pid) for pid in conn.execute(select(people.c.id).order_by(people.c.id)).scalars()]
    replace_memory(conn, ids)
    return len(ids)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def memory_param(dialect: str, key: str) -> str:
    """The value bound to :func:`memory_select`'s parameter to find the folded ``key``."""
    filled = FILL + FILL.join(key) + FILL
    if dialect == "sqlite":
        if len(key) >= 3:
            return "plain : " + _quoted(key)
        return "memory_keys : " + _quoted(filled if len(key) == 1 else key[0] + FILL + key[1])
    return like_pattern(key if len(key) >= PLAIN_MIN else filled)


def memory_select(
    dialect: str, param: BindParameter[str], *, plain: bool = False
) -> Select[tuple[int]]:
    """The ids of people whose remembered values hold the key in ``param`` (``plain``: a
    key of PLAIN_MIN letters or more, on PostgreSQL)."""
    keys = search_memory.c.memory_keys
    return trigram_select(dialect, param, fts=search_memory_fts, keys=keys, plain=plain)


def memory_people(conn: Connection, key: str) -> Select[tuple[int]]:
    """A select of the ids of people whose remembered values contain the folded ``key``."""
    dialect = conn.dialect.name
    param: BindParameter[str] = bindparam("memory", memory_param(dialect, key))
    return memory_select(dialect, param, plain=len(key) >= PLAIN_MIN)


@lru_cache(maxsize=4096)
def _name_index(
    family: str, given: str, family_reading: str, given_reading: str, romaji: str
) -> tuple[list[Term], list[str]]:
    """A person's name keys (:func:`name_index`), kept for the next search that lists them:
    worked out for every row of every results page, they were a tenth of a search's CPU.
    Callers only read them."""
    return name_index(PersonKeys(family, given, family_reading, given_reading, romaji))


def _unexplained(words: list[tuple[str, str, list[str]]], row: Any) -> list[tuple[str, str]]:
    """The words of a query (as typed, folded, and their keys) the person's name does not
    explain, as typed and folded."""
    index = _name_index(
        row.family_name,
        row.given_name or "",
        row.family_reading or "",
        row.given_reading or "",
        row.romaji or "",
    )
    return [(token, folded) for token, folded, found in words if not _name_matches(found, index)]


_p = people.c
_HINT_PEOPLE = (
    select(_p.id, _p.family_name, _p.given_name, _p.family_reading, _p.given_reading)
    .add_columns(_p.romaji, _p.notes)
    .where(_p.id.in_(_IDS))
)


def search_hints(conn: Connection, query: str, person_ids: Sequence[int]) -> dict[int, SearchHint]:
    """For a page of search results: where and when we met each person, the cue, and the
    field a query word was found in when not the name (three queries a page)."""
    ids = list(person_ids)
    if not ids:
        return {}
    rows = {int(r.id): r for r in conn.execute(_HINT_PEOPLE, {"ids": ids})}
    notes = {pid: row.notes or "" for pid, row in rows.items()}
    found = memories(conn, [pid for pid in ids if pid in rows], notes=notes)
    # A query word's keys, worked out once for the page (not once a person).
    words = [(token, fold_text(token), query_keys(token)) for token in split_query(query)]
    hints = {}
    for pid, memory in found.items():
        hint = search_hint(memory, _unexplained(words, rows[pid]) if words else [])
        if hint != SearchHint():
            hints[pid] = hint
    return hints

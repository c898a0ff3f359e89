"""Bulk loading on SQLite: a large import's search terms staged, some indexes rebuilt once.

Inserting a row into a B-tree in key order costs a seek per row; building an index with
``CREATE INDEX`` sorts once and fills its pages in order.  When an import brings more
people than the database holds, the import's search terms go into a temporary table first,
and five indexes whose keys arrive in random order are dropped.  At the end, inside the
same transaction, the terms go into ``search_terms`` sorted by its key and the indexes are
made again from their own stored definitions.  The trigram index of the names does not
merge its segments while the import writes (:func:`_merging_paused`).  A failed import
rolls all of it back.

Nothing the import reads while it writes uses these indexes: matching works from the index
it loads at the start, and updates read people by id.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, func, select

from kinmyaku.storage.schema import people
from kinmyaku.storage.search_index import STAGE

DEFERRED = (
    "ix_search_terms_person",
    "ix_search_terms_head",
    "ix_search_terms_cut",
    "ix_contact_points_normalized",
    "ix_people_sort_key",
)
"""Indexes whose entries an import adds in random order (the person index of the search
terms is as large as the terms themselves)."""
BYTES_A_CARD = 300
"""About what a contact takes in a file (a vCard 3.0 card with a name, reading, company,
title, e-mail and phone is 300-350 bytes): the estimate of how many people a file holds."""
_MOVE = (
    "INSERT INTO search_terms (term, field, pos, person_id, whole, cut, sort_key)"
    " SELECT term, field, pos, person_id, whole, cut, sort_key FROM temp.import_search_terms"
    " ORDER BY term, field, pos, person_id"
)
MIN_BYTES = 1 << 20
"""Smaller files stay on the plain path: the rebuild costs more than it saves."""


def worth_it(conn: Connection, file_bytes: int) -> bool:
    """Whether to stage: SQLite, a file of 1 MB or more, and fewer people in the database
    than the file is likely to hold (rebuilding an index costs the whole table's rows)."""
    if conn.dialect.name != "sqlite" or file_bytes < MIN_BYTES:
        return False
    count = int(conn.execute(select(func.count()).select_from(people)).scalar_one())
    return count * BYTES_A_CARD < file_bytes


@contextmanager
def staged_terms(conn: Connection, enabled: bool) -> Iterator[str]:
    """Yield the table a bulk import writes its search terms into (``search_terms`` when not
    enabled); on a normal exit, move them into ``search_terms`` and rebuild the indexes."""
    if not enabled:
        yield "search_terms"
        return
    definitions = [
        str(sql)
        for name in DEFERRED
        for (sql,) in conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
        )
    ]
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {STAGE}")
    conn.exec_driver_sql(
        f"CREATE TABLE {STAGE} (term TEXT, field INTEGER, pos INTEGER, person_id INTEGER,"
        " whole INTEGER, cut INTEGER, sort_key TEXT)"
    )
    for name in DEFERRED:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    # On an error the caller's rollback takes back all of this, the temporary table too.
    with _merging_paused(conn):
        yield STAGE
    with _sorting_in_parallel(conn):
        conn.exec_driver_sql(_MOVE)
        conn.exec_driver_sql(f"DROP TABLE {STAGE}")
        for sql in definitions:
            conn.exec_driver_sql(sql)


SORT_THREADS = 2
"""Helper threads SQLite may sort with (``PRAGMA threads``)."""
SORT_CACHE_KIB = 8192
"""The page cache while the staged rows are sorted (KiB): SQLite sorts in memory up to
the cache's size, in one thread; above it, it sorts runs of that size in its helper
threads and merges them."""


@contextmanager
def _sorting_in_parallel(conn: Connection) -> Iterator[None]:
    """Let SQLite sort with helper threads (the import's helper processes are done by
    now, and their cores idle).  The sorted move of 1.1 M search terms took 0.8 s instead
    of 1.25 s measured alone, and 1.5 s instead of 1.9 s at the end of a 100,000-card
    import."""
    before = [
        int(conn.exec_driver_sql(f"PRAGMA {name}").scalar_one())
        for name in ("threads", "cache_size")
    ]
    conn.exec_driver_sql(f"PRAGMA threads={SORT_THREADS}")
    conn.exec_driver_sql(f"PRAGMA cache_size=-{SORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA threads={before[0]}")
        conn.exec_driver_sql(f"PRAGMA cache_size={before[1]}")


FTS_AUTOMERGE = 4
"""FTS5's own default for ``automerge``, when the table has no setting of its own."""
_AUTOMERGE = "SELECT v FROM {}_config WHERE k = 'automerge'"
_SET_AUTOMERGE = "INSERT INTO {0}({0}, rank) VALUES ('automerge', ?)"
_FTS_TABLES = frozenset({"search_names_fts", "search_memory_fts"})


@contextmanager
def _merging_paused(conn: Connection, fts: str = "search_names_fts") -> Iterator[None]:
    """Let the names' trigram index (``search_names_fts``) add segments without merging
    them (FTS5 ``automerge`` 0) while a bulk load writes, then merge as before.

    FTS5 writes its pending terms as a new segment every megabyte or so, and by default
    merges segments a little at every write: work done again and again while 100,000
    people's names arrive.  Without it, those names took 1.2-1.3 s instead of 1.6-2.0 s
    (measured alone); SQLite still merges when 16 segments pile up at one level
    (``crisismerge``), and a substring search took the same time afterwards (0.8-1.1 ms).
    The setting is stored in the table, inside the transaction: a rollback restores it.
    ``fts`` is the table: the names' index, or that of what people are remembered by
    (:func:`merging_paused`).
    """
    if fts not in _FTS_TABLES:  # a name goes into the SQL text: only the known ones
        raise ValueError(f"not a search index: {fts!r}")
    row = conn.exec_driver_sql(_AUTOMERGE.format(fts)).first()
    before = FTS_AUTOMERGE if row is None else int(row[0])
    conn.exec_driver_sql(_SET_AUTOMERGE.format(fts), (0,))
    yield
    conn.exec_driver_sql(_SET_AUTOMERGE.format(fts), (before,))


BULK_MEMORY = 5000
"""People whose memory rows are rebuilt at once above which the memory index's segments
are merged once at the end (an import's people, a migration)."""


@contextmanager
def merging_paused(conn: Connection, fts: str, people: int) -> Iterator[None]:
    """:func:`_merging_paused` when SQLite writes the rows of many people, else nothing."""
    if conn.dialect.name != "sqlite" or people < BULK_MEMORY:
        yield
        return
    with _merging_paused(conn, fts):
        yield

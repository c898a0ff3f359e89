"""Writing the people search index, and its substring look-up.

A person's index is two parts: ``search_terms`` rows (whole keys, for the exact and prefix
tiers, and the last 8 and 4 digits of each phone number) and one ``search_names`` row with
the full name, reading and romaji keys, found by substring through a trigram index made by
migration 0003.

Each key is stored with a filler character around its characters (``高橋`` as
``\\x01高\\x01橋\\x01``, keys one a line), so that a query of one or two characters is
three or more characters long too (trigrams cannot look up shorter strings):

* SQLite: the FTS5 table ``search_names_fts`` (``tokenize='trigram'``, external content:
  rows are added by :func:`write_index_rows`, removed by triggers) indexes the filled
  keys for queries of one or two characters and the plain keys (its ``plain`` column)
  for longer ones, whose own trigrams are far more selective.
* PostgreSQL: ``LIKE '%filled key%'`` with a pg_trgm GIN index for queries of one or two
  characters, ``LIKE '%key%'`` over the keys without the filler for longer ones (their
  own trigram index, migration 0011).

A person's other names (``person_aliases``) are indexed with the person's own: whoever
rebuilds a person's index (:func:`replace_index`, :func:`insert_index`) reads them here in
one query a chunk of people, so a merge, its undo, an import that joins a record under
another name and a restore keep them in step by reindexing as they did before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    BindParameter,
    Column,
    ColumnElement,
    Connection,
    Select,
    Text,
    bindparam,
    column,
    delete,
    literal_column,
    select,
    table,
)
from sqlalchemy.sql.expression import TableClause

from kinmyaku.domain.search_keys import AliasKeys, PersonKeys, person_index, reading_order
from kinmyaku.storage.many_rows import insert_flat
from kinmyaku.storage.schema import person_aliases, search_names, search_terms

FILL = "\x01"
"""Put around the characters of each stored key (a query token never holds it)."""

search_names_fts = table("search_names_fts", column("rowid"))

_INSERT_TERMS_MANY = "INSERT INTO {} (term, field, pos, person_id, whole, cut, sort_key) VALUES "
TERM_WIDTH = 7
"""Values a search term row holds (term, field, pos, person_id, whole, cut, sort_key)."""
STAGE = "temp.import_search_terms"
"""The temporary table a bulk import stages its search terms in (storage.bulk_index)."""
_TERM_TABLES = frozenset({"search_terms", STAGE})
_INSERT_NAMES = "INSERT INTO search_names (person_id, name_keys) VALUES ({})"
_INSERT_FTS = "INSERT INTO search_names_fts (rowid, name_keys, plain) VALUES (?, ?, ?)"
CHUNK_ROWS = 20000
TERM_ROWS_A_STATEMENT = 1000
"""6,000 values a statement: below SQLite's and PostgreSQL's limits on bound values."""
CHUNK_IDS = 500


def names_text(keys: Sequence[str]) -> str:
    """The ``search_names.name_keys`` text of a person's substring keys (one a line, filled)."""
    return FILL + FILL.join("\n".join(keys)) + FILL


def _filled(key: str) -> str:
    return FILL + FILL.join(key) + FILL


def _sql(conn: Connection, template: str, count: int) -> str:
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return template.format(", ".join([mark] * count))


def write_index_rows(
    conn: Connection,
    terms: Sequence[Any],
    names: Sequence[tuple[int, str]],
    *,
    terms_table: str = "search_terms",
) -> None:
    """Insert prepared rows: ``terms`` flat, seven values a row (term, field, pos, person_id,
    whole, cut, sort_key), and the names texts (person_id, text).  ``terms_table`` is
    ``search_terms``, or the staging table of a bulk import (:mod:`kinmyaku.storage.bulk_index`).

    The terms go in many rows a statement: a flat list and one INSERT per
    TERM_ROWS_A_STATEMENT rows took 14-20 % less time than a tuple a row and
    ``executemany`` (20,000 people's 360,000 rows into SQLite, measured alone).
    """
    if terms_table not in _TERM_TABLES:  # a name goes into the SQL text: only the known ones
        raise ValueError(f"not a search terms table: {terms_table!r}")
    head = _INSERT_TERMS_MANY.format(terms_table)
    insert_flat(conn, head, TERM_WIDTH, terms, rows_a_statement=TERM_ROWS_A_STATEMENT)
    statements: list[tuple[str, Sequence[tuple[Any, ...]]]] = [
        (_sql(conn, _INSERT_NAMES, 2), names)
    ]
    if conn.dialect.name == "sqlite":
        # Written here, not by an insert trigger: a trigger makes FTS5 flush its pending
        # terms row by row (4x slower).  Deletes and updates go through triggers.
        statements.append(
            (_INSERT_FTS, [(pid, text, text.replace(FILL, "")) for pid, text in names])
        )
    for sql, rows in statements:
        for start in range(0, len(rows), CHUNK_ROWS):
            conn.exec_driver_sql(sql, list(rows[start : start + CHUNK_ROWS]))


IndexRows = tuple[list[Any], str]
"""A person's index rows without the person: their terms flat, seven values a row (term,
field, pos, 0 in place of the person, whole, cut, the person's sort key), and the names
text."""


def person_rows(keys: PersonKeys) -> IndexRows:
    """The index rows of one person (pure: an import builds them in helper processes)."""
    found, inside = person_index(keys)
    order = reading_order(keys)
    terms: list[Any] = []
    for t in found:
        terms += (t.term, int(t.field), t.pos, 0, t.whole, t.cut, order)
    return terms, names_text(inside) if inside else ""


def insert_rows(
    conn: Connection, rows_by_person: dict[int, IndexRows], *, terms_table: str = "search_terms"
) -> None:
    """Insert prepared index rows of people that have none yet (new people)."""
    terms: list[Any] = []
    people: list[int] = []
    for pid, (found, _) in rows_by_person.items():
        terms += found
        people += [pid] * (len(found) // TERM_WIDTH)
    terms[3::TERM_WIDTH] = people
    names = [(pid, text) for pid, (_, text) in rows_by_person.items() if text]
    write_index_rows(conn, terms, names, terms_table=terms_table)


def aliases_of(conn: Connection, person_ids: Iterable[int]) -> dict[int, tuple[AliasKeys, ...]]:
    """The other names of these people (only those who have any), in the order kept."""
    ids = list(person_ids)
    a = person_aliases
    found: dict[int, list[AliasKeys]] = {}
    for start in range(0, len(ids), CHUNK_IDS):
        rows = conn.execute(
            select(a.c.person_id, a.c.family_name, a.c.given_name, a.c.family_reading)
            .add_columns(a.c.given_reading)
            .where(a.c.person_id.in_(ids[start : start + CHUNK_IDS]))
            .order_by(a.c.id)
        )
        for pid, family, given, family_r, given_r in rows:
            alias = AliasKeys(family or "", given or "", family_r or "", given_r or "")
            found.setdefault(int(pid), []).append(alias)
    return {pid: tuple(names) for pid, names in found.items()}


def with_aliases(conn: Connection, keys_by_person: dict[int, PersonKeys]) -> dict[int, PersonKeys]:
    """These people's keys with their stored aliases (keys that carry aliases stay)."""
    found = aliases_of(conn, keys_by_person)
    return {
        pid: replace(keys, aliases=found[pid]) if pid in found and not keys.aliases else keys
        for pid, keys in keys_by_person.items()
    }


def insert_index(
    conn: Connection, keys_by_person: dict[int, PersonKeys], *, terms_table: str = "search_terms"
) -> None:
    """Index people that have no index rows yet (new, or restored with their aliases)."""
    keys_by_person = with_aliases(conn, keys_by_person)
    rows = {pid: person_rows(keys) for pid, keys in keys_by_person.items()}
    insert_rows(conn, rows, terms_table=terms_table)


def delete_index(conn: Connection, person_ids: Iterable[int]) -> None:
    """Remove these people's index rows (search terms and substring keys)."""
    ids = list(person_ids)
    for start in range(0, len(ids), CHUNK_IDS):
        chunk = ids[start : start + CHUNK_IDS]
        conn.execute(delete(search_terms).where(search_terms.c.person_id.in_(chunk)))
        conn.execute(delete(search_names).where(search_names.c.person_id.in_(chunk)))


def replace_index(conn: Connection, keys_by_person: dict[int, PersonKeys]) -> None:
    """Replace the index rows of these people (their aliases read from the database)."""
    delete_index(conn, keys_by_person)
    insert_index(conn, keys_by_person)


def reindex_aliased(conn: Connection) -> int:
    """Rebuild the index of everyone who has an alias (a database indexed before aliases
    were searchable); returns how many people."""
    from kinmyaku.storage.people import person_keys  # it imports this module

    ids = sorted({int(pid) for pid in conn.execute(select(person_aliases.c.person_id)).scalars()})
    for start in range(0, len(ids), CHUNK_IDS):
        keys = {}
        for pid in ids[start : start + CHUNK_IDS]:
            found = person_keys(conn, pid)
            if found is not None:
                keys[pid] = found
        replace_index(conn, keys)
    return len(ids)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_query(key: str) -> str:
    """The FTS5 query of a key.

    Three characters or more: a phrase of the plain keys' trigrams, which matches exactly
    where the key is.  One character: ``\\x01a\\x01`` in the filled keys; two: the one
    trigram ``a\\x01b``, which is in the filled text exactly where ``ab`` is.
    """
    if len(key) >= 3:
        return "plain : " + _quoted(key)
    return "name_keys : " + _quoted(_filled(key) if len(key) == 1 else key[0] + FILL + key[1])


PLAIN_MIN = 3
"""Letters from which PostgreSQL looks a key up in the keys without their filler
(migration 0011): the word's own trigrams, not one trigram a letter."""


def plain_keys(column: str) -> ColumnElement[str]:
    """PostgreSQL: a filled column without its filler, as migration 0011 indexes it."""
    return literal_column(f"replace({column}, chr(1), '')", Text)


def like_pattern(text: str) -> str:
    """``%text%`` for LIKE with ``/`` as the escape character."""
    return "%" + text.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


def substring_param(dialect: str, key: str) -> str:
    """The value bound to :func:`substring_select`'s parameter to find ``key``."""
    if dialect == "sqlite":
        return fts_query(key)
    return like_pattern(key if len(key) >= PLAIN_MIN else _filled(key))


def substring_select(
    dialect: str, param: BindParameter[str], *, plain: bool = False
) -> Select[tuple[int]]:
    """The ids of people whose full name, reading or romaji holds the key in ``param``
    (``plain``: a key of PLAIN_MIN letters or more, on PostgreSQL)."""
    return trigram_select(
        dialect, param, fts=search_names_fts, keys=search_names.c.name_keys, plain=plain
    )


def trigram_select(
    dialect: str,
    param: BindParameter[str],
    *,
    fts: TableClause,
    keys: Column[str],
    plain: bool,
) -> Select[tuple[int]]:
    """The ids of people whose ``keys`` hold the key in ``param``: the FTS5 trigram table
    ``fts`` on SQLite, ``LIKE`` over the (plain or filled) keys on PostgreSQL. The names
    index and the memory index (search_memory.py) are looked up the same way."""
    if dialect == "sqlite":
        return select(fts.c.rowid.label("person_id")).where(literal_column(fts.name).match(param))
    owner = keys.table
    searched = plain_keys(f"{owner.name}.{keys.name}") if plain else keys
    return select(owner.c.person_id).where(searched.like(param, escape="/"))


def substring_people(conn: Connection, key: str) -> Select[tuple[int]]:
    """A select of the ids of people whose full name, reading or romaji contains ``key``."""
    dialect = conn.dialect.name
    param: BindParameter[str] = bindparam("key", substring_param(dialect, key))
    return substring_select(dialect, param, plain=len(key) >= PLAIN_MIN)

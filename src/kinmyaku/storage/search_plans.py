"""The statements of a one-word search, built once per shape and reused with new values.

Building a search's SQLAlchemy statements (a dozen selects in a union) cost more than
running them: about 3 ms of Python for the count of a common name. The statements of a
one-word query depend only on its *shape*: the database, the tier, how many keys the word
folds to, which of those are long enough for a substring look-up, and whether the notes
are searched. Each shape is built once, with named parameters in place of the keys, and
every later query of that shape only binds its values; SQLAlchemy reuses the compiled SQL.

Filtered lists compose the same selects with their values bound (:func:`bound_parts`),
each word's parameters under a prefix of its own.  The words of a multi-word query are
read on their own, each in a few passes that say the tier of each row
(:func:`word_passes`), executed straight through the driver (:func:`raw_rows`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Connection,
    Dialect,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.sql.compiler import SQLCompiler

from kinmyaku.domain.search_keys import NAME_FIELDS, query_keys
from kinmyaku.storage.schema import (
    affiliations,
    organization_terms,
    search_terms,
)
from kinmyaku.storage.search_index import PLAIN_MIN, substring_param, substring_select
from kinmyaku.storage.search_memory import MEMORY_MIN, memory_param, memory_select

TOP = "\U0010ffff"
NOTES_MIN = MEMORY_MIN  # a word this long is looked for in what is remembered
SUBSTRING_MIN = 2
TIER_EXACT, TIER_NAME, TIER_OTHER, TIER_SUBSTRING, TIER_NOTES = range(5)
TIERS = (TIER_EXACT, TIER_NAME, TIER_OTHER, TIER_SUBSTRING, TIER_NOTES)
notes_fts = table("notes_fts", column("rowid"), column("notes"))

_NAMES = [int(f) for f in NAME_FIELDS]


def cut_part() -> ColumnElement[str]:
    """The name part a joined key carries (``高橋`` of ``高橋健太`` cut 2): the expression
    of ix_search_terms_cut (migration 0019)."""
    return literal_column("substr(search_terms.term, 1, search_terms.cut)", String)


HAS_CUT = text("search_terms.cut > 0")
"""The partial index's own condition, literal so that both databases use the index."""


def ideograph(text: str) -> bool:
    """True when every character is a kanji (one kanji is selective enough to search)."""
    return all("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def notes_words(token: str) -> str:
    """The text a token looks for in notes (no LIKE wildcards, no quotes)."""
    import unicodedata

    text = unicodedata.normalize("NFKC", token).replace("%", "").replace("_", "")
    return text.replace('"', "").strip()


@dataclass(frozen=True)
class Shape:
    """What a one-word query's statements depend on (not its values)."""

    dialect: str
    substrings: tuple[bool, ...]  # one flag a key: long enough for a substring look-up
    notes: bool  # the word is long enough to look for in what is remembered (notes, cues ...)
    # PostgreSQL: one flag a key, and the remembered word's: looked up in the plain keys
    # (search_index.PLAIN_MIN letters or more; all False on SQLite, whose FTS5 query says it).
    plain: tuple[bool, ...] = ()
    notes_plain: bool = False


@dataclass(frozen=True)
class Word:
    """A one-word query: its shape and the values its statements bind."""

    shape: Shape
    values: dict[str, Any]


def word(conn: Connection, token: str, prefix: str = "") -> Word:
    """The shape and values of one query word (its keys as :func:`query_keys` folds them).

    ``prefix`` starts every parameter name, so that the words of a multi-word query can
    share one statement (``t1_k0`` is the first key of the second word).
    """
    dialect = conn.dialect.name
    keys = query_keys(token)
    values: dict[str, Any] = {f"{prefix}keys": keys}
    flags = []
    for i, key in enumerate(keys):
        values[f"{prefix}k{i}"] = key
        values[f"{prefix}k{i}_top"] = key + TOP
        values[f"{prefix}k{i}_cut"] = len(key)
        inside = len(key) >= SUBSTRING_MIN or ideograph(key)
        flags.append(inside)
        if inside:
            values[f"{prefix}s{i}"] = substring_param(dialect, key)
    remembered = keys[0] if keys else ""
    # Two characters or more, or one kanji (猫, 釣): as selective as a name's substring.
    memory = len(remembered) >= MEMORY_MIN or (len(remembered) == 1 and ideograph(remembered))
    if memory:
        values[f"{prefix}notes"] = memory_param(dialect, remembered)
    if dialect != "postgresql":
        return Word(Shape(dialect, tuple(flags), memory), values)
    plain = tuple(len(key) >= PLAIN_MIN for key in keys)
    long_note = memory and len(remembered) >= PLAIN_MIN
    return Word(Shape(dialect, tuple(flags), memory, plain, long_note), values)


def bound_parts(conn: Connection, token: str, tier: int, prefix: str) -> list[Select[Any]]:
    """The selects of one word at one tier with its values bound, to compose further."""
    one = word(conn, token, prefix)
    return [part.params(one.values) for part in tier_parts(one.shape, tier, prefix)]


@lru_cache(maxsize=256)
def tier_parts(shape: Shape, tier: int, prefix: str = "") -> tuple[Select[tuple[int]], ...]:
    """The selects of person ids matching a word of this shape at this tier (parameters
    named as :func:`word` names them)."""
    st, ot, af = search_terms, organization_terms, affiliations
    keys = len(shape.substrings)
    if tier == TIER_EXACT:
        if not keys:
            return ()
        whole = (st.c.whole.is_(True), st.c.field.in_(_NAMES))
        equal = st.c.term.in_(bindparam(f"{prefix}keys", expanding=True))
        # A name part is also found as the cut of the joined key it starts (migration 0004),
        # through the index of those parts (migration 0019).
        cuts = [
            select(st.c.person_id).where(cut_part() == bindparam(f"{prefix}k{i}"), HAS_CUT, *whole)
            for i in range(keys)
        ]
        return (select(st.c.person_id).where(equal, *whole), *cuts)
    if tier == TIER_NOTES:
        # What the person is remembered by: cues, places, events, titles, departments,
        # notes (storage.search_memory), by substring through its trigram index.
        if not shape.notes:
            return ()
        param: BindParameter[str] = bindparam(f"{prefix}notes")
        return (memory_select(shape.dialect, param, plain=shape.notes_plain),)
    parts: list[Select[tuple[int]]] = []
    for i in range(keys):
        low: BindParameter[str] = bindparam(f"{prefix}k{i}")
        high: BindParameter[str] = bindparam(f"{prefix}k{i}_top")
        in_range = and_(st.c.term >= low, st.c.term < high)
        org_range = and_(ot.c.term >= low, ot.c.term < high, af.c.is_current.is_(True))
        orgs = select(af.c.person_id).select_from(
            ot.join(af, af.c.organization_id == ot.c.organization_id)
        )
        if tier == TIER_NAME:
            parts.append(
                select(st.c.person_id).where(in_range, st.c.pos == 0, st.c.field.in_(_NAMES))
            )
        elif tier == TIER_OTHER:
            parts.append(
                select(st.c.person_id).where(in_range, st.c.pos == 0, st.c.field.not_in(_NAMES))
            )
            parts.append(orgs.where(org_range, ot.c.pos == 0))
        elif tier == TIER_SUBSTRING and shape.substrings[i]:
            plain = bool(shape.plain) and shape.plain[i]
            parts.append(substring_select(shape.dialect, bindparam(f"{prefix}s{i}"), plain=plain))
            parts.append(select(st.c.person_id).where(in_range, st.c.pos > 0))
            parts.append(orgs.where(org_range, ot.c.pos > 0))
    return tuple(parts)


Pass = tuple[Select[Any], int | None]
"""A select of a word's matches, and their tier (None: the rows say it, a second column)."""


def listed_ids(dialect: str) -> Select[Any]:
    """The ids bound to ``:only``: a JSON list on SQLite (``json_each``), an array on
    PostgreSQL (``unnest``); one statement text whatever their number."""
    if dialect == "postgresql":
        array = cast(bindparam("only"), ARRAY(Integer))
        listed = func.unnest(array).table_valued("value").render_derived()
    else:
        listed = func.json_each(bindparam("only", type_=String)).table_valued("value")
    return select(listed.c.value)


def only_value(dialect: str, ids: list[int]) -> Any:
    """The value bound to :func:`listed_ids`'s ``:only`` for these ids."""
    return ids if dialect == "postgresql" else json.dumps(ids)


@lru_cache(maxsize=256)
def word_passes(shape: Shape, prefix: str = "", only: bool = False) -> tuple[Pass, ...]:
    """The selects of every match of a word at every tier, for the caller to keep each
    person's best (the words of a multi-word query).

    The same matches as :func:`tier_parts`, read in fewer passes: one range of
    ``search_terms`` a key gives the exact, name, other and substring tiers at once (the
    tier read from the row's field, position, whole and cut), one range of
    ``organization_terms`` the company's two, then the substring and memory look-ups.
    Executed one by one: on SQLite the same selects as one UNION ALL took twice as long.
    ``only``: the ranges' passes keep the people bound to ``:only`` (:func:`listed_ids`).
    """
    st, ot, af = search_terms, organization_terms, affiliations
    names = or_(*(st.c.field == field for field in _NAMES))  # no expanding IN: raw_rows
    passes: list[Pass] = []
    found: list[Pass] = []
    for i, inside in enumerate(shape.substrings):
        low: BindParameter[str] = bindparam(f"{prefix}k{i}")
        high: BindParameter[str] = bindparam(f"{prefix}k{i}_top")
        # A key equal to another key of the word is in that key's range too, as exact.
        exact = and_(
            st.c.whole.is_(True),
            names,
            or_(st.c.term == low, st.c.cut == bindparam(f"{prefix}k{i}_cut")),
        )
        terms = select(st.c.person_id).where(st.c.term >= low, st.c.term < high)
        if inside:
            tier = case(
                (exact, TIER_EXACT),
                (st.c.pos > 0, TIER_SUBSTRING),
                (names, TIER_NAME),
                else_=TIER_OTHER,
            )
        else:
            tier = case((exact, TIER_EXACT), (names, TIER_NAME), else_=TIER_OTHER)
            terms = terms.where(or_(st.c.pos == 0, exact))
        if only:
            terms = terms.where(st.c.person_id.in_(listed_ids(shape.dialect)))
        passes.append((terms.add_columns(tier.label("tier")), None))
        org_tier = case((ot.c.pos > 0, TIER_SUBSTRING), else_=TIER_OTHER)
        orgs = select(af.c.person_id, org_tier.label("tier")).select_from(
            ot.join(af, af.c.organization_id == ot.c.organization_id)
        )
        orgs = orgs.where(ot.c.term >= low, ot.c.term < high, af.c.is_current.is_(True))
        if only:
            orgs = orgs.where(af.c.person_id.in_(listed_ids(shape.dialect)))
        passes.append((orgs if inside else orgs.where(ot.c.pos == 0), None))
        if inside:
            plain = bool(shape.plain) and shape.plain[i]
            param: BindParameter[str] = bindparam(f"{prefix}s{i}")
            found.append((substring_select(shape.dialect, param, plain=plain), TIER_SUBSTRING))
    if shape.notes:
        param = bindparam(f"{prefix}notes")
        remembered = memory_select(shape.dialect, param, plain=shape.notes_plain)
        found.append((remembered, TIER_NOTES))
    return (*passes, *found)


@lru_cache(maxsize=512)
def _compiled(stmt: Select[Any] | CompoundSelect[Any], dialect: Dialect) -> SQLCompiler:
    return stmt.compile(dialect=dialect)


def raw_rows(
    conn: Connection, stmt: Select[Any] | CompoundSelect[Any], values: dict[str, Any]
) -> list[Any]:
    """The rows of one of the statements above as plain tuples, straight from the driver.

    A word's passes return thousands of rows (1,460 people for すずき, each found by its
    kana and its romaji, by prefix and by substring); wrapping each in a SQLAlchemy row
    took about as long as SQLite took to find them.  The statement is compiled once and only
    its values are bound; an expanding IN list (the people a page has already, a word's
    keys) is rendered for its values by SQLAlchemy's own expansion.  Executed through
    ``Connection.execute``, a tier's page statement spent more of its time having its cache
    key worked out (a walk of the whole union) than SQLite spent running it.  The values
    are plain numbers and texts: no type of these statements processes its values.
    """
    compiled = _compiled(stmt, conn.dialect)
    cursor = conn.connection.cursor()
    try:
        if compiled.post_compile_params:
            state = compiled.construct_expanded_state(values)
            if compiled.positional:
                cursor.execute(state.statement, list(state.positional_parameters))
            else:
                cursor.execute(state.statement, state.parameters)
        elif compiled.positiontup is not None:
            params = compiled.construct_params(values)
            cursor.execute(compiled.string, [params[name] for name in compiled.positiontup])
        else:
            cursor.execute(compiled.string, compiled.construct_params(values))
        return list(cursor.fetchall())
    finally:
        cursor.close()


@lru_cache(maxsize=256)
def count_statement(shape: Shape) -> Select[Any] | None:
    """How many distinct people match at any tier, counting at most ``:cap``."""
    parts = [part for tier in TIERS for part in tier_parts(shape, tier)]
    if not parts:
        return None
    every = union_all(*parts).subquery()
    ids = select(next(iter(every.c))).distinct().limit(bindparam("cap")).subquery()
    return select(func.count()).select_from(ids)

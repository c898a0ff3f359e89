"""The statements of a one-word search, built once per shape and reused with new values.

Building a search's SQLAlchemy statements (a dozen selects in a union) cost more than
running them: about 3 ms of Python for the count of a common name. The statements of a
one-word query depend only on its *shape*: the database, the tier, how many keys the word
folds to, which of those are long enough for a substring look-up, and whether the notes
are searched. Each shape is built once, with named parameters in place of the keys, and
every later query of that shape only binds its values; SQLAlchemy reuses the compiled SQL.

Multi-word queries and filtered lists compose the same selects with their values bound
(:func:`bound_parts`), each word's parameters under a prefix of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Select,
    and_,
    bindparam,
    column,
    func,
    select,
    table,
    union_all,
)

from kinmyaku.domain.search_keys import NAME_FIELDS, query_keys
from kinmyaku.storage.schema import (
    affiliations,
    organization_terms,
    people,
    search_terms,
)
from kinmyaku.storage.search_index import substring_param, substring_select
from kinmyaku.storage.search_memory import MEMORY_MIN, memory_param, memory_select

TOP = "\U0010ffff"
NOTES_MIN = MEMORY_MIN  # a word this long is looked for in what is remembered
SUBSTRING_MIN = 2
TIER_EXACT, TIER_NAME, TIER_OTHER, TIER_SUBSTRING, TIER_NOTES = range(5)
TIERS = (TIER_EXACT, TIER_NAME, TIER_OTHER, TIER_SUBSTRING, TIER_NOTES)
notes_fts = table("notes_fts", column("rowid"), column("notes"))

_NAMES = [int(f) for f in NAME_FIELDS]
_SEEN: BindParameter[list[int]] = bindparam("seen", expanding=True)


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
    return Word(Shape(dialect, tuple(flags), memory), values)


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
        # A name part is also found as the cut of the joined key it starts (migration 0004).
        cuts = [
            select(st.c.person_id).where(
                st.c.term >= bindparam(f"{prefix}k{i}"),
                st.c.term < bindparam(f"{prefix}k{i}_top"),
                st.c.cut == bindparam(f"{prefix}k{i}_cut"),
                *whole,
            )
            for i in range(keys)
        ]
        return (select(st.c.person_id).where(equal, *whole), *cuts)
    if tier == TIER_NOTES:
        # What the person is remembered by: cues, places, events, titles, departments,
        # notes (storage.search_memory), by substring through its trigram index.
        if not shape.notes:
            return ()
        return (memory_select(shape.dialect, bindparam(f"{prefix}notes")),)
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
            parts.append(substring_select(shape.dialect, bindparam(f"{prefix}s{i}")))
            parts.append(select(st.c.person_id).where(in_range, st.c.pos > 0))
            parts.append(orgs.where(org_range, ot.c.pos > 0))
    return tuple(parts)


@lru_cache(maxsize=512)
def page_statement(shape: Shape, tier: int, skip_seen: bool) -> Select[Any] | None:
    """Ids matching at this tier, in reading order, at most ``:limit``, not in ``:seen``."""
    parts = tier_parts(shape, tier)
    if not parts:
        return None
    ids = parts[0] if len(parts) == 1 else union_all(*parts)
    stmt = select(people.c.id).where(people.c.id.in_(ids))
    if skip_seen:
        stmt = stmt.where(people.c.id.not_in(_SEEN))
    return stmt.order_by(people.c.sort_key, people.c.id).limit(bindparam("limit"))


@lru_cache(maxsize=256)
def count_statement(shape: Shape) -> Select[Any] | None:
    """How many distinct people match at any tier, counting at most ``:cap``."""
    parts = [part for tier in TIERS for part in tier_parts(shape, tier)]
    if not parts:
        return None
    every = union_all(*parts).subquery()
    ids = select(next(iter(every.c))).distinct().limit(bindparam("cap")).subquery()
    return select(func.count()).select_from(ids)

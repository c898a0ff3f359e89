"""Every word of a multi-word query read in one statement, each pass's matches as lists.

A word's passes (:func:`kinmyaku.storage.search_plans.word_passes`) find a thousand people
or more for a common name (高橋: 1,092 at 100,000 people; すずき by kana and romaji, by
prefix and by substring: about 6,500 rows); handing each row to Python cost SQLite more
than finding it (0.6 ms for the 1,628 rows of ``takahashi``, 0.07 ms to count them), and
PostgreSQL a round trip a pass (7 a kana word).  Here each pass is one row: its people at
each tier as one text of ids (``group_concat`` on SQLite, ``string_agg`` on PostgreSQL),
and the passes of all the words are one UNION ALL, one statement a query.  The caller keeps
each person's best tier a word (:func:`word_tiers`) and intersects the words as before.

The passes come in two kinds: the index's ranges (LOW: search terms, company names) and
the trigram look-ups (HIGH: substrings of names, what is remembered).  A page of several
words reads the ranges first and the trigram look-ups only when the ranges leave the page
short (:func:`kinmyaku.storage.search._ranked_words`): those cost most for a long romaji
word (``takahashi``: seven trigrams, a thousand people each) and cannot move anyone the
ranges find for every word, nor rank anyone else above the substring tier.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    CompoundSelect,
    Connection,
    Integer,
    Select,
    String,
    Text,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)

from kinmyaku.storage import search_plans as plans
from kinmyaku.storage.schema import people
from kinmyaku.storage.search_plans import TIER_SUBSTRING, Shape, Word, word, word_passes

ROW_TIERS = tuple(range(TIER_SUBSTRING + 1))
"""The tiers a pass whose rows say their tier can give (exact, name, other, substring)."""
LOW = "low"
"""The passes of the index's ranges (search terms, company names): their rows say their
tier, at most TIER_SUBSTRING, and no other pass finds anyone lower."""
HIGH = "high"
"""The trigram look-ups (substrings of names, what is remembered): TIER_SUBSTRING and
TIER_NOTES, so that a person no range finds for a word scores TIER_SUBSTRING or more."""
ALL = "all"
_KINDS = {LOW: (True,), HIGH: (False,), ALL: (True, False)}


def _passes(
    shape: Shape, prefix: str, which: str, only: bool = False
) -> list[tuple[Any, int | None]]:
    """The passes of a word of this kind (LOW, HIGH or ALL), in :func:`word_passes` order
    (``only``: of the people bound to ``:only``)."""
    wanted = _KINDS[which]
    passes = word_passes(shape, prefix, only)
    return [(stmt, tier) for stmt, tier in passes if (tier is None) in wanted]


def _ids(dialect: str, ids: ColumnElement[Any]) -> ColumnElement[str]:
    """The aggregate of a pass's person ids as one text, ``1,5,9`` (NULL for none)."""
    if dialect == "postgresql":
        return func.string_agg(cast(ids, Text), literal_column("','"))
    return func.group_concat(ids)


SORT_KEYS = -1
"""The ``pass`` of the rows of :func:`words_statement` with ``only`` that give the sort key
of a person bound to ``:only`` (the id in ``t0``, the key in ``t1``)."""


@lru_cache(maxsize=256)
def words_statement(
    shapes: tuple[Shape, ...], which: str = ALL, only: bool = False
) -> Select[Any] | CompoundSelect[Any] | None:
    """One statement of every pass (of this kind: LOW, HIGH or ALL) of words of these
    shapes (parameters ``t{n}_``): a row a pass, (pass number, ids at tier 0, 1, 2, 3) for
    a pass whose rows say their tier, (pass number, ids, NULL ...) for a pass of one tier.
    ``only``: of the people bound to ``:only``, whose sort keys come too (SORT_KEYS rows).
    None when no word has a pass of the kind."""
    arms: list[Select[Any]] = []
    n = 0
    for w, shape in enumerate(shapes):
        for stmt, tier in _passes(shape, f"t{w}_", which, only):
            if tier is not None:
                sub = stmt.subquery()
            elif shape.dialect == "sqlite":
                # LIMIT -1 (none) keeps the subquery whole: flattened, the row's tier
                # (a CASE) would be worked out once an aggregate, four times a row.
                sub = stmt.limit(-1).subquery()
            else:
                sub = stmt.offset(0).subquery()  # likewise (OFFSET 0: PostgreSQL's fence)
            pid, *rest = list(sub.c)
            number: ColumnElement[Any] = literal_column(str(n)).label("pass")
            found: list[ColumnElement[Any]]
            if tier is None:
                found = [
                    _ids(shape.dialect, case((rest[0] == literal_column(str(t)), pid)))
                    for t in ROW_TIERS
                ]
            else:
                found = [_ids(shape.dialect, pid), *(null() for _ in ROW_TIERS[1:])]
            arms.append(select(number, *(f.label(f"t{i}") for i, f in enumerate(found))))
            n += 1
    if not arms:
        return None
    if only:
        listed = plans.listed_ids(shapes[0].dialect)
        columns: list[ColumnElement[Any]] = [
            literal_column(str(SORT_KEYS)).label("pass"),
            cast(people.c.id, Text).label("t0"),
            cast(people.c.sort_key, Text).label("t1"),
            *(null().label(f"t{i}") for i in ROW_TIERS[2:]),
        ]
        keys = select(*columns).where(people.c.id.in_(listed))
        arms.append(keys)
    return arms[0] if len(arms) == 1 else union_all(*arms)


@lru_cache(maxsize=256)
def ids_statement(
    shapes: tuple[Shape, ...], which: str
) -> Select[Any] | CompoundSelect[Any] | None:
    """One statement of the ids every pass of this kind finds, a row a pass (pass number,
    ids as text): no tier worked out for each row (three times cheaper for the ranges of
    two kana words, 7,800 rows), only for the people the words share
    (:func:`words_statement` with ``only``)."""
    arms: list[Select[Any]] = []
    for w, shape in enumerate(shapes):
        for stmt, _ in _passes(shape, f"t{w}_", which):
            pid = next(iter(stmt.subquery().c))
            number: ColumnElement[Any] = literal_column(str(len(arms))).label("pass")
            arms.append(select(number, _ids(shape.dialect, pid).label("ids")))
    if not arms:
        return None
    return arms[0] if len(arms) == 1 else union_all(*arms)


def word_ids(conn: Connection, words: Sequence[Word], which: str) -> list[set[str]]:
    """For each word, the ids (as text) its passes of this kind find: one statement."""
    found: list[set[str]] = [set() for _ in words]
    shapes = tuple(one.shape for one in words)
    stmt = ids_statement(shapes, which) if words else None
    if stmt is None:
        return found
    values: dict[str, Any] = {}
    for one in words:
        values.update(one.values)
    passes = pass_tiers(shapes, which)
    for number, text in plans.raw_rows(conn, stmt, values):
        if text:
            found[passes[int(number)][0]].update(text.split(","))
    return found


@lru_cache(maxsize=256)
def pass_tiers(shapes: tuple[Shape, ...], which: str = ALL) -> tuple[tuple[int, int | None], ...]:
    """(word number, tier or None) of each pass of :func:`words_statement`, in its order."""
    return tuple(
        (w, tier) for w, shape in enumerate(shapes) for _, tier in _passes(shape, f"t{w}_", which)
    )


def words_of(conn: Connection, tokens: Sequence[str]) -> list[Word]:
    """The shape and values of each word, its parameters named ``t{n}_``."""
    return [word(conn, token, f"t{n}_") for n, token in enumerate(tokens)]


Found = list[list[list[str]]]
"""For each word, for each tier (0 to TIER_NOTES), the ids (as text) found there (a person
may be listed more than once)."""


def word_sets(
    conn: Connection, words: Sequence[Word], which: str = ALL, only: Sequence[int] | None = None
) -> Found:
    """For each word, the ids its passes of this kind find at each tier: one statement for
    all the words (none when no word has such passes).  ``only``: of these people."""
    return _word_sets(conn, words, which, only)[0]


def tiers_and_keys(
    conn: Connection, words: Sequence[Word], which: str, only: Sequence[int]
) -> tuple[Found, dict[int, str]]:
    """:func:`word_sets` of these people, and their sort keys, in one statement."""
    return _word_sets(conn, words, which, only)


def _word_sets(
    conn: Connection, words: Sequence[Word], which: str, only: Sequence[int] | None
) -> tuple[Found, dict[int, str]]:
    found: Found = [[[] for _ in range(5)] for _ in words]
    keys: dict[int, str] = {}
    shapes = tuple(one.shape for one in words)
    stmt = words_statement(shapes, which, only is not None) if words else None
    if stmt is None:
        return found, keys
    values: dict[str, Any] = {}
    for one in words:
        values.update(one.values)
    if only is not None:
        values["only"] = plans.only_value(conn.dialect.name, list(only))
    passes = pass_tiers(shapes, which)
    for row in plans.raw_rows(conn, stmt, values):
        if int(row[0]) == SORT_KEYS:
            keys[int(row[1])] = row[2]
            continue
        w, tier = passes[int(row[0])]
        for t, text in enumerate(row[1:]):
            if text:
                found[w][t if tier is None else tier] += text.split(",")
    return found, keys


def merged(*parts: Found) -> Found:
    """The ids each word finds at each tier in any of these."""
    return [
        [[pid for ids in tiers for pid in ids] for tiers in zip(*words, strict=True)]
        for words in zip(*parts, strict=True)
    ]


def common(found: Found) -> dict[int, int]:
    """Everyone every word finds, with the sum of the words' best tiers: the ids
    intersected first (a set of the word that finds fewest, the others' lists checked
    against it), the tiers worked out for those left only."""
    if not found:
        return {}
    order = sorted(found, key=lambda tiers: sum(map(len, tiers)))
    wanted: set[str] = set().union(*order[0])
    for tiers in order[1:]:
        wanted = set().union(*(wanted.intersection(ids) for ids in tiers))
        if not wanted:
            return {}
    total = dict.fromkeys(wanted, 0)
    for tiers in found:
        left = set(wanted)
        for t, ids in enumerate(tiers):
            here = left.intersection(ids)
            for pid in here:
                total[pid] += t
            left -= here
    return {int(pid): tier for pid, tier in total.items()}


def word_tiers(conn: Connection, tokens: Sequence[str]) -> list[dict[str, int]]:
    """For each word, everyone it finds (the id as text) with the best tier it finds them
    at: one statement for all the words."""
    found: list[dict[str, int]] = []
    for tiers in word_sets(conn, words_of(conn, tokens)):
        best: dict[str, int] = {}
        for t in range(len(tiers) - 1, -1, -1):  # a lower tier overrides a higher one
            best.update(dict.fromkeys(tiers[t], t))
        found.append(best)
    return found


@lru_cache(maxsize=4)
def sort_keys_statement(dialect: str) -> Select[Any]:
    """(id, sort key) of the people whose ids are bound to ``ids``: a JSON list on SQLite
    (``json_each``), an array on PostgreSQL (``unnest``).  One text whatever the number of
    ids, so that PostgreSQL prepares it once (an ``IN`` list of so many values was a new
    statement, planned anew, for every count of people)."""
    if dialect == "postgresql":
        array = cast(bindparam("ids"), ARRAY(Integer))
        listed = func.unnest(array).table_valued("value").render_derived()
    else:
        listed = func.json_each(bindparam("ids", type_=String)).table_valued("value")
    return select(people.c.id, people.c.sort_key).where(people.c.id.in_(select(listed.c.value)))


def sort_keys(conn: Connection, ids: Sequence[int]) -> list[tuple[int, str]]:
    """(id, sort key) of these people, in one statement whatever their number."""
    if not ids:
        return []
    dialect = conn.dialect.name
    bound: Any = list(ids) if dialect == "postgresql" else json.dumps(list(ids))
    return [
        (int(pid), key)
        for pid, key in plans.raw_rows(conn, sort_keys_statement(dialect), {"ids": bound})
    ]

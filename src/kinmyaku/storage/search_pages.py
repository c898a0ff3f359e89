"""The page of one tier of a one-word search, read in reading order from the index.

Every ``search_terms`` row carries its person's sort key (migration 0019), so a tier's
page is the first rows of its look-ups in (sort key, person) order, never each person
looked up in ``people`` and sorted (2,600 people for たか, 11,000 for た at 100,000):

* exact: the joined key whose first ``cut`` letters are the word (``高橋健太`` cut 2 for
  高橋) is found through the expression index ``ix_search_terms_cut`` of
  ``substr(term, 1, cut)``, already in reading order, and the look-up stops at the page
  (1,092 高橋 at 100,000 people, 20 read);
* name and other prefixes: a key that starts few rows (fewer than TERMS_DENSE) is read
  as a range and its rows sorted; one that starts many (た, ta, 山) walks the terms of its
  first letter in reading order (``ix_search_terms_head``) and stops at the page;
* substrings and what is remembered: the people the trigram indexes find, in reading order
  through ``people`` (as before).

The statements are built once per shape (:func:`page_statement`, cached); the literal
``pos = 0`` and ``cut > 0`` let SQLite and PostgreSQL use the partial indexes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Connection,
    Select,
    String,
    and_,
    bindparam,
    func,
    literal_column,
    select,
    text,
    union_all,
)

from kinmyaku.storage import search_plans as plans
from kinmyaku.storage.schema import affiliations, organization_terms, people, search_terms
from kinmyaku.storage.search_index import substring_select
from kinmyaku.storage.search_memory import memory_select
from kinmyaku.storage.search_plans import (
    _NAMES,
    HAS_CUT,
    TIER_EXACT,
    TIER_NAME,
    TIER_NOTES,
    TIER_OTHER,
    TIER_SUBSTRING,
    Shape,
    Word,
    cut_part,
)

TERMS_DENSE = 3000
"""Rows a key starts from which its prefix tiers walk the terms of its first letter in
reading order instead of sorting every row of its range."""
WALK = 3000
"""Terms of a letter a walk reads at most before it gives up for the key's range (the
people a key finds cluster where their reading sorts: koba walks the k terms from カ)."""

st = search_terms
_STARTS = text("search_terms.pos = 0")  # a partial index: a literal condition
_SEEN: BindParameter[list[int]] = bindparam("seen", expanding=True)
_LIMIT: BindParameter[int] = bindparam("limit")
_MANY: BindParameter[int] = bindparam("many")
REPEATS = 4
"""Terms a look-up reads a person wanted (``:many`` is ``:limit`` times this): a person's
terms in one range (a joined key, a part, an alias); read again with more when short."""


def _head_letter() -> ColumnElement[str]:
    """The first letter of a term: the expression of ix_search_terms_head."""
    return literal_column("substr(search_terms.term, 1, 1)", String)


def head_values(keys: list[str]) -> dict[str, Any]:
    """The first letter of each key, as :func:`page_statement` binds it."""
    return {f"k{i}_head": key[:1] for i, key in enumerate(keys)}


@lru_cache(maxsize=64)
def _probe_statement(keys: int) -> Select[Any]:
    counts = []
    for i in range(keys):
        rows = (
            select(st.c.person_id)
            .where(st.c.term >= bindparam(f"k{i}"), st.c.term < bindparam(f"k{i}_top"))
            .limit(bindparam("dense"))
            .subquery()
        )
        counts.append(select(func.count()).select_from(rows).scalar_subquery())
    return select(*counts)


def dense_keys(conn: Connection, one: Word) -> tuple[bool, ...]:
    """For each key of a word: whether it starts TERMS_DENSE rows or more (one statement)."""
    keys = len(one.shape.substrings)
    if not keys:
        return ()
    (row,) = plans.raw_rows(conn, _probe_statement(keys), {**one.values, "dense": TERMS_DENSE})
    return tuple(int(n) >= TERMS_DENSE for n in row)


def _terms_arm(*where: Any, skip_seen: bool) -> Select[Any]:
    """The first ``:many`` terms (sort key, person) that meet ``where``, in reading order.

    A person may have several such terms; they are next to each other, and the caller
    keeps one (no DISTINCT: SQLite would put every row of a range in a b-tree to find the
    first ones, where ORDER BY and LIMIT keep only the first ``:many`` as they come)."""
    stmt = select(st.c.sort_key, st.c.person_id).where(*where)
    if skip_seen:
        stmt = stmt.where(st.c.person_id.not_in(_SEEN))
    return stmt.order_by(st.c.sort_key, st.c.person_id).limit(_MANY)


def _people_arm(ids: Select[Any], *, skip_seen: bool) -> Select[Any]:
    """The first ``:limit`` of these people in reading order."""
    p = people.c
    stmt = select(p.sort_key, p.id.label("person_id")).where(p.id.in_(ids))
    if skip_seen:
        stmt = stmt.where(p.id.not_in(_SEEN))
    return stmt.order_by(p.sort_key, p.id).limit(_LIMIT)


def _in_range(i: int) -> ColumnElement[bool]:
    """Key ``i`` starts the term (its byte-wise range, the primary key's)."""
    return and_(st.c.term >= bindparam(f"k{i}"), st.c.term < bindparam(f"k{i}_top"), _STARTS)


def _fields(tier: int) -> ColumnElement[bool]:
    return st.c.field.in_(_NAMES) if tier == TIER_NAME else st.c.field.not_in(_NAMES)


@lru_cache(maxsize=128)
def walk_statement(tier: int, i: int, skip_seen: bool) -> Select[Any]:
    """The first ``:walk`` terms starting with key ``i``'s first letter, in reading order
    (ix_search_terms_head), and of them the first ``:many`` key ``i`` finds at this (name
    or other prefix) tier, in the walk's order.

    No ORDER BY or DISTINCT over the walk: SQLite would read all of it first to sort (1.5
    ms for た); both databases hand a subquery's rows on in its order, and the caller
    merges and keeps one row a person."""
    walk = select(st.c.sort_key, st.c.person_id, st.c.term, st.c.field).where(
        _head_letter() == bindparam(f"k{i}_head"), _STARTS
    )
    if skip_seen:
        walk = walk.where(st.c.person_id.not_in(_SEEN))
    w = walk.order_by(st.c.sort_key, st.c.person_id).limit(bindparam("walk")).subquery()
    found = func.substr(w.c.term, 1, bindparam(f"k{i}_cut")) == bindparam(f"k{i}")
    fields = w.c.field.in_(_NAMES) if tier == TIER_NAME else w.c.field.not_in(_NAMES)
    return select(w.c.sort_key, w.c.person_id).where(found, fields).limit(_MANY)


@lru_cache(maxsize=128)
def range_statement(tier: int, i: int, skip_seen: bool) -> Select[Any]:
    """The first ``:many`` terms key ``i`` finds at this (prefix) tier, from its range."""
    walk = _terms_arm(_in_range(i), _fields(tier), skip_seen=skip_seen).subquery()
    return select(literal_column(str(FALLBACK)), walk.c.sort_key, walk.c.person_id)


def _orgs(i: int, *, starts: bool) -> Select[tuple[int]]:
    """People whose current company's name or reading has key ``i`` at its start or not."""
    ot, af = organization_terms, affiliations
    return (
        select(af.c.person_id)
        .select_from(ot.join(af, af.c.organization_id == ot.c.organization_id))
        .where(
            ot.c.term >= bindparam(f"k{i}"),
            ot.c.term < bindparam(f"k{i}_top"),
            af.c.is_current.is_(True),
            ot.c.pos == 0 if starts else ot.c.pos > 0,
        )
    )


Arm = tuple[str, Select[Any]]
"""A look-up of a tier: its kind (``terms`` or ``people``) and its select."""


def _arms(shape: Shape, tier: int, dense: tuple[bool, ...], seen: bool) -> list[Arm]:
    names = st.c.field.in_(_NAMES)
    keys = len(shape.substrings)
    arms: list[Arm] = []
    if tier == TIER_EXACT and keys:
        equal = st.c.term.in_(bindparam("keys", expanding=True))
        arms.append(("terms", _terms_arm(equal, st.c.whole.is_(True), names, skip_seen=seen)))
        for i in range(keys):  # a name part as the cut of the joined key it starts
            part = cut_part() == bindparam(f"k{i}")
            whole = st.c.whole.is_(True)
            arms.append(("terms", _terms_arm(part, HAS_CUT, whole, names, skip_seen=seen)))
    elif tier in (TIER_NAME, TIER_OTHER):
        for i in range(keys):
            if not dense[i]:  # a dense key's terms are walked (:func:`walk_statement`)
                prefix = _terms_arm(_in_range(i), _fields(tier), skip_seen=seen)
                arms.append(("terms", prefix))
            if tier == TIER_OTHER:
                arms.append(("people", _people_arm(_orgs(i, starts=True), skip_seen=seen)))
    elif tier == TIER_SUBSTRING:
        for i, inside in enumerate(shape.substrings):
            if not inside:
                continue
            plain = bool(shape.plain) and shape.plain[i]
            found = substring_select(shape.dialect, bindparam(f"s{i}"), plain=plain)
            arms.append(("people", _people_arm(found, skip_seen=seen)))
            later = and_(
                st.c.term >= bindparam(f"k{i}"), st.c.term < bindparam(f"k{i}_top"), st.c.pos > 0
            )
            arms.append(("terms", _terms_arm(later, skip_seen=seen)))
            arms.append(("people", _people_arm(_orgs(i, starts=False), skip_seen=seen)))
    elif tier == TIER_NOTES and shape.notes:
        found = memory_select(shape.dialect, bindparam("notes"), plain=shape.notes_plain)
        arms.append(("people", _people_arm(found, skip_seen=seen)))
    return arms


PEOPLE = -1
"""The ``src`` of rows from ``people`` (one a person: never short)."""
FALLBACK = -2
"""The ``src`` of the rows of a key's range read after its walk fell short."""
TERMS = 100
"""``src`` from here: the terms arm ``src - TERMS`` (a person's terms may repeat)."""


def _with_src(src: int, arm: Select[Any]) -> Select[Any]:
    part = arm.subquery()
    return select(literal_column(str(src)).label("src"), part.c.sort_key, part.c.person_id)


@lru_cache(maxsize=512)
def page_statement(
    shape: Shape, tier: int, dense: tuple[bool, ...], skip_seen: bool
) -> Select[Any] | CompoundSelect[Any] | None:
    """(src, sort key, person id): the first rows of each look-up of this tier, not in
    ``:seen``, each look-up's in reading order, in one statement.  ``src`` says where a row
    comes from: ``people`` (PEOPLE), the walk of key ``i``'s first letter (``i``; ``dense``
    says which keys walk), or terms arm ``src - TERMS``."""
    arms: list[Select[Any]] = []
    for n, (kind, arm) in enumerate(_arms(shape, tier, dense, skip_seen)):
        arms.append(_with_src(PEOPLE if kind == "people" else TERMS + n, arm))
    if tier in (TIER_NAME, TIER_OTHER):
        arms += [
            _with_src(i, walk_statement(tier, i, skip_seen)) for i, walk in enumerate(dense) if walk
        ]
    if not arms:
        return None
    return arms[0] if len(arms) == 1 else union_all(*arms)


def _short(rows: list[Any], many: int, limit: int) -> bool:
    """Whether the rows of look-ups that read ``many`` terms found fewer than ``limit``
    people in one of them (a person's terms filled it: read again with more)."""
    by_src: dict[int, list[int]] = {}
    for src, _, pid in rows:
        if src >= TERMS or src == FALLBACK:
            by_src.setdefault(src, []).append(pid)
    return any(len(ids) >= many and len(set(ids)) < limit for ids in by_src.values())


def tier_page(
    conn: Connection, one: Word, tier: int, dense: tuple[bool, ...], *, limit: int, seen: list[int]
) -> list[int]:
    """Up to ``limit`` ids matching at this tier, not yet seen, in reading order."""
    stmt = page_statement(one.shape, tier, dense, bool(seen))
    if stmt is None:
        return []
    values = {
        **one.values,
        **head_values(one.values["keys"]),
        "limit": limit,
        "many": limit * REPEATS,
        "seen": seen,
        "walk": WALK,
    }
    rows = plans.raw_rows(conn, stmt, values)
    while _short(rows, values["many"], limit):
        values["many"] *= REPEATS
        rows = plans.raw_rows(conn, stmt, values)
    if tier in (TIER_NAME, TIER_OTHER):
        for i, walk in enumerate(dense):
            if walk and len({pid for src, _, pid in rows if src == i}) < limit:
                rows += _fallback(conn, range_statement(tier, i, bool(seen)), values, limit)
    # Several look-ups (each in order, each up to the page): merged in reading order.
    found = sorted({(key, int(pid)) for _, key, pid in rows})
    return [pid for _, pid in found[:limit]]


def _fallback(conn: Connection, stmt: Select[Any], values: dict[str, Any], limit: int) -> list[Any]:
    """The rows of a key's range after its walk fell short (read again with more terms
    while a person's repeated terms fill them)."""
    many = values["many"]
    rows = plans.raw_rows(conn, stmt, {**values, "many": many})
    while _short(rows, many, limit):
        many *= REPEATS
        rows = plans.raw_rows(conn, stmt, {**values, "many": many})
    return rows

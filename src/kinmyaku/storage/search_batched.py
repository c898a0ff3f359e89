"""PostgreSQL: a one-word search's tiers in two to five statements instead of up to seven.

On SQLite a statement costs nothing to send and the tiers are read one by one, each only
when the page needs it (:func:`kinmyaku.storage.search.search_people`).  On PostgreSQL each
statement is a round trip, and a rare word (a cue, a title, a word of the notes) went
through every tier: seven statements, 8-17 ms of wall for well under 1 ms of the server's
work each.  Here:

1. the exact tier's page and whether each key is dense (:func:`search_pages.dense_keys`),
   in one statement; a full page ends the search there;
2. the name and other prefix tiers, in one statement (cheap: each in reading order from an
   index; one by one when a key is dense); a full page ends it there;
3. the substring tier and the walk of the first people in reading order for what is
   remembered, in one statement (not before: for た or たか the substrings are thousands
   of people to sort, which made a prefix 20 times slower when read with the prefixes);
4. only when those leave the page short and the walk did not fill it: the memory tier
   from its index.

Each tier of one statement is read without the people of the tiers before it (they are
not known yet), ``need`` people deep: of a tier's first ``need`` people at most the
``seen`` ones found before are taken out, which leaves the ``need - seen`` the page still
wants (or all the tier has), so the page is the same people in the same order as the
tiers read one by one.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Integer,
    Select,
    bindparam,
    func,
    literal_column,
    select,
    union_all,
)

from kinmyaku.storage import search_pages as pages
from kinmyaku.storage import search_plans as plans
from kinmyaku.storage.schema import people, search_memory, search_terms
from kinmyaku.storage.search_index import names_text
from kinmyaku.storage.search_pages import (
    REPEATS,
    _fallback,
    _short,
    head_values,
    page_statement,
    range_statement,
)
from kinmyaku.storage.search_plans import (
    TIER_EXACT,
    TIER_NAME,
    TIER_NOTES,
    TIER_OTHER,
    TIER_SUBSTRING,
    Shape,
    Word,
)

PROBE = -1
"""The ``tier`` of the rows that say how many terms each key starts (``src``: the key)."""
WALKED = -2
"""The ``tier`` of the rows of the walk for what is remembered."""


def _tagged(tier: int, stmt: Select[Any] | CompoundSelect[Any]) -> Select[Any]:
    """(tier, src, sort key, person id) of a page statement's rows."""
    sub = stmt.subquery()
    src, key, pid = list(sub.c)
    return select(literal_column(str(tier), Integer).label("tier"), src, key, pid)


@lru_cache(maxsize=256)
def first_statement(shape: Shape) -> Select[Any] | CompoundSelect[Any] | None:
    """The exact tier's page, and for each key (``src``) how many terms it starts, up to
    ``:dense`` (rows of tier PROBE, the count in place of the person)."""
    arms: list[Select[Any]] = []
    exact = page_statement(shape, TIER_EXACT, (), False)
    if exact is not None:
        arms.append(_tagged(TIER_EXACT, exact))
    st = search_terms
    for i in range(len(shape.substrings)):
        rows = (
            select(st.c.person_id)
            .where(st.c.term >= bindparam(f"k{i}"), st.c.term < bindparam(f"k{i}_top"))
            .limit(bindparam("dense"))
            .subquery()
        )
        cols: list[ColumnElement[Any]] = [
            literal_column(str(PROBE), Integer).label("tier"),
            literal_column(str(i), Integer).label("src"),
            literal_column("NULL").label("sort_key"),
            func.count().label("person_id"),
        ]
        count = select(*cols).select_from(rows)
        arms.append(count)
    if not arms:
        return None
    return arms[0] if len(arms) == 1 else union_all(*arms)


@lru_cache(maxsize=4)
def walk_statement() -> Select[Any]:
    """The first ``:limit`` of the first ``:walked`` people in reading order whose
    remembered text holds ``:filled`` (search._walked_memory_page's, without ``seen``)."""
    walk = (
        select(people.c.id, people.c.sort_key, search_memory.c.memory_keys)
        .join(search_memory, search_memory.c.person_id == people.c.id)
        .order_by(people.c.sort_key, people.c.id)
        .limit(bindparam("walked"))
        .subquery()
    )
    return (
        select(walk.c.sort_key, walk.c.id)
        .where(func.strpos(walk.c.memory_keys, bindparam("filled")) > 0)
        .order_by(walk.c.sort_key, walk.c.id)
        .limit(bindparam("limit"))
    )


@lru_cache(maxsize=256)
def tiers_statement(
    shape: Shape, dense: tuple[bool, ...], tiers: tuple[int, ...], walk: bool
) -> Select[Any] | CompoundSelect[Any] | None:
    """The pages of these tiers, and (``walk``) the walk of what is remembered."""
    arms = []
    for tier in tiers:
        stmt = page_statement(shape, tier, dense, False)
        if stmt is not None:
            arms.append(_tagged(tier, stmt))
    if walk:
        walked = walk_statement().subquery()
        arms.append(
            select(
                literal_column(str(WALKED), Integer).label("tier"),
                literal_column("0", Integer).label("src"),
                walked.c.sort_key,
                walked.c.id.label("person_id"),
            )
        )
    if not arms:
        return None
    return arms[0] if len(arms) == 1 else union_all(*arms)


def _tier_ids(
    conn: Connection,
    one: Word,
    tier: int,
    dense: tuple[bool, ...],
    rows: list[Any],
    values: dict[str, Any],
) -> list[int]:
    """A tier's first ``:limit`` people from its rows of a batched statement, as
    :func:`search_pages.tier_page` finds them (re-read alone when a look-up fell short)."""
    limit = values["limit"]
    if _short(rows, values["many"], limit):
        return pages.tier_page(conn, one, tier, dense, limit=limit, seen=[])
    if tier in (TIER_NAME, TIER_OTHER):
        for i, walk in enumerate(dense):
            if walk and len({pid for src, _, pid in rows if src == i}) < limit:
                rows = rows + _fallback(conn, range_statement(tier, i, False), values, limit)
    found = sorted({(key, int(pid)) for _, key, pid in rows})
    return [pid for _, pid in found[:limit]]


def search_word(conn: Connection, one: Word, need: int, *, walked: int) -> list[tuple[int, int]]:
    """(person id, tier) of the first ``need`` people a one-word query finds, best first
    (``walked``: the people read in reading order for what is remembered)."""
    values: dict[str, Any] = {
        **one.values,
        **head_values(one.values["keys"]),
        "limit": need,
        "many": need * REPEATS,
        "seen": [],
        "walk": pages.WALK,
        "dense": pages.TERMS_DENSE,
        "walked": walked,
    }
    found: list[tuple[int, int]] = []
    taken: set[int] = set()

    def take(tier: int, ids: list[int]) -> bool:
        for pid in ids:
            if pid not in taken:
                taken.add(pid)
                found.append((pid, tier))
                if len(found) >= need:
                    return True
        return False

    first = first_statement(one.shape)
    if first is None:
        return []
    by_tier = _read(conn, first, values)
    counts = {src: pid for src, _, pid in by_tier.get(PROBE, [])}
    dense = tuple(int(counts[i]) >= pages.TERMS_DENSE for i in range(len(one.shape.substrings)))
    exact = by_tier.get(TIER_EXACT, [])
    if take(TIER_EXACT, _tier_ids(conn, one, TIER_EXACT, (), exact, values)):
        return found
    # The prefix tiers, together when no key is dense (each a range of fewer than
    # TERMS_DENSE terms); one by one when one is (the other tier of た walks its letter
    # and reads the range after: 300 ms, for a page the name tier fills).
    prefixes = [(TIER_NAME, TIER_OTHER)] if not any(dense) else [(TIER_NAME,), (TIER_OTHER,)]
    for tiers in prefixes:
        by_tier = _read(conn, tiers_statement(one.shape, dense, tiers, False), values)
        for tier in tiers:
            if take(tier, _tier_ids(conn, one, tier, dense, by_tier.get(tier, []), values)):
                return found
    # Substrings and the walk of what is remembered: read only when the prefixes fell
    # short (for た they are thousands of people, sorted).
    walk = one.shape.notes
    if walk:
        values["filled"] = names_text([one.values["keys"][0]])
    by_tier = _read(conn, tiers_statement(one.shape, dense, (TIER_SUBSTRING,), walk), values)
    if take(
        TIER_SUBSTRING,
        _tier_ids(conn, one, TIER_SUBSTRING, dense, by_tier.get(TIER_SUBSTRING, []), values),
    ):
        return found
    if not walk:
        return found
    first_people = [int(pid) for _, _, pid in by_tier.get(WALKED, [])]
    if len(first_people) == need:  # the first people in reading order filled the walk
        take(TIER_NOTES, first_people)
        return found
    seen = [pid for pid, _ in found]
    take(TIER_NOTES, pages.tier_page(conn, one, TIER_NOTES, (), limit=need - len(found), seen=seen))
    return found


def _read(
    conn: Connection, stmt: Select[Any] | CompoundSelect[Any] | None, values: dict[str, Any]
) -> dict[int, list[Any]]:
    """The rows of a batched statement by tier: (src, sort key, person id)."""
    by_tier: dict[int, list[Any]] = {}
    if stmt is not None:
        for tier, src, key, pid in plans.raw_rows(conn, stmt, values):
            by_tier.setdefault(tier, []).append((src, key, pid))
    return by_tier

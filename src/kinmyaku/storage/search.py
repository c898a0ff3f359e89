"""The people search query: index range look-ups, ranked, never a scan of every person.

Each query token is folded (:func:`kinmyaku.domain.search_keys.query_keys`) and looked up
as a byte-wise prefix range in ``search_terms`` and ``organization_terms``; substrings of
names, readings and romaji through the trigram index of ``search_names``
(:mod:`kinmyaku.storage.search_index`); what a person is remembered by (memory cues,
places, events, titles, departments, notes) through the trigram index of
``search_memory`` (:mod:`kinmyaku.storage.search_memory`).  Tiers: 0 exact name, 1
name/reading/romaji prefix, 2 company/e-mail/phone/tag prefix, 3 substring, 4 what is
remembered (``TIER_NOTES``).  Several tokens must all match; their tiers add up: each
word's matches are read on their own (:func:`word_tiers`) and intersected, and only the
people left are put in reading order.  A word typed in Kunrei or Nihon-shiki romaji is also
looked up in Hepburn (:func:`kinmyaku.domain.search_keys.kunrei_to_hepburn`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Integer,
    Select,
    Text,
    bindparam,
    func,
    literal,
    select,
    union_all,
)

from kinmyaku.domain.people import display_name
from kinmyaku.domain.search_keys import PersonKeys, matched_alias, split_query
from kinmyaku.storage import search_batched as batched
from kinmyaku.storage import search_pages as pages
from kinmyaku.storage import search_plans as plans
from kinmyaku.storage import search_words as words
from kinmyaku.storage.schema import people, search_memory
from kinmyaku.storage.search_index import aliases_of, names_text
from kinmyaku.storage.search_memory import memory_select
from kinmyaku.storage.search_plans import (
    NOTES_MIN,
    SUBSTRING_MIN,
    TIER_EXACT,
    TIER_NAME,
    TIER_NOTES,
    TIER_OTHER,
    TIER_SUBSTRING,
    TIERS,
    TOP,
    notes_fts,
)

__all__ = [
    "NOTES_MIN",
    "SUBSTRING_MIN",
    "TIER_EXACT",
    "TIER_NAME",
    "TIER_NOTES",
    "TIER_OTHER",
    "TIER_SUBSTRING",
    "TOP",
    "count_matches",
    "count_matches_capped",
    "matched_aliases",
    "matching_people",
    "notes_fts",
    "search_people",
]


def _tier_parts(
    conn: Connection, token: str, tier: int, prefix: str = "t0_"
) -> list[Select[tuple[int]]]:
    """Selects of the person ids that match one token at this tier, values bound."""
    return plans.bound_parts(conn, token, tier, prefix)


def _token_matches(
    conn: Connection, token: str, *, notes: bool, prefix: str
) -> Select[tuple[int, int]]:
    tiers = [TIER_EXACT, TIER_NAME, TIER_OTHER, TIER_SUBSTRING] + ([TIER_NOTES] if notes else [])
    parts = []
    for tier in tiers:
        for part in _tier_parts(conn, token, tier, prefix):
            sub = part.subquery()
            parts.append(select(next(iter(sub.c)).label("person_id"), literal(tier).label("tier")))
    if not parts:
        return select(people.c.id.label("person_id"), literal(0).label("tier")).where(
            literal(False)
        )
    matches = union_all(*parts).subquery()
    return select(
        matches.c.person_id.label("person_id"), func.min(matches.c.tier).label("tier")
    ).group_by(matches.c.person_id)


def matching_people(conn: Connection, query: str, *, notes: bool = True) -> Select[tuple[int, int]]:
    """A select of (person_id, tier) for everyone the query matches."""
    tokens = split_query(query)
    if not tokens:
        return select(people.c.id.label("person_id"), literal(0).label("tier")).where(
            literal(False)
        )
    first = _token_matches(conn, tokens[0], notes=notes, prefix="t0_").subquery()
    joined = first
    tier: ColumnElement[int] = first.c.tier
    from_clause: FromClause = first
    for n, token in enumerate(tokens[1:], start=1):
        nxt = _token_matches(conn, token, notes=notes, prefix=f"t{n}_").subquery()
        from_clause = from_clause.join(nxt, nxt.c.person_id == first.c.person_id)
        tier = tier + nxt.c.tier
    return select(joined.c.person_id.label("person_id"), tier.label("tier")).select_from(
        from_clause
    )


DENSE_PROBE = 1000
"""A remembered word found for at least this many people is read the dense way (SQLite):
about ``need`` x people / matches rows read in reading order (2,000 for a page of 20 at
100,000 people) instead of every match sorted (1,556 people for 資金調達: 1.6 ms)."""
DENSE_WALK = 1200
"""PostgreSQL: people read in reading order before the index is asked instead."""


def _dense_memory_page(
    conn: Connection, word: plans.Word, *, limit: int, seen: list[int]
) -> list[int] | None:
    """The memory tier's page for a word many people are remembered by (部長, マネージャー).

    The trigram index would hand over every match (12,000 for マネージャー at 100,000
    people) to be sorted for a page of 20; reading people in reading order and keeping
    those whose remembered text holds the word finds the page after a few hundred rows when
    the word is common.  SQLite asks its FTS5 index first whether it is (a probe of
    DENSE_PROBE matches, cheap there); PostgreSQL, whose trigram index rechecks every row
    it finds, reads the first DENSE_WALK people and keeps the page when it is full (the
    first matches in reading order are then among them).  None: not dense, use the index.
    """
    if not word.shape.notes:
        return None
    filled = names_text([word.values["keys"][0]])
    if conn.dialect.name == "postgresql":
        return _walked_memory_page(conn, filled, limit=limit, seen=seen)
    if conn.dialect.name != "sqlite":
        return None
    values = {"notes": word.values["notes"], "probe": DENSE_PROBE}
    ((found,),) = plans.raw_rows(conn, _dense_probe_statement(), values)
    if found < DENSE_PROBE:
        return None
    values = {"filled": filled, "seen": seen, "limit": limit}
    return [int(pid) for (pid,) in plans.raw_rows(conn, _dense_statement(bool(seen)), values)]


@lru_cache(maxsize=1)
def _dense_probe_statement() -> Select[Any]:
    """SQLite: how many people the memory index finds for ``:notes``, up to ``:probe``."""
    found = memory_select("sqlite", bindparam("notes")).limit(bindparam("probe")).subquery()
    return select(func.count()).select_from(found)


@lru_cache(maxsize=2)
def _dense_statement(skip_seen: bool) -> Select[tuple[int]]:
    """SQLite: the first ``:limit`` people in reading order whose remembered text holds
    ``:filled`` (not in ``:seen``)."""
    stmt = (
        select(people.c.id)
        .join(search_memory, search_memory.c.person_id == people.c.id)
        .where(func.instr(search_memory.c.memory_keys, bindparam("filled")) > 0)
    )
    if skip_seen:
        stmt = stmt.where(people.c.id.not_in(bindparam("seen", expanding=True)))
    return stmt.order_by(people.c.sort_key, people.c.id).limit(bindparam("limit"))


def _walked_memory_page(
    conn: Connection, filled: str, *, limit: int, seen: list[int]
) -> list[int] | None:
    """PostgreSQL: the page among the first DENSE_WALK people in reading order, or None
    when fewer than ``limit`` of them match (``filled``: the word as the keys are filled)."""
    values = {"filled": filled, "seen": seen, "limit": limit, "walk": DENSE_WALK}
    rows = plans.raw_rows(conn, _walk_statement(bool(seen)), values)
    page = [int(pid) for (pid,) in rows]
    return page if len(page) == limit else None


@lru_cache(maxsize=2)
def _walk_statement(skip_seen: bool) -> Select[tuple[int]]:
    """PostgreSQL: of the first ``:walk`` people in reading order, the first ``:limit``
    whose remembered text holds ``:filled`` (not in ``:seen``)."""
    walk = (
        select(people.c.id, people.c.sort_key, search_memory.c.memory_keys)
        .join(search_memory, search_memory.c.person_id == people.c.id)
        .order_by(people.c.sort_key, people.c.id)
        .limit(bindparam("walk", type_=Integer))
        .subquery()
    )
    filled = bindparam("filled", type_=Text)  # typed: cast as the statement built a call was
    stmt = select(walk.c.id).where(func.strpos(walk.c.memory_keys, filled) > 0)
    if skip_seen:
        stmt = stmt.where(walk.c.id.not_in(bindparam("seen", expanding=True)))
    return stmt.order_by(walk.c.sort_key, walk.c.id).limit(bindparam("limit", type_=Integer))


def _tier_page(
    conn: Connection,
    word: plans.Word,
    tier: int,
    dense: tuple[bool, ...],
    *,
    limit: int,
    seen: list[int],
) -> list[int]:
    """Up to ``limit`` ids matching at this tier, not yet seen, in reading order."""
    if tier == TIER_NOTES:
        page = _dense_memory_page(conn, word, limit=limit, seen=seen)
        if page is not None:
            return page
    return pages.tier_page(conn, word, tier, dense, limit=limit, seen=seen)


def search_people(
    conn: Connection, query: str, *, limit: int | None = 50, offset: int = 0
) -> list[tuple[int, int]]:
    """(person_id, tier) of the people a query finds, best first, then by reading.

    A one-word query is answered tier by tier (exact name, name prefix, other prefix,
    substring, notes): each tier comes from the index in reading order and only as far as
    the page needs (:mod:`kinmyaku.storage.search_pages`), so a common name or a
    one-letter query never ranks every match.  PostgreSQL reads the same pages in two to
    four statements (:mod:`kinmyaku.storage.search_batched`); several words are read in
    one (:mod:`kinmyaku.storage.search_words`) and ranked here.
    """
    tokens = split_query(query)
    if len(tokens) == 1 and limit is not None:
        if conn.dialect.name == "postgresql":
            # A round trip a statement: the tiers in two to four statements.
            one = plans.word(conn, tokens[0])
            return batched.search_word(conn, one, offset + limit, walked=DENSE_WALK)[offset:]
        return tier_by_tier(conn, tokens[0], offset + limit)[offset:]
    if limit is None:
        return _ranked_words(conn, tokens)[offset:]
    return _ranked_words(conn, tokens, offset + limit)[offset : offset + limit]


def tier_by_tier(conn: Connection, token: str, need: int) -> list[tuple[int, int]]:
    """(person_id, tier) of the first ``need`` people one word finds, a statement a tier,
    each tier read only when the page needs it."""
    found: list[tuple[int, int]] = []
    one = plans.word(conn, token)
    dense: tuple[bool, ...] = ()  # asked once the prefix tiers are reached
    for tier in TIERS:
        seen = [pid for pid, _ in found]
        if tier == TIER_NAME:
            dense = pages.dense_keys(conn, one)
        page = _tier_page(conn, one, tier, dense, limit=need - len(found), seen=seen)
        found.extend((pid, tier) for pid in page)
        if len(found) >= need:
            break
    return found[:need]


def word_tiers(conn: Connection, token: str) -> dict[int, int]:
    """Everyone one query word finds, with the best tier it finds each at."""
    one = plans.word(conn, token)
    pairs: list[tuple[int, int]] = []
    fixed: list[tuple[int, Sequence[int]]] = []
    for stmt, tier in plans.word_passes(one.shape):
        rows = plans.raw_rows(conn, stmt, one.values)
        if tier is None:
            pairs += rows
        else:
            fixed.append((tier, [pid for (pid,) in rows]))
    # A lower tier overrides a higher one: the fixed tiers (substring, notes) highest first,
    # then the tiers the rows say (all at most the substring tier), highest first.
    best: dict[int, int] = {}
    for tier, ids in sorted(fixed, key=itemgetter(0), reverse=True):
        best.update(dict.fromkeys(ids, tier))
    best.update(sorted(pairs, key=itemgetter(1), reverse=True))
    return best


def _common(conn: Connection, tokens: Sequence[str]) -> dict[int, int]:
    """Everyone every word finds, with the sum of the words' best tiers (one statement for
    all the words' matches: :mod:`kinmyaku.storage.search_words`)."""
    return words.common(words.word_sets(conn, words.words_of(conn, tokens)))


def _ranked_words(
    conn: Connection, tokens: Sequence[str], need: int | None = None
) -> list[tuple[int, int]]:
    """(person_id, tier) of the first ``need`` people (None: everyone) all the words find,
    best first, then by reading.

    Each word's matches come from the index on their own and are intersected here; only
    the people left are looked up for their reading order (instead of one statement that
    joins and groups every word's matches: 27 ms for 「高橋 健太」 on SQLite, 184 ms on
    PostgreSQL at 100,000 people).  The index's ranges are read first (search terms,
    company names: search_words.LOW): everyone they find for every word has their final
    tiers already, and anyone else scores TIER_SUBSTRING or more, as some word finds them
    by a trigram look-up only.  So when the ranges alone fill the page below that score
    (「たかはし けんた」: 21 people at 0 or 1), the trigram look-ups, the dearest part of a
    long romaji word (``takahashi``'s seven trigrams), are not made.  Python orders strings
    by code point, as SQLite's binary and PostgreSQL's "C" collation of ``sort_key`` do.

    SQLite reads the ranges' ids without a tier a row first (the tiers cost it two thirds
    of the ranges' time), then the tiers of the people the words share; PostgreSQL, whose
    time goes to the rows themselves, reads the ranges with their tiers at once
    (:func:`_ranked_words_pg`).
    """
    found = words.words_of(conn, tokens)
    if conn.dialect.name == "postgresql":
        return _ranked_words_pg(conn, found, need)
    low = words.word_ids(conn, found, words.LOW)
    shared = _shared(low)
    if need is not None and len(shared) >= need:
        # Everyone the ranges find for every word: their tiers and reading order.
        ids = sorted(int(pid) for pid in shared)
        tiers, keys = words.tiers_and_keys(conn, found, words.LOW, ids)
        ranked = _ranked(words.common(tiers), keys)
        if ranked[need - 1][1] < TIER_SUBSTRING:
            return ranked[:need]
    high = words.word_sets(conn, found, words.HIGH)
    everyone = _shared([ids.union(*tiers) for ids, tiers in zip(low, high, strict=True)])
    if not everyone:
        return []
    ids = sorted(int(pid) for pid in everyone)
    tiers, keys = words.tiers_and_keys(conn, found, words.LOW, ids)
    return _ranked(words.common(words.merged(tiers, high)), keys)


def _ranked_words_pg(
    conn: Connection, found: Sequence[plans.Word], need: int | None
) -> list[tuple[int, int]]:
    """PostgreSQL: :func:`_ranked_words` from the ranges' ids with their tiers, then the
    trigram look-ups when the page needs them, then the reading order of the people left."""
    low = words.word_sets(conn, found, words.LOW)
    common = words.common(low)
    if need is not None:
        scores = sorted(common.values())
        if len(scores) >= need and scores[need - 1] < TIER_SUBSTRING:
            last = scores[need - 1]
            common = {pid: tier for pid, tier in common.items() if tier <= last}
            return _ranked(common, dict(words.sort_keys(conn, sorted(common))))[:need]
    common = words.common(words.merged(low, words.word_sets(conn, found, words.HIGH)))
    return _ranked(common, dict(words.sort_keys(conn, sorted(common))))


def _shared(found: Sequence[set[str]]) -> set[str]:
    """The ids every word finds."""
    if not found:
        return set()
    return set.intersection(*sorted(found, key=len))


def _ranked(common: dict[int, int], keys: dict[int, str]) -> list[tuple[int, int]]:
    """(person_id, tier) of these people, best tier first, then by reading."""
    order = sorted((tier, keys[pid], pid) for pid, tier in common.items())
    return [(pid, tier) for tier, _, pid in order]


def count_matches(conn: Connection, query: str) -> int:
    """How many people a query finds."""
    tokens = split_query(query)
    if len(tokens) > 1:
        return len(_common(conn, tokens))
    matches = matching_people(conn, query).subquery()
    return int(conn.execute(select(func.count()).select_from(matches)).scalar_one())


def count_matches_capped(conn: Connection, query: str, *, cap: int) -> tuple[int, bool]:
    """How many people a query finds, counting at most ``cap`` (and whether that is exact)."""
    tokens = split_query(query)
    if len(tokens) != 1:
        total = count_matches(conn, query)
        return min(total, cap), total <= cap
    one = plans.word(conn, tokens[0])
    stmt = plans.count_statement(one.shape)
    if stmt is None:
        return 0, True
    found = int(conn.execute(stmt, {**one.values, "cap": cap + 1}).scalar_one())
    return min(found, cap), found <= cap


def matched_aliases(conn: Connection, query: str, person_ids: Sequence[int]) -> dict[int, str]:
    """For the people a query found by another name than their own, that name as shown
    (``渡辺 香織`` for 石井 香織 found by 渡辺): two queries for a page of results."""
    aliases = aliases_of(conn, person_ids)
    if not aliases:
        return {}
    p = people.c
    rows = conn.execute(
        select(
            p.id, p.family_name, p.given_name, p.family_reading, p.given_reading, p.romaji
        ).where(p.id.in_(list(aliases)))
    )
    shown: dict[int, str] = {}
    for pid, family, given, family_r, given_r, romaji in rows:
        keys = PersonKeys(
            family, given or "", family_r or "", given_r or "", romaji or "", aliases=aliases[pid]
        )
        alias = matched_alias(query, keys)
        if alias is not None:
            shown[int(pid)] = display_name(alias.family_name, alias.given_name)
    return shown

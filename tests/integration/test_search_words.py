"""Several words, each looked up on its own (storage.search.word_tiers) and intersected: the
same people, tiers and order as the one statement that joins every word's matches
(search.matching_people), for two words in either order and script, prefixes as typed,
romaji of other systems, cues and notes, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Connection, select

from kinmyaku.bootstrap import App
from kinmyaku.services.demo import generate_demo
from kinmyaku.storage import search, search_plans, search_words
from kinmyaku.storage.schema import people

TODAY = date(2026, 11, 26)
WORDS = [
    "たかはし", "タカハシ", "takahashi", "Takahashi", "髙橋", "高橋", "高", "橋", "佐藤",
    "sato", "Satō", "Satoh", "satou", "ｻﾄｳ", "けんた", "kenta", "健太", "た", "t", "ta", "tak",
    "たか", "やまも", "hashi", "takahasi", "syouta", "090", "1234", "example.com", "@",
    "株式会社", "商事", "メモ", "交流会", "メガネ", "京都", "ランチ", "関心", "zzzz",
]  # fmt: skip
QUERIES = [
    "高橋 健太", "健太 高橋", "kenta takahashi", "takahashi kenta", "たかはし けんた",
    "けんた たかはし", "高橋 kenta", "kenta 高橋", "たかはし 健太", "すずき ゆい", "ゆい すずき",
    "佐藤 しょうた", "sato 株式会社", "た 090", "たか k", "高 た", "佐藤 zzzz", "京都 ランチ",
    "メガネ たか", "takahasi kenta", "Satō ｹﾝﾀ", "高橋 健太 たかはし",
]  # fmt: skip


@pytest.fixture
def network(app: App) -> App:
    generate_demo(app.uow(), people=400, seed=3, today=TODAY)
    return app


def _grouped(conn: Connection, token: str) -> dict[int, int]:
    """A word's best tier for each person, from the statement that unions every tier."""
    matches = search._token_matches(conn, token, notes=True, prefix="t0_").subquery()
    rows = conn.execute(select(matches.c.person_id, matches.c.tier))
    return {int(pid): int(tier) for pid, tier in rows}


def _joined(conn: Connection, query: str) -> list[tuple[int, int]]:
    """The ranking of one statement that joins the words' matches (the reference)."""
    matches = search.matching_people(conn, query).subquery()
    stmt = (
        select(matches.c.person_id, matches.c.tier)
        .join(people, people.c.id == matches.c.person_id)
        .order_by(matches.c.tier, people.c.sort_key, people.c.id)
    )
    return [(int(pid), int(tier)) for pid, tier in conn.execute(stmt)]


def test_a_words_tiers_read_in_fewer_passes_are_the_same(network: App) -> None:
    with network.uow() as conn:
        found = 0
        for token in WORDS:
            tiers = search.word_tiers(conn, token)
            assert tiers == _grouped(conn, token), token
            found += len(set(tiers.values()))
    assert found > 40  # words are found, at several tiers


def test_several_words_rank_as_the_joined_statement(network: App) -> None:
    with network.uow() as conn:
        found = 0
        for query in QUERIES:
            want = _joined(conn, query)
            assert search.search_people(conn, query, limit=None) == want, query
            assert search.search_people(conn, query, limit=5, offset=2) == want[2:7], query
            assert search.count_matches(conn, query) == len(want), query
            found += bool(want)
    assert found >= 5  # several queries find someone (400 people)


def test_one_word_pages_of_every_shape_rank_as_the_joined_statement(network: App) -> None:
    """Prefixes as typed (kana, romaji, kanji), romaji of other systems, cue and note
    words: the tier-by-tier pages are the reference ranking's, page after page."""
    with network.uow() as conn:
        for token in WORDS:
            want = _joined(conn, token)
            pages = search.search_people(conn, token, limit=7, offset=0)
            pages += search.search_people(conn, token, limit=7, offset=7)
            assert pages == want[:14], token
            assert search.count_matches_capped(conn, token, cap=10_000) == (len(want), True)


def test_pages_the_ranges_fill_are_the_joined_statements_pages(
    network: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page of several words read from the index's ranges alone (when they fill it below
    the substring tier) and one read with the trigram look-ups too: both the reference
    ranking's, at every page size; each way is taken."""
    high = search_words.word_sets
    ways = {"ranges": 0, "trigrams": 0}

    def counted(conn: Connection, words: list[search_plans.Word], which: str = "all") -> object:
        if which == search_words.HIGH:
            ways["trigrams"] += 1
        return high(conn, words, which)

    monkeypatch.setattr(search_words, "word_sets", counted)
    queries = [*QUERIES, "た t", "高 た", "t t", "ta ke", "k t", "a た"]
    with network.uow() as conn:
        for query in queries:
            want = _joined(conn, query)
            for limit, offset in ((1, 0), (3, 0), (6, 0), (20, 0), (4, 3), (10, 10)):
                before = ways["trigrams"]
                page = search.search_people(conn, query, limit=limit, offset=offset)
                assert page == want[offset : offset + limit], (query, limit, offset)
                ways["ranges"] += ways["trigrams"] == before
    assert ways["ranges"] >= 10 and ways["trigrams"] >= 10, ways


def test_either_order_and_script_find_the_same_people(network: App) -> None:
    with network.uow() as conn:
        row = conn.execute(
            select(people.c.family_name, people.c.given_name, people.c.romaji)
            .where(people.c.family_reading != "", people.c.romaji != "")
            .order_by(people.c.id)
            .limit(1)
        ).one()
        family, given, romaji = row
        latin = romaji.lower().split()
        queries = [
            f"{family} {given}",
            f"{given} {family}",
            " ".join(latin),
            " ".join(reversed(latin)),
            f"{family} {latin[1]}",
        ]
        found = [{pid for pid, _ in search.search_people(conn, q, limit=None)} for q in queries]
    assert found[0], queries[0]
    assert all(f == found[0] for f in found), list(zip(queries, found, strict=True))


def test_postgresql_looks_long_words_up_in_the_plain_keys(network: App) -> None:
    with network.uow() as conn:
        shape = search_plans.word(conn, "suzuki").shape
        short = search_plans.word(conn, "すず").shape
    if network.engine.dialect.name == "postgresql":
        assert shape.plain and all(shape.plain) and shape.notes_plain
        assert short.plain == (False, True) and not short.notes_plain  # スズ, suzu
    else:
        assert shape.plain == () and not shape.notes_plain


@pytest.mark.parametrize("walk", [1, 40, 150])
def test_remembered_words_read_in_reading_order_or_from_the_index_agree(
    network: App, monkeypatch: pytest.MonkeyPatch, walk: int
) -> None:
    """PostgreSQL reads the first DENSE_WALK people in reading order for a remembered word
    and keeps the page when it is full; a shorter walk falls back to the index: the same
    people in the same order, page after page (SQLite: its own dense way, unchanged)."""
    words = ["メガネ", "京都", "ランチ", "関心", "交流会", "猫", "部長"]
    with network.uow() as conn:
        walked = {
            (w, o): search.search_people(conn, w, limit=6, offset=o) for w in words for o in (0, 6)
        }
    monkeypatch.setattr(search, "DENSE_WALK", walk)
    with network.uow() as conn:
        for (word, offset), want in walked.items():
            assert search.search_people(conn, word, limit=6, offset=offset) == want, word
            assert want == _joined(conn, word)[offset : offset + 6], word
    assert sum(bool(page) for page in walked.values()) >= 6


def test_sort_keys_of_any_number_of_people_are_theirs(network: App) -> None:
    """One statement of the same text for any number of ids (a JSON list on SQLite, an
    array on PostgreSQL): each person's own sort key, unknown ids left out."""
    with network.uow() as conn:
        want = {int(pid): key for pid, key in conn.execute(select(people.c.id, people.c.sort_key))}
        ids = sorted(want)
        assert search_words.sort_keys(conn, []) == []
        assert dict(search_words.sort_keys(conn, ids[:3])) == {pid: want[pid] for pid in ids[:3]}
        found = search_words.sort_keys(conn, [*ids, 10_000_000])
    assert len(found) == len(ids) and dict(found) == want

"""Fewer statements a search, the same people in the same order: several words' matches in
one statement (storage.search_words), a one-word page on PostgreSQL in two to four
(storage.search_batched), a page's search hints in three (storage.search_memory)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Connection, event

from kinmyaku.bootstrap import App
from kinmyaku.services.demo import generate_demo
from kinmyaku.storage import search, search_pages, search_plans, search_words
from kinmyaku.storage.search_memory import search_hints

TODAY = date(2026, 11, 26)
WORDS = [
    "たかはし", "takahashi", "髙橋", "高橋", "高", "橋", "佐藤", "Satō", "ｻﾄｳ", "けんた", "健太",
    "た", "t", "ta", "tak", "たか", "hashi", "takahasi", "syouta", "090", "example.com", "@",
    "株式会社", "商事", "メガネ", "京都", "ランチ", "関心", "部長", "猫", "交流会", "zzzz",
]  # fmt: skip
QUERIES = [
    "高橋 健太", "kenta takahashi", "たかはし けんた", "すずき ゆい", "佐藤 しょうた",
    "sato 株式会社", "た 090", "高 た", "メガネ たか", "Satō ｹﾝﾀ", "高橋 健太 たかはし",
    "zzzz 高橋",
]  # fmt: skip


@pytest.fixture
def network(app: App) -> App:
    generate_demo(app.uow(), people=400, seed=3, today=TODAY)
    return app


@contextmanager
def counted(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The statements sent on ``conn`` inside the block (SQLAlchemy's and the driver's)."""
    sent = [0]
    raw = search_plans.raw_rows

    def count(*_: object) -> None:
        sent[0] += 1

    def raw_counted(conn: Connection, stmt: Any, values: dict[str, Any]) -> list[Any]:
        sent[0] += 1
        return raw(conn, stmt, values)

    monkeypatch.setattr(search_plans, "raw_rows", raw_counted)
    event.listen(conn, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(conn, "before_cursor_execute", count)


def test_each_words_matches_from_one_statement_are_its_own(network: App) -> None:
    """The one statement of several words gives each word the people and best tiers its
    own passes give (search.word_tiers), whatever the other words."""
    with network.uow() as conn:
        found = 0
        for start in range(0, len(WORDS), 3):
            words = WORDS[start : start + 3]
            together = search_words.word_tiers(conn, words)
            for token, tiers in zip(words, together, strict=True):
                alone = search.word_tiers(conn, token)
                assert {int(pid): tier for pid, tier in tiers.items()} == alone, token
                found += len(set(alone.values()))
    assert found > 30  # words are found, at several tiers


def test_several_words_take_two_statements_to_four(
    network: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ids every word's index ranges find, then the tiers and reading order of the
    people all the words share: two statements when they fill the page below the
    substring tier; else the trigram look-ups too and the tiers of everyone then found,
    three or four (PostgreSQL reads the ranges with their tiers: three)."""
    postgres = network.engine.dialect.name == "postgresql"
    with network.uow() as conn:
        two = 0
        for query in QUERIES:
            want = search.search_people(conn, query, limit=None)
            with counted(conn, monkeypatch) as sent:
                page = search.search_people(conn, query, limit=5, offset=1)
            assert page == want[1:6], query
            filled = len(want) >= 6 and want[5][1] < search.TIER_SUBSTRING
            if filled:
                assert sent[0] == 2, query
            elif postgres:  # the ranges with their tiers, the trigrams, the reading order
                assert sent[0] == 3 or (not want and sent[0] == 2), (query, sent[0])
            else:
                assert sent[0] in (3, 4) or (not want and sent[0] == 2), (query, sent[0])
            two += filled
        assert two >= 1  # a page is filled by the ranges alone
        assert any(search.search_people(conn, q, limit=3) for q in QUERIES)


@pytest.mark.parametrize("walk", [1, 40, 1200])
def test_one_word_pages_are_the_tier_by_tier_pages(
    network: App, monkeypatch: pytest.MonkeyPatch, walk: int
) -> None:
    """On both databases, page after page, the same people and tiers as the tiers read one
    by one (search.tier_by_tier), with the walk of what is remembered too short to fill a
    page, long enough, or in between; PostgreSQL sends four statements at most."""
    monkeypatch.setattr(search, "DENSE_WALK", walk)
    postgres = network.engine.dialect.name == "postgresql"
    with network.uow() as conn:
        full = 0
        for token in WORDS:
            for limit, offset in ((6, 0), (6, 6), (20, 0), (3, 30)):
                want = search.tier_by_tier(conn, token, limit + offset)[offset:]
                with counted(conn, monkeypatch) as sent:
                    page = search.search_people(conn, token, limit=limit, offset=offset)
                assert page == want, (token, limit, offset)
                if postgres:
                    assert sent[0] <= 4, (token, sent[0])
                full += len(page) == limit
    assert full > 40  # many full pages, several tiers deep


def test_dense_keys_walked_give_the_same_pages_on_postgresql_too(
    network: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every key dense (its letter walked), the walk short: the batched pages still agree
    with the tiers read one by one."""
    monkeypatch.setattr(search_pages, "TERMS_DENSE", 1)
    monkeypatch.setattr(search_pages, "WALK", 25)
    with network.uow() as conn:
        for token in ["た", "ta", "たか", "tak", "高", "s", "さと"]:
            for limit, offset in ((5, 0), (5, 5), (12, 3)):
                want = search.tier_by_tier(conn, token, limit + offset)[offset:]
                assert search.search_people(conn, token, limit=limit, offset=offset) == want
            assert search.search_people(conn, token, limit=5), token


def test_a_pages_search_hints_take_three_statements(
    network: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    with network.uow() as conn:
        hinted = 0
        for query in ["メガネ", "高橋", "京都 ランチ", "部長", "交流会"]:
            ids = [pid for pid, _ in search.search_people(conn, query, limit=20)]
            if not ids:
                continue
            with counted(conn, monkeypatch) as sent:
                hints = search_hints(conn, query, ids)
            assert sent[0] == 3, query
            assert set(hints) <= set(ids)
            hinted += sum(bool(h.field) for h in hints.values())
    assert hinted > 0  # some were found by what is remembered, and say where


def test_ids_alone_and_tiers_of_some_people_are_the_words_own(network: App) -> None:
    """The ids of the ranges alone (no tier a row) are everyone the ranges find; the
    tiers of some people read for them alone are theirs among everyone's, with their
    sort keys, in one statement."""
    from sqlalchemy import select

    from kinmyaku.storage.schema import people

    with network.uow() as conn:
        keys = {int(pid): key for pid, key in conn.execute(select(people.c.id, people.c.sort_key))}
        checked = 0
        for start in range(0, len(WORDS), 3):
            found = search_words.words_of(conn, WORDS[start : start + 3])
            full = search_words.word_sets(conn, found, search_words.LOW)
            ids = search_words.word_ids(conn, found, search_words.LOW)
            assert ids == [set().union(*tiers) for tiers in full]
            some = sorted({int(pid) for word in ids for pid in word})[::3]
            tiers, sort_keys = search_words.tiers_and_keys(conn, found, search_words.LOW, some)
            assert sort_keys == {pid: keys[pid] for pid in some}
            wanted = {str(pid) for pid in some}
            for mine, every in zip(tiers, full, strict=True):
                assert [set(t) for t in mine] == [set(t) & wanted for t in every]
            checked += len(some)
    assert checked > 100

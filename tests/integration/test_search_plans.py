"""The search statements built once per shape: executed with a word's values, or with
the values bound for composing (each word's parameters under its own prefix), they find
the same people, tier by tier, on SQLite and PostgreSQL; the tier-by-tier page and the
capped count agree with a full ranking."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from kinmyaku.bootstrap import App
from kinmyaku.services.demo import generate_demo
from kinmyaku.storage import search, search_plans
from kinmyaku.storage.schema import people

TODAY = date(2026, 11, 26)
WORDS = [
    "たかはし", "タカハシ", "takahashi", "Takahashi", "髙橋", "高", "橋", "佐藤", "sato",
    "ｻﾄｳ", "けんた", "kenta", "た", "t", "ta", "hashi", "090", "1234", "example.com",
    "@", "株式会社", "商事", "メモ", "交流会", "zzzz", "",
]  # fmt: skip


@pytest.fixture
def network(app: App) -> App:
    generate_demo(app.uow(), people=400, seed=3, today=TODAY)
    return app


def test_every_tier_of_every_word_agrees_bound_or_executed(network: App) -> None:
    with network.uow() as conn:
        checked = 0
        for token in WORDS:
            word = search_plans.word(conn, token)
            for tier in search_plans.TIERS:
                general = search._tier_parts(conn, token, tier)
                planned = search_plans.tier_parts(word.shape, tier)
                assert len(planned) == len(general), (token, tier)
                for part, plan in zip(general, planned, strict=True):
                    values = {k: v for k, v in word.values.items() if k in _names(plan)}
                    want = set(conn.execute(part).scalars())
                    assert set(conn.execute(plan, values).scalars()) == want, (token, tier)
                    checked += bool(want)
    assert checked > 30  # most words find someone at some tier


def _names(stmt: object) -> set[str]:
    return set(stmt.compile().params)  # type: ignore[attr-defined]


def test_counts_and_pages_of_the_plans_match_a_full_ranking(network: App) -> None:
    with network.uow() as conn:
        everyone = conn.execute(select(people.c.id)).scalars().all()
        assert len(everyone) >= 400
        for token in WORDS:
            ranked = conn.execute(
                select(search.matching_people(conn, token).subquery().c.person_id)
            ).scalars()
            total = len(set(ranked))
            assert search.count_matches_capped(conn, token, cap=10_000) == (total, True)
            capped = search.count_matches_capped(conn, token, cap=5)
            assert capped == (min(total, 5), total <= 5)
            pages = search.search_people(conn, token, limit=7, offset=0)
            pages += search.search_people(conn, token, limit=7, offset=7)
            full = search.search_people(conn, token, limit=None)
            assert pages == full[:14], token


def test_a_shape_is_built_once(network: App) -> None:
    with network.uow() as conn:
        first = search_plans.word(conn, "たなか")
        second = search_plans.word(conn, "すずき")
    assert first.shape == second.shape and first.values != second.values
    assert search_plans.count_statement(first.shape) is search_plans.count_statement(second.shape)


def test_the_words_of_a_query_keep_their_own_values(network: App) -> None:
    """Each word's parameters have their own names: "たかはし けんた" is everyone both
    words find, not the second word's matches twice."""

    def found(query: str) -> set[int]:
        with network.uow() as conn:
            matches = search.matching_people(conn, query).subquery()
            return set(conn.execute(select(matches.c.person_id)).scalars())

    for first, second in [("高橋", "健太"), ("sato", "株式会社"), ("た", "090")]:
        both = found(f"{first} {second}")
        assert both == found(first) & found(second), (first, second)
    assert found("佐藤 zzzz") == set()
    assert found("佐藤") - found("佐藤 高橋")  # narrowing really narrows


def test_raw_rows_expand_lists_as_sqlalchemy_does(network: App) -> None:
    """A statement with expanding lists (the ids a page has, a word's keys) executed
    straight through the driver gives the rows SQLAlchemy's own execution gives, for a
    list of several values, of one and of none; a tier's page statement too."""
    from sqlalchemy import bindparam

    from kinmyaku.storage import search_pages

    stmt = (
        select(people.c.id, people.c.sort_key)
        .where(
            people.c.id.not_in(bindparam("seen", expanding=True)),
            people.c.family_name.in_(bindparam("names", expanding=True)),
        )
        .order_by(people.c.sort_key, people.c.id)
        .limit(bindparam("limit"))
    )
    with network.uow() as conn:
        ids = list(conn.execute(select(people.c.id).order_by(people.c.id)).scalars())
        names = sorted({n for (n,) in conn.execute(select(people.c.family_name))})[:5]
        found = 0
        for seen in ([], ids[:1], ids[:40]):
            for listed in ([], names[:1], names):
                values = {"seen": seen, "names": listed, "limit": 30}
                want = [tuple(row) for row in conn.execute(stmt, values)]
                assert [tuple(r) for r in search_plans.raw_rows(conn, stmt, values)] == want
                found += len(want)
        assert found > 0
        word = search_plans.word(conn, "高橋")
        page = search_pages.page_statement(word.shape, search.TIER_EXACT, (), True)
        assert page is not None
        values = {**word.values, "seen": ids[:3], "limit": 5, "many": 20}
        want = [tuple(row) for row in conn.execute(page, values)]
        assert [tuple(r) for r in search_plans.raw_rows(conn, page, values)] == want

"""Substrings of names, readings and romaji through the trigram index (migration 0003)."""

from __future__ import annotations

from datetime import datetime

from alembic import command
from sqlalchemy import func, insert, select

from kinmyaku.bootstrap import App
from kinmyaku.services import people as svc
from kinmyaku.services.people import PersonInput
from kinmyaku.storage.database import make_engine
from kinmyaku.storage.migrate import alembic_config, current_revision, head_revision, upgrade
from kinmyaku.storage.schema import people, search_names, search_terms
from kinmyaku.storage.search import (
    TIER_EXACT,
    TIER_NAME,
    TIER_OTHER,
    TIER_SUBSTRING,
    search_people,
)
from kinmyaku.storage.search_index import substring_people


def _add(app: App, family: str, given: str, family_r: str, given_r: str, **kw: object) -> int:
    data = PersonInput(
        family_name=family,
        given_name=given,
        family_reading=family_r,
        given_reading=given_r,
        **kw,  # type: ignore[arg-type]
    )
    return svc.add_person(app.uow(), data)


def _found(app: App, query: str) -> dict[int, int]:
    with app.uow() as conn:
        return dict(search_people(conn, query, limit=None))


def test_substrings_of_name_reading_and_romaji(app: App) -> None:
    kenta = _add(app, "高橋", "健太", "たかはし", "けんた", phones=["090-1234-5678"])
    ishi = _add(app, "石橋", "誠", "いしばし", "まこと")
    sato = _add(app, "佐藤", "一", "さとう", "はじめ")
    for query, expected in [
        ("橋", {kenta, ishi}),  # one kanji
        ("橋健", {kenta}),  # across family and given name
        ("ハシ", {kenta}),  # two kana (いしばし has バシ)
        ("かはしけ", {kenta}),
        ("hashi", {kenta}),
        ("bashi", {ishi}),
        ("hajime", {sato}),  # the given name's romaji is a whole key (prefix tier)
        ("tohaji", {sato}),  # romaji across family and given name
        ("5678", {kenta}),  # the phone's last four digits
        ("34567", set()),  # inside a phone number but not a tail
        ("シバ", {ishi}),
    ]:
        assert set(_found(app, query)) == expected, query
    assert _found(app, "ハシ")[kenta] == TIER_SUBSTRING
    assert _found(app, "橋")[ishi] == TIER_SUBSTRING
    # A query never spans two keys (name line and reading line).
    assert _found(app, "太タ") == {}
    with app.uow() as conn:  # a double quote is not FTS5 query syntax here
        assert conn.execute(substring_people(conn, 'た"か')).all() == []


def test_rename_and_delete_keep_the_trigram_index_in_step(app: App) -> None:
    pid = _add(app, "山田", "太郎", "やまだ", "たろう")
    assert set(_found(app, "まだた")) == {pid}
    svc.edit_person(app.uow(), pid, PersonInput(family_name="山崎", family_reading="やまざき"))
    assert _found(app, "まだた") == {}
    assert set(_found(app, "まざきた")) == {pid}
    svc.delete_person(app.uow(), pid)
    assert _found(app, "まざきた") == {}
    assert _found(app, "崎") == {}
    with app.uow() as conn:
        assert conn.execute(select(func.count()).select_from(search_names)).scalar_one() == 0


def test_only_whole_keys_and_phone_tails_are_stored_as_terms(app: App) -> None:
    _add(app, "高橋", "健太", "たかはし", "けんた", phones=["090-1234-5678"])
    with app.uow() as conn:
        inside = conn.execute(
            select(search_terms.c.term, search_terms.c.field).where(search_terms.c.pos > 0)
        ).all()
    assert sorted(inside) == [("12345678", 6), ("5678", 6)]


def test_migration_0003_converts_an_existing_database(database_url: str) -> None:
    """Suffix rows written before 0003 are deleted; the names are indexed for substrings."""
    engine = make_engine(database_url)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0002")
    stamp = datetime(2026, 11, 26)
    with engine.begin() as conn:
        conn.execute(
            insert(people).values(
                id=1,
                family_name="高橋",
                given_name="健太",
                family_reading="タカハシ",
                given_reading="ケンタ",
                romaji="Takahashi Kenta",
                sort_key="タカハシケンタ",
                created_at=stamp,
                updated_at=stamp,
            )
        )
        conn.execute(
            insert(search_terms),
            [
                {"term": "高橋健太", "field": 1, "pos": 0, "person_id": 1, "whole": True},
                {"term": "橋健太", "field": 1, "pos": 1, "person_id": 1, "whole": False},
                {"term": "hashikenta", "field": 3, "pos": 2, "person_id": 1, "whole": False},
                {"term": "5678", "field": 6, "pos": 7, "person_id": 1, "whole": False},
            ],
        )
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        terms = conn.execute(select(search_terms.c.term).order_by(search_terms.c.term)).all()
        assert [t for (t,) in terms] == ["5678", "高橋健太"]
        for query in ("橋健", "hashi", "カハシケ"):
            assert search_people(conn, query, limit=None) == [(1, TIER_SUBSTRING)], query
    engine.dispose()


def test_downgrade_writes_the_suffix_rows_and_upgrade_removes_them(app: App) -> None:
    pid = _add(app, "高橋", "健太", "たかはし", "けんた", phones=["090-1234-5678"])
    config = alembic_config()
    with app.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0002")
    with app.engine.connect() as conn:
        inside = {
            tuple(row)
            for row in conn.execute(
                select(search_terms.c.term, search_terms.c.field, search_terms.c.pos).where(
                    search_terms.c.person_id == pid, search_terms.c.pos > 0
                )
            )
        }
    assert ("橋健太", 1, 1) in inside and ("カハシケンタ", 2, 1) in inside
    assert ("hashikenta", 3, 2) in inside and ("5678", 6, 7) in inside
    upgrade(app.engine)
    assert set(_found(app, "橋健")) == {pid}
    with app.uow() as conn:
        left = conn.execute(select(func.count()).where(search_terms.c.pos > 0)).scalar_one()
    assert left == 2  # the phone tails


def test_email_found_by_its_local_part_domain_and_whole_address(app: App) -> None:
    """The local part has no term of its own: the whole address's term starts with it."""
    kenta = _add(app, "高橋", "健太", "たかはし", "けんた", emails=["K.Ito@Example.co.jp"])
    other = _add(app, "伊藤", "一", "いとう", "はじめ", emails=["hajime@sample.jp"])
    for query in ("k.ito", "K.Ito", "k.i", "k.ito@example.co.jp", "example.co.jp", "exam"):
        assert _found(app, query) == {kenta: TIER_OTHER}, query
    assert _found(app, "sample") == {other: TIER_OTHER}
    with app.uow() as conn:
        terms = {
            t for (t,) in conn.execute(select(search_terms.c.term).where(search_terms.c.field == 5))
        }
    assert terms == {"k.ito@example.co.jp", "example.co.jp", "hajime@sample.jp", "sample.jp"}


def test_name_parts_are_found_exactly_through_the_cuts(app: App) -> None:
    """高橋 is 高橋健太 cut at 2: exact for 高橋健太, a prefix only for 高橋健太郎's 高橋健太."""
    kenta = _add(app, "高橋", "健太", "たかはし", "けんた")
    kentaro = _add(app, "高橋", "健太郎", "たかはし", "けんたろう")
    both = {kenta: TIER_EXACT, kentaro: TIER_EXACT}
    for query in ("高橋", "髙橋", "たかはし", "タカハシ", "takahashi", "Takahashi"):
        assert _found(app, query) == both, query
    for query in ("健太", "けんた", "kenta", "高橋健太", "takahashikenta"):
        assert _found(app, query) == {kenta: TIER_EXACT, kentaro: TIER_NAME}, query
    for query in ("健太高橋", "kentatakahashi"):
        assert _found(app, query) == {kenta: TIER_EXACT}, query
    for query in ("健太郎", "kentaro", "けんたろう", "たかはしけんたろう"):
        assert _found(app, query) == {kentaro: TIER_EXACT}, query
    assert _found(app, "高橋健") == {kenta: TIER_NAME, kentaro: TIER_NAME}
    with app.uow() as conn:
        rows = conn.execute(
            select(search_terms.c.term, search_terms.c.cut).where(
                search_terms.c.person_id == kenta, search_terms.c.field == 1
            )
        ).all()
    assert sorted(rows) == [("健太高橋", 2), ("高橋健太", 2)]


def test_migration_0004_downgrade_writes_the_parts_back(app: App) -> None:
    """Down: each cut becomes the part's row again; up: those rows still find the person."""
    pid = _add(app, "高橋", "健太", "たかはし", "けんた")
    config = alembic_config()
    with app.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
    with app.engine.connect() as conn:
        rows = conn.execute(
            select(search_terms.c.term, search_terms.c.field).where(
                search_terms.c.person_id == pid, search_terms.c.pos == 0
            )
        ).all()
    assert {(t, f) for t, f in rows if f == 1} == {
        ("高橋健太", 1),
        ("健太高橋", 1),
        ("高橋", 1),
        ("健太", 1),
    }
    assert {t for t, f in rows if f == 3} == {
        "takahashikenta",
        "kentatakahashi",
        "takahashi",
        "kenta",
    }
    upgrade(app.engine)
    with app.engine.connect() as conn:
        assert current_revision(conn.engine) == head_revision()
    assert _found(app, "高橋") == {pid: TIER_EXACT}
    assert _found(app, "けんた") == {pid: TIER_EXACT}

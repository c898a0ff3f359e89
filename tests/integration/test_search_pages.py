"""One-word pages read in reading order from the index (storage.search_pages): the walk of
a letter's terms, its fall-back to the key's range, and the sort key every search term
carries (written with the terms, followed by a trigger, filled by migration 0019), on
SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, func, inspect, select, text, update

from kinmyaku.bootstrap import App
from kinmyaku.services.backup import restore_backup, write_backup
from kinmyaku.services.demo import generate_demo
from kinmyaku.services.importing import import_files
from kinmyaku.services.people import PersonInput, add_person, edit_person
from kinmyaku.storage import search, search_pages, search_plans
from kinmyaku.storage.migrate import alembic_config, upgrade
from kinmyaku.storage.schema import people, search_terms

TODAY = date(2026, 11, 26)
DATA = Path(__file__).parent.parent / "data"
WORDS = [
    "た", "たか", "タカハシ", "ﾀｶﾊｼ", "t", "ta", "tak", "takahashi", "高", "高橋", "髙橋", "佐",
    "山", "さ", "sa", "sat", "satou", "k", "ken", "けん", "健", "a", "あ", "ん", "x", "0", "09",
    "090", "example", "株式会社", "メガネ", "zzzz",
]  # fmt: skip


@pytest.fixture
def network(app: App) -> App:
    generate_demo(app.uow(), people=400, seed=5, today=TODAY)
    return app


def _pages(conn: Connection) -> dict[tuple[str, int], list[tuple[int, int]]]:
    return {
        (word, offset): search.search_people(conn, word, limit=9, offset=offset)
        for word in WORDS
        for offset in (0, 9, 30)
    }


def _mismatched_sort_keys(conn: Connection) -> int:
    stmt = (
        select(func.count())
        .select_from(search_terms.join(people, people.c.id == search_terms.c.person_id))
        .where(search_terms.c.sort_key != people.c.sort_key)
    )
    return int(conn.execute(stmt).scalar_one())


@pytest.mark.parametrize(("dense", "walk"), [(1, 1), (1, 12), (1, 100_000), (40, 60)])
def test_walking_a_letter_and_reading_a_range_give_the_same_pages(
    network: App, monkeypatch: pytest.MonkeyPatch, dense: int, walk: int
) -> None:
    """Every key walked (its letter's terms in reading order), with a walk too short to
    fill the page (the range instead), long enough, or in between: the same people in
    the same order, page after page, as every key read as a range."""
    with network.uow() as conn:
        want = _pages(conn)
        assert search_pages.dense_keys(conn, search_plans.word(conn, "た")) == (False, False)
    monkeypatch.setattr(search_pages, "TERMS_DENSE", dense)
    monkeypatch.setattr(search_pages, "WALK", walk)
    with network.uow() as conn:
        assert search_pages.dense_keys(conn, search_plans.word(conn, "た")) == (True, True)
        assert _pages(conn) == want
    assert sum(len(page) == 9 for page in want.values()) >= 30  # full pages, many words
    assert any(0 < len(page) < 9 for page in want.values())  # and a last page


def test_the_exact_tier_reads_a_common_names_page_in_order(network: App) -> None:
    """高橋 found exactly as the part its joined key carries (ix_search_terms_cut): the
    exact tier first, then by reading, the same as the statement of every tier."""
    with network.uow() as conn:
        found = search.search_people(conn, "高橋", limit=None)
        exact = [pid for pid, tier in found if tier == search.TIER_EXACT]
        page = search.search_people(conn, "高橋", limit=3)
        keys = dict(conn.execute(select(people.c.id, people.c.sort_key)).all())
    assert len(exact) >= 3
    assert [pid for pid, _ in page] == exact[:3]
    assert [keys[pid] for pid in exact] == sorted(keys[pid] for pid in exact)


def test_every_term_carries_its_persons_sort_key_after_demo_add_edit_import_restore(
    app: App, second_app: App
) -> None:
    generate_demo(app.uow(), people=60, seed=2, today=TODAY)
    import_files(app.uow(), paths=[DATA / "vcard" / "japanese-iphone-30.vcf"])
    pid = add_person(
        app.uow(), PersonInput(family_name="髙橋", given_name="健太", family_reading="たかはし")
    )
    with app.uow() as conn:
        assert _mismatched_sort_keys(conn) == 0
        before = conn.execute(select(people.c.sort_key).where(people.c.id == pid)).scalar_one()
    edit_person(app.uow(), pid, PersonInput(family_name="渡辺", family_reading="わたなべ"))
    with app.uow() as conn:
        assert _mismatched_sort_keys(conn) == 0
        after = conn.execute(select(people.c.sort_key).where(people.c.id == pid)).scalar_one()
        assert after != before
        # A name changed by any other path: the trigger follows it.
        conn.execute(update(people).where(people.c.id == pid).values(sort_key="ン"))
        assert _mismatched_sort_keys(conn) == 0
        assert pid in {found for found, _ in search.search_people(conn, "わたなべ", limit=None)}
    buffer = io.BytesIO()
    write_backup(app.uow(), stream=buffer)
    buffer.seek(0)
    restore_backup(second_app.uow(), stream=buffer)
    with second_app.uow() as conn:
        assert _mismatched_sort_keys(conn) == 0
        terms = conn.execute(select(func.count()).select_from(search_terms)).scalar_one()
    assert terms > 600


def test_migration_0019_fills_the_sort_keys_of_existing_terms(app: App) -> None:
    """Down to 0018 (no sort key, no indexes, no trigger), terms written as before, then up:
    every term has its person's sort key and the search reads them."""
    generate_demo(app.uow(), people=30, seed=4, today=TODAY)
    config = alembic_config()
    with app.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0018")
    with app.engine.connect() as conn:
        assert "sort_key" not in {c["name"] for c in inspect(conn).get_columns("search_terms")}
        assert conn.execute(text("SELECT count(*) FROM search_terms")).scalar_one() > 100
    upgrade(app.engine)
    with app.uow() as conn:
        assert _mismatched_sort_keys(conn) == 0
        name = conn.execute(select(people.c.family_name).limit(1)).scalar_one()
        assert search.search_people(conn, name, limit=5)

"""A large import into a small SQLite database stages its search terms and rebuilds five
indexes once: it must write exactly what the row-by-row path writes, and a failed or dry
run must leave the schema as it was."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from import_tables import CARD, table_rows
from sqlalchemy import Connection, select

from kinmyaku.bootstrap import App, open_app
from kinmyaku.config import Settings
from kinmyaku.services import importing
from kinmyaku.services.importing import ImportFailed, import_files, undo_import
from kinmyaku.services.people import search_people
from kinmyaku.storage.bulk_index import DEFERRED, MIN_BYTES, staged_terms, worth_it
from kinmyaku.storage.schema import people, search_terms
from kinmyaku.storage.search_index import write_index_rows

FAMILY = [("髙橋", "たかはし"), ("山田", "やまだ"), ("佐藤", "さとう"), ("渡邊", "わたなべ")]
GIVEN = [("太郎", "たろう"), ("花子", "はなこ"), ("翔太", "しょうた"), ("美咲", "みさき")]


def _cards(count: int, seed: int = 7) -> list[str]:
    """Distinct people, and every tenth card the same e-mail as the card before it (an
    update of a person created earlier in the same import)."""
    rng = random.Random(seed)
    cards = []
    names: list[tuple[str, str, str, str]] = []
    for n in range(count):
        family, family_r = rng.choice(FAMILY)
        given, given_r = rng.choice(GIVEN)
        same = n - 1 if n % 10 == 9 else n
        # The update is the same person (same name and e-mail): a shared e-mail under
        # another name is no evidence of one person.
        name = names[same] if same != n else (family, f"{given}{n}", family_r, f"{given_r}{n}")
        names.append(name)
        cards.append(
            CARD.format(
                family=name[0],
                given=name[1],
                family_r=name[2],
                given_r=name[3],
                org=rng.choice(["株式会社金脈商事", "ミライソフト株式会社", "Acme Inc."]),
                email=f"p{same}@example.jp",
                tel=f"090-{n // 10000:04d}-{n % 10000:04d}",
            )
        )
    return cards


def _big_file(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "many.vcf"
    cards = _cards(4800)
    path.write_text("".join(cards[:2400]) + extra + "".join(cards[2400:]), encoding="utf-8")
    assert path.stat().st_size >= MIN_BYTES
    return path


@pytest.fixture
def two_sqlite_apps(tmp_path: Path, sqlite_template: Path) -> Iterator[tuple[App, App]]:
    apps = []
    for name in ("bulk", "plain"):
        path = tmp_path / f"{name}.sqlite3"
        shutil.copy(sqlite_template, path)
        apps.append(open_app(Settings(database_url=f"sqlite:///{path}", language="en")))
    yield apps[0], apps[1]
    for built in apps:
        built.close()


def _sort_settings(conn: Connection) -> tuple[int, int]:
    threads = int(conn.exec_driver_sql("PRAGMA threads").scalar_one())
    return threads, int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())


def _automerge(conn: Connection) -> int:
    row = conn.exec_driver_sql(
        "SELECT v FROM search_names_fts_config WHERE k = 'automerge'"
    ).first()
    return 4 if row is None else int(row[0])  # FTS5's default when the table has none


def _schema(conn: Connection) -> list[tuple[str, str]]:
    return [
        (str(name), str(sql))
        for name, sql in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            " ORDER BY name"
        )
    ]


def test_a_bulk_import_writes_exactly_what_the_plain_path_writes(
    two_sqlite_apps: tuple[App, App], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bulk, plain = two_sqlite_apps
    path = _big_file(tmp_path)
    with bulk.uow() as conn:
        assert worth_it(conn, path.stat().st_size)
        schema = _schema(conn)
        settings = _sort_settings(conn)
    assert {name for name, _ in schema} >= set(DEFERRED)
    staged = import_files(bulk.uow(), paths=[path])
    with bulk.uow() as conn:  # sorted with helper threads at the end, then as it was
        assert _sort_settings(conn) == settings
        # Written without foreign key checks: none is broken, and the checks are back on.
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    monkeypatch.setattr(importing, "worth_it", lambda conn, size: False)
    row_by_row = import_files(plain.uow(), paths=[path])
    assert (
        staged.counts
        == row_by_row.counts
        == {
            "created": 4320,
            "updated": 480,
            "unchanged": 0,
            "skipped": 0,
        }
    )
    assert table_rows(bulk) == table_rows(plain)
    with bulk.uow() as conn:
        assert _schema(conn) == schema
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
        # The names' trigram index matches its content and merges again, as by default.
        conn.exec_driver_sql(
            "INSERT INTO search_names_fts(search_names_fts) VALUES ('integrity-check')"
        )
        assert _automerge(conn) == 4
        terms = conn.execute(select(search_terms.c.person_id)).all()
        plan = " ".join(
            str(row[-1])
            for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT term FROM search_terms WHERE person_id = 5"
            )
        )
    assert len(terms) > 4800 * 10
    assert "ix_search_terms_person" in plan
    # Found by a variant kanji and by the reading, as on the row-by-row path.
    for query in ("高橋", "たかはし"):
        found = search_people(bulk.uow(), query, limit=5000)
        assert len(found) == len(search_people(plain.uow(), query, limit=5000)) > 0


def test_a_failed_or_dry_bulk_import_leaves_the_schema_and_data_as_they_were(
    sqlite_app: App, tmp_path: Path
) -> None:
    bad = _big_file(tmp_path, extra="BEGIN:VCARD\r\nVERSION:3.0\r\nN:悪;例;;;\r\nEMAIL:nope\r\n")
    with sqlite_app.uow() as conn:
        schema = _schema(conn)
        assert worth_it(conn, bad.stat().st_size)
    # --strict: the card that never ends stops the import (a lenient one keeps it).
    with pytest.raises(ImportFailed):
        import_files(sqlite_app.uow(), paths=[bad], strict=True)
    with sqlite_app.uow() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    dry = import_files(sqlite_app.uow(), paths=[bad], skip_bad=True, dry_run=True, strict=True)
    assert dry.counts["created"] > 0 and dry.import_id is None
    with sqlite_app.uow() as conn:
        assert _schema(conn) == schema
        assert conn.execute(select(people.c.id)).first() is None
        assert conn.execute(select(search_terms.c.term)).first() is None
        leftover = conn.exec_driver_sql(
            "SELECT name FROM sqlite_temp_master WHERE name = 'import_search_terms'"
        ).first()
    assert leftover is None
    # The same pooled connection imports again, staged, and keeps what it wrote.
    done = import_files(sqlite_app.uow(), paths=[bad], skip_bad=True, strict=True)
    assert done.counts["skipped"] == 1 and done.counts["created"] > 0
    with sqlite_app.uow() as conn:
        assert _schema(conn) == schema
    # Undone through the rebuilt indexes: no person and no search term is left.
    assert done.import_id is not None
    undo_import(sqlite_app.uow(), import_id=done.import_id)
    with sqlite_app.uow() as conn:
        assert conn.execute(select(people.c.id)).first() is None
        assert conn.execute(select(search_terms.c.term)).first() is None


def test_only_a_file_larger_than_the_database_is_staged(app: App, tmp_path: Path) -> None:
    path = _big_file(tmp_path)
    size = path.stat().st_size
    with app.uow() as conn:
        sqlite = conn.dialect.name == "sqlite"
        assert worth_it(conn, size) is sqlite  # PostgreSQL: always the row-by-row path
        assert not worth_it(conn, MIN_BYTES - 1)
    import_files(app.uow(), paths=[path])
    with app.uow() as conn:
        # 4,320 people now: a file must hold more than that (at 300 bytes a card) to stage.
        assert not worth_it(conn, size)
        assert worth_it(conn, 4320 * 300 + 1) is sqlite


def test_only_the_known_term_tables_go_into_the_sql(sqlite_app: App) -> None:
    with sqlite_app.uow() as conn, pytest.raises(ValueError, match="not a search terms table"):
        write_index_rows(conn, ["高橋", 1, 0, 1, True, 0], [], terms_table="people; DROP TABLE x")


def test_terms_come_seven_values_a_row(sqlite_app: App) -> None:
    """term, field, pos, person, whole, cut and the person's sort key (migration 0019)."""
    with sqlite_app.uow() as conn, pytest.raises(ValueError, match="7 values a row, not 6"):
        write_index_rows(conn, ["高橋", 1, 0, 1, True, 0], [])


def test_a_bulk_import_inside_an_open_transaction_keeps_its_foreign_keys(
    sqlite_app: App, tmp_path: Path
) -> None:
    """A composite's transaction is already open: the import stages, with the checks on."""
    path = _big_file(tmp_path)
    uow = sqlite_app.uow()
    with uow as conn:
        report = import_files(uow, paths=[path])
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    assert report.counts["created"] == 4320
    with sqlite_app.uow() as conn:
        assert conn.execute(select(search_terms.c.term)).first() is not None


def test_the_names_index_merges_no_segments_while_staged_and_as_before_after(
    sqlite_app: App,
) -> None:
    set_automerge = "INSERT INTO search_names_fts(search_names_fts, rank) VALUES ('automerge', ?)"
    with sqlite_app.uow() as conn:
        assert _automerge(conn) == 4
        with staged_terms(conn, True):
            assert _automerge(conn) == 0
        assert _automerge(conn) == 4
        conn.exec_driver_sql(set_automerge, (8,))  # a setting of the user's own stays
        with staged_terms(conn, True):
            assert _automerge(conn) == 0
        assert _automerge(conn) == 8
    with pytest.raises(RuntimeError), sqlite_app.uow() as conn, staged_terms(conn, True):
        raise RuntimeError("a failed import")
    with sqlite_app.uow() as conn:  # rolled back with the transaction
        assert _automerge(conn) == 8
        with staged_terms(conn, False):  # not staged: nothing changes
            assert _automerge(conn) == 8

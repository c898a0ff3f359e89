"""Crash safety: a SIGKILL at a random moment leaves a sound SQLite file holding all of the
interrupted operation or none of it (issue #15 point 4; tests/integration/crash_harness.py).

CI runs a few seeded kills per operation; ``benchmarks/crash_safety.py`` runs many.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from crash_harness import Forker, check_file, compare, digest, fresh_copy, kill_many
from crash_scenarios import SMALL, Scenarios

from kinmyaku.storage.database import make_engine

KILLS = 3
SEED = 15


@pytest.fixture(scope="module")
def forker() -> Iterator[Forker]:
    """The process that forks a child for each run (imported kinmyaku once)."""
    started = Forker()
    yield started
    started.close()


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> Scenarios:
    """The start files, built on first use."""
    return Scenarios(tmp_path_factory.mktemp("crash"), SMALL)


@pytest.mark.parametrize("name", Scenarios.QUICK)
def test_a_killed_operation_leaves_all_of_it_or_nothing(
    forker: Forker, scenarios: Scenarios, name: str, tmp_path: Path
) -> None:
    op = scenarios.operation(name)
    cal, kills = kill_many(forker, op, tmp_path, runs=KILLS, seed=SEED, reopen=1, strata=True)
    assert cal.before != cal.after
    assert len(kills) == KILLS
    for kill in kills:
        assert kill.problems == [], kill
        assert kill.outcome in ("before", "after"), kill
    assert any(not kill.finished for kill in kills), "no kill landed inside the operation"


@pytest.fixture
def sound(scenarios: Scenarios, tmp_path: Path) -> Path:
    """A copy of the imported start file (people, contact points, search index)."""
    return fresh_copy(scenarios.operation("merge").start, tmp_path / "sound.sqlite3")


def test_the_checks_pass_a_sound_file(sound: Path) -> None:
    assert check_file(sound) == []


def test_the_checks_see_an_index_row_without_its_content(sound: Path) -> None:
    with closing(sqlite3.connect(sound, isolation_level=None)) as conn:
        conn.execute(
            "INSERT INTO search_names_fts(rowid, name_keys, plain) VALUES (999999, 'ab', 'xyz')"
        )
    problems = check_file(sound)
    assert any("search_names_fts" in p and "content" in p for p in problems), problems


def test_the_checks_see_a_row_whose_parent_is_gone(sound: Path) -> None:
    with closing(sqlite3.connect(sound, isolation_level=None)) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("DELETE FROM people WHERE id = (SELECT min(person_id) FROM contact_points)")
    problems = check_file(sound)
    assert any(p.startswith("foreign_key_check") for p in problems), problems


def test_the_checks_see_a_damaged_page(sound: Path) -> None:
    size = sound.stat().st_size
    with sound.open("r+b") as handle:
        handle.seek(size // 2 // 4096 * 4096)
        handle.write(b"\xff" * 4096)
    problems = check_file(sound)
    assert problems and any("malformed" in p or "integrity_check" in p for p in problems)


def test_a_half_written_operation_is_told_apart(sound: Path, tmp_path: Path) -> None:
    before = digest(sound)
    after_path = shutil.copy(sound, tmp_path / "after.sqlite3")
    with closing(sqlite3.connect(after_path, isolation_level=None)) as conn:
        conn.execute("UPDATE people SET notes = 'after' WHERE id IN (SELECT id FROM people)")
        conn.execute("DELETE FROM contact_points WHERE kind = 'email'")
    after = digest(Path(after_path))
    with closing(sqlite3.connect(sound, isolation_level=None)) as conn:  # only half of it
        conn.execute("DELETE FROM contact_points WHERE kind = 'email'")
    assert compare(digest(sound), before, after)[0] == "partial"
    assert compare(before, before, after) == ("before", [])
    assert compare(after, before, after) == ("after", [])


def test_timestamps_count_as_set_or_not(sound: Path) -> None:
    before = digest(sound)
    with closing(sqlite3.connect(sound, isolation_level=None)) as conn:
        conn.execute("UPDATE people SET updated_at = '2030-01-01 00:00:00.000000'")
    assert digest(sound) == before


def test_the_engine_makes_committed_writes_durable(tmp_path: Path) -> None:
    """WAL with synchronous=FULL: a commit is on disk when it returns (docs/durability.md)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'durable.sqlite3'}")
    try:
        with engine.connect() as conn:
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar_one()
            synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar_one()
        assert (mode, synchronous) == ("wal", 2)  # 2: FULL
    finally:
        engine.dispose()


def test_the_benchmark_can_compare_normal_and_refuses_a_wrong_level(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'normal.sqlite3'}", synchronous="NORMAL")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar_one() == 1  # NORMAL
    finally:
        engine.dispose()
    with pytest.raises(ValueError, match="synchronous"):
        make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}", synchronous="FAST; DROP TABLE x")

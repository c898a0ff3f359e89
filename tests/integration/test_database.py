"""The SQLite engine: its connections' settings, and how values are bound."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kinmyaku.storage.database import make_engine


def test_bools_and_none_are_bound_as_sqlite_binds_them_without_an_adapter(
    tmp_path: Path,
) -> None:
    """True, False and None find their adapter at once, and are stored as 1, 0 and NULL."""
    engine = make_engine(f"sqlite:///{tmp_path / 'bind.sqlite3'}")
    assert (bool, sqlite3.PrepareProtocol) in sqlite3.adapters
    assert (type(None), sqlite3.PrepareProtocol) in sqlite3.adapters
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (a, b, c, d)")
            conn.exec_driver_sql("INSERT INTO t VALUES (?, ?, ?, ?)", (True, False, None, 7))
            stored = conn.exec_driver_sql(
                "SELECT typeof(a), a, typeof(b), b, typeof(c), typeof(d), d FROM t"
            ).one()
        assert tuple(stored) == ("integer", 1, "integer", 0, "null", "integer", 7)
        with engine.connect() as conn:  # and found again by the values bound
            found = conn.exec_driver_sql(
                "SELECT count(*) FROM t WHERE a = ? AND b = ? AND c IS ?", (True, False, None)
            ).scalar_one()
        assert found == 1
    finally:
        engine.dispose()


def test_postgresql_connections_run_without_the_jit_compiler(database_url: str) -> None:
    """kinmyaku's short reads never pay PostgreSQL's JIT compile (benchmarks/pg_jit.py)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name != "postgresql":
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                return
            assert conn.exec_driver_sql("SHOW jit").scalar() == "off"
            conn.rollback()
        with engine.connect() as conn:  # a pooled connection keeps it
            assert conn.exec_driver_sql("SHOW jit").scalar() == "off"
    finally:
        engine.dispose()


def test_postgresql_startup_options_of_the_url_are_kept(database_url: str) -> None:
    """JIT is turned off as a startup option, beside the options the URL gives itself."""
    if not database_url.startswith("postgresql"):
        pytest.skip("startup options are PostgreSQL's")
    sep = "&" if "?" in database_url else "?"
    engine = make_engine(f"{database_url}{sep}options=-cstatement_timeout%3D123456")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW jit").scalar() == "off"
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "123456ms"
    finally:
        engine.dispose()

"""Engine factory: SQLite (WAL, synchronous=FULL, foreign keys, busy timeout) or PostgreSQL.

docs/durability.md explains the SQLite settings: in WAL mode ``synchronous=FULL`` syncs the
WAL at every commit, so a transaction that has committed survives a power cut or an OS
crash (``NORMAL`` syncs only at checkpoints: it never corrupts the file, but can lose the
last commits).  benchmarks/durability.py measures what it costs.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url


def is_sqlite(engine_or_url: Engine | str) -> bool:
    """True when the database is SQLite."""
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


SYNCHRONOUS = "FULL"
"""SQLite's ``synchronous`` for every connection: FULL, so that a commit is durable."""
SYNCHRONOUS_LEVELS = ("OFF", "NORMAL", "FULL", "EXTRA")


def _sqlite_pragmas(synchronous: str) -> Any:
    def set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy drive transactions; set the pragmas each connection needs.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    return set_pragmas


def _same(value: Any) -> Any:
    return value


def bind_plainly() -> None:
    """Let Python's sqlite3 bind True, False and None without looking for an adapter.

    It binds an int, float or str as it is, but any other value (a bool, None) first goes
    through its adapter look-up, which fails with an AttributeError made and thrown away:
    about 0.2 us a value, and an import binds a dozen of them a person (every search term's
    ``whole``, the empty photo and birthday).  A registered adapter is found at once.  The
    values stored are the same: a bool as 1 or 0, None as NULL.  The registry is the
    process's (sqlite3's own), so this is done once, for every SQLite connection.
    """
    sqlite3.register_adapter(bool, int)
    sqlite3.register_adapter(type(None), _same)


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def make_engine(url: str, *, synchronous: str | None = None) -> Engine:
    """Create the engine for a database URL; the SQLite file's folder is created.

    ``synchronous`` is SQLite's setting (None: ``SYNCHRONOUS``, FULL; benchmarks compare
    NORMAL).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        synchronous = synchronous or SYNCHRONOUS
        if synchronous not in SYNCHRONOUS_LEVELS:
            raise ValueError(f"synchronous must be one of {SYNCHRONOUS_LEVELS}")
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        bind_plainly()
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas(synchronous))
        event.listen(engine, "begin", _sqlite_begin)
        if parsed.database and Path(parsed.database).is_absolute():
            from kinmyaku.storage import warm

            # Served: the server rolls its touch summary each new day (cli/server_upkeep.py).
            warm.report(url)
        return engine
    from kinmyaku.storage import warm

    given = warm.take(url)  # in a command served by the command server, maybe
    warm.report(url)
    return given or postgres_engine(url)


def postgres_engine(url: str) -> Engine:
    """A new PostgreSQL engine (``make_engine``'s; the command server keeps one warm)."""
    parsed = make_url(url)
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        connect_args={"options": _postgres_options(parsed.query.get("options"))},
    )


def _postgres_options(given: str | tuple[str, ...] | None) -> str:
    """The connection's startup options: the URL's own, and PostgreSQL's JIT compiler off.

    kinmyaku's statements are short reads of indexed rows, but a few carry per-row
    subqueries whose estimated cost passes ``jit_above_cost``: the server then spends
    80-90 ms compiling code for a query that runs in 300 ms (`kinmyaku due` at 100,000
    people: 690 -> 539 ms median with JIT off; benchmarks/pg_jit.py).
    The usual advice for OLTP work; a server-wide setting of the administrator's is
    overridden only for kinmyaku's own connections. Set as a startup option, it costs no
    round trip (a ``SET`` and its commit on each new connection took two: every command
    opens one).
    """
    own = [given] if isinstance(given, str) else list(given or ())
    return " ".join([*(o for o in own if o), "-c jit=off"])


def refresh_statistics(conn: Connection) -> None:
    """After a bulk load (the demo, a restore) on PostgreSQL: ANALYZE, in the caller's
    transaction, so that the next reads are planned on the new rows' statistics.

    Autovacuum analyses the tables by itself, but only a minute or more later: until then
    the planner takes the tables for empty, and a review at 100,000 people ran for minutes
    (a date index walked whole for every person). SQLite's planner keeps no such
    statistics unless asked (ANALYZE there would change its plans): nothing is done.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE")

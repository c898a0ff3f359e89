"""The server's background reads of everyone (the network graph, the duplicate count) run on
a lean connection (issue #17: the server's memory at 100,000 people): one read-only
transaction that never holds SQLite's write lock, a small page cache while it reads, its
pages freed and the connection's own cache size back afterwards."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import func, select

from kinmyaku.bootstrap import App
from kinmyaku.services.network import build_network
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.storage.schema import people
from kinmyaku.storage.uow import UnitOfWork
from kinmyaku.web.duplicate_count import DuplicateCount
from kinmyaku.web.upkeep import LEAN_CACHE_KIB, NetworkWarmup, lean_reads


def _pragma(raw: Any, name: str) -> int:
    cursor = raw.cursor()
    try:
        return int(cursor.execute(f"PRAGMA {name}").fetchone()[0])
    finally:
        cursor.close()


def test_a_lean_read_shares_one_small_cached_connection_then_restores_it(
    sqlite_app: App,
) -> None:
    add_person(sqlite_app.uow(), PersonInput(family_name="田中", given_name="一郎"))
    with lean_reads(sqlite_app.uow()) as uow:
        with uow as conn:
            raw = conn.connection.dbapi_connection
            assert _pragma(raw, "cache_size") == -LEAN_CACHE_KIB
            assert conn.execute(select(func.count()).select_from(people)).scalar_one() == 1
            with uow as inner:  # what the job's own blocks get: the same connection
                assert inner is conn
        # Only read: another connection writes meanwhile without waiting for the lock.
        started = time.monotonic()
        add_person(UnitOfWork(sqlite_app.engine, writes=True), PersonInput(family_name="佐藤"))
        assert time.monotonic() - started < 2
    assert raw is not None
    assert _pragma(raw, "cache_size") == -65536  # the pool's own setting, back


def test_the_warm_up_and_the_count_still_do_their_work(sqlite_app: App) -> None:
    for family, given in (("田中", "一郎"), ("田中", "一郎"), ("鈴木", "花子")):
        add_person(
            sqlite_app.uow(),
            PersonInput(family_name=family, given_name=given, emails=["ichiro@example.jp"]),
        )
    warm = NetworkWarmup(sqlite_app, min_people=1)
    warm.build()
    assert warm.builds == 1 and warm.ready.is_set()
    assert build_network(sqlite_app.uow(), today=sqlite_app.today()) is not None
    count = DuplicateCount(sqlite_app)
    count.refresh(force=True)
    assert count.value is not None and count.value >= 1

"""Writes at the same moment: they take turns, none fails with "database is locked".

On SQLite a write transaction begins IMMEDIATE (storage/uow.py), so a writer waits its turn
for the lock instead of failing when another committed after its first read; a busy
database that stays busy past the bound ends in a clear DatabaseBusy, in both languages;
:func:`retry_busy` runs a transaction that lost the race again.  PostgreSQL's deadlock
victim gets the same clear error.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Connection, event, func, insert, select, text, update

from kinmyaku.bootstrap import App, open_app
from kinmyaku.config import Settings
from kinmyaku.i18n import error_text
from kinmyaku.services import importing, relations
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.storage import retry
from kinmyaku.storage import uow as uow_module
from kinmyaku.storage.retry import DatabaseBusy, retry_busy
from kinmyaku.storage.schema import organizations, people, settings
from kinmyaku.storage.uow import UnitOfWork, reading

ROUNDS = 12
DAY = date(2026, 11, 20)


def _vcards(prefix: str, count: int) -> str:
    return "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:{prefix};太郎{i};;;\r\nFN:{prefix} 太郎{i}\r\n"
        f"EMAIL:{prefix}.{i}@example.jp\r\nEND:VCARD\r\n"
        for i in range(count)
    )


def _quick_add(core: App, n: int) -> None:
    """What the quick-add form does: a person and how we met, one transaction."""
    uow = core.uow()
    with uow:
        pid = add_person(uow, PersonInput(family_name="並行", given_name=f"花子{n}"))
        relations.record_encounter(uow, person_id=pid, on=DAY, channel="event")


def _log(core: App, n: int) -> None:
    relations.log_interaction(core.uow(), person_ids=[1], on=DAY, summary=f"ランチ {n}")


def _importer(folder: Path) -> Callable[[App, int], None]:
    def run(core: App, n: int) -> None:
        path = folder / f"thread-{n}.vcf"
        path.write_text(_vcards(f"取込{n}", 3), encoding="utf-8")
        importing.import_files(core.uow(), paths=[path])

    return run


def _cli(db: str, *args: str) -> subprocess.Popen[bytes]:
    kinmyaku = Path(sys.executable).with_name("kinmyaku")
    return subprocess.Popen(
        [str(kinmyaku), "--db", db, "--lang", "en", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_threads_and_processes_writing_at_once_all_succeed(sqlite_app: App, tmp_path: Path) -> None:
    core = sqlite_app
    add_person(core.uow(), PersonInput(family_name="高橋", given_name="健太"))
    db = core.settings.database_url
    bulk = tmp_path / "bulk.vcf"
    bulk.write_text(_vcards("一括", 150), encoding="utf-8")
    failures: list[BaseException] = []
    start = threading.Barrier(3)

    def writer(work: Callable[[App, int], None]) -> None:
        start.wait()
        for n in range(ROUNDS):
            try:
                work(core, n)
            except BaseException as error:
                failures.append(error)

    threads = [
        threading.Thread(target=writer, args=(work,))
        for work in (_quick_add, _log, _importer(tmp_path))
    ]
    processes = [
        _cli(db, "import", str(bulk)),
        _cli(db, "add", "山田", "太郎", "--company", "株式会社並行"),
        _cli(db, "log", "1", "--kind", "meal", "-m", "別のプロセスから"),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    outcomes = [
        (p.wait(timeout=120), (p.stderr.read() if p.stderr else b"").decode()) for p in processes
    ]
    assert failures == []
    assert all(code == 0 for code, _ in outcomes), outcomes
    with core.uow() as conn:
        count = conn.execute(select(func.count()).select_from(people)).scalar_one()
    # 1 + the quick adds + 3 a threaded import + the bulk import + the CLI's add
    assert count == 1 + ROUNDS + 3 * ROUNDS + 150 + 1


def test_people_of_one_new_company_added_at_once(app: App) -> None:
    """Two writers create the same new organization at the same moment (on PostgreSQL the
    second waits for the first and takes its row): both people are added, one company."""
    failures: list[BaseException] = []
    rounds = 6
    barrier = threading.Barrier(2)

    def adder(side: int) -> None:
        for n in range(rounds):
            barrier.wait(timeout=30)
            try:
                add_person(
                    app.uow(),
                    PersonInput(
                        family_name="同時", given_name=f"{side}-{n}", company=f"株式会社同時{n}"
                    ),
                )
            except BaseException as error:
                failures.append(error)

    threads = [threading.Thread(target=adder, args=(side,)) for side in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    with app.uow() as conn:
        orgs = conn.execute(
            select(func.count())
            .select_from(organizations)
            .where(organizations.c.name.like("株式会社同時%"))
        ).scalar_one()
        added = conn.execute(
            select(func.count()).select_from(people).where(people.c.family_name == "同時")
        ).scalar_one()
    assert (orgs, added) == (rounds, 2 * rounds)


def test_a_transaction_that_lost_the_race_runs_again(sqlite_app: App) -> None:
    """A DEFERRED transaction that read, then found another writer had committed, fails at
    its first write (no waiting can help); retry_busy runs it again and it goes through."""
    path = sqlite_app.engine.url.database
    assert path
    attempts: list[int] = []

    def work() -> None:
        attempts.append(1)
        uow = UnitOfWork(sqlite_app.engine, writes=False)
        with uow as conn:
            conn.execute(select(func.count()).select_from(people)).scalar_one()
            if len(attempts) == 1:  # another writer commits after this transaction's read
                other = sqlite3.connect(path, isolation_level=None)
                other.execute("INSERT INTO settings (key, value) VALUES ('race', '1')")
                other.close()
            conn.execute(insert(settings).values(key=f"mine{len(attempts)}", value="x"))

    retry_busy(work)
    assert len(attempts) == 2
    with sqlite_app.uow() as conn:
        keys = set(conn.execute(select(settings.c.key)).scalars())
    assert {"race", "mine2"} <= keys and "mine1" not in keys


def test_a_write_begins_immediate_and_waits_its_turn(sqlite_app: App) -> None:
    """The same race with a writer's transaction: it holds the lock from its BEGIN."""
    path = sqlite_app.engine.url.database
    assert path
    with sqlite_app.uow() as conn:
        conn.execute(select(func.count()).select_from(people)).scalar_one()
        other = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("INSERT INTO settings (key, value) VALUES ('race', '1')")
        other.close()
        conn.execute(insert(settings).values(key="mine", value="x"))
    with reading(), sqlite_app.uow() as conn:  # a reader only reads: it takes no lock
        conn.execute(select(func.count()).select_from(people)).scalar_one()
        other = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        other.execute("INSERT INTO settings (key, value) VALUES ('race', '1')")
        other.close()


def test_busy_past_the_bound_is_a_clear_error(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retry, "BUDGET", 0.6)
    core = open_app(Settings(database_url=sqlite_url, language="en"))

    def short_wait(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=50")

    event.listen(core.engine, "connect", short_wait)
    core.engine.dispose()  # new connections, with the short busy timeout
    path = core.engine.url.database
    assert path
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        began = time.monotonic()
        with pytest.raises(DatabaseBusy) as caught:
            add_person(core.uow(), PersonInput(family_name="待ち", given_name="太郎"))
        waited = time.monotonic() - began
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert 0.5 <= waited < 5
    assert caught.value.status == 503
    assert error_text("en", caught.value) == "The database is busy; try again"
    assert (
        error_text("ja", caught.value) == "データベースが混み合っています。もう一度お試しください"
    )
    add_person(core.uow(), PersonInput(family_name="待ち", given_name="太郎"))  # free again
    core.close()


def test_retry_busy_gives_up_at_the_bound_and_passes_other_errors() -> None:
    clock = [0.0]
    calls: list[int] = []

    def busy() -> None:
        calls.append(1)
        raise DatabaseBusy()

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    with pytest.raises(DatabaseBusy):
        retry_busy(busy, budget=2.0, sleep=sleep, clock=lambda: clock[0])
    assert 5 < len(calls) < 100 and 2.0 <= clock[0] < 2.3
    with pytest.raises(ZeroDivisionError):
        retry_busy(lambda: 1 // 0)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_postgresql_deadlock_victim_gets_the_clear_error(app: App) -> None:
    """Two transactions lock two tables in opposite orders: PostgreSQL ends one of them."""
    outcome: list[str] = []
    ready = threading.Barrier(2)

    def lock_both(first: str, second: str) -> None:
        try:
            with app.uow() as conn:
                _lock(conn, first)
                ready.wait()
                time.sleep(0.2)
                _lock(conn, second)
            outcome.append("done")
        except DatabaseBusy:
            outcome.append("busy")

    threads = [
        threading.Thread(target=lock_both, args=("people", "settings")),
        threading.Thread(target=lock_both, args=("settings", "people")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcome) == ["busy", "done"]
    with app.uow() as conn:  # the database goes on
        conn.execute(update(settings).where(settings.c.key == "none").values(value="x"))


def _lock(conn: Connection, table: str) -> None:
    conn.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))


WRITER = r"""
import sys, threading, time
from datetime import date
from kinmyaku.bootstrap import open_app
from kinmyaku.config import Settings
from kinmyaku.domain.insights import DEFAULT_PARAMS
from kinmyaku.services.insights_summary import ensure_touch_summary
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.storage.retry import DatabaseBusy
from kinmyaku.storage.uow import reading

url, side, threads, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
core = open_app(Settings(database_url=url, language="en", today="2026-11-26"), migrate=False)
failures, waits = [], []
start = threading.Barrier(threads + 1)

DAY = date(2026, 11, 26)

def writer(n):
    start.wait()
    for r in range(rounds):
        began = time.monotonic()
        try:
            if n % 3 == 2:  # a page's refresh: begun as a reader, then the writer (take_turn)
                with reading():
                    ensure_touch_summary(core.uow(), today=DAY, params=DEFAULT_PARAMS)
            else:
                name = PersonInput(family_name="並行", given_name=f"{side}-{n}-{r}")
                add_person(core.uow(), name)
        except DatabaseBusy as error:
            failures.append(repr(error))
        waits.append(time.monotonic() - began)

workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
for w in workers:
    w.start()
start.wait()
for w in workers:
    w.join()
print(len(failures), f"{max(waits):.3f}", flush=True)
"""


def test_two_processes_of_many_writers_none_fails(sqlite_app: App) -> None:
    """Two server workers' worth of writers (each process 6 threads: quick adds, and page
    refreshes that begin as readers) on one SQLite file: every transaction gets its turn
    (first come, first served in a process; storage/write_turn.py), none ends busy."""
    db = sqlite_app.settings.database_url
    threads, rounds = 6, 6
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, db, side, str(threads), str(rounds)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for side in ("a", "b")
    ]
    outcomes = [p.communicate(timeout=300) for p in processes]
    assert all(p.returncode == 0 for p in processes), [err.decode() for _, err in outcomes]
    failed = [int(out.split()[0]) for out, _ in outcomes]
    assert failed == [0, 0], outcomes
    with sqlite_app.uow() as conn:
        added = conn.execute(
            select(func.count()).select_from(people).where(people.c.family_name == "並行")
        ).scalar_one()
    assert added == 2 * 4 * rounds  # 4 of the 6 threads add


def test_writers_waiting_their_turn_leave_the_connections_to_readers(sqlite_app: App) -> None:
    """Writers queue before they take a connection: with more of them waiting than the pool
    holds (5 + 10 overflow), a reader still gets one at once."""
    waiting = 20
    done: list[int] = []
    holder = sqlite_app.uow()
    with holder as conn:  # this transaction holds the write turn while the others queue
        conn.execute(insert(settings).values(key="first", value="x"))

        def writer(n: int) -> None:
            with sqlite_app.uow() as conn:
                conn.execute(insert(settings).values(key=f"queued {n}", value="x"))
            done.append(n)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(waiting)]
        for thread in threads:
            thread.start()
        turn = conn.info[uow_module.TURN]
        deadline = time.monotonic() + 10
        while turn.waiting() < waiting and time.monotonic() < deadline:
            time.sleep(0.01)
        assert turn.waiting() == waiting
        began = time.monotonic()
        with reading(), sqlite_app.uow() as reader:
            count = reader.execute(select(func.count()).select_from(people)).scalar_one()
        assert count == 0 and time.monotonic() - began < 5
        assert done == []
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(done) == list(range(waiting))

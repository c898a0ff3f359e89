"""Restore drill: back up a live 100,000-person database, check the backup, restore it, and
prove that every table came back (row counts and a SHA-256 of every row, in key order).

Run: .venv/bin/python benchmarks/restore_drill.py [--db /tmp/d100k.sqlite3] [--people 100000]
     [--repeat 3] [--pg postgresql+psycopg://postgres@127.0.0.1:55445/postgres]

``--db`` names a demo database (``kinmyaku --db PATH demo --people 100000``); it is built
there when missing and never written: the drill works on a copy (upgraded to the newest
schema when opened).  In the same process:

* baseline: a plain file copy of the database (``shutil.copyfile``, the server stopped);
* ``write_snapshot``: SQLite's online backup API, the credentials wiped from the copy, the
  full check (integrity_check, foreign_key_check, FTS5 integrity-check on a scratch copy,
  revision, counts), fsync and rename; once more with ``--gzip``; and once while another
  thread keeps adding people (the backup must not stop writers);
* restore by copying the backup into place, then compare every table with the live one;
* the JSON way: ``write_backup``, ``check_backup`` (a restore into a scratch SQLite file),
  ``restore_backup`` into an empty database, compare every table but the derived ones;
* with ``--pg``: the same data restored into a scratch PostgreSQL database, ``pg_dump``
  snapshot and check, ``pg_restore`` into another scratch database, compare.

Prints wall times (median of ``--repeat``), sizes, the ratio against the plain copy, peak RSS
after each step, and the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kinmyaku.bootstrap import App, open_app
from kinmyaku.config import Settings
from kinmyaku.services.backup import restore_backup, write_backup
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.services.snapshots import write_snapshot
from kinmyaku.services.snapshots_check import check_backup, restore_pgdump, table_digests

Digests = dict[str, tuple[int, str]]


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, action: Callable[[], Any], rows: list[list[str]]) -> tuple[float, Any]:
    """Run ``action`` once, record its wall time and the peak RSS after it."""
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    rows.append([label, f"{seconds:.2f} s", f"{rss_mb():.0f} MB"])
    print(f"  {label}: {seconds:.2f} s (peak RSS {rss_mb():.0f} MB)", flush=True)
    return seconds, result


def digests(app: App, *, derived: bool = True) -> Digests:
    """Every table's row count and content digest."""
    with app.uow() as conn:
        return table_digests(conn, derived=derived)


def same(label: str, left: Digests, right: Digests) -> None:
    """Stop the drill when a table differs."""
    differ = sorted(n for n in left.keys() | right.keys() if left.get(n) != right.get(n))
    if differ:
        raise SystemExit(f"DRILL FAILED ({label}): tables differ: {differ}")
    rows = sum(count for count, _ in left.values())
    print(f"  {label}: {len(left)} tables, {rows:,} rows identical", flush=True)


def ensure_demo(path: Path, people: int) -> None:
    """Build the demo database when it does not exist yet."""
    if path.exists():
        return
    print(f"building {path} with {people} people ...", flush=True)
    kinmyaku = Path(sys.executable).with_name("kinmyaku")
    subprocess.run(
        [str(kinmyaku), "--db", str(path), "demo", "--people", str(people), "--seed", "1"],
        check=True,
    )


def with_writer(app: App, action: Callable[[], Any]) -> tuple[Any, int, int, float]:
    """Run ``action`` while another thread adds people: (result, writes done, writes failed,
    the slowest write in seconds)."""
    add_person(app.uow(), PersonInput(family_name="訓練", given_name="0"))  # warm: readings
    stop = threading.Event()
    done = [0, 0]
    slowest = [0.0]

    def write() -> None:
        number = 0
        while not stop.is_set():
            number += 1
            started = time.perf_counter()
            try:
                add_person(app.uow(), PersonInput(family_name="訓練", given_name=f"{number}"))
                done[0] += 1
            except Exception as error:  # counted: the drill reports any failed write
                done[1] += 1
                print(f"  writer: {error}", flush=True)
            slowest[0] = max(slowest[0], time.perf_counter() - started)
            time.sleep(0.005)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        result = action()
    finally:
        stop.set()
        writer.join()
    return result, done[0], done[1], slowest[0]


def sqlite_drill(app: App, work: Path, repeat: int, rows: list[list[str]]) -> None:
    """The SQLite drill: copy baseline, snapshots, restore by copy, the JSON way."""
    live_path = Path(str(app.engine.url.database))
    app.engine.dispose()  # everything checkpointed: the plain copy is the whole database
    _, live = timed("digest of every table (live)", lambda: digests(app), rows)
    copies = []
    for _ in range(repeat):
        target = work / "plain-copy.sqlite3"
        started = time.perf_counter()
        shutil.copyfile(live_path, target)
        copies.append(time.perf_counter() - started)
        target.unlink()
    baseline = statistics.median(copies)
    rows.append(["baseline: plain file copy (median)", f"{baseline:.2f} s", ""])
    print(f"  baseline copy: {baseline:.2f} s", flush=True)
    snaps = []
    folder = work / "backups"
    for number in range(repeat):
        seconds, snap = timed(
            f"write_snapshot, run {number + 1}",
            lambda: write_snapshot(app.engine, folder=folder, keep=repeat),
            rows,
        )
        snaps.append(seconds)
    median = statistics.median(snaps)
    rows.append(
        [
            f"write_snapshot median ({snap.size / 1e6:.0f} MB), ratio to the copy",
            f"{median:.2f} s",
            f"x{median / baseline:.1f}",
        ]
    )
    _, report = timed("check_backup of the snapshot alone", lambda: check_backup(snap.path), rows)
    assert report.ok, [p.text("en") for p in report.problems]
    _, packed = timed(
        "write_snapshot --gzip",
        lambda: write_snapshot(app.engine, folder=folder, keep=repeat + 1, compress=True),
        rows,
    )
    rows.append(["  gzip size", f"{packed.size / 1e6:.0f} MB", f"{packed.size / snap.size:.2f}"])
    print(f"  gzip: {packed.size / 1e6:.0f} MB of {snap.size / 1e6:.0f} MB", flush=True)

    restored_path = work / "restored.sqlite3"
    timed(
        "restore: copy the backup into place",
        lambda: shutil.copyfile(snap.path, restored_path),
        rows,
    )
    restored = open_app(Settings(database_url=f"sqlite:///{restored_path}", language="en"))
    _, back = timed("digest of every table (restored copy)", lambda: digests(restored), rows)
    restored.close()
    same("snapshot restored by copy", live, back)

    exported = work / "backup.json"

    def export() -> None:
        with exported.open("wb") as stream:
            write_backup(app.uow(), stream=stream)

    timed("JSON backup (write_backup)", export, rows)
    _, json_report = timed("check_backup of the JSON", lambda: check_backup(exported), rows)
    assert json_report.ok, [p.text("en") for p in json_report.problems]
    empty = open_app(Settings(database_url=f"sqlite:///{work / 'from-json.sqlite3'}"))

    def restore() -> None:
        with exported.open("rb") as stream:
            restore_backup(empty.uow(), stream=stream)

    timed("JSON restore into an empty database", restore, rows)
    same("JSON restore", digests(app, derived=False), digests(empty, derived=False))
    empty.close()
    (work / "from-json.sqlite3").unlink()

    (snap_live, writes, failed, slowest) = with_writer(
        app, lambda: write_snapshot(app.engine, folder=folder, keep=repeat + 2)
    )
    note = f"{writes} writes meanwhile, {failed} failed, slowest {slowest * 1000:.0f} ms"
    rows.append(["write_snapshot while a writer adds people", f"{snap_live.seconds:.2f} s", note])
    print(f"  with a writer: {snap_live.seconds:.2f} s, {note}", flush=True)
    if failed:
        raise SystemExit("DRILL FAILED: a write failed during the backup")


def pg_drill(app: App, admin: str, work: Path, rows: list[list[str]]) -> None:
    """The PostgreSQL drill: load the data, pg_dump snapshot, pg_restore, compare."""
    names: list[str] = []

    def scratch() -> str:
        name = f"kinmyaku_drill_{uuid.uuid4().hex[:8]}"
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        names.append(name)
        return make_url(admin).set(database=name).render_as_string(hide_password=False)

    try:
        source = open_app(Settings(database_url=scratch(), language="en"))
        with (work / "backup.json").open("rb") as stream:
            timed(
                "PostgreSQL: load the data (JSON restore)",
                lambda: restore_backup(source.uow(), stream=stream),
                rows,
            )
        _, live = timed("PostgreSQL: digest (live)", lambda: digests(source), rows)
        _, snap = timed(
            "PostgreSQL: write_snapshot (pg_dump + check)",
            lambda: write_snapshot(source.engine, folder=work / "pg-backups"),
            rows,
        )
        rows.append(["  pg_dump size", f"{snap.size / 1e6:.0f} MB", ""])
        target_url = scratch()
        timed(
            "PostgreSQL: pg_restore into a scratch database",
            lambda: restore_pgdump(snap.path, url=make_url(target_url)),
            rows,
        )
        target = open_app(Settings(database_url=target_url, language="en"))
        same("pg_dump restored", live, digests(target))
        target.close()
        source.close()
    finally:
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def main() -> None:
    """Run the drill and print the table for docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/d100k.sqlite3"))
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", help="admin URL of a PostgreSQL server for the pg_dump drill")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    args = parser.parse_args()
    ensure_demo(args.db, args.people)
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="kinmyaku-drill-", dir=args.work) as folder:
        work = Path(folder)
        live_path = work / "live.sqlite3"
        shutil.copyfile(args.db, live_path)
        _, app = timed(
            "open the copy (upgrade to the newest schema)",
            lambda: open_app(Settings(database_url=f"sqlite:///{live_path}", language="en")),
            rows,
        )
        sqlite_drill(app, work, args.repeat, rows)
        if args.pg:
            pg_drill(app, args.pg, work, rows)
        app.close()
    print()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print("| step | time | note |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print("DRILL PASSED")


if __name__ == "__main__":
    main()

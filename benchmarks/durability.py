"""Benchmark: what ``synchronous=FULL`` costs against ``NORMAL`` (SQLite in WAL mode).

Run: .venv/bin/python benchmarks/durability.py [--repeat 5] [--writes 2000] [--cards 5000]
     [--people 5000] [--work DIR] [--only commits,small,import,demo,restore]

In the same process, the same workloads on fresh copies of one migrated SQLite file, the two
settings taking turns (NORMAL, FULL, NORMAL, FULL ...) so that the machine's load falls on
both alike:

* bare commits: ``--writes`` transactions of one row each on the driver's connection (what
  the setting costs a commit, with almost no CPU around it);
* small writes, each its own transaction as the app's quick add and ``log`` do: half
  ``add_person`` (a name, a phone, an e-mail, a company), half ``log_interaction``;
* one import of ``--cards`` vCard 3.0 cards (one transaction; benchmarks/importing.py's cards);
* ``kinmyaku demo`` of ``--people`` people, and the restore of its JSON backup (one
  transaction each).

Prints the median of each and the ratio FULL / NORMAL, and the cost a commit.  The file
must be on a real disk (not tmpfs): the difference is the fsync of the WAL at each commit.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from kinmyaku.bootstrap import App
from kinmyaku.config import Settings
from kinmyaku.services.backup import restore_backup, write_backup
from kinmyaku.services.demo import generate_demo
from kinmyaku.services.importing import import_files
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.services.relations import log_interaction
from kinmyaku.storage.database import make_engine
from kinmyaku.storage.migrate import upgrade

sys.path.insert(0, str(Path(__file__).parent))
from importing import generate as write_cards

MODES = ("NORMAL", "FULL")
TODAY = date(2026, 11, 26)
FAMILY = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村")
GIVEN = ("健太", "美咲", "翔", "陽菜", "大輔", "結衣", "蓮", "葵")


def open_copy(template: Path, path: Path, mode: str) -> App:
    """A fresh copy of the migrated template, its engine on ``synchronous=mode``."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, path)
    url = f"sqlite:///{path}"
    settings = Settings(database_url=url, language="en", today=TODAY.isoformat())
    return App(settings=settings, engine=make_engine(url, synchronous=mode))


def small_writes(app: App, writes: int) -> Callable[[], object]:
    """``writes`` transactions: half quick adds, then half logs with those people."""

    def run() -> None:
        ids = []
        for n in range(writes // 2):
            person = PersonInput(
                family_name=FAMILY[n % len(FAMILY)],
                given_name=f"{GIVEN[n % len(GIVEN)]}{n}",
                phones=[f"090-{n // 10000:04d}-{n % 10000:04d}"],
                emails=[f"p{n}@example.jp"],
                company="株式会社サンプル",
            )
            ids.append(add_person(app.uow(), person))
        for n in range(writes - writes // 2):
            log_interaction(app.uow(), person_ids=[ids[n % len(ids)]], on=TODAY, summary="ランチ")

    return run


def bare_commits(app: App, writes: int) -> Callable[[], object]:
    """``writes`` transactions of one small row each (the commit alone, almost no CPU)."""

    def run() -> None:
        with app.engine.connect() as conn:
            driver = conn.connection.driver_connection
            assert driver is not None
            driver.execute("CREATE TABLE IF NOT EXISTS bench_commits (n INTEGER, at TEXT)")
            for n in range(writes):
                driver.execute("BEGIN")
                driver.execute("INSERT INTO bench_commits VALUES (?, 'x')", (n,))
                driver.execute("COMMIT")

    return run


def timed(fn: Callable[[], object]) -> float:
    """Wall seconds of one call."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    """Run the workloads under both settings and print the medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--work", type=Path, default=None, help="A folder on a real disk.")
    parser.add_argument(
        "--only", default="commits,small,import,demo,restore", help="Which workloads (keys)."
    )
    args = parser.parse_args()
    only = set(args.only.split(","))
    work = args.work or Path(tempfile.mkdtemp(prefix="kinmyaku-durability-", dir="/var/tmp"))
    work.mkdir(parents=True, exist_ok=True)
    template = work / "template.sqlite3"
    template.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{template}")
    upgrade(engine)
    engine.dispose()
    cards = work / "cards.vcf"
    if "import" in only:
        write_cards(cards, args.cards)
    backup = work / "backup.json"
    if "restore" in only:
        demo = open_copy(template, work / "source.sqlite3", "NORMAL")
        generate_demo(demo.uow(), people=args.people, seed=1, today=TODAY)
        with backup.open("wb") as stream:
            write_backup(demo.uow(), stream=stream)
        demo.close()

    def restore(app: App) -> None:
        with backup.open("rb") as stream:
            restore_backup(app.uow(), stream=stream)

    every: dict[str, tuple[str, Callable[[App], Callable[[], object]]]] = {
        "commits": (
            f"{args.writes:,} bare commits (one row each)",
            lambda a: bare_commits(a, args.writes),
        ),
        "small": (
            f"{args.writes:,} small writes (quick add, log)",
            lambda a: small_writes(a, args.writes),
        ),
        "import": (
            f"import {args.cards:,} cards",
            lambda a: lambda: import_files(a.uow(), paths=[cards], jobs=0),
        ),
        "demo": (
            f"demo {args.people:,} people",
            lambda a: lambda: generate_demo(a.uow(), people=args.people, seed=1, today=TODAY),
        ),
        "restore": (f"restore {args.people:,} people", lambda a: lambda: restore(a)),
    }
    workloads = dict(every[key] for key in every if key in only)
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}; load {os.getloadavg()[0]:.1f}; files in {work}",
        flush=True,
    )
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.repeat):
        for name, workload in workloads.items():
            for mode in MODES:
                app = open_copy(template, work / f"run-{mode}.sqlite3", mode)
                try:
                    times.setdefault((name, mode), []).append(timed(workload(app)))
                finally:
                    app.close()
                print(f"  {name}, {mode}: {times[(name, mode)][-1]:.2f} s", flush=True)
    print(f"\nmedians of {args.repeat} runs; load at the end {os.getloadavg()[0]:.1f}\n")
    print("| workload | NORMAL | FULL | FULL / NORMAL | extra a commit |")
    print("|---|---:|---:|---:|---:|")
    for name in workloads:
        normal = statistics.median(times[(name, "NORMAL")])
        full = statistics.median(times[(name, "FULL")])
        commits = args.writes if "small" in name or "bare" in name else 1
        extra = (full - normal) / commits * 1000
        print(f"| {name} | {normal:.2f} s | {full:.2f} s | {full / normal:.2f}x | {extra:.2f} ms |")
    if args.work is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()

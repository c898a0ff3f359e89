"""Benchmark: SIGKILL kinmyaku's writing operations at many random moments, check every file.

Run: .venv/bin/python benchmarks/crash_safety.py [--runs 40] [--seed 15] [--ops import,demo]
     [--calibrations 3] [--work DIR] [--reopen N] [--small]

For each operation (import, import undo, restore, merge, merge undo, demo, the server's
summary roll, ``merge --auto`` and its undo, a bulk import with helper processes; see
tests/integration/crash_scenarios.py) the script runs it uninterrupted ``--calibrations``
times (the median time, and the state it leaves, which must be the same each time), then
``--runs`` times killed with SIGKILL after a delay drawn (seeded) uniformly over that
median time, and checks each file: ``PRAGMA integrity_check``, the FTS5 integrity checks,
``PRAGMA foreign_key_check``, all-or-nothing against the states before and after, and
that ``kinmyaku search`` works on it afterwards.

Prints a table: how many kills landed inside the operation, how many files held nothing of
it (``before``) or all of it (``after``), how many were partial or failed a check (both
must be 0), and how many left a ``-wal`` file with frames of the killed transaction that the
next opening ignored (``before``: not committed) or replayed (``after``: committed, not yet
copied into the database).  Exits 1 if any was partial or failed.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "integration")]
from crash_harness import Forker, Kill, kill_many  # noqa: E402
from crash_scenarios import SMALL, Scale, Scenarios  # noqa: E402


def row(name: str, unit: str, seconds: float, kills: list[Kill]) -> str:
    """One line of the table."""
    inside = sum(not k.finished for k in kills)
    outcomes = [k.outcome for k in kills]
    bad = sum(bool(k.problems) or k.outcome not in ("before", "after") for k in kills)
    wal = [k.outcome for k in kills if k.wal_bytes and not k.finished]
    delays = [k.delay for k in kills]
    return (
        f"| {name} | {unit} | {seconds:.2f} s | {len(kills)} | {inside} | "
        f"{outcomes.count('before')} | {outcomes.count('after')} | "
        f"{outcomes.count('partial')} | {bad} | "
        f"{wal.count('before')} / {wal.count('after')} | "
        f"{min(delays):.2f}-{max(delays):.2f} s |"
    )


def main() -> None:
    """Kill every chosen operation ``--runs`` times and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="Kills per operation.")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--ops", default=",".join(Scenarios.OPERATIONS))
    parser.add_argument("--calibrations", type=int, default=3)
    parser.add_argument(
        "--reopen", type=int, default=None, help="Reopen the app after the first N kills only."
    )
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--small", action="store_true", help="CI's smaller scenarios.")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kinmyaku-crash-", dir="/var/tmp"))
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; "
        f"load {os.getloadavg()[0]:.1f}; --runs {args.runs} --seed {args.seed}; files in {work}"
    )
    scenarios = Scenarios(work, SMALL if args.small else Scale())
    forker = Forker()
    lines, failures, started = [], [], time.perf_counter()
    try:
        for name in args.ops.split(","):
            op = scenarios.operation(name)
            folder = work / name
            folder.mkdir(exist_ok=True)
            cal, kills = kill_many(
                forker,
                op,
                folder,
                runs=args.runs,
                seed=args.seed,
                calibrations=args.calibrations,
                reopen=args.reopen,
            )
            lines.append(row(name, op.unit, cal.seconds, kills))
            print(lines[-1], flush=True)
            failures += [k for k in kills if k.problems or k.outcome not in ("before", "after")]
    finally:
        forker.close()
    minutes = (time.perf_counter() - started) / 60
    print(f"\n{minutes:.1f} min; load at the end {os.getloadavg()[0]:.1f}\n")
    print(
        "| operation | unit of commit | median time | kills | inside | before | after "
        "| partial | failed a check | WAL left: ignored / replayed | delays |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    print("\n".join(lines))
    for kill in failures:
        print(f"\n{kill.operation} killed at {kill.delay:.3f} s: {kill.outcome}")
        print("\n".join(f"  {problem}" for problem in kill.problems))
    if failures:
        sys.exit(1)
    print("\nno partial state, no check failed")


if __name__ == "__main__":
    main()

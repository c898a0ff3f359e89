"""Benchmark: the first ``kinmyaku stats`` of a day, served, with the command server's roll.

Run:  .venv/bin/python benchmarks/day_roll.py --db /tmp/d100k-copy.sqlite3 [--runs 3]
      .venv/bin/python benchmarks/day_roll.py --db postgresql+psycopg://.../copy

The database is written to (its touch summary): use a copy.  Each run first leaves the
summary as a day of use leaves it, as of yesterday (the review read on yesterday's date:
rebuilt, totals stored; not timed), starts a command server of its own (a private runtime
folder), then times the console script as a user runs it, in two ways:

- ``unknown``: the day's first command is ``stats --json``, on a server that has not served
  this database yet: the command rolls the summary itself (what every first ``stats``,
  ``review`` or ``due`` of a day paid before the server rolled databases);
- ``rolled``: a command (``search 高橋``) named the database to the server first; the
  server rolls the summary to today in a process of its own (cli/server_upkeep.py), as it
  does just after midnight for the databases it knows; once that is done, ``stats --json``.

and ``stats --json`` again (a normal call), median of the runs.  The ``rolled`` figure is
what the first call of a day costs when the server was running at midnight (it stays up
``KINMYAKU_COMMAND_SERVER_IDLE`` seconds after the last command, 600 by default); a first
command that starts the server runs in its own process and still rolls the summary itself.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from kinmyaku.bootstrap import open_app
from kinmyaku.config import Settings, database_url
from kinmyaku.services import insights
from kinmyaku.storage.schema import touch_summary_state

KINMYAKU = Path(sys.executable).with_name("kinmyaku")


def as_of(url: str) -> date | None:
    """The day the summary is for."""
    app = open_app(Settings(database_url=url), migrate=False)
    try:
        with app.uow() as conn:
            day = conn.execute(select(touch_summary_state.c.as_of)).scalar()
    finally:
        app.close()
    return None if day is None else date.fromisoformat(str(day)[:10])


def leave_yesterday(url: str) -> None:
    """The summary and its totals as yesterday's last review left them (not timed)."""
    yesterday = date.today() - timedelta(days=1)
    app = open_app(Settings(database_url=url), migrate=False)
    try:
        now = datetime.combine(yesterday, datetime.min.time())
        insights.network_review(app.uow(), today=yesterday, now=now)
    finally:
        app.close()


def timed(args: list[str], env: dict[str, str]) -> float:
    """Wall ms of one console-script run; fails on a non-zero exit."""
    start = time.perf_counter()
    done = subprocess.run(
        [str(KINMYAKU), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr.decode()[-500:]}")
    return elapsed


def with_server(url: str, first: list[str] | None) -> tuple[float, float, float]:
    """One run: a server of its own; ``first`` (if any) served first and the roll waited
    for; then the day's first ``stats`` and the next one. (first stats ms, next stats ms,
    seconds the summary took to be today's after ``first``)."""
    runtime = tempfile.mkdtemp(prefix="km-roll-", dir="/tmp")
    os.chmod(runtime, 0o700)
    env = {**os.environ, "KINMYAKU_RUNTIME_DIR": runtime, "KINMYAKU_COMMAND_SERVER_IDLE": "120"}
    env.pop("KINMYAKU_COMMAND_SERVER", None)
    base = ["--db", url, "--lang", "en"]
    try:
        # The server starts (the first command of all runs in its own process: --help).
        subprocess.run([str(KINMYAKU), "--help"], env=env, capture_output=True, check=True)
        for _ in range(600):
            if list(Path(runtime).glob("*.sock")):
                break
            time.sleep(0.1)
        waited = 0.0
        if first is not None:
            start = time.perf_counter()
            timed([*base, *first], env)
            while as_of(url) != date.today():
                time.sleep(0.05)
            waited = time.perf_counter() - start
        first_stats = timed([*base, "stats", "--json"], env)
        again = timed([*base, "stats", "--json"], env)
        return first_stats, again, waited
    finally:
        shutil.rmtree(runtime, ignore_errors=True)  # its server sees its socket gone, exits


def main() -> None:
    """Time both ways, interleaved, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a COPY: SQLite file or PostgreSQL URL")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    url = database_url(args.db)
    print(f"database: {args.db}; 1-min load at start {os.getloadavg()[0]:.1f}")
    found: dict[str, list[tuple[float, float, float]]] = {"unknown": [], "rolled": []}
    for _ in range(args.runs):
        for way, first in (("unknown", None), ("rolled", ["search", "高橋"])):
            leave_yesterday(url)
            found[way].append(with_server(url, first))
    print(f"{args.runs} runs each, interleaved; 1-min load at end {os.getloadavg()[0]:.1f}\n")
    print("| way | first stats of the day | stats again | first / again | roll done after |")
    print("|---|---:|---:|---:|---:|")
    for way, runs in found.items():
        first = statistics.median(r[0] for r in runs)
        again = statistics.median(r[1] for r in runs)
        waited = statistics.median(r[2] for r in runs)
        roll = f"{waited:.2f} s" if way == "rolled" else "-"
        print(f"| {way} | {first:.0f} ms | {again:.0f} ms | {first / again:.2f}x | {roll} |")


if __name__ == "__main__":
    main()

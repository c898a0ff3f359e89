"""Crash harness: run a kinmyaku operation in a child process, SIGKILL it, check the SQLite file.

A *forker* process (``python crash_harness.py serve``) imports the command line once and
forks a child for every run: the child runs ``kinmyaku.cli.main.run()`` with the given
arguments (exactly what the ``kinmyaku`` console script runs) or the server's daily
summary roll (``web.upkeep.DailySummary.refresh``), in a process group of its own, on a
copy of a prepared SQLite file.  Forking skips the second of imports a fresh ``kinmyaku``
pays, so a kill lands in the operation, not in Python's start, and a run costs what the
operation costs.

After a kill (``os.killpg(child, SIGKILL)``: the child and any helper process it started)
the file is checked as it was left, WAL and all:

* ``PRAGMA integrity_check`` is ``ok``;
* every FTS5 table passes ``INSERT INTO t(t) VALUES('integrity-check')`` (an external
  content table is compared with its content too);
* ``PRAGMA foreign_key_check`` is empty;
* atomicity: the digest of every table (row count and a hash of the rows, timestamps
  reduced to "set or not") equals the digest before the operation or the digest after an
  uninterrupted run of it, never a mix;
* the app reopens and works: ``kinmyaku search`` succeeds.

Every operation here writes in one transaction (the unit is the whole operation), so
"everything or nothing" is checked for the whole database.  The operations and their start
files: tests/integration/crash_scenarios.py.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import random
import selectors
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime

TODAY = date(2026, 11, 26)
Digest = dict[str, tuple[int, str]]
"""Table name -> (row count, hash of the rows)."""


# ---- the forker: one process that imported kinmyaku, forking a child per run -------------


def serve() -> None:
    """The forker's loop: a JSON job a line on stdin; ``started`` and ``ended`` on stdout."""
    for module in ("kinmyaku.cli.main", "kinmyaku.web.upkeep"):
        importlib.import_module(module)  # the imports a fresh ``kinmyaku`` pays, once

    out = sys.stdout
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(job)  # never returns
        out.write(json.dumps({"started": pid}) + "\n")
        out.flush()
        _, status = os.waitpid(pid, 0)
        out.write(json.dumps({"ended": pid, "status": os.waitstatus_to_exitcode(status)}) + "\n")
        out.flush()


def _child(job: dict[str, Any]) -> None:
    code = 1
    try:
        os.setpgid(0, 0)  # a group of its own: the kill takes its helper processes too
        log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        code = _run_job(job)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # reported in the log, and as the exit status
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _run_job(job: dict[str, Any]) -> int:
    if "argv" in job:
        from kinmyaku.cli.main import run

        sys.argv = ["kinmyaku", *job["argv"]]
        run()
        return 0
    from kinmyaku.bootstrap import open_app
    from kinmyaku.config import Settings
    from kinmyaku.web.upkeep import DailySummary

    roll = job["roll"]
    core = open_app(Settings(database_url=roll["url"], language="en", today=roll["today"]))
    upkeep = DailySummary(core)
    upkeep.refresh()  # what the server runs as it starts and after each midnight
    core.close()
    return 0 if upkeep.runs == 1 else 1


@dataclass
class Ran:
    """One run in a child: whether it ended by itself, its exit status, how long it ran."""

    finished: bool
    status: int
    seconds: float
    log: str


class Forker:
    """The harness's side of the forker process."""

    def __init__(self) -> None:
        env = {**os.environ, "KINMYAKU_LANG": "en", "PYTHONHASHSEED": "0"}
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
            env=env,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._in, self._out = self.proc.stdin, self.proc.stdout
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._out, selectors.EVENT_READ)

    def _message(self, timeout: float | None) -> dict[str, Any] | None:
        if not self._selector.select(timeout):
            return None
        line = self._out.readline()
        if not line:
            raise RuntimeError("the forker process stopped")
        return dict(json.loads(line))

    def run(self, job: dict[str, Any], log: Path, kill_after: float | None = None) -> Ran:
        """Run ``job`` in a child; SIGKILL its process group after ``kill_after`` seconds."""
        self._in.write((json.dumps({**job, "log": str(log)}) + "\n").encode())
        started = self._message(None)
        assert started is not None
        begun, pid = time.perf_counter(), int(started["started"])
        ended = self._message(kill_after)
        finished = ended is not None
        if ended is None:
            with suppress(ProcessLookupError):  # it ended just now
                os.killpg(pid, signal.SIGKILL)
            ended = self._message(None)
            assert ended is not None
        seconds = time.perf_counter() - begun
        return Ran(finished, int(ended["status"]), seconds, log.read_text(errors="replace"))

    def close(self) -> None:
        """Stop the forker (its stdin closes; it ends its loop)."""
        self._in.close()
        self.proc.wait(timeout=30)
        self._out.close()
        self._selector.close()


# ---- checks on a file left by a killed process -------------------------------------------


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to ``path`` (autocommit), closed at the end."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def fts5_tables(conn: sqlite3.Connection) -> list[str]:
    """The FTS5 tables of the database (``notes_fts``, ``search_names_fts``)."""
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
        " AND lower(sql) LIKE '%using fts5%' ORDER BY name"
    )
    return [str(name) for (name,) in rows]


def check_file(path: Path) -> list[str]:
    """The problems found in a SQLite file: integrity, FTS5 integrity, foreign keys."""
    try:
        with connect(path) as conn:
            return _check(conn)
    except sqlite3.DatabaseError as error:  # "database disk image is malformed"
        return [f"{type(error).__name__}: {error}"]


FTS5_CHECKS = (
    ("integrity-check", "INSERT INTO {t}({t}) VALUES ('integrity-check')"),
    # With rank 1 an external content table's index is compared with its content too
    # (both FTS5 tables here are: people.notes, search_names): SQLite 3.40's plain check
    # passes an index with rows its content does not have.
    (
        "integrity-check against the content",
        "INSERT INTO {t}({t}, rank) VALUES ('integrity-check', 1)",
    ),
)


def _check(conn: sqlite3.Connection) -> list[str]:
    problems: list[str] = []
    result = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        problems.append(f"integrity_check: {result[:5]}")
    tables = fts5_tables(conn)
    if not tables:
        problems.append("no FTS5 table found")
    for table in tables:
        for name, sql in FTS5_CHECKS:
            conn.execute("BEGIN")
            try:
                conn.execute(sql.format(t=table))
            except sqlite3.DatabaseError as error:
                problems.append(f"FTS5 {name} of {table}: {error}")
            finally:
                conn.execute("ROLLBACK")
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        problems.append(f"foreign_key_check: {len(broken)} rows, first {broken[:3]}")
    return problems


def digest(path: Path) -> Digest:
    """Every table's row count and a hash of its rows (a timestamp counts as set or not;
    a setting by its key: a restore may make new secrets)."""
    from kinmyaku.storage.schema import metadata

    result: Digest = {}
    with connect(path) as conn:
        for table in metadata.sorted_tables:
            names = ["key"] if table.name == "settings" else [c.name for c in table.columns]
            stamps = {c.name for c in table.columns if isinstance(c.type, DateTime)}
            select = ", ".join(f"{n} IS NOT NULL" if n in stamps else n for n in names)
            rows = sorted(repr(row) for row in conn.execute(f"SELECT {select} FROM {table.name}"))
            text = "\n".join(rows).encode()
            result[table.name] = (len(rows), hashlib.sha256(text).hexdigest()[:16])
    return result


def compare(found: Digest, before: Digest, after: Digest) -> tuple[str, list[str]]:
    """``before``, ``after`` or ``partial``, with the tables that are neither."""
    if found == before:
        return "before", []
    if found == after:
        return "after", []
    odd = [
        f"{name}: {found[name][0]} rows (before {before[name][0]}, after {after[name][0]})"
        for name in found
        if found[name] not in (before[name], after[name])
    ]
    mixed = sorted(n for n in found if found[n] == before[n] != after[n])
    moved = sorted(n for n in found if found[n] == after[n] != before[n])
    return "partial", [*odd, f"as before: {mixed}", f"as after: {moved}"]


# ---- operations and runs --------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """An operation to interrupt: its job for the forker and what its unit of commit is."""

    name: str
    start: Path
    """The prepared SQLite file the operation starts from (checkpointed, closed)."""
    job: Callable[[Path], dict[str, Any]]
    """The forker job for a copy of ``start`` at the given path."""
    unit: str = "one transaction"


@dataclass
class Kill:
    """What one interrupted run left."""

    operation: str
    delay: float
    finished: bool
    outcome: str
    problems: list[str] = field(default_factory=list)
    wal_bytes: int = 0
    """The size of the ``-wal`` file the kill left (before anything opened the file): frames
    that the next opening replays (committed) or ignores (not committed)."""


@dataclass
class Calibrated:
    """An operation's uninterrupted runs: their median time, the digests before and after."""

    seconds: float
    before: Digest
    after: Digest


def fresh_copy(start: Path, target: Path) -> Path:
    """Copy ``start`` to ``target``, removing a WAL or shared-memory file left there."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(start, target)
    return target


def calibrate(forker: Forker, op: Operation, work: Path, runs: int = 1) -> Calibrated:
    """Run ``op`` uninterrupted ``runs`` times: its median time and the state it leaves."""
    before = digest(op.start)
    times, afters = [], []
    for _ in range(runs):
        db = fresh_copy(op.start, work / f"{op.name}-whole.sqlite3")
        ran = forker.run(op.job(db), work / f"{op.name}-whole.log")
        if ran.status != 0:
            raise RuntimeError(f"{op.name} failed uninterrupted ({ran.status}):\n{ran.log}")
        problems = check_file(db)
        if problems:
            raise RuntimeError(f"{op.name} uninterrupted leaves {problems}")
        times.append(ran.seconds)
        afters.append(digest(db))
    if any(a != afters[0] for a in afters):
        raise RuntimeError(f"{op.name}: two uninterrupted runs leave different states")
    if afters[0] == before:
        raise RuntimeError(f"{op.name} changed nothing: nothing to interrupt")
    return Calibrated(statistics.median(times), before, afters[0])


def follow_up(forker: Forker, db: Path, log: Path) -> list[str]:
    """The app reopens the file and works: ``kinmyaku search`` ends with status 0."""
    problems = []
    for words in (["search", "田"],):
        ran = forker.run({"argv": cli_args(db, *words)}, log)
        if ran.status != 0 or "Traceback" in ran.log:
            problems.append(f"kinmyaku {' '.join(words)} failed ({ran.status}): {ran.log[-400:]}")
    return problems


def kill_once(
    forker: Forker, op: Operation, cal: Calibrated, work: Path, delay: float, reopen: bool = True
) -> Kill:
    """Run ``op`` on a fresh copy, SIGKILL it after ``delay`` s, and check what it left."""
    db = fresh_copy(op.start, work / f"{op.name}-killed.sqlite3")
    ran = forker.run(op.job(db), work / f"{op.name}-killed.log", kill_after=delay)
    if ran.finished and ran.status != 0:
        return Kill(op.name, delay, True, "failed", [f"exit {ran.status}: {ran.log[-400:]}"])
    wal = Path(f"{db}-wal")
    wal_bytes = wal.stat().st_size if wal.exists() else 0
    problems = check_file(db)
    outcome, odd = compare(digest(db), cal.before, cal.after)
    problems += odd
    if reopen:
        problems += follow_up(forker, db, work / f"{op.name}-follow.log")
    return Kill(op.name, delay, ran.finished, outcome, problems, wal_bytes)


def kill_many(
    forker: Forker,
    op: Operation,
    work: Path,
    *,
    runs: int,
    seed: int,
    calibrations: int = 1,
    reopen: int | None = None,
    strata: bool = False,
) -> tuple[Calibrated, list[Kill]]:
    """Calibrate, then kill ``op`` ``runs`` times at seeded random moments of its duration.

    The delays are uniform over the median uninterrupted time, or with ``strata`` one in
    each of ``runs`` equal slices of it (a few kills still spread over the whole operation);
    the app is reopened after the first ``reopen`` kills (None: after every kill).
    """
    cal = calibrate(forker, op, work, calibrations)
    rng = random.Random(f"{seed}:{op.name}")
    kills = []
    for index in range(runs):
        share = (index + rng.random()) / runs if strata else rng.random()
        again = reopen is None or index < reopen
        kills.append(kill_once(forker, op, cal, work, share * cal.seconds, reopen=again))
    return cal, kills


# ---- command lines -----------------------------------------------------------------------


def cli_args(db: Path, *words: str) -> list[str]:
    """``kinmyaku --db DB --lang en --today 2026-11-26 WORDS...``."""
    return ["--db", str(db), "--lang", "en", "--today", TODAY.isoformat(), *words]


if __name__ == "__main__" and sys.argv[1:] == ["serve"]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    serve()

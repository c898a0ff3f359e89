"""Benchmark: a served PostgreSQL command with the command server's spare connection or without.

Run:  .venv/bin/python benchmarks/served_connection.py \
          --db postgresql+psycopg://postgres@127.0.0.1:5432/d100k [--runs 9] [-- due --json]

Does what cli/command_server.py does for a client, in this process: loads the read commands
once (``preload``), then for every run forks a child that runs the command (``due --json``
unless given after ``--``; its output goes to /dev/null).  Two ways, interleaved (A B A B):

- ``new``: the child opens its own connection and initialises SQLAlchemy's dialect, as
  before storage/warm.py;
- ``spare``: the parent keeps the URL's engine initialised (its cache holding ``due``'s
  compiled statements, ``warm_reads``) and a spare connection open (``warm.prepare``), the
  child takes them over, and the parent opens the next spare right after the fork
  (``warm.given_away``), as the server does (its heap frozen for the garbage collector,
  ``freeze_heap``, as the server's).

For each: the child's CPU (user + sys, its own), its wall time, and the PostgreSQL server's
CPU over the run (its processes' /proc/PID/schedstat, read before the child's backend exits:
the server must run on this machine; 0 otherwise), split into the command's own and the next
spare's start (the parent's, off the command's path).  The spare's next
connection is opened inside the measured span, so its backend's start counts too.  CPU
figures hold under load; wall times only on a quiet machine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from kinmyaku.cli import command_server
from kinmyaku.cli.server_upkeep import warm_reads
from kinmyaku.storage import warm
from kinmyaku.storage.database import postgres_engine


def _postmaster(url: str) -> int | None:
    """The PostgreSQL server's postmaster pid (asked of the server itself)."""
    engine = postgres_engine(url)
    try:
        with engine.connect() as conn:
            folder = conn.execute(text("SHOW data_directory")).scalar_one()
        first = (Path(folder) / "postmaster.pid").read_text().split()[0]
        return int(first)
    except (OSError, ValueError):
        return None
    finally:
        engine.dispose()


def _server_cpu(postmaster: int | None) -> dict[int, float]:
    """CPU seconds so far of each process the postmaster started (/proc/PID/schedstat, ns)."""
    if postmaster is None:
        return {}
    found: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == postmaster:
                found[int(entry.name)] = int((entry / "schedstat").read_text().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            continue
    return found


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    """The server's CPU between two readings, over the processes alive at the second."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _run_child(argv: list[str], report_w: int, out_w: int, go_r: int) -> None:
    """In the forked child: run the command as a served child does; report CPU and wall.

    It waits for the parent's word before it exits (and its backend with it), so that the
    parent reads the server's CPU while that backend is still there to be read.
    """
    start = time.perf_counter()
    null = os.open(os.devnull, os.O_RDWR)
    for target in (0, 1, 2):
        os.dup2(null, target)
    warm.serve_child(report_w)
    # The command's connections stay open until the parent has read the server's CPU.
    Engine.dispose = lambda *_args, **_kw: None  # type: ignore[method-assign]
    sys.argv = ["kinmyaku", *argv]
    code = 0
    try:
        from kinmyaku.cli.main import run

        run()
    except SystemExit as stop:
        code = 0 if stop.code in (None, 0) else 1
    except BaseException:  # reported as a failed run
        code = 1
    usage = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.perf_counter() - start
    os.write(out_w, f"{code} {usage.ru_utime + usage.ru_stime} {wall}\n".encode())
    os.read(go_r, 1)
    warm.release_unused()
    os._exit(0)


def one_run(mode: str, argv: list[str], url: str, postmaster: int | None) -> tuple[float, ...]:
    """(child CPU, child wall, server CPU for the command, for the next spare), in seconds."""
    if mode == "spare":
        if warm.prepare(url, postgres_engine, warm_reads):  # as the server does
            command_server.freeze_heap()
    else:
        warm.release_unused()
    report_r, report_w = os.pipe()
    out_r, out_w = os.pipe()
    go_r, go_w = os.pipe()
    time.sleep(0.05)  # the last run's backends gone
    before = _server_cpu(postmaster)
    pid = os.fork()
    if pid == 0:
        os.close(report_r)
        os.close(out_r)
        os.close(go_w)
        _run_child(argv, report_w, out_w, go_r)
    os.close(report_w)
    os.close(out_w)
    os.close(go_r)
    next_spare = 0
    if mode == "spare":
        warm.given_away()
        with contextlib.suppress(Exception):
            next_spare = warm._ready[url].spare.info.backend_pid
    line = os.read(out_r, 256).decode().split()
    after = _server_cpu(postmaster)
    ahead = after.pop(next_spare, 0.0) - before.get(next_spare, 0.0)
    os.write(go_w, b"x")
    os.waitpid(pid, 0)
    for fd in (out_r, report_r, go_w):
        os.close(fd)
    if not line or line[0] != "0":
        raise SystemExit(f"{' '.join(argv)} failed in the child")
    return float(line[1]), float(line[2]), _spent(before, after), ahead


def main() -> None:
    """Run the command both ways, interleaved, and print the medians and their ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a PostgreSQL URL")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("command", nargs="*", default=["due", "--json"])
    args = parser.parse_args()
    if make_url(args.db).get_backend_name() != "postgresql":
        raise SystemExit("--db must be a PostgreSQL URL (SQLite has no connection to keep)")
    argv = ["--db", args.db, "--lang", "en", *args.command]
    command_server.preload()
    command_server.freeze_heap()
    postmaster = _postmaster(args.db)
    results: dict[str, list[tuple[float, ...]]] = {"new": [], "spare": []}
    one_run("new", argv, args.db, postmaster)  # the database's pages in memory, the schema current
    for _ in range(args.runs):
        for mode in ("new", "spare"):
            results[mode].append(one_run(mode, argv, args.db, postmaster))
    warm.release_unused()
    print(f"command: kinmyaku {' '.join(args.command)}; {args.runs} runs each, interleaved; "
          f"1-min load {os.getloadavg()[0]:.1f}")  # fmt: skip
    print()
    print("| connection | child CPU | child wall | server CPU (command) "
          "| server CPU (next spare) |")  # fmt: skip
    print("|---|---:|---:|---:|---:|")
    medians = {}
    for mode, runs in results.items():
        medians[mode] = [statistics.median(r[i] for r in runs) for i in range(4)]
        print(f"| {mode} | " + " | ".join(f"{m * 1e3:.1f} ms" for m in medians[mode]) + " |")
    pairs = zip(medians["spare"], medians["new"], strict=True)
    ratios = [s / n if n else float("nan") for s, n in pairs]
    print("| spare / new | " + " | ".join(f"{r:.2f}x" for r in ratios[:3]) + " | |")


if __name__ == "__main__":
    main()

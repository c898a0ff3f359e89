"""Benchmark: peak memory (RSS) and wall time of each read command, as a user runs it.

Run:  .venv/bin/python benchmarks/command_memory.py --db /tmp/m100k-copy.sqlite3
      .venv/bin/python benchmarks/command_memory.py --db postgresql+psycopg://...  (a demo)

Each command runs as a subprocess of its own (``kinmyaku`` with the command server off,
so the process measured is the one doing the work), output to /dev/null (an export to a
temporary file). Peak RSS is the child's ``ru_maxrss`` from ``os.wait4`` (this child only,
not the other commands run before it). Run it on a COPY of a database: stats and review
bring the touch summary up to date, which writes. The limit is issue #18's: 300 MB for
every command but import, demo and restore (``duplicates`` has issue #14's 1 GB).
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
from pathlib import Path

LIMIT_MB = 300.0
LIMITS_MB = {"duplicates": 1024.0}
"""Commands with a limit of their own (issue #14: duplicates within 1 GB)."""


def commands(folder: Path, person: str, name: str, target: str) -> list[tuple[str, list[str]]]:
    """(label, arguments after ``--db URL``) of every read command measured."""
    return [
        ("--help", ["--help"]),
        ("search", ["search", name, "--json"]),
        ("show", ["show", person]),
        ("list", ["list", "--json"]),
        ("list (all)", ["list", "--limit", "1000000", "--json"]),
        ("due", ["due", "--json"]),
        ("stats", ["stats", "--json"]),
        ("review", ["review", "--json"]),
        ("duplicates", ["duplicates", "--json"]),
        ("path", ["path", target, "--json"]),
        ("brokers", ["brokers", "--json"]),
        ("match", ["match", "--json"]),
        ("suggest", ["suggest", person]),
        ("thanks", ["thanks", person]),
        ("export-person", ["export-person", person, "--json"]),
        ("request list", ["request", "list"]),
        ("followup list", ["followup", "list"]),
        ("export vcard", ["export", "--format", "vcard", "-o", str(folder / "all.vcf")]),
        ("export csv", ["export", "--format", "csv", "-o", str(folder / "all.csv")]),
        ("export ical", ["export", "--format", "ical", "-o", str(folder / "all.ics")]),
        ("export json", ["export", "--format", "json", "-o", str(folder / "all.json")]),
    ]


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Peak RSS (MB), wall time (s) and exit status of one command in a child process."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        child = subprocess.Popen(argv, stdout=sink, stderr=sink, stdin=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4 already
    return usage.ru_maxrss / 1024, time.perf_counter() - start, child.returncode


def main() -> None:
    """Run every command ``--repeat`` times; print the median peak RSS and wall time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLite file or database URL (a copy)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--person", default="1", help="person id for show, suggest ...")
    parser.add_argument("--name", default="高橋", help="what search looks for")
    parser.add_argument("--target", default="25352", help="whom path looks for (an id)")
    parser.add_argument("--only", nargs="*", help="labels of the commands to run")
    args = parser.parse_args()
    exe = shutil.which("kinmyaku", path=str(Path(sys.executable).parent)) or "kinmyaku"
    env = dict(os.environ, KINMYAKU_COMMAND_SERVER="0", KINMYAKU_LANG="en")
    folder = Path(tempfile.mkdtemp(prefix="kinmyaku-memory-"))
    print(f"database: {args.db}; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(f"{'command':16} {'peak RSS MB':>12} {'wall s':>8} {'limit MB':>9}  status")
    over = []
    for label, rest in commands(folder, args.person, args.name, args.target):
        if args.only and label not in args.only:
            continue
        peaks, walls, codes = [], [], []
        for _ in range(args.repeat):
            peak, wall, code = run([exe, "--db", args.db, *rest], env)
            peaks.append(peak)
            walls.append(wall)
            codes.append(code)
        limit = LIMITS_MB.get(label, LIMIT_MB)
        peak = statistics.median(peaks)
        state = "ok" if peak <= limit else "OVER"
        if peak > limit:
            over.append(label)
        state += f" (exit {max(codes)})" if any(codes) else ""
        print(f"{label:16} {peak:12.0f} {statistics.median(walls):8.2f} {limit:9.0f}  {state}")
    shutil.rmtree(folder, ignore_errors=True)
    print(f"over the limit: {', '.join(over) or 'none'}")


if __name__ == "__main__":
    main()

"""Benchmark: how long a ``kinmyaku`` read command takes, as a ratio to a bare Python start.

Run:  .venv/bin/python benchmarks/command_start.py --db /tmp/demo100k.sqlite3 [--runs 9]
      .venv/bin/python benchmarks/command_start.py --db postgresql+psycopg://...

For each command (``search``, ``show``, ``list``, ``due``, ``stats``, ``--help`` ...) the
median wall time of ``--runs`` runs of the console script, three ways, interleaved so that
the machine's load falls on each alike:

- ``bare``: ``python -c pass`` (the baseline of issue #18: goal within 15x of it);
- ``served``: the console script as installed, answered by the warm command server
  (``cli/launcher.py``; the server is started and warmed before timing);
- ``in-process``: ``KINMYAKU_COMMAND_SERVER=0``, the whole command line loaded each time
  (what a command costs when the server cannot be used, and every write command).

Peak memory (max RSS) of the in-process run is printed too.  The socket goes in a
private temporary folder, so the server is this run's own.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KINMYAKU = Path(sys.executable).with_name("kinmyaku")

COMMANDS: list[tuple[str, list[str]]] = [
    ("search 高橋 --json", ["search", "高橋", "--json"]),
    ("search 'kenta takahashi'", ["search", "kenta takahashi"]),
    ("show 1", ["show", "1"]),
    ("list --limit 50", ["list", "--limit", "50"]),
    ("due --json", ["due", "--json"]),
    ("stats --json", ["stats", "--json"]),
    ("--help", ["--help"]),
]


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and that process's max RSS (KB) of one run; fails on a non-zero exit."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed: {errors.read().decode()[-500:]}")
    return elapsed, usage.ru_maxrss


def main() -> None:
    """Time every command three ways and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLite file or PostgreSQL URL")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    runtime = tempfile.mkdtemp(prefix="kinmyaku-bench-")
    os.chmod(runtime, 0o700)
    env = {**os.environ, "KINMYAKU_RUNTIME_DIR": runtime, "KINMYAKU_COMMAND_SERVER_IDLE": "120"}
    env.pop("KINMYAKU_COMMAND_SERVER", None)
    in_process = {**env, "KINMYAKU_COMMAND_SERVER": "0"}
    base = [str(KINMYAKU), "--db", args.db, "--lang", "en"]
    # Start the server and let it load (the first served command runs in-process).
    subprocess.run([*base, "search", "x"], env=env, capture_output=True, check=False)
    for _ in range(100):
        if any(Path(runtime).glob("*.sock")):
            break
        time.sleep(0.1)
    subprocess.run([*base, "search", "x"], env=env, capture_output=True, check=False)
    load = os.getloadavg()[0]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; 1-min load at start {load:.1f}; "
          f"{args.runs} runs each, interleaved")  # fmt: skip
    print(f"database: {args.db}")
    print()
    print("| command | bare python | served | served / bare | in-process | in-process / bare "
          "| in-process peak RSS |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, words in COMMANDS:
        bare: list[float] = []
        served: list[float] = []
        local: list[float] = []
        rss = 0
        for _ in range(args.runs):
            bare.append(timed([sys.executable, "-c", "pass"], env)[0])
            served.append(timed([*base, *words], env)[0])
            seconds, peak = timed([*base, *words], in_process)
            local.append(seconds)
            rss = max(rss, peak)
        b, s, i = (statistics.median(x) for x in (bare, served, local))
        print(f"| `{label}` | {b * 1e3:.0f} ms | {s * 1e3:.0f} ms | {s / b:.1f}x "
              f"| {i * 1e3:.0f} ms | {i / b:.1f}x | {rss / 1024:.0f} MB |")  # fmt: skip


if __name__ == "__main__":
    main()

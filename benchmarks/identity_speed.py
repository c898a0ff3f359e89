"""Benchmark: the identity engine's speed on a large database.

Run: .venv/bin/python benchmarks/identity_speed.py --db demo100k.sqlite3 [--repeat 3]
     [--people 100000] [--lookups 200]

In one process, against the same database (made with ``kinmyaku demo --people N`` when
missing):

- ``find_duplicates`` over everyone (what ``kinmyaku duplicates`` and the web page run):
  wall time and peak RSS; the baseline is reading the same rows (``load_profiles``), so the
  ratio says how much the matching adds to reading;
- matching one new person (what ``add``, quick add and the person form ask before writing,
  ``similar_people``): median and p95 over ``--lookups`` people of the database, each
  looked up as a new person; the baseline is a plain name search (``search_people``) for the
  same names.

Goals (issue #14): duplicates over 100,000 people <= 30 s cold and <= 1 GB; one match
<= 50 ms.
"""

from __future__ import annotations

import argparse
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from kinmyaku.bootstrap import open_app
from kinmyaku.config import Settings
from kinmyaku.services.identity.finding import find_duplicates, similar_people
from kinmyaku.services.identity.profiles import load_profiles
from kinmyaku.storage import search


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/kinmyaku-demo100k.sqlite3"))
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lookups", type=int, default=200)
    args = parser.parse_args()
    if not args.db.exists():
        kinmyaku = Path(sys.executable).with_name("kinmyaku")
        print(f"creating {args.db} with kinmyaku demo --people {args.people} ...")
        subprocess.run(
            [str(kinmyaku), "--db", str(args.db), "demo", "--people", str(args.people)],
            check=True,
        )
    app = open_app(Settings(database_url=f"sqlite:///{args.db}", language="en"))
    print(
        f"machine: {platform.processor() or platform.machine()}, {platform.system()}, "
        f"Python {platform.python_version()}"
    )

    reads, finds = [], []
    found = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        with app.uow() as conn:
            profiles = load_profiles(conn)
        reads.append(time.perf_counter() - start)
        del profiles
        start = time.perf_counter()
        found = len(find_duplicates(app.uow()))
        finds.append(time.perf_counter() - start)
    print(
        f"duplicates over {args.db.name}: median {statistics.median(finds):.2f} s "
        f"(first {finds[0]:.2f} s), {found} pairs >= 0.5; reading the profiles alone "
        f"{statistics.median(reads):.2f} s: ratio "
        f"{statistics.median(finds) / statistics.median(reads):.1f}x; "
        f"peak RSS {peak_mb():.0f} MB"
    )

    with app.uow() as conn:
        everyone = load_profiles(conn)
    rng = random.Random(1)
    sample = rng.sample(everyone, min(args.lookups, len(everyone)))
    matches, plain = [], []
    themselves = 0
    for profile in sample:
        new = replace(profile, id=0)
        start = time.perf_counter()
        found = similar_people(app.uow(), new)
        matches.append(time.perf_counter() - start)
        themselves += any(c.b.id == profile.id for c in found)
        start = time.perf_counter()
        with app.uow() as conn:
            search.search_people(conn, f"{profile.family} {profile.given}".strip(), limit=40)
        plain.append(time.perf_counter() - start)
    ms = [m * 1000 for m in matches]
    base = [p * 1000 for p in plain]
    print(
        f"matching one new person ({len(sample)} lookups): median {statistics.median(ms):.1f} ms, "
        f"p95 {p95(ms):.1f} ms; a plain name search median {statistics.median(base):.1f} ms, "
        f"p95 {p95(base):.1f} ms: ratio {statistics.median(ms) / statistics.median(base):.1f}x; "
        f"found themselves {themselves} of {len(sample)}"
    )


if __name__ == "__main__":
    main()

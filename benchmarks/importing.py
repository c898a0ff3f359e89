"""Benchmark: import a 100,000-card vCard 3.0 file end to end, and back up / restore 100k people.

Run: .venv/bin/python benchmarks/importing.py [--cards 100000] [--repeat 3] [--demo PATH]
     [--skip-import] [--skip-backup]

In the same process:

* baseline: ``vobject.readComponents`` parsing the file (parsing only, nothing stored);
* kinmyaku: ``import_files`` into a fresh, migrated SQLite database (parse, validate,
  match, insert people, contact points, jobs, search index and provenance; one transaction);
* the JSON backup (``write_backup``) of a 100k-people database (``kinmyaku demo --people
  100000``; ``--demo`` names its SQLite file) and its restore into an empty database,
  checked exact by comparing every row of every table.

Prints medians, p95, the ratio against vobject, peak RSS and the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import vobject
from sqlalchemy import select

from kinmyaku.bootstrap import App, open_app
from kinmyaku.config import Settings
from kinmyaku.services.backup import backup_tables, restore_backup, write_backup
from kinmyaku.services.import_pipeline import helpers_for
from kinmyaku.services.importing import import_files
from kinmyaku.storage.schema import organization_terms, search_names, search_terms

sys.path.insert(0, str(Path(__file__).parent))
from importing_parse import COMPANIES, FAMILY, GIVEN, TITLES, p95

KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ"


def suffix(number: int) -> str:
    """A kana suffix unique to ``number`` (so that every card is a different person)."""
    text = ""
    while True:
        number, digit = divmod(number, len(KANA))
        text = KANA[digit] + text
        if not number:
            return text


def generate(path: Path, cards: int, seed: int = 42) -> None:
    """Write ``cards`` distinct Japanese vCard 3.0 contacts to ``path``."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        for number in range(cards):
            family, family_r = rng.choice(FAMILY)
            given, given_r = rng.choice(GIVEN)
            extra = suffix(number)
            company, company_r = rng.choice(COMPANIES)
            out.write(
                "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                f"N:{family};{given}{extra};;;\r\nFN:{family} {given}{extra}\r\n"
                f"X-PHONETIC-LAST-NAME:{family_r}\r\nX-PHONETIC-FIRST-NAME:{given_r}{extra}\r\n"
                f"ORG:{company}\r\nX-PHONETIC-ORG:{company_r}\r\n"
                f"TITLE:{rng.choice(TITLES)}\r\n"
                f"EMAIL;TYPE=INTERNET,WORK:user{number}@example.jp\r\n"
                f"TEL;TYPE=CELL:090-{number // 10000:04d}-{number % 10000:04d}\r\n"
                "END:VCARD\r\n"
            )


def fresh_app(folder: Path, name: str) -> App:
    """A new, migrated SQLite database."""
    path = folder / name
    for leftover in (path, path.with_name(name + "-wal"), path.with_name(name + "-shm")):
        leftover.unlink(missing_ok=True)  # a stale WAL would be replayed into the new file
    return open_app(Settings(database_url=f"sqlite:///{path}", language="en"))


CPU: dict[str, list[float]] = {}


def timed(fn: Callable[[], object], repeat: int, name: str = "") -> list[float]:
    """Run ``fn`` ``repeat`` times; return the wall durations (CPU seconds go to ``CPU``)."""
    times = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        CPU.setdefault(name, []).append(time.process_time() - cpu)
    return times


def cpu_median(name: str) -> float:
    """The median CPU seconds of the runs timed under ``name``."""
    return statistics.median(CPU[name])


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (the machine may be shared)."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def snapshot(app: App) -> dict[str, int]:
    """A hash of every backed-up table's and the search index's sorted rows.

    (Exact comparison without holding two copies.  The touch summary is left out: it is
    rebuilt on its first read, not by the restore.)
    """
    found = {}
    tables = [*backup_tables(), search_terms, search_names, organization_terms]
    with app.uow() as conn:
        for table in tables:
            rows = sorted(repr(tuple(r)) for r in conn.execute(select(table)))
            found[table.name] = hash(tuple(rows))
    return found


def bench_import(
    folder: Path, cards: int, repeat: int, jobs: int | None, compare_jobs: bool
) -> None:
    """Time vobject parsing and the kinmyaku import of the same file, runs interleaved."""
    path = folder / "contacts.vcf"
    generate(path, cards)
    helpers = helpers_for(path.stat().st_size, jobs)
    print(f"file: {cards} cards, {path.stat().st_size / 1e6:.1f} MB (vCard 3.0, UTF-8); "
          f"import with {helpers} helper processes on {os.cpu_count()} cores")  # fmt: skip

    def parse() -> None:
        with path.open(encoding="utf-8") as stream:
            assert sum(1 for _ in vobject.readComponents(stream)) == cards

    counter = iter(range(3 * repeat))

    def run_import(jobs: int | None) -> None:
        app = fresh_app(folder, f"import{next(counter)}.sqlite3")
        report = import_files(app.uow(), paths=[path], jobs=jobs)
        app.close()
        assert report.counts["created"] == cards, report.counts

    print(f"load average before: {load_average()}")
    base: list[float] = []
    ours: list[float] = []
    alone: list[float] = []
    for _ in range(repeat):  # interleaved: the machine's speed drifts
        base += timed(parse, 1, "vobject")
        ours += timed(lambda: run_import(jobs), 1, "import")
        if compare_jobs:
            alone += timed(lambda: run_import(0), 1, "import alone")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"vobject.readComponents (parse only)  median {statistics.median(base):6.2f} s  "
          f"p95 {p95(base):6.2f} s  CPU {cpu_median('vobject'):6.2f} s")  # fmt: skip
    print(f"kinmyaku import_files (end to end)   median {statistics.median(ours):6.2f} s  "
          f"p95 {p95(ours):6.2f} s  CPU here {cpu_median('import'):6.2f} s  "
          f"({cards / statistics.median(ours):,.0f} cards/s)")  # fmt: skip
    if alone:
        gain = statistics.median(alone) / statistics.median(ours)
        print(f"... without helper processes         median {statistics.median(alone):6.2f} s  "
              f"p95 {p95(alone):6.2f} s  CPU {cpu_median('import alone'):6.2f} s  "
              f"(with helpers: {gain:.2f}x faster)")  # fmt: skip
    ratio = statistics.median(ours) / statistics.median(base)
    print(f"ratio import / vobject parse: {ratio:.2f}x wall   "
          f"peak RSS of this process so far {rss:.0f} MB   "
          f"load average after: {load_average()}")  # fmt: skip


def bench_backup(folder: Path, demo: Path, people: int, repeat: int) -> None:
    """Time the JSON backup and restore of the demo database and check it is exact."""
    if not demo.exists():
        print(f"creating {demo} with kinmyaku demo --people {people} ...")
        kinmyaku = Path(sys.executable).with_name("kinmyaku")
        subprocess.run(
            [str(kinmyaku), "--db", str(demo), "demo", "--people", str(people)], check=True
        )
    source = open_app(Settings(database_url=f"sqlite:///{demo}", language="en"))
    backup_file = folder / "backup.json"

    def dump() -> None:
        with backup_file.open("wb") as stream:
            write_backup(source.uow(), stream=stream)

    counter = iter(range(repeat))
    restored: list[App] = []

    def restore() -> None:
        app = fresh_app(folder, f"restore{next(counter)}.sqlite3")
        with backup_file.open("rb") as stream:
            restore_backup(app.uow(), stream=stream)
        restored.append(app)

    dumps = timed(dump, repeat, "backup")
    size = backup_file.stat().st_size / 1e6
    print(f"JSON backup of {demo.name} ({size:.0f} MB)  median {statistics.median(dumps):6.2f} s  "
          f"p95 {p95(dumps):6.2f} s  CPU {cpu_median('backup'):6.2f} s")  # fmt: skip
    loads = timed(restore, repeat, "restore")
    print(f"restore into empty SQLite       median {statistics.median(loads):6.2f} s  "
          f"p95 {p95(loads):6.2f} s  CPU {cpu_median('restore'):6.2f} s", flush=True)  # fmt: skip
    exact = snapshot(restored[-1]) == snapshot(source)
    print(f"restored database exact (every backed-up table and the search index): {exact}")
    for app in [source, *restored]:
        app.close()
    if not exact:
        sys.exit("restore is NOT exact")


def main() -> None:
    """Run both benchmarks and print the figures with the machine."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--demo", type=Path, default=Path("/tmp/demo100k.sqlite3"))
    parser.add_argument("--demo-people", type=int, default=100_000)
    parser.add_argument("--skip-backup", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="helper processes for the import (default: as `kinmyaku import` picks; 0: none)",
    )
    parser.add_argument(
        "--compare-jobs",
        action="store_true",
        help="also time the import without helper processes (--jobs 0), interleaved",
    )
    args = parser.parse_args()
    system = f"{platform.system()} {platform.release()}"
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {system}")  # fmt: skip
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if not args.skip_import:
            bench_import(folder, args.cards, args.repeat, args.jobs, args.compare_jobs)
        if not args.skip_backup:
            bench_backup(folder, args.demo, args.demo_people, args.repeat)


if __name__ == "__main__":
    main()

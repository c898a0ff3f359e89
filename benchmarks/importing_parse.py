"""Benchmark: parse a 100,000-card vCard 3.0 file with kinmyaku's reader and with vobject.

Run: .venv/bin/python benchmarks/importing_parse.py [--cards 100000] [--repeat 3]

Generates Japanese contacts (names, readings via X-PHONETIC-*, organization, title,
e-mail, phone) into a temporary folder, then times, in the same process:

* kinmyaku: ``kinmyaku.formats.read_path`` streaming every card into a ContactRecord;
* baseline: ``vobject.readComponents`` over the same file (parsing only: it builds
  vobject components and maps nothing, so the baseline does less work than we do).

Prints the median and p95 wall-clock time of each, the median CPU time (steadier on a
shared machine), peak memory of one kinmyaku pass, and the ratios.
The end-to-end import into the database is added by the import service's benchmark.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import vobject

from kinmyaku.formats import read_path

FAMILY = [
    ("佐藤", "さとう"), ("鈴木", "すずき"), ("高橋", "たかはし"), ("田中", "たなか"),
    ("伊藤", "いとう"), ("渡辺", "わたなべ"), ("山本", "やまもと"), ("中村", "なかむら"),
    ("小林", "こばやし"), ("加藤", "かとう"), ("吉田", "よしだ"), ("山田", "やまだ"),
]  # fmt: skip
GIVEN = [
    ("太郎", "たろう"), ("花子", "はなこ"), ("健", "けん"), ("美穂", "みほ"),
    ("一郎", "いちろう"), ("さくら", "さくら"), ("翔太", "しょうた"), ("陽菜", "ひな"),
]  # fmt: skip
COMPANIES = [
    ("株式会社金脈商事", "きんみゃくしょうじ"), ("ミライソフト株式会社", "みらいそふと"),
    ("東都銀行", "とうとぎんこう"), ("合同会社つながり", "つながり"),
]  # fmt: skip
TITLES = ["営業部 課長", "エンジニア", "代表取締役", "マーケティング担当", "人事部長"]


def generate(path: Path, cards: int, seed: int = 42) -> None:
    """Write ``cards`` vCard 3.0 contacts to ``path``."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        for number in range(cards):
            family, family_r = rng.choice(FAMILY)
            given, given_r = rng.choice(GIVEN)
            company, company_r = rng.choice(COMPANIES)
            out.write(
                "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                f"N:{family};{given};;;\r\nFN:{family} {given}\r\n"
                f"X-PHONETIC-LAST-NAME:{family_r}\r\nX-PHONETIC-FIRST-NAME:{given_r}\r\n"
                f"ORG:{company}\r\nX-PHONETIC-ORG:{company_r}\r\n"
                f"TITLE:{rng.choice(TITLES)}\r\n"
                f"EMAIL;TYPE=INTERNET,WORK:user{number}@example.jp\r\n"
                f"TEL;TYPE=CELL:090-{number // 10000:04d}-{number % 10000:04d}\r\n"
                "END:VCARD\r\n"
            )


def run_kinmyaku(path: Path) -> int:
    """Parse with kinmyaku; return the number of records."""
    return sum(1 for _ in read_path(path))


def run_vobject(path: Path) -> int:
    """Parse with vobject.readComponents; return the number of components."""
    with path.open(encoding="utf-8") as stream:
        return sum(1 for _ in vobject.readComponents(stream))


def measure(
    fn: Callable[[Path], int], path: Path, repeat: int, expected: int
) -> tuple[list[float], list[float]]:
    """Time ``fn(path)`` ``repeat`` times (wall clock and CPU); check it found ``expected``."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        found = fn(path)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        if found != expected:
            sys.exit(f"{fn.__name__} found {found} cards, expected {expected}")
    return wall, cpu


def p95(values: list[float]) -> float:
    """95th percentile (the maximum for fewer than 20 samples)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    """Generate the file, time both parsers and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contacts.vcf"
        generate(path, args.cards)
        size = path.stat().st_size / 1e6
        print(f"file: {args.cards} cards, {size:.1f} MB (vCard 3.0, UTF-8)")
        ours, ours_cpu = measure(run_kinmyaku, path, args.repeat, args.cards)
        tracemalloc.start()
        run_kinmyaku(path)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        base, base_cpu = measure(run_vobject, path, args.repeat, args.cards)
    median = statistics.median
    for label, wall, cpu in (
        ("kinmyaku read_path     ", ours, ours_cpu),
        ("vobject.readComponents ", base, base_cpu),
    ):
        print(
            f"{label} wall median {median(wall):7.2f} s  p95 {p95(wall):7.2f} s  "
            f"cpu median {median(cpu):7.2f} s  ({args.cards / median(wall):,.0f} cards/s)"
        )
    print(f"kinmyaku peak traced memory while parsing: {peak:.1f} MB")
    print(
        f"ratio vobject / kinmyaku: wall {median(base) / median(ours):.2f}x, "
        f"cpu {median(base_cpu) / median(ours_cpu):.2f}x (higher is better for us)"
    )


if __name__ == "__main__":
    main()

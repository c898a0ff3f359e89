"""Benchmark: the instructions an import executes a card, counted by valgrind (callgrind).

Run: .venv/bin/python benchmarks/import_instructions.py [--cards 5000] [--parts helper,writer]

Wall and CPU seconds on a shared machine drift by a fifth from one minute to the next;
instruction counts do not (the same code, input and environment give the same count).
This counts, for the same generated vCard 3.0 file as benchmarks/importing.py:

* helper: what an import's helper process does a card (cut the block into cards, parse,
  validate, build the search keys, pickle the results);
* writer: what the writing process does a card (match, insert, the search index, the
  sorted move and index builds, commit), fed with records prepared beforehand;
* baseline: ``vobject.readComponents`` parsing the same file (parsing only).

Each is a run under ``valgrind --tool=callgrind`` minus a run that stops before the part
measured (Python's start, the imports and the preparation are left out), divided by the
cards.  Prints the counts and their ratios to the baseline.  Needs valgrind (Debian's
package).  Five thousand cards keep a bulk import (1.6 MB, more than
storage.bulk_index.MIN_BYTES) and take about six minutes in all.
"""

from __future__ import annotations

import argparse
import gc
import pickle
import re
import subprocess
import sys
import tempfile
from pathlib import Path

PARTS = ("helper", "writer", "vobject")


def _blocks(path: Path) -> list[object]:
    from kinmyaku.formats.reader import read_items

    with path.open("rb") as stream:
        return list(
            read_items(
                stream,
                file_name=path.name,
                format="vcard",
                mapping=None,
                on_error=None,
                blocks=True,
            )
        )


def run_part(part: str, path: Path, measured: bool) -> None:
    """One run (in a process of its own, under valgrind): the part, or only what precedes it."""
    gc.disable()  # as in an import (services.import_pipeline)
    if part == "vobject":
        import vobject

        if measured:
            with path.open(encoding="utf-8") as stream:
                assert sum(1 for _ in vobject.readComponents(stream)) > 0
        return
    from kinmyaku.services.import_pipeline import prepare_batch

    blocks = _blocks(path)
    if part == "helper":
        if measured:
            for block in blocks:
                pickle.dumps(prepare_batch([block], "en"), protocol=pickle.HIGHEST_PROTOCOL)
        return
    from importing import fresh_app

    import kinmyaku.services.importing as importing

    prepared = [record for block in blocks for record in prepare_batch([block], "en")]
    app = fresh_app(path.parent, f"writer-{measured}.sqlite3")
    importing.prepare_all = lambda items, **options: (record for record in prepared)  # type: ignore[assignment]
    if measured:
        report = importing.import_files(app.uow(), paths=[path], jobs=0)
        assert report.counts["created"] == len(prepared), report.counts
    app.close()


def instructions(part: str, path: Path, measured: bool) -> int:
    """The instructions valgrind counts for one run of :func:`run_part`."""
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--run",
            part,
            "--measured" if measured else "--before",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : ([\d,]+)", done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count from valgrind:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help="the parts to count, comma-separated (default: all; the ratios need vobject)",
    )
    parser.add_argument("--run", choices=PARTS, help=argparse.SUPPRESS)
    parser.add_argument("--measured", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--before", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("file", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    if args.run:
        run_part(args.run, args.file, args.measured)
        return
    from importing import generate

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "contacts.vcf"
        generate(path, args.cards)
        print(f"file: {args.cards} cards, {path.stat().st_size / 1e6:.1f} MB (vCard 3.0, UTF-8)")
        counts = {}
        for part in args.parts.split(","):
            spent = instructions(part, path, True) - instructions(part, path, False)
            counts[part] = spent / args.cards
            print(f"{part:8s} {counts[part]:>12,.0f} instructions a card", flush=True)
    if not {"helper", "writer", "vobject"} <= set(counts):
        return
    baseline = counts["vobject"]
    both = counts["helper"] + counts["writer"]
    print(
        f"ratio to vobject's parse: helper {counts['helper'] / baseline:.2f}x, "
        f"writer {counts['writer'] / baseline:.2f}x, both {both / baseline:.2f}x"
    )


if __name__ == "__main__":
    main()

"""An import with helper processes writes and reports exactly what one without them does.

The helpers get tiny blocks and batches here, so that even the small sample files are cut
into many pieces, and the results come back out of many processes' batches.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest
from import_tables import CARD, table_rows
from typer.testing import CliRunner

from kinmyaku.bootstrap import App
from kinmyaku.cli.main import app as cli_app
from kinmyaku.formats import vcard_blocks
from kinmyaku.formats.reader import read_items
from kinmyaku.services import import_pipeline
from kinmyaku.services.import_pipeline import Rejected, helpers_for, prepare_in
from kinmyaku.services.import_prepare import PreparedRecord
from kinmyaku.services.importing import ImportFailed, ImportReport, import_files

DATA = Path(__file__).parents[1] / "data"
# Every sample file but the generic CSV, which needs a column mapping of its own.
SAMPLES = sorted((DATA / "vcard").glob("*.vcf")) + sorted(
    p for p in (DATA / "csv").glob("*.csv") if p.name != "generic-members.csv"
)


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cut files into blocks of a few hundred bytes and batches of three records."""
    monkeypatch.setattr(vcard_blocks, "BLOCK", 300)
    monkeypatch.setattr(import_pipeline, "BATCH", 3)


def _tricky(tmp_path: Path) -> Path:
    """Cards that repeat people (matching), a nested card, stray text, a bad card, QP."""
    cards = []
    for n in range(60):
        cards.append(
            CARD.format(
                family=["山田", "佐藤", "髙橋"][n % 3],
                given=f"太郎{n % 20}",
                family_r=["やまだ", "さとう", "たかはし"][n % 3],
                given_r="たろう",
                org=["株式会社金脈商事", "ミライソフト株式会社"][n % 2],
                email=f"p{n % 25}@example.jp",
                tel=f"090-1234-{n % 30:04d}",
            )
        )
    cards.insert(7, "stray text between cards\r\n")
    cards.insert(
        11,
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:親;方;;;\r\nAGENT:\r\nBEGIN:VCARD\r\nVERSION:2.1\r\n"
        "N:代理;人;;;\r\nEND:VCARD\r\nEMAIL:boss@example.jp\r\nEND:VCARD\r\n",
    )
    cards.insert(
        20,
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E9=88=B4=\r\n"
        "=E6=9C=A8;=E4=B8=80;;;\r\nEMAIL:suzuki@example.jp\r\nEND:VCARD\r\n",
    )
    cards.insert(
        33, "BEGIN:VCARD\r\nVERSION:3.0\r\nN:悪;例;;;\r\nEMAIL:not-an-address\r\nEND:VCARD\r\n"
    )
    cards.insert(40, "BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n")
    path = tmp_path / "tricky.vcf"
    path.write_text("".join(cards) + "BEGIN:VCARD\r\nN:未;完;;;\r\n", encoding="utf-8")
    return path


def _report(report: ImportReport) -> tuple[Any, ...]:
    def outcomes(items: list[Any]) -> list[tuple[Any, ...]]:
        return [(o.action, o.name, o.file, o.line, o.person_id, o.why) for o in items]

    return (
        report.counts,
        outcomes(report.outcomes),
        outcomes(report.bad),
        outcomes(report.warnings),
    )


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
def test_helpers_import_exactly_what_one_process_does(
    app: App, second_app: App, tmp_path: Path, small_pieces: None, strict: bool
) -> None:
    paths = [*SAMPLES, _tricky(tmp_path)]
    with paths[-1].open("rb") as stream:
        pieces = list(read_items(stream, file_name="tricky.vcf", on_error=None, blocks=True))
    assert sum(isinstance(piece, vcard_blocks.VCardBlock) for piece in pieces) > 10
    for _ in range(2):  # the second time every record matches a person: updates, unchanged
        alone = import_files(app.uow(), paths=paths, skip_bad=True, jobs=0, strict=strict)
        helped = import_files(second_app.uow(), paths=paths, skip_bad=True, jobs=2, strict=strict)
        assert _report(helped) == _report(alone)
        assert table_rows(second_app) == table_rows(app)
    if strict:  # the bad e-mails, the empty card, stray text, the unfinished card
        assert alone.counts["skipped"] >= 4
    else:
        # Only the stray text is skipped; the bad e-mail, the empty card, the card inside a
        # card and the unfinished one are imported (with warnings).
        assert alone.counts["skipped"] == 1
        assert len(alone.warnings) >= 3
    assert alone.counts["unchanged"] > 0


def test_the_first_bad_record_stops_both_the_same_way(
    sqlite_app: App, tmp_path: Path, small_pieces: None
) -> None:
    path = _tricky(tmp_path)
    failures = []
    for jobs in (0, 2):
        with pytest.raises(ImportFailed) as failed:
            import_files(sqlite_app.uow(), paths=[path], jobs=jobs, strict=True)
        failures.append(str(failed.value))
    assert failures[0] == failures[1]
    assert "tricky.vcf" in failures[0]
    assert all(not rows for name, rows in table_rows(sqlite_app).items() if name == "people")


def test_a_large_import_uses_helpers_and_a_small_one_does_not() -> None:
    assert helpers_for(10_000, None) == 0
    assert helpers_for(10_000, 3) == 3
    assert helpers_for(100 * 1024 * 1024, 0) == 0
    assert 0 <= helpers_for(100 * 1024 * 1024, None) <= import_pipeline.MAX_HELPERS


class _BreaksAfter(Executor):
    """Runs batches here, then fails the way a pool whose helper was killed does."""

    def __init__(self, good: int) -> None:
        self.good = good

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        if self.good > 0:
            self.good -= 1
            future.set_result(fn(*args, **kwargs))
        else:
            future.set_exception(BrokenProcessPool("a helper died"))
        return future


def _prepared(path: Path, pool: Executor | None) -> Iterator[PreparedRecord | Rejected]:
    with path.open("rb") as stream:
        items = read_items(stream, file_name=path.name, on_error=None, blocks=True)
        if pool is None:
            yield from import_pipeline.prepare_all(items, lang="en", helpers=0)
        else:
            yield from prepare_in(pool, items, lang="en", ahead=2)


def test_a_broken_pool_costs_speed_not_records(tmp_path: Path, small_pieces: None) -> None:
    path = _tricky(tmp_path)

    def names(results: Iterator[PreparedRecord | Rejected]) -> list[tuple[str, int]]:
        return [
            (r.name, r.line)
            if isinstance(r, Rejected)
            else (r.name, r.source.line if r.source else 0)
            for r in results
        ]

    expected = names(_prepared(path, None))
    assert len(expected) > 60
    assert names(_prepared(path, _BreaksAfter(3))) == expected


class _Recording(Executor):
    """Runs batches here, and remembers the first record of each batch it was given."""

    def __init__(self) -> None:
        self.given: list[Any] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.given.append(args[0][0])
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


@pytest.mark.parametrize("first_here", [1, 3, 1000])
def test_the_first_batches_are_prepared_here_in_order(
    tmp_path: Path, small_pieces: None, first_here: int
) -> None:
    """While the helpers start, the writer prepares the first batches: same records, same
    order, and the pool never sees those batches."""
    path = _tricky(tmp_path)
    expected = [_named(r) for r in _prepared(path, None)]
    pool = _Recording()
    with path.open("rb") as stream:
        items = read_items(stream, file_name=path.name, on_error=None, blocks=True)
        got = [
            _named(r) for r in prepare_in(pool, items, lang="en", ahead=2, first_here=first_here)
        ]
    assert got == expected
    with path.open("rb") as stream:
        batches = list(read_items(stream, file_name=path.name, on_error=None, blocks=True))
    assert len(batches) > 5
    assert pool.given == batches[first_here:]


def _named(result: PreparedRecord | Rejected) -> tuple[str, int]:
    if isinstance(result, Rejected):
        return result.name, result.line
    return result.name, result.source.line if result.source else 0


def test_cli_import_with_helpers(sqlite_url: str, tmp_path: Path, small_pieces: None) -> None:
    runner = CliRunner()
    base = ["--db", sqlite_url, "--lang", "en"]
    path = _tricky(tmp_path)
    args = ["import", "--jobs", "2", "--strict", "--skip-bad", str(path)]
    result = runner.invoke(cli_app, [*base, *args])
    assert result.exit_code == 0, result.output
    assert "Skipped tricky.vcf:" in result.output
    # Cards of other names that share an e-mail or a phone are people of their own (a shared
    # value is no evidence); the five that share a personal e-mail and the given name たろう
    # join (a changed family name keeps the given name and the e-mail).
    assert "Created 57, updated 5, unchanged 0, skipped 4." in result.output
    result = runner.invoke(cli_app, [*base, "import", "--jobs", "-1", str(path)])
    assert result.exit_code == 2
    assert "--jobs" in result.output


def test_helpers_run_below_the_writer_without_the_cycle_collector() -> None:
    # In a process of its own: os.nice cannot be undone.
    code = (
        "import gc, os\n"
        "from kinmyaku.services.import_pipeline import helper_start\n"
        "before = os.nice(0)\n"
        "helper_start()\n"
        "print(os.nice(0) - before, gc.isenabled())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [str(import_pipeline.HELPER_NICENESS), "False"]


def test_the_collector_is_off_while_imports_run_and_back_after() -> None:
    assert gc.isenabled()
    with import_pipeline.quiet_collector():
        assert not gc.isenabled()
        with import_pipeline.quiet_collector():  # two imports at once (web app threads)
            assert not gc.isenabled()
        assert not gc.isenabled()  # the other import still runs
    assert gc.isenabled()
    gc.disable()
    try:
        with import_pipeline.quiet_collector():
            assert not gc.isenabled()
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()


HELPED_SCRIPT = """
import sys
loaded = "kinmyaku.cli.main" in sys.modules
if __name__ == "__mp_main__":  # a helper imports the main module again
    print("helper found the command line loaded:", loaded, flush=True)
import kinmyaku.cli.main  # what the kinmyaku command's main module imports
if __name__ == "__main__":
    from kinmyaku.formats.records import ContactRecord
    from kinmyaku.services.import_pipeline import BATCH, FIRST_HERE, prepare_all
    records = [ContactRecord(family_name="高橋")] * (BATCH * (FIRST_HERE + 1))
    done = list(prepare_all(records, lang="en", helpers=1))
    print("prepared", len(done), flush=True)
"""


def test_helpers_find_the_programs_modules_loaded_by_the_fork_server(tmp_path: Path) -> None:
    """A helper imports the main module again; what it imports is loaded once, before."""
    script = tmp_path / "helped.py"
    script.write_text(HELPED_SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True, timeout=120
    )
    lines = done.stdout.splitlines()
    assert "helper found the command line loaded: True" in lines, done.stdout + done.stderr
    assert "helper found the command line loaded: False" not in lines
    assert f"prepared {import_pipeline.BATCH * (import_pipeline.FIRST_HERE + 1)}" in lines
    assert import_pipeline.preloaded()[0] == import_pipeline.__name__

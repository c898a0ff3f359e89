"""Prepare an import's records in order: here, or in helper processes for a large file.

Parsing a card, validating it and building its search keys are pure work on one record,
and they take most of an import's time.  For a large import, helper processes do it, a
batch of cards at a time, while this process matches the prepared records and writes them
in the import's one transaction: SQLite has one writer, the other cores parse.  Results
come back in the order of the file, so the report, the matching and the first error that
stops an import are the same as when everything runs here (the tests compare the two).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from kinmyaku.domain.errors import ValidationError
from kinmyaku.formats.errors import FormatError
from kinmyaku.formats.records import ContactRecord
from kinmyaku.formats.vcard_blocks import VCardBlock, block_cards
from kinmyaku.formats.vcard_reader import RawCard, card_record
from kinmyaku.i18n import error_text, translate
from kinmyaku.services.import_prepare import PreparedRecord, prepare_record

Item = VCardBlock | RawCard | ContactRecord | FormatError
"""What a reader gives: cards to parse, a parsed record, or a problem it reported."""

BATCH = 500
"""Records sent to a helper process at a time."""

AHEAD = 4
"""Batches a helper may have waiting: enough to keep it busy, few enough for flat memory."""

PARALLEL_BYTES = 4 * 1024 * 1024
"""Files smaller than this (in all) are prepared here: starting helpers takes about 0.5 s."""

HELPER_NICENESS = 10
"""How much lower than the writer helpers run (``os.nice``)."""

MAX_HELPERS = 4
"""More helpers do not help: past two or three, the one writer is the bottleneck."""

FIRST_HERE = 3
"""Batches prepared here while the helper processes start (a third of a second: Python and
the modules they need), so that the writer does not wait for them: the first result of a
100,000-card import came after 0.06 s instead of 0.42 s."""


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that cannot be imported, with what to show for it."""

    name: str
    file: str
    line: int
    why: str
    """The problem, for the list of skipped records."""
    stop: str
    """The problem with where it is, for an import it stops."""
    fatal: bool = True
    """Whether it stops an import that does not skip bad records.  A lenient import is
    not stopped by what holds no record: stray text between cards, an empty CSV row."""


NOT_RECORDS = frozenset({"not_vcard", "empty_record"})
"""What a lenient import lists as skipped without stopping: nothing of a person is lost."""


def location(lang: str, file: str, line: int | None) -> str:
    """``file, line N`` in the user's language."""
    return FormatError("", file=file, line=line).location(lang)


def render_error(error: FormatError, lang: str) -> str:
    """A FormatError as one line in ``ja`` or ``en``."""
    return error.message("ja" if lang.startswith("ja") else "en")


def _format_rejected(error: FormatError, lang: str, strict: bool) -> Rejected:
    text = render_error(error, lang)
    fatal = strict or error.key not in NOT_RECORDS
    return Rejected("", error.file, error.line or 0, text, text, fatal)


def prepare_item(
    item: Item, lang: str, strict: bool = False, *, ahead: bool = True
) -> PreparedRecord | Rejected:
    """Parse (a RawCard), validate and index one item; a problem becomes a Rejected.

    Without ``strict`` a card is read leniently and a bad value is kept with a warning
    (``import_prepare.prepare_record``): only what cannot be read at all is rejected.
    ``ahead`` builds the new person's search index rows and memory keys now (in a helper
    process, off the writer); without it the writer builds them when it creates the
    person, and a record that joins a stored person never needs them.
    """
    if isinstance(item, FormatError):
        return _format_rejected(item, lang, strict)
    if isinstance(item, VCardBlock):
        raise TypeError("a VCardBlock holds many records: use prepare_batch")
    if isinstance(item, RawCard):
        try:
            record = card_record(item, lenient=not strict)
        except FormatError as error:
            return _format_rejected(error, lang, strict)
    else:
        record = item
    src = record.source
    file, line = (src.file, src.line) if src else ("", 0)
    try:
        prepared = prepare_record(record, strict=strict, lang=lang)
    except ValidationError as error:
        reason = error_text(lang, error)
        stop = f"{location(lang, file, line)}: {reason}"
        return Rejected(record.display_name(), file, line, reason, stop)
    if ahead:
        prepared.new_person_rows()
        prepared.new_person_memory()
        _ = prepared.name_key  # cached on the record, so that it travels with it
    return prepared


def prepare_batch(
    items: list[Item], lang: str, strict: bool = False, *, ahead: bool = True
) -> list[PreparedRecord | Rejected]:
    """prepare_item over a batch, a block's cards in order (what a helper process runs)."""
    done: list[PreparedRecord | Rejected] = []
    for item in items:
        if not isinstance(item, VCardBlock):
            done.append(prepare_item(item, lang, strict, ahead=ahead))
            continue
        problems: list[FormatError] = []
        for card in block_cards(item, problems.append, lenient=not strict):
            if problems:
                done += [_format_rejected(problem, lang, strict) for problem in problems]
                problems.clear()
            done.append(prepare_item(card, lang, strict, ahead=ahead))
        done += [_format_rejected(problem, lang, strict) for problem in problems]
    return done


def helpers_for(total_bytes: int, requested: int | None) -> int:
    """How many helper processes an import of ``total_bytes`` uses (0: none).

    ``requested`` is the caller's choice (``--jobs``); None picks one per available core
    for a large import.  Helpers are started with ``forkserver``, which imports the
    program's main module again: a script that imports with helpers must keep its work
    under ``if __name__ == "__main__":`` (the ``kinmyaku`` command and the web app do).
    """
    if requested is not None:
        return max(0, requested)
    if total_bytes < PARALLEL_BYTES:
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    return 0 if cores < 2 else min(cores, MAX_HELPERS)


def prepare_all(
    items: Iterable[Item], *, lang: str, helpers: int, strict: bool = False
) -> Generator[PreparedRecord | Rejected, None, None]:
    """Prepare ``items`` in order, here (``helpers=0``) or in that many helper processes.

    A problem the reader raises (a file that cannot be read on) is raised after every
    record before it has been given, as it would be when everything runs here.
    """
    if helpers <= 0:
        for item in items:
            yield from prepare_batch([item], lang, strict, ahead=False)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(preloaded())
    with ProcessPoolExecutor(helpers, mp_context=context, initializer=helper_start) as pool:
        # A submit starts a helper, and the first one waits for the fork server to load
        # the modules: that happens in another thread, while this one prepares the first
        # batches.
        starting = threading.Thread(target=_start, args=(pool, helpers), daemon=True)
        starting.start()
        try:
            yield from prepare_in(
                pool,
                items,
                lang=lang,
                ahead=helpers * AHEAD,
                first_here=FIRST_HERE,
                strict=strict,
            )
        finally:
            starting.join()


def preloaded() -> list[str]:
    """The modules the fork server loads once for every helper: this one, and the program's
    own modules loaded here.

    A helper imports the program's main module again, as ``multiprocessing`` does (what
    the main module defines must be found there).  For the ``kinmyaku`` command that is its
    whole command line, which took 0.5 s of CPU in each helper while the import starts.
    Loaded in the fork server, they are in every helper it forks, and importing the main
    module again finds them loaded.
    """
    own = sorted(name for name in sys.modules if name.startswith("kinmyaku."))
    return [__name__, *own]


def _start(pool: Executor, helpers: int) -> None:
    """Start the pool's processes (a submit starts one while none is idle)."""
    # Whatever stops a helper from starting, this thread's submit or the next one from
    # prepare_in meets it too, and prepare_in handles it (a broken pool: prepared here).
    with suppress(Exception):
        for _ in range(helpers):
            pool.submit(_started)


def _started() -> None:
    """A task that does nothing: submitting it starts a helper process."""


def prepare_in(
    pool: Executor,
    items: Iterable[Item],
    *,
    lang: str,
    ahead: int,
    first_here: int = 0,
    strict: bool = False,
) -> Generator[PreparedRecord | Rejected, None, None]:
    """Prepare ``items`` in order, batches running in ``pool`` (at most ``ahead`` waiting).

    The first ``first_here`` batches are prepared here, while the pool's processes start.
    If the pool breaks (a helper killed, out of memory), the batches it held and the rest
    are prepared here: slower, the same result.
    """
    waiting: deque[tuple[Future[list[PreparedRecord | Rejected]], list[Item]]] = deque()
    kept = 0
    batch: list[Item] = []
    source = iter(items)
    stopped: Exception | None = None
    broken = False

    def send(batch: list[Item]) -> None:
        future: Future[list[PreparedRecord | Rejected]] | None = None
        if not broken:
            with suppress(BrokenExecutor):
                future = pool.submit(prepare_batch, batch, lang, strict)
        if future is None:
            future = Future()
            future.set_result(prepare_batch(batch, lang, strict))
        waiting.append((future, batch))

    def receive() -> list[PreparedRecord | Rejected]:
        nonlocal broken
        future, batch = waiting.popleft()
        try:
            return future.result()
        except BrokenExecutor:
            broken = True
            return prepare_batch(batch, lang, strict)

    try:
        while True:
            try:
                item = next(source)
            except StopIteration:
                break
            except Exception as error:  # raised once the records before it are given
                stopped = error
                break
            batch.append(item)
            if len(batch) >= BATCH or isinstance(item, VCardBlock):
                if kept < first_here:  # the first batches, while the helpers start
                    kept += 1
                    yield from prepare_batch(batch, lang, strict)
                else:
                    send(batch)
                batch = []
                while len(waiting) > ahead or (waiting and waiting[0][0].done()):
                    yield from receive()
        if batch:
            send(batch)
        while waiting:
            yield from receive()
    finally:
        for future, _ in waiting:
            future.cancel()
    if stopped is not None:
        raise stopped


WRITER_WARNINGS = {"photo": "The photo is not a picture that can be read; it was not stored"}
"""Warnings the writer adds to a record, by code, as message ids."""


def warning_text(lang: str, warning: str) -> str:
    """A record's warning as shown (the writer's codes translated; the rest is already)."""
    msgid = WRITER_WARNINGS.get(warning)
    return translate(lang, msgid) if msgid else warning


_quiet_lock = threading.Lock()
_quiet_users = 0
_was_enabled = False


def helper_start() -> None:
    """A helper process's set-up: no cycle collection, and a lower priority than the writer.

    A helper lives for one import, whose work makes no reference cycles to speak of (a
    full collection after 100,000 cards found 46 unreachable objects); reference counting
    frees everything else.  The one process that writes is what an import waits for;
    helpers yield the CPU to it when both are ready to run.
    """
    gc.disable()
    with suppress(OSError):
        os.nice(HELPER_NICENESS)


@contextmanager
def quiet_collector() -> Iterator[None]:
    """No cycle collection while an import runs; the collector's state comes back after.

    An import allocates millions of small objects that stay alive (the match index, the
    records in flight), and the collector walked them again and again: 1.2 s of a
    100,000-card import in 100 collections, for nothing (a full collection after it found
    no unreachable object).  Reference counting still frees everything at once.  The
    collector is the process's: requests served meanwhile (the web app) run without it
    too, and what cycles they leave are collected once the last import ends.
    """
    global _quiet_users, _was_enabled
    with _quiet_lock:
        if _quiet_users == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _quiet_users += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_users -= 1
            if _quiet_users == 0 and _was_enabled:
                gc.enable()

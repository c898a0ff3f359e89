"""The new cards of a sync through the import as they arrive, each card read once.

A sync reads every new card for its own state (its fields, services/dav_client_fields.py);
the same record is prepared for the import (validated, its search rows and what matching
compares made: ``import_pipeline.prepare_item``) and handed to the import's one
transaction (``importing.import_prepared``), which matches and writes it while the next
multigets are fetched and prepared.  Three things run at once in a big pull: the server
serving the next multiget, a helper process preparing the cards of the one before
(``HELPED`` new cards or more; fewer are prepared here), and this process matching and
writing the cards prepared before those.

The import is the one ``kinmyaku import`` makes (services/importing.py): the same writer,
the identity engine's duplicate check for every card, one import recorded under the file
name the sync's cards used to be written to, each record numbered as the card's place in
that file.  It lands whole or not at all: a multiget that fails half-way rolls the import
back, and nothing of the pull is kept (the next sync pulls it again).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from multiprocessing import forkserver

from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.domain.field_merge import Value
from kinmyaku.domain.readings import infer_reading
from kinmyaku.formats.records import RecordSource
from kinmyaku.services import carddav
from kinmyaku.services.dav_client_fields import card_fields
from kinmyaku.services.import_pipeline import preloaded, prepare_item
from kinmyaku.services.importing import ImportReport, Prepared, import_prepared
from kinmyaku.storage.bulk_index import BYTES_A_CARD
from kinmyaku.storage.uow import UnitOfWork

HELPED = 1000
"""A pull of this many new cards or more prepares them in a helper process (it starts in
about half a second, while the first multigets are prepared here): the second core parses
while this process writes.  Fewer are prepared here."""


def helped(count: int) -> bool:
    """Whether a pull of ``count`` new cards prepares them in a helper process: a big one,
    on a machine with a second core."""
    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:  # pragma: no cover (not Linux)
        cores = os.cpu_count() or 1
    return count >= HELPED and cores >= 2


@dataclass
class Numbering:
    """Where the next card goes in the sync's file of new cards: its record number (the
    cards before it that could be read, plus one) and its first line."""

    name: str
    count: int = 0
    lines: int = 0


@dataclass
class Batch:
    """One multiget's new cards, prepared: each card's fields (None: unreadable) and its
    record for the import (None likewise), and the numbering after them."""

    fields: list[dict[str, Value] | None]
    prepared: list[Prepared | None]
    after: Numbering


def prepare_cards(cards: list[tuple[str, bytes]], at: Numbering, lang: str = "en") -> Batch:
    """Read each (href, body) once: its fields and its prepared record, numbered from ``at``
    as the cards of one vCard file (pure: what the helper process runs)."""
    fields: list[dict[str, Value] | None] = []
    prepared: list[Prepared | None] = []
    count, lines = at.count, at.lines
    for href, body in cards:
        try:
            record = carddav.parse_card(body, href)
        except KinmyakuError:
            fields.append(None)
            prepared.append(None)
            continue
        fields.append(card_fields(record))
        count += 1
        start = record.source.line if record.source else 1
        record.source = RecordSource(at.name, count, lines + start)
        lines += len(body.splitlines())
        prepared.append(prepare_item(record, lang))
    return Batch(fields, prepared, Numbering(at.name, count, lines))


def _helper_start() -> None:
    """A helper process's set-up: no cycle collection (as an import's helpers), and what
    preparing Japanese cards needs loaded (pykakasi's dictionaries)."""
    gc.disable()
    infer_reading("東京")


def _ready() -> None:
    """A task that does nothing: its end says the helper has started."""


class Preparer:
    """Batches of new cards prepared in order, here or in one helper process.

    A batch is prepared once the one before it is (its numbering follows that one's
    readable cards); the caller writes the batch before while the helper prepares this
    one.  Until the helper has started, and if it breaks, batches are prepared here: the
    same result.
    """

    def __init__(
        self,
        name: str,
        *,
        helped: bool,
        warming: threading.Thread | None = None,
        lang: str = "en",
    ) -> None:
        self.at = Numbering(name)
        self.lang = lang
        self.sent = 0
        """Batches given to the helper process."""
        self.pool: ProcessPoolExecutor | None = None
        self.started: Future[None] | None = None
        if helped:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(preloaded())
            self.pool = ProcessPoolExecutor(1, mp_context=context, initializer=_helper_start)
            with suppress(BrokenExecutor, RuntimeError, OSError):  # no helper: all here
                self.started = self.pool.submit(_ready)
        self.warming = warming

    def submit(self, cards: list[tuple[str, bytes]]) -> Future[Batch]:
        """Prepare these cards after the ones submitted before (whose batch is done)."""
        if self.pool is not None and self.started is not None and self.started.done():
            with suppress(BrokenExecutor, RuntimeError, OSError):
                sent = self.pool.submit(prepare_cards, cards, self.at, self.lang)
                self.sent += 1
                return sent
        done: Future[Batch] = Future()
        done.set_result(self._here(cards))
        return done

    def result(self, future: Future[Batch], cards: list[tuple[str, bytes]], at: Numbering) -> Batch:
        """A submitted batch's result (prepared here again if the helper broke)."""
        try:
            batch = future.result()
        except BrokenExecutor:  # the rest here too
            self.started = None
            batch = self._here(cards, at)
        self.at = batch.after
        return batch

    def _here(self, cards: list[tuple[str, bytes]], at: Numbering | None = None) -> Batch:
        if self.warming is not None:  # two loads at once would load pykakasi twice
            self.warming.join()
            self.warming = None
        return prepare_cards(cards, self.at if at is None else at, self.lang)

    def close(self) -> None:
        """Stop the helper (a batch in flight is dropped)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def prepared_in_order(
    batches: Iterable[list[tuple[str, bytes]]], preparer: Preparer
) -> Iterator[tuple[list[tuple[str, bytes]], Batch]]:
    """Each batch of new cards with what preparing it gave, in order; the next batch is
    prepared (in the helper) while the caller works on this one."""
    waiting: tuple[Future[Batch], list[tuple[str, bytes]], Numbering] | None = None
    for cards in batches:
        if not cards:
            continue
        if waiting is not None:
            done = preparer.result(*waiting)
            before = waiting[1]
            waiting = (preparer.submit(cards), cards, preparer.at)
            yield before, done
        else:
            waiting = (preparer.submit(cards), cards, preparer.at)
    if waiting is not None:
        yield waiting[1], preparer.result(*waiting)


def warm_up() -> threading.Thread:
    """Load what preparing Japanese cards needs (pykakasi's dictionaries: a kanji name or
    company without a reading) in a thread, while the server lists its cards, and start
    the fork server a helper process comes from (it loads kinmyaku's modules: 0.7 s of CPU
    in a process of its own, once per process); join it before the first card is prepared
    here (two loads at once would load them twice)."""
    thread = threading.Thread(target=_warm, daemon=True)
    thread.start()
    return thread


def _warm() -> None:
    with suppress(Exception):  # no fork server: batches are prepared here
        multiprocessing.get_context("forkserver").set_forkserver_preload(preloaded())
        forkserver.ensure_running()
    infer_reading("東京")


def import_cards(
    uow: UnitOfWork, name: str, records: Iterable[Prepared], *, expected: int, lang: str = "en"
) -> int | None:
    """The prepared cards through one import as they come (skipping what cannot be
    stored): its id, None when nothing was imported.  ``expected``: how many cards may
    come (SQLite loads in bulk when they outnumber the people stored)."""
    report = ImportReport(None, "vcard", [name], False, {})
    done = import_prepared(
        uow, records, report=report, size=expected * BYTES_A_CARD, lang=lang, skip_bad=True
    )
    return done.import_id

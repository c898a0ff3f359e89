"""The new cards of a sync through the import, each card read once.

A sync reads every new card for its own state (its fields, services/dav_client_fields.py).
The same record is then prepared for the import (validated, its search rows and what
matching compares made: ``import_pipeline.prepare_item``) as soon as its multiget arrives,
while the next multiget is fetched, and the import's one transaction only matches and
writes.  The import is the one ``kinmyaku import`` makes (services/importing.py): the
same writer, the identity engine's duplicate check for every card, one import recorded
under the file name the sync's cards used to be written to, each record numbered as the
card's place in that file.
"""

from __future__ import annotations

import threading
from pathlib import Path

from kinmyaku.domain.readings import infer_reading
from kinmyaku.formats.records import ContactRecord, RecordSource
from kinmyaku.services.import_pipeline import prepare_item
from kinmyaku.services.importing import ImportReport, Prepared, import_files, import_prepared
from kinmyaku.storage.uow import UnitOfWork

MAX_PREPARED = 20000
"""The most new cards a sync keeps prepared in memory (about 8 KB each): a bigger first
pull writes them to a vCard file that the import reads (each card read twice, in flat
memory), as ``kinmyaku import`` does."""


class CardFile:
    """The cards of one import, numbered as the lines and records of one vCard file.

    With ``spill`` (a file path: a pull of more than MAX_PREPARED cards), the cards are
    written there instead and the import reads them from it.
    """

    def __init__(self, name: str, lang: str = "en", *, spill: Path | None = None) -> None:
        self.name, self.lang, self.spill = name, lang, spill
        self.prepared: list[Prepared] = []
        self.size = 0
        self.count = 0
        self._lines = 0
        self._out = spill.open("wb") if spill is not None else None

    def add(self, record: ContactRecord, body: bytes) -> None:
        """Prepare one card's record (read from ``body``) as record N+1 of the file (its
        source becomes that place), or write the card to the spill file."""
        lines = body.splitlines()
        self.count += 1
        if self._out is not None:
            self._out.write(b"\r\n".join(lines) + b"\r\n")
            return
        start = record.source.line if record.source else 1
        record.source = RecordSource(self.name, self.count, self._lines + start)
        self._lines += len(lines)
        self.size += sum(len(line) + 2 for line in lines)
        self.prepared.append(prepare_item(record, self.lang))

    def __len__(self) -> int:
        return self.count


def warm_up() -> threading.Thread:
    """Load what preparing Japanese cards needs (pykakasi's dictionaries: a kanji name or
    company without a reading) in a thread, while the server lists its cards; join it
    before the first card is prepared (two loads at once would load them twice)."""
    thread = threading.Thread(target=infer_reading, args=("東京",), daemon=True)
    thread.start()
    return thread


def import_cards(uow: UnitOfWork, cards: CardFile) -> int | None:
    """The prepared cards through one import (skipping what cannot be stored): its id,
    None when nothing was imported."""
    if cards._out is not None and cards.spill is not None:
        cards._out.close()
        if not cards.count:
            return None
        done = import_files(uow, paths=[cards.spill], format="vcard", jobs=0, skip_bad=True)
        return done.import_id
    if not cards.prepared:
        return None
    report = ImportReport(None, "vcard", [cards.name], False, {})
    done = import_prepared(
        uow, cards.prepared, report=report, size=cards.size, lang=cards.lang, skip_bad=True
    )
    return done.import_id

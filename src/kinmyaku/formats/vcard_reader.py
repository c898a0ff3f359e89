"""Read vCard 2.1, 3.0 and 4.0 files: split them into cards, parse a card into a ContactRecord.

Why not vobject? It is the obvious library, and the tests use it to check what we write,
but as the importer it falls short: it is several times slower (see
benchmarks/importing_parse.py), it wants text, not bytes, so a file that mixes charsets
(vCard 2.1 phones put ``CHARSET=SHIFT_JIS`` on some lines) must be decoded before the
per-line CHARSET is known, and its vCard 2.1 support is weak (quoted-printable soft line
breaks without leading whitespace, bare ``BASE64``/``JPEG`` parameters, Shift_JIS values
containing the byte 0x5C). Parsing content lines takes a couple of hundred lines here
(vcard_syntax.py); the mapping to our record is needed either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kinmyaku.formats.errors import ErrorHandler, FormatError, snippet
from kinmyaku.formats.records import ContactRecord, RecordSource
from kinmyaku.formats.vcard_mapping import card_to_record
from kinmyaku.formats.vcard_syntax import parse_property, unfold

MAX_CARD = 64 * 1024 * 1024
_E_OR_B = frozenset(b"EeBb")


def _is(line: bytes, marker: bytes) -> bool:
    return line[: len(marker)].upper() == marker and not line[len(marker) :].strip()


@dataclass(frozen=True, slots=True)
class RawCard:
    """The logical lines of one card, not parsed yet (parsing may run in another process)."""

    file: str
    record_no: int
    line: int
    lines: list[tuple[int, bytes]]
    size: int


def card_record(raw: RawCard) -> ContactRecord:
    """Parse one card's lines into a ContactRecord; raise FormatError naming the card."""
    file, record_no, start = raw.file, raw.record_no, raw.line
    if raw.size > MAX_CARD:
        raise FormatError(
            "vcard_too_large", file=file, line=start, record_no=record_no, limit=MAX_CARD
        )
    try:
        record = card_to_record(
            [parse_property(text, no) for no, text in raw.lines],
            RecordSource(file, record_no, start),
        )
    except FormatError as error:
        raise error.located(file=file, line=start, record_no=record_no) from None
    if not record.has_content():
        raise FormatError("empty_record", file=file, line=start, record_no=record_no)
    return record


def read_cards(
    lines: Iterator[bytes],
    *,
    file: str,
    on_error: ErrorHandler | None = None,
    start_line: int = 1,
    start_record: int = 1,
) -> Iterator[RawCard]:
    """Yield the lines of each card in ``lines`` (stray text and unterminated cards reported).

    Problems raise FormatError, or, when ``on_error`` is given, are passed to it.
    ``start_line`` and ``start_record`` number the first line and card (a block of a file).
    """
    return read_logical_cards(
        unfold(lines, start_line), file=file, on_error=on_error, start_record=start_record
    )


def read_logical_cards(
    logical: Iterable[tuple[int, bytes]],
    *,
    file: str,
    on_error: ErrorHandler | None = None,
    start_record: int = 1,
) -> Iterator[RawCard]:
    """read_cards over logical lines already unfolded: (first line number, line)."""

    def report(error: FormatError) -> None:
        if on_error is None:
            raise error
        on_error(error)

    record_no = start_record - 1
    card: list[tuple[int, bytes]] | None = None
    start = depth = size = 0
    stray = False
    for line_no, line in logical:
        if card is None:
            if _is(line, b"BEGIN:VCARD"):
                card, start, depth, size, stray = [], line_no, 0, 0, False
                record_no += 1
            elif not stray:
                stray = True
                report(FormatError("not_vcard", file=file, line=line_no, text=snippet(line)))
            continue
        if line[0] in _E_OR_B:
            if _is(line, b"END:VCARD"):
                if depth:
                    depth -= 1
                    continue
                yield RawCard(file, record_no, start, card, size)
                card = None
                continue
            if _is(line, b"BEGIN:VCARD"):
                depth += 1
                continue
        if depth:
            continue
        size += len(line)
        if size <= MAX_CARD:
            card.append((line_no, line))
    if card is not None:
        report(FormatError("vcard_unterminated", file=file, line=start, record_no=record_no))

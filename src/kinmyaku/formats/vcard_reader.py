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
from dataclasses import dataclass, field

from kinmyaku.formats.errors import ErrorHandler, FormatError, FormatWarning, snippet
from kinmyaku.formats.records import ContactRecord, RecordSource
from kinmyaku.formats.vcard_mapping import card_to_record
from kinmyaku.formats.vcard_syntax import Property, decode_bytes, parse_property, unfold

MAX_CARD = 64 * 1024 * 1024
UNREADABLE = "unreadable line"
"""The extra field a lenient reader keeps a line that is not ``NAME:value`` in."""
_E_OR_B = frozenset(b"EeBb")
_AGENT = frozenset(b"Aa")
_MARKER_FIRST = _E_OR_B | _AGENT
"""The first bytes of END:VCARD, BEGIN:VCARD and AGENT:BEGIN:VCARD (one look-up a line)."""


def _is(line: bytes, marker: bytes) -> bool:
    return line[: len(marker)].upper() == marker and not line[len(marker) :].strip()


def opens_card(line: bytes) -> bool:
    """``BEGIN:VCARD``, or vCard 2.1's ``AGENT:BEGIN:VCARD`` (a card inside a card)."""
    if line[:1] in (b"B", b"b"):
        return _is(line, b"BEGIN:VCARD")
    return (
        line[0] in _AGENT
        and line[:5].upper() == b"AGENT"
        and line.rstrip().upper().endswith(b":BEGIN:VCARD")
        and line[5:6] in (b":", b";")
    )


@dataclass(frozen=True, slots=True)
class RawCard:
    """The logical lines of one card, not parsed yet (parsing may run in another process)."""

    file: str
    record_no: int
    line: int
    lines: list[tuple[int, bytes]]
    size: int
    problems: tuple[FormatWarning, ...] = ()
    """What a lenient reader got round while cutting the card (no END:VCARD)."""


def card_record(raw: RawCard, *, lenient: bool = False) -> ContactRecord:
    """Parse one card's lines into a ContactRecord; raise FormatError naming the card.

    ``lenient``: a line that is not ``NAME:value`` goes on the line before it (or, first in
    the card, is kept as the extra field ``unreadable line``), and a card with nothing in
    it is still a record; each such problem is a warning of the record instead.
    """
    file, record_no, start = raw.file, raw.record_no, raw.line
    if raw.size > MAX_CARD:
        raise FormatError(
            "vcard_too_large", file=file, line=start, record_no=record_no, limit=MAX_CARD
        )
    warnings: list[FormatWarning] = list(raw.problems) if raw.problems else []
    unreadable: list[bytes] = []
    try:
        try:
            props = [parse_property(text, no) for no, text in raw.lines]
        except FormatError:
            if not lenient:
                raise
            props = []
            for no, text in raw.lines:
                try:
                    props.append(parse_property(text, no))
                except FormatError:
                    warnings.append(_continue(props, unreadable, no, text))
        record = card_to_record(props, RecordSource(file, record_no, start))
    except FormatError as error:
        raise error.located(file=file, line=start, record_no=record_no) from None
    for text in unreadable:
        record.add_extra(UNREADABLE, decode_bytes(text))
    if record.warnings or warnings:
        record.warnings = [
            w.located(file=file, line=start, record_no=record_no)
            for w in [*warnings, *record.warnings]
        ]
    if not lenient and not record.has_content():
        raise FormatError("empty_record", file=file, line=start, record_no=record_no)
    return record


def _continue(
    props: list[Property], unreadable: list[bytes], no: int, text: bytes
) -> FormatWarning:
    """A line that is not NAME:value: the rest of the property before it, or kept as is."""
    if not props:
        unreadable.append(text)
        return FormatWarning("bad_line_kept", line=no, text=snippet(text))
    before = props[-1]
    # A BASE64 value's lines join as they are; a text's line break stays (escaped).
    before.value += (b"" if before.is_binary() else b"\\n") + text
    return FormatWarning(
        "line_continued", line=no, field=None, name=before.name, text=snippet(text)
    )


def read_cards(
    lines: Iterator[bytes],
    *,
    file: str,
    on_error: ErrorHandler | None = None,
    start_line: int = 1,
    start_record: int = 1,
    lenient: bool = False,
) -> Iterator[RawCard]:
    """Yield the lines of each card in ``lines`` (stray text and unterminated cards reported).

    Problems raise FormatError, or, when ``on_error`` is given, are passed to it.
    ``start_line`` and ``start_record`` number the first line and card (a block of a file).
    ``lenient`` as for :func:`read_logical_cards`.
    """
    return read_logical_cards(
        unfold(lines, start_line),
        file=file,
        on_error=on_error,
        start_record=start_record,
        lenient=lenient,
    )


@dataclass(slots=True)
class _Open:
    """A card being read: its number, first line, lines and size so far."""

    record_no: int
    start: int
    lines: list[tuple[int, bytes]] = field(default_factory=list)
    size: int = 0

    def done(self, file: str, *problems: FormatWarning) -> RawCard:
        return RawCard(file, self.record_no, self.start, self.lines, self.size, problems)


def read_logical_cards(
    logical: Iterable[tuple[int, bytes]],
    *,
    file: str,
    on_error: ErrorHandler | None = None,
    start_record: int = 1,
    lenient: bool = False,
) -> Iterator[RawCard]:
    """read_cards over logical lines already unfolded: (first line number, line).

    Lines starting with ``#`` are comments (Android), in a card or between cards.  A card
    inside a card (vCard 2.1 ``AGENT``) takes the next record number; it is dropped, or,
    ``lenient``, comes as a card of its own when it ends (before the card around it).
    ``lenient`` also gives a card the file ends in before its END:VCARD, with a warning.
    """

    def report(error: FormatError) -> None:
        if on_error is None:
            raise error
        on_error(error)

    record_no = start_record - 1
    cards: list[_Open] = []  # the open cards, the innermost last
    stray = False
    for line_no, line in logical:
        first = line[0]
        if first == 0x23:  # "#"
            continue
        if not cards:
            if opens_card(line):
                record_no += 1
                cards.append(_Open(record_no, line_no))
                stray = False
            elif not stray:
                stray = True
                report(FormatError("not_vcard", file=file, line=line_no, text=snippet(line)))
            continue
        if first in _MARKER_FIRST:
            if _is(line, b"END:VCARD"):
                card = cards.pop()
                if lenient or not cards:
                    yield card.done(file)
                continue
            if opens_card(line):
                record_no += 1
                cards.append(_Open(record_no, line_no))
                continue
        card = cards[-1]
        card.size += len(line)
        if card.size <= MAX_CARD:
            card.lines.append((line_no, line))
    if cards and lenient:
        while cards:
            card = cards.pop()
            yield card.done(file, FormatWarning("unterminated_kept", line=card.start))
    elif cards:
        outer = cards[0]
        report(
            FormatError(
                "vcard_unterminated", file=file, line=outer.start, record_no=outer.record_no
            )
        )

"""One entry point for every import format: detect it, then stream ContactRecords."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

from kinmyaku.formats.binary import binary_kind, signature_kind
from kinmyaku.formats.csv_layouts import detect_layout
from kinmyaku.formats.csv_reader import HEADER_SEARCH_ROWS, read_csv_records
from kinmyaku.formats.errors import ErrorHandler, FormatError, snippet
from kinmyaku.formats.records import ContactRecord
from kinmyaku.formats.streams import (
    HEAD_SIZE,
    first_line,
    guess_encoding,
    iter_lines,
    read_head,
    strip_bom,
)
from kinmyaku.formats.vcard_blocks import VCardBlock, cut_blocks
from kinmyaku.formats.vcard_reader import RawCard, card_record, read_cards

FORMATS = ("vcard", "linkedin", "google", "outlook", "eight", "csv")
"""Format names accepted by ``read_records``; ``auto`` detects one of them."""


def detect_format(head: bytes, *, file: str = "", at_eof: bool | None = None) -> str:
    """Return the format of a file from its first bytes: one of ``FORMATS``.

    ``csv`` means a CSV whose columns are not a known source (it needs a column mapping).
    Raises FormatError for an empty file or one that is neither vCard nor CSV.
    """
    at_eof = len(head) < HEAD_SIZE if at_eof is None else at_eof
    body = strip_bom(head, file=file)
    line = first_line(body)
    if not line:
        raise FormatError("empty_file", file=file)
    if line[:11].upper() == b"BEGIN:VCARD" or _first_card_line(body)[:11].upper() == b"BEGIN:VCARD":
        return "vcard"
    if not at_eof:
        body = body[: body.rfind(b"\n") + 1] or body
    text = body.decode(guess_encoding(body, at_eof=True), "replace")
    widest = 0
    try:
        for _, cells in zip(range(HEADER_SEARCH_ROWS), csv.reader(text.splitlines()), strict=False):
            layout = detect_layout(cells)
            if layout is not None:
                return layout.name
            widest = max(widest, sum(1 for cell in cells if cell.strip()))
    except csv.Error:
        pass
    not_text = binary_kind(line)
    if not_text is not None:
        raise FormatError(not_text, file=file)
    if widest >= 2:
        return "csv"
    raise FormatError("unknown_format", file=file, line=1, head=snippet(line))


def _first_card_line(head: bytes) -> bytes:
    """The first line that is neither blank nor a ``#`` comment (Android's vCards have them)."""
    for line in head.split(b"\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith(b"#"):
            return stripped
    return b""


def read_records(
    stream: IO[bytes],
    *,
    file_name: str,
    format: str = "auto",
    mapping: Mapping[str, str] | None = None,
    on_error: ErrorHandler | None = None,
    lenient: bool = False,
) -> Iterator[ContactRecord]:
    """Stream the contacts of an import file (a binary stream) as ContactRecords.

    ``format`` is ``auto`` or one of ``FORMATS``; ``mapping`` (CSV header -> field, see
    ``csv_fields.MAPPING_FIELDS``) is needed for ``csv`` and may override columns of the
    known CSV sources. A problem raises FormatError; with ``on_error`` each bad record is
    passed to it instead and skipped, and only problems with the whole file raise.

    ``lenient`` keeps what a strict reader refuses, with a warning in ``record.warnings``
    (a line that is not ``NAME:value``, a card without END:VCARD or with nothing in it, a
    date that is not one, bytes not valid in the charset, a card inside a card): only
    stray text between cards, an empty CSV row and what makes the whole file unreadable
    are still reported.
    """
    for item in read_items(
        stream,
        file_name=file_name,
        format=format,
        mapping=mapping,
        on_error=on_error,
        lenient=lenient,
    ):
        if isinstance(item, ContactRecord):
            yield item
            continue
        assert isinstance(item, RawCard)
        try:
            yield card_record(item, lenient=lenient)
        except FormatError as error:
            if on_error is None:
                raise
            on_error(error)


def read_items(
    stream: IO[bytes],
    *,
    file_name: str,
    format: str = "auto",
    mapping: Mapping[str, str] | None = None,
    on_error: ErrorHandler | None = None,
    blocks: bool = False,
    lenient: bool = False,
) -> Iterator[ContactRecord | RawCard | VCardBlock]:
    """Like :func:`read_records`, but a vCard's cards come unparsed, as RawCards.

    ``vcard_reader.card_record`` parses one.  With ``blocks``, a vCard file comes in
    VCardBlocks of whole cards instead (``vcard_blocks.block_cards`` reads one): an
    import parses them in helper processes.
    """
    if format != "auto" and format not in FORMATS:
        raise FormatError(
            "unknown_format_name", file=file_name, format=format, allowed=", ".join(FORMATS)
        )
    head = read_head(stream)
    at_eof = len(head) < HEAD_SIZE
    not_text = signature_kind(head)
    if not_text is not None:
        raise FormatError(not_text, file=file_name)
    kind = format
    if format == "auto":
        try:
            kind = detect_format(head, file=file_name, at_eof=at_eof)
        except FormatError as error:
            if not mapping or error.key not in ("unknown_format", "binary_file"):
                raise
            # A CSV of one column, or odd bytes in its header: the user's mapping says what
            # the columns hold (a workbook or an image was refused above by its signature).
            kind = "csv"
    if kind == "vcard" and blocks:
        yield from cut_blocks(
            strip_bom(head, file=file_name),
            stream,
            file=file_name,
            on_error=on_error,
            lenient=lenient,
        )
        return
    if kind == "vcard":
        lines = iter_lines(strip_bom(head, file=file_name), stream, file=file_name)
        yield from read_cards(lines, file=file_name, on_error=on_error, lenient=lenient)
        return
    yield from read_csv_records(
        head,
        stream,
        file=file_name,
        at_eof=at_eof,
        # With a mapping, the first row holding its columns is the header, whatever it is.
        layout_name=None if kind == "csv" or (format == "auto" and mapping) else kind,
        mapping=mapping,
        on_error=on_error,
        lenient=lenient,
    )


def read_path(
    path: str | Path,
    *,
    format: str = "auto",
    mapping: Mapping[str, str] | None = None,
    on_error: ErrorHandler | None = None,
    lenient: bool = False,
) -> Iterator[ContactRecord]:
    """Stream the contacts of the file at ``path``; records name the file by its base name."""
    path = Path(path)
    with path.open("rb") as stream:
        yield from read_records(
            stream,
            file_name=path.name,
            format=format,
            mapping=mapping,
            on_error=on_error,
            lenient=lenient,
        )

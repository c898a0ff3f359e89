"""Read contact CSV files (UTF-8 with or without BOM, or cp932) one row at a time.

The header row is found by looking at the first rows, which skips preambles such as the
"Notes:" paragraph LinkedIn puts above its Connections.csv header.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from typing import IO

from kinmyaku.formats.csv_fields import RowBuilder, Target, header_key, parse_target
from kinmyaku.formats.csv_layouts import LAYOUTS, Layout, detect_layout
from kinmyaku.formats.csv_writer import unsafe_cell
from kinmyaku.formats.errors import ErrorHandler, FormatError, FormatWarning, snippet
from kinmyaku.formats.records import ContactRecord, RecordSource
from kinmyaku.formats.streams import UTF8_BOM, guess_encoding, iter_lines, strip_bom
from kinmyaku.formats.vcard_syntax import decode_cp932

HEADER_SEARCH_ROWS = 30
MAX_COLUMNS = 2000


def _decoded(
    lines: Iterator[bytes],
    encoding: str,
    file: str,
    *,
    may_switch: bool,
    bad_lines: list[FormatWarning] | None = None,
) -> Iterator[str]:
    """Decode each line; a guessed UTF-8 turns into cp932 if the first non-ASCII line says so.

    With ``bad_lines``, a line that does not decode keeps its bad bytes as ``\\xNN`` and a
    warning is added to the list instead of an error.
    """
    line_no = 0
    for raw in lines:
        line_no += 1
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            if may_switch:
                may_switch = False
                try:
                    text = raw.decode("cp932")
                except UnicodeDecodeError:
                    pass
                else:
                    encoding = "cp932"
                    yield text
                    continue
            name = "UTF-8" if encoding == "utf-8" else "Shift_JIS (cp932)"
            if bad_lines is None:
                raise FormatError("bad_encoding", file=file, line=line_no, encoding=name) from None
            text = (
                raw.decode("utf-8", "backslashreplace")
                if encoding == "utf-8"
                else decode_cp932(raw, "backslashreplace")
            )
            shown = snippet(text.rstrip("\r\n"), 80)
            bad_lines.append(FormatWarning("bad_bytes", line=line_no, encoding=name, text=shown))
            yield text
            continue
        if may_switch and not raw.isascii():
            may_switch = False
        yield text


def iter_rows(
    head: bytes,
    stream: IO[bytes],
    *,
    file: str,
    at_eof: bool,
    bad_lines: list[FormatWarning] | None = None,
    on_error: ErrorHandler | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """Yield (starting line number, cells) for every CSV row, decoding as UTF-8 or cp932.

    ``head`` is the start of the file as read by ``read_head``; ``at_eof`` says whether it
    is the whole file.  ``bad_lines`` as for ``_decoded``.  A row that cannot be read (a
    cell over the csv module's size limit, too many columns) raises FormatError, or is
    passed to ``on_error`` and skipped.
    """
    bom = head.startswith(UTF8_BOM)
    head = strip_bom(head, file=file)
    encoding = "utf-8" if bom else guess_encoding(head, at_eof=at_eof)
    lines = _decoded(
        iter_lines(head, stream, file=file),
        encoding,
        file,
        may_switch=encoding == "utf-8" and not bom,
        bad_lines=bad_lines,
    )
    reader = csv.reader(lines)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problem = FormatError("csv_syntax", file=file, line=line, detail=str(error))
        else:
            if len(row) <= MAX_COLUMNS:
                yield line, row
                line = reader.line_num + 1
                continue
            problem = FormatError("csv_too_many_columns", file=file, line=line, count=len(row))
        if on_error is None:
            raise problem
        on_error(problem)
        line = reader.line_num + 1
        line = reader.line_num + 1


def find_header(
    rows: Iterator[tuple[int, list[str]]],
    *,
    file: str,
    layout: Layout | None,
    wanted: set[str] | None,
) -> tuple[Layout | None, int, list[str]]:
    """Consume rows up to the header row; return its layout (None = generic), line, cells.

    With ``layout`` the row must be that layout's header; otherwise the first known
    header wins, or, when a mapping is given (``wanted`` = its header keys), the first
    row holding all the mapped columns.
    """
    first: list[str] | None = None
    for _, (line, cells) in zip(range(HEADER_SEARCH_ROWS), rows, strict=False):
        if not any(cell.strip() for cell in cells):
            continue
        first = first if first is not None else cells
        keys = {header_key(cell) for cell in cells}
        found = detect_layout(cells)
        if layout is not None:
            if found is layout or (layout.required and layout.matches(keys)):
                return layout, line, cells
        elif found is not None or (wanted is not None and wanted <= keys):
            return found, line, cells
    if first is None:
        raise FormatError("empty_file", file=file)
    if layout is not None:
        columns = ", ".join(layout.required) or layout.name
        raise FormatError(
            "csv_header_missing", file=file, line=1, format=layout.name, columns=columns
        )
    if wanted is not None:
        missing = sorted(wanted - {header_key(cell) for cell in first})
        raise FormatError("csv_unknown_header", file=file, line=1, columns=", ".join(missing))
    raise FormatError("csv_unknown_header", file=file, line=1, columns=", ".join(first[:12]))


def _targets(
    header: list[str], layout: Layout | None, mapping: Mapping[str, str] | None
) -> list[Target]:
    custom: dict[str, Target] = {}
    for column, target in (mapping or {}).items():
        custom[header_key(column)] = parse_target(target, column)
    if mapping:
        present = {header_key(h) for h in header}
        missing = [column for column in mapping if header_key(column) not in present]
        if missing:
            raise FormatError("csv_header_missing", format="CSV", columns=", ".join(missing))
    targets = []
    for cell in header:
        key = header_key(cell)
        if key in custom:
            targets.append(custom[key])
        elif layout is not None:
            targets.append(layout.target(cell))
        else:
            targets.append(Target("extra"))
    return targets


def read_csv_records(
    head: bytes,
    stream: IO[bytes],
    *,
    file: str,
    at_eof: bool,
    layout_name: str | None = None,
    mapping: Mapping[str, str] | None = None,
    on_error: ErrorHandler | None = None,
    lenient: bool = False,
) -> Iterator[ContactRecord]:
    """Yield a ContactRecord per data row of a contact CSV.

    ``layout_name`` is ``linkedin``, ``google``, ``outlook``, ``eight`` or None (detect; a
    file with unknown columns then needs ``mapping``, a dict from CSV header to field).
    ``lenient``: bytes that do not decode and dates that are not dates are kept, with a
    warning in the record (see ``reader.read_records``).
    """
    layout = LAYOUTS[layout_name] if layout_name else None
    bad_lines: list[FormatWarning] | None = [] if lenient else None
    rows = iter_rows(head, stream, file=file, at_eof=at_eof, bad_lines=bad_lines, on_error=on_error)
    wanted = {header_key(column) for column in mapping} if mapping else None
    found, header_line, header = find_header(rows, file=file, layout=layout, wanted=wanted)
    try:
        targets = _targets(header, found, mapping)
    except FormatError as error:
        raise error.located(file=file, line=header_line, record_no=None) from None
    headers = [cell.strip() for cell in header]
    defaults = found.defaults if found is not None else {}
    record_no = 0
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        record_no += 1
        builder = RowBuilder(lenient=lenient)
        try:
            for index, cell in enumerate(cells):
                value = unsafe_cell(cell.strip())
                if not value:
                    continue
                if "\r" in value:
                    value = value.replace("\r\n", "\n").replace("\r", "\n")
                if index < len(targets):
                    builder.add(targets[index], headers[index], value)
                else:
                    builder.record.add_extra(f"column {index + 1}", value)
            record = builder.build()
            if not record.has_content():
                raise FormatError("empty_record")
        except FormatError as error:
            located = error.located(file=file, line=line, record_no=record_no)
            if on_error is None:
                raise located from None
            on_error(located)
            continue
        for key, value in defaults.items():
            if getattr(record, key) in (None, ""):
                setattr(record, key, value)
        record.source = RecordSource(file, record_no, line)
        if bad_lines:  # bytes that did not decode, on this row's lines or before it
            record.warnings[:0] = bad_lines
            bad_lines.clear()
        if record.warnings:
            record.warnings = [
                w.located(file=file, line=line, record_no=record_no) for w in record.warnings
            ]
        yield record

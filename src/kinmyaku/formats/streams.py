"""Streaming helpers: read a file's head without losing it, iterate lines, guess the encoding.

Files are never read whole: readers get a generator of raw byte lines, so memory stays
flat however many cards a file holds. The head (the first 64 KiB) is read once to detect
the format and the text encoding, then replayed in front of the rest of the stream.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import IO

from kinmyaku.formats.errors import FormatError

HEAD_SIZE = 64 * 1024
MAX_LINE = 32 * 1024 * 1024  # one physical line; a BASE64 photo on one line fits easily

UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_head(stream: IO[bytes], size: int = HEAD_SIZE) -> bytes:
    """Read up to ``size`` bytes from the start of ``stream`` (fewer only at end of file)."""
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def iter_lines(
    head: bytes, stream: IO[bytes], *, file: str, start_line: int = 1
) -> Iterator[bytes]:
    """Yield the physical lines of ``head`` followed by the rest of ``stream``.

    Lines keep their terminator. A line of the stream longer than ``MAX_LINE`` raises
    FormatError (``start_line`` is the number of the head's first line).
    """
    parts = head.split(b"\n")
    tail = parts.pop()
    line_no = start_line - 1
    for part in parts:
        line_no += 1
        yield part + b"\n"
    pending = tail
    while True:
        line = stream.readline(MAX_LINE)
        if pending:
            line = pending + line
            pending = b""
        if not line:
            return
        line_no += 1
        if len(line) >= MAX_LINE and not line.endswith(b"\n"):
            raise FormatError("line_too_long", file=file, line=line_no, limit=MAX_LINE)
        yield line


def strip_bom(head: bytes, *, file: str) -> bytes:
    """Drop a UTF-8 byte order mark; refuse UTF-16 files with a clear error."""
    if head.startswith(UTF8_BOM):
        return head[len(UTF8_BOM) :]
    if head.startswith(_UTF16_BOMS):
        raise FormatError("unsupported_encoding", file=file, line=1, encoding="UTF-16")
    return head


def guess_encoding(head: bytes, *, at_eof: bool) -> str:
    """Return ``utf-8`` or ``cp932`` (Windows' Shift_JIS) for the start of a text file.

    Valid UTF-8 (a character cut off at the end of ``head`` is fine) is UTF-8; otherwise
    valid cp932 is cp932. When neither decodes, UTF-8 wins if non-ASCII text decoded as
    UTF-8 before the bad byte, so the error points at the broken line, not at line 1.
    cp932 is the variant Excel and Windows write: Shift_JIS plus NEC and IBM extensions
    (①, ㈱, 髙).
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=at_eof)
    except UnicodeDecodeError as error:
        try:
            codecs.getincrementaldecoder("cp932")().decode(head, final=at_eof)
        except UnicodeDecodeError:
            return "utf-8" if not head[: error.start].isascii() else "cp932"
        return "cp932"
    return "utf-8"


def first_line(head: bytes) -> bytes:
    """Return the first non-blank line of ``head`` without its terminator."""
    for line in head.split(b"\n"):
        stripped = line.strip()
        if stripped:
            return stripped
    return b""

"""Shared by the vCard and iCalendar writers: text escaping and folding at 75 octets."""

from __future__ import annotations

_FOLD_AT = 75


def escape_text(value: str) -> str:
    r"""Escape a TEXT value: ``\`` ``;`` ``,`` and newlines (RFC 6350 and RFC 5545)."""
    if not any(ch in value for ch in "\\;,\n\r"):
        return value
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def escape_param(value: str) -> str:
    """Quote a parameter value, caret-encoding ``^``, ``"`` and newlines (RFC 6868)."""
    value = value.replace("^", "^^").replace('"', "^'").replace("\r\n", "^n").replace("\n", "^n")
    return f'"{value}"'


def fold(line: str) -> bytes:
    """Encode ``line`` as UTF-8, folded to at most 75 octets a line, ending in CRLF.

    A continuation line starts with one space; a multi-byte character is never split.
    """
    data = line.encode("utf-8")
    if len(data) <= _FOLD_AT:
        return data + b"\r\n"
    pieces: list[bytes] = []
    start = 0
    limit = _FOLD_AT
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and end > start and (data[end] & 0xC0) == 0x80:
            end -= 1
        pieces.append(data[start:end])
        start = end
        limit = _FOLD_AT - 1
    return b"\r\n ".join(pieces) + b"\r\n"

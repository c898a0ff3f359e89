"""vCard content lines (RFC 2425/2426/6350 and vCard 2.1): unfolding, parameters, decoding.

Everything works on bytes until a value's own CHARSET is known, because one file can mix
charsets (vCard 2.1 phones write ``CHARSET=SHIFT_JIS`` on some lines and UTF-8 on others)
and because a Shift_JIS character may contain the byte 0x5C, which is a backslash in
ASCII: values are decoded first and only then split on ``;`` and unescaped, so 表 (0x95
0x5C) or ソ (0x83 0x5C) never look like an escape.
"""

from __future__ import annotations

import binascii
import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kinmyaku.formats.errors import FormatError, snippet

_QP = b"QUOTED-PRINTABLE"
_BARE_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"}
_BINARY = {"B", "BASE64"}
_SHIFT_JIS = {
    "shift_jis",
    "shift-jis",
    "sjis",
    "x-sjis",
    "s-jis",
    "ms_kanji",
    "csshiftjis",
    "windows-31j",
    "cp932",
    "ms932",
    "x-ms-cp932",
}
_codec_cache: dict[str, str | None] = {}
_names: dict[bytes, tuple[str, str]] = {}
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPES = {"n": "\n", "N": "\n", "\\": "\\", ";": ";", ",": ",", ":": ":"}
_CARET = re.compile(r"\^(.)", re.DOTALL)
_CARETS = {"n": "\n", "^": "^", "'": '"'}


@dataclass(slots=True)
class Property:
    """One content line: ``group.NAME;PARAM=value:value`` with the value still as bytes."""

    group: str
    name: str
    params: dict[str, list[str]]
    value: bytes
    line: int
    bad_bytes: str = ""
    """The charset the value's bytes were not valid in, if any."""
    read_as: str = ""
    """The charset that decoded them all instead (else the bad ones are kept as ``\\xNN``)."""

    def param(self, key: str) -> str:
        """Return the first value of parameter ``key`` (upper case), or ``""``."""
        values = self.params.get(key)
        return values[0] if values else ""

    def types(self) -> list[str]:
        """Return the TYPE values in lower case (``TYPE=WORK,VOICE`` -> ``["work", "voice"]``)."""
        return type_values(self.params.get("TYPE", ()))

    def is_binary(self) -> bool:
        """Return True when the value is BASE64 (``ENCODING=b`` or ``ENCODING=BASE64``)."""
        return self.param("ENCODING").upper() in _BINARY


def type_values(values: Iterable[str]) -> list[str]:
    """A TYPE parameter's values in lower case, comma lists split (``WORK,VOICE``)."""
    return [part.strip().lower() for value in values for part in value.split(",") if part.strip()]


def _is_boundary(line: bytes) -> bool:
    head = line[:11].upper()
    if head.startswith((b"END:VCARD", b"BEGIN:VCARD")):
        return True
    # vCard 2.1's AGENT:BEGIN:VCARD opens a card too (vcard_reader.opens_card)
    return head[:5] == b"AGENT" and line.rstrip().upper().endswith(b":BEGIN:VCARD")


def _is_qp(line: bytes) -> bool:
    colon = line.find(b":")
    return colon > 0 and _QP in line[:colon].upper()


def _backslash_continues(line: bytes) -> bool:
    """Whether ``line`` ends in a backslash that escapes nothing but the line break.

    An even run of backslashes is escaped backslashes; in a Shift_JIS value the byte 0x5C
    may be the second byte of a character (表, ソ), never so in UTF-8.
    """
    run = len(line) - len(line.rstrip(b"\\"))
    if run % 2 == 0 or b":" not in line or _is_qp(line):
        return False
    before = line[: len(line) - run]
    if not before or before[-1] < 0x80:
        return True
    if _declares_shift_jis(line):
        # The value's own charset decides: is the last 0x5C a character of its own, or the
        # second byte of one (表, ソ)?  Bytes that happen to be UTF-8 too prove nothing.
        value = line[line.index(b":") + 1 :]
        try:
            return value.decode("cp932").endswith("\\")
        except UnicodeDecodeError:
            return False
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_CHARSET_PARAM = re.compile(rb";\s*CHARSET\s*=\s*\"?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def _declares_shift_jis(line: bytes) -> bool:
    """Whether the property's parameters (before its first colon) say CHARSET=Shift_JIS."""
    found = _CHARSET_PARAM.search(line[: line.index(b":")])
    if found is None:
        return False
    return _codec(found.group(1).decode("ascii")) == "cp932"


def unfold(lines: Iterator[bytes], start_line: int = 1) -> Iterator[tuple[int, bytes]]:
    """Join folded lines (and quoted-printable soft line breaks) into logical lines.

    Yields (first physical line number, logical line without terminator). Blank lines
    are skipped. A line starting with a space or tab continues the previous one (its
    first whitespace character is dropped); a quoted-printable value ending in ``=``
    continues on the next line even when that line does not start with whitespace.
    ``start_line`` is the number of the first line.
    """
    pending: bytes | None = None  # the logical line being built
    parts: list[bytes] = []  # its continuation lines, when it is folded
    start = line_no = start_line - 1
    for raw in lines:
        line_no += 1
        line = raw.rstrip(b"\r\n")
        if pending is not None:
            first = line[:1]
            if first == b" " or first == b"\t":
                last = parts[-1] if parts else pending
                if last.endswith(b"=") and _is_qp(pending):
                    # A soft line break (on the first line or a continuation): the next
                    # line is text as it stands, its leading blank included.
                    if parts:
                        parts[-1] = last[:-1]
                    else:
                        pending = last[:-1]
                    parts.append(line)
                else:
                    parts.append(line[1:])
                continue
            last = parts[-1] if parts else pending
            if last.endswith(b"=") and _is_qp(pending) and not _is_boundary(line):
                if parts:
                    parts[-1] = last[:-1]
                else:
                    pending = last[:-1]
                parts.append(line)
                continue
            if last.endswith(b"\\") and _backslash_continues(last) and not _is_boundary(line):
                # vCard 2.1 (Android): a line ending in a lone backslash goes on; the line
                # break it escapes is kept as an escaped newline.
                parts.append(b"n" + line)
                continue
            yield start, pending + b"".join(parts) if parts else pending
            pending = None
            parts = []
        if not line or line.isspace():
            continue
        pending = line
        start = line_no
    if pending is not None:
        yield start, pending + b"".join(parts) if parts else pending


def _find_colon(line: bytes) -> int:
    """Return the index of the first colon outside double quotes.

    Only the first 8 KiB are scanned (parameters are never longer); failing that, the
    first colon anywhere is used.
    """
    quoted = False
    for index, byte in enumerate(line[:8192]):
        if byte == 0x22:
            quoted = not quoted
        elif byte == 0x3A and not quoted:
            return index
    return line.find(b":")


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    if '"' not in text:
        return text.split(sep)
    out: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
            current.append(ch)
        elif ch == sep and not quoted:
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
    out.append("".join(current))
    return out


def _param_value(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1]
    if "^" in text:
        text = _CARET.sub(lambda m: _CARETS.get(m.group(1), m.group(0)), text)
    return text


def parse_params(raw: bytes) -> dict[str, list[str]]:
    """Parse ``TYPE=WORK,VOICE;CHARSET=UTF-8;PREF`` into ``{"TYPE": [...], ...}``.

    vCard 2.1 bare parameters (``WORK``, ``QUOTED-PRINTABLE``) become TYPE or ENCODING.
    TYPE is a list however it is written: ``TYPE="work,voice"`` (quoted, as RFC 6350's
    examples and Apple write it) is ``["work", "voice"]`` like ``TYPE=work,voice``; other
    quoted values keep their commas (``LABEL="Tokyo, Japan"``).
    """
    params: dict[str, list[str]] = {}
    for item in _split_outside_quotes(raw.decode("utf-8", "backslashreplace"), ";"):
        key, eq, value = item.partition("=")
        key = key.strip().upper()
        if not key:
            continue
        if not eq:
            bare = key
            key = "ENCODING" if bare in _BARE_ENCODINGS else "TYPE"
            params.setdefault(key, []).append(bare)
            continue
        values = params.setdefault(key, [])
        for part in _split_outside_quotes(value, ","):
            part = _param_value(part)
            if key == "TYPE" and "," in part:
                values += [item.strip() for item in part.split(",") if item.strip()]
            elif part:
                values.append(part)
    return params


def _name(head: bytes) -> tuple[str, str]:
    """Return (GROUP, NAME) of a property head such as ``item1.tel``; cached."""
    cached = _names.get(head)
    if cached is None:
        try:
            text = head.decode("ascii")
        except UnicodeDecodeError:
            text = head.decode("utf-8", "backslashreplace")
        group, _, name = text.strip().rpartition(".")
        cached = (group.upper(), name.upper())
        if len(_names) < 4096:
            _names[head] = cached
    return cached


def parse_property(line: bytes, line_no: int) -> Property:
    """Parse one logical line; raise FormatError when it has no ``NAME:value`` shape."""
    colon = line.find(b":")
    if colon <= 0:
        raise FormatError("vcard_bad_line", line=line_no, text=snippet(line))
    semi = line.find(b";", 0, colon)
    if semi < 0:
        group, name = _name(line[:colon])
        params: dict[str, list[str]] = {}
    else:
        if 0x22 in line[semi:colon]:
            colon = _find_colon(line)
        group, name = _name(line[:semi])
        params = parse_params(line[semi + 1 : colon])
    if not name:
        raise FormatError("vcard_bad_line", line=line_no, text=snippet(line))
    return Property(group, name, params, line[colon + 1 :], line_no)


def _codec(charset: str) -> str | None:
    name = charset.strip().lower()
    if name in _codec_cache:
        return _codec_cache[name]
    codec: str | None
    if name in _SHIFT_JIS:
        codec = "cp932"
    else:
        try:
            codec = codecs.lookup(name).name
        except (LookupError, ValueError, TypeError):
            codec = None
    if len(_codec_cache) < 64:
        _codec_cache[name] = codec
    return codec


def decode_bytes(raw: bytes, charset: str = "") -> str:
    """Decode ``raw`` with ``charset``; without one try UTF-8, then cp932 (Shift_JIS).

    Bytes valid in neither are kept as ``\\xNN`` escapes (see :func:`decode_value`).
    """
    return decode_value(raw, charset)[0]


def decode_value(raw: bytes, charset: str = "") -> tuple[str, str, str]:
    """Decode ``raw`` as :func:`decode_bytes` does: (text, bad charset, charset read as).

    A declared charset is tried first; without one (or when the bytes are not valid in
    it), UTF-8, then cp932.  The second value names the declared charset the bytes were
    not valid in (``""`` when they were).  When another charset decoded every byte, the
    third value names it.  Bytes valid in none are never replaced by other characters: they
    stay as ``\\xNN`` escapes, decoded in the charset most of the value is valid in, and
    the third value is ``""``.
    """
    codec = _codec(charset) if charset else None
    if codec is not None:
        try:
            return (decode_cp932(raw) if codec == "cp932" else raw.decode(codec)), "", ""
        except UnicodeDecodeError:
            pass
        except (LookupError, ValueError, TypeError):
            codec = None
    declared = _charset_name(codec) if codec is not None else ""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        utf8_error = error
    else:
        return text, declared, "UTF-8" if declared else ""
    looks_utf8 = _mostly_utf8(raw, utf8_error.start)
    if not looks_utf8:
        try:
            text = decode_cp932(raw)
        except UnicodeDecodeError:
            pass
        else:
            return text, declared if codec != "cp932" else "", "Shift_JIS" if declared else ""
    if codec == "cp932" and not looks_utf8:
        return decode_cp932(raw, "backslashreplace"), "Shift_JIS", ""
    if codec not in (None, "utf-8") and not looks_utf8:
        return raw.decode(codec, "backslashreplace"), declared, ""
    if looks_utf8 or codec == "utf-8":
        return raw.decode("utf-8", "backslashreplace"), "UTF-8", ""
    return decode_cp932(raw, "backslashreplace"), "UTF-8 / Shift_JIS", ""


# Python's cp932 gives these bytes characters no Shift_JIS text has (Microsoft's "best
# fit"): they are bytes that are not valid, kept as \xNN like the others.
_CP932_ODD = {
    "\x80": "\\x80",
    "\uf8f0": "\\xa0",
    "\uf8f1": "\\xfd",
    "\uf8f2": "\\xfe",
    "\uf8f3": "\\xff",
}
_CP932_ODD_RE = re.compile("[\x80\uf8f0-\uf8f3]")


def decode_cp932(raw: bytes, errors: str = "strict") -> str:
    """Decode Shift_JIS (cp932); the bytes 0x80, 0xA0 and 0xFD-0xFF are not valid in it."""
    text = raw.decode("cp932", errors)
    if _CP932_ODD_RE.search(text) is None:
        return text
    if errors == "strict":
        raise UnicodeDecodeError("cp932", raw, 0, len(raw), "not a Shift_JIS character")
    return _CP932_ODD_RE.sub(lambda m: _CP932_ODD[m.group(0)], text)


def _charset_name(codec: str | None) -> str:
    return {"utf-8": "UTF-8", "cp932": "Shift_JIS", None: "UTF-8"}.get(codec, codec or "UTF-8")


def _mostly_utf8(raw: bytes, first_bad: int) -> bool:
    """Whether bytes that are not valid UTF-8 are still mostly UTF-8 text (a few bad bytes
    in Japanese written in UTF-8), rather than text in another charset."""
    good = bad = 0
    for char in raw[:first_bad].decode("utf-8"):
        good += ord(char) > 0x7F
    text = raw[first_bad:].decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good += sum(1 for char in text if ord(char) > 0x7F) - bad
    return good > 0 and good >= bad


def decode_base64(raw: bytes, *, strict: bool = False) -> bytes | None:
    """Decode BASE64 leniently (whitespace ignored, padding repaired); None if impossible.

    ``strict``: a character outside BASE64 makes it impossible (else it is skipped)."""
    data = b"".join(raw.split())
    if len(data) % 4:
        data += b"=" * (-len(data) % 4)
    try:
        return binascii.a2b_base64(data, strict_mode=strict)
    except (binascii.Error, ValueError):
        return None


def raw_text(prop: Property) -> str:
    """Decode a property's value to text: transfer encoding, then CHARSET. Not unescaped.

    Bytes that are not valid in the charset stay as ``\\xNN`` and set ``prop.bad_bytes``.
    """
    raw = prop.value
    if prop.params:
        encoding = prop.param("ENCODING").upper()
        if encoding == "QUOTED-PRINTABLE":
            raw = binascii.a2b_qp(raw)
        elif encoding in _BINARY:
            decoded = decode_base64(raw)
            raw = decoded if decoded is not None else raw
        text, prop.bad_bytes, prop.read_as = decode_value(raw, prop.param("CHARSET"))
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text, prop.bad_bytes, prop.read_as = decode_value(raw)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def unescape(text: str) -> str:
    """Undo vCard escaping: ``\\n`` is a newline, ``\\,`` ``\\;`` ``\\:`` ``\\\\`` are literal."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def split_escaped(text: str, sep: str) -> list[str]:
    """Split on ``sep`` where it is not escaped with a backslash; parts stay escaped."""
    if "\\" not in text:
        return text.split(sep)
    out: list[str] = []
    current: list[str] = []
    chars = iter(text)
    for ch in chars:
        if ch == "\\":
            current.append(ch)
            current.append(next(chars, ""))
        elif ch == sep:
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
    out.append("".join(current))
    return out


def text_value(prop: Property) -> str:
    """Return a property's value decoded and unescaped, surrounding whitespace removed."""
    return unescape(raw_text(prop)).strip()


def components(prop: Property) -> list[str]:
    """Return a structured value (N, ADR, ORG) as unescaped components."""
    return [unescape(part).strip() for part in split_escaped(raw_text(prop), ";")]


def list_values(prop: Property) -> list[str]:
    """Return a comma-separated list value (CATEGORIES) as unescaped, non-empty items."""
    values = (unescape(part).strip() for part in split_escaped(raw_text(prop), ","))
    return [value for value in values if value]

"""Fuzzing every parser from structured inputs: vCard, each CSV layout, a column mapping,
iCalendar, the JSON restore, photo uploads and the web upload endpoints.

Each target draws a valid-ish input (cards and rows with random Unicode names, notes and
e-mail addresses; real images; a real backup), often mutates it (byte flips, truncation,
CR/LF/NUL/BOM inserted, another encoding) and checks three things:

- no crash: only FormatError (a parser's) or a KinmyakuError subclass reaches the caller;
- no hang: every input runs under a hard time bound (``time_bound``, SIGALRM, which also
  stops a pathological regular expression) besides Hypothesis' own ``deadline``;
- no silent change of text: what a valid input holds comes back verbatim, and a lenient
  read of a damaged one never replaces bytes with U+FFFD.

The targets live in ``TARGETS`` so that ``benchmarks/fuzz.py`` runs them for a set time.
CI runs a brief profile: ``KINMYAKU_FUZZ_EXAMPLES`` (default 25 a target) examples each.
"""

from __future__ import annotations

import atexit
import contextlib
import csv
import dataclasses
import io
import json
import os
import shutil
import signal
import struct
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from random import Random
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from kinmyaku.bootstrap import open_app
from kinmyaku.cli.main import app as cli_app
from kinmyaku.config import Settings
from kinmyaku.domain.errors import KinmyakuError, ValidationError
from kinmyaku.formats import ContactRecord, FormatError, calendar_bytes, read_records
from kinmyaku.formats.contentlines import escape_text
from kinmyaku.formats.csv_fields import MAPPING_FIELDS, TEXT_FIELDS, header_key
from kinmyaku.formats.ical import CalendarItem, birthday_item
from kinmyaku.formats.labels import _APPLE_LABELS
from kinmyaku.formats.reader import detect_format, read_items
from kinmyaku.formats.vcard_blocks import VCardBlock, block_cards, cut_blocks
from kinmyaku.formats.vcard_reader import RawCard, card_record
from kinmyaku.formats.vcard_syntax import decode_cp932
from kinmyaku.services.backup import RestoreRefused, restore_backup, write_backup
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.services.photos import MAX_PIXELS, MAX_SIDE, clean_photo
from kinmyaku.storage.database import make_engine
from kinmyaku.storage.migrate import upgrade
from kinmyaku.storage.schema import contact_points, people
from kinmyaku.storage.uow import UnitOfWork
from kinmyaku.web.app import create_app

HARD_SECONDS = float(os.environ.get("KINMYAKU_FUZZ_HARD_SECONDS", "10"))
"""No input may take longer than this (a hang); Hypothesis' deadline is the soft bound."""

EXAMPLES = int(os.environ.get("KINMYAKU_FUZZ_EXAMPLES", "25"))
BRIEF = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class Hang(Exception):
    """An input ran longer than the hard time bound."""


@contextlib.contextmanager
def time_bound(seconds: float = HARD_SECONDS) -> Iterator[None]:
    """Raise Hang in the block after ``seconds`` (main thread only; elsewhere no bound)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"an input took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Target:
    """One fuzz target: what to draw and what must hold for it."""

    name: str
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any], None]
    setup: Callable[[], object] | None = None
    """Run once before the examples, outside their time bound (a database to copy)."""
    share: float = 1.0
    """Of the brief profile's examples, the share this target runs in CI (a slow one less)."""


TARGETS: dict[str, Target] = {}


def target(
    name: str,
    strategy: st.SearchStrategy[Any],
    setup: Callable[[], object] | None = None,
    share: float = 1.0,
) -> Callable[[Callable[[Any], None]], Any]:
    """Register ``check`` as the fuzz target ``name`` fed by ``strategy``."""

    def register(check: Callable[[Any], None]) -> Callable[[Any], None]:
        TARGETS[name] = Target(name, strategy, check, setup, share)
        return check

    return register


# ---- text and mutations ---------------------------------------------------------------

# 表ソ能十申構予: the byte 0x5C (a backslash) ends them in Shift_JIS; 縺表 is valid UTF-8 too.
_JAPANESE = "山田太郎髙橋﨑表ソ能十申構予縺ーｱﾞﾀﾅｶ①㈱〒　、。・「」ヴゔ々〆"
TEXT = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(_JAPANESE),
        st.sampled_from(";,:\\\"'=^\r\n\t \x00\ufeff\u2028\x85"),
    ),
    max_size=24,
)
NAME = TEXT.filter(lambda text: bool(text.strip()))


def norm(text: str) -> str:
    """What a reader keeps of a value: line breaks as LF, no surrounding whitespace."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


_INSERTS = [
    b"\r",
    b"\n",
    b"\r\n",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b" ",
    b"\t",
    b"=",
    b"=\r\n",
    b"\\",
    b";",
    b":",
    b",",
    b'"',
    b"#",
    b"\xff",
    b"\x95\x5c",
    b"\xe5\xb1",
    b"BEGIN:VCARD\r\n",
    b"END:VCARD\r\n",
    b"AGENT:BEGIN:VCARD\r\n",
    b"ENCODING=QUOTED-PRINTABLE:",
    b";CHARSET=SHIFT_JIS",
    b"\r\n ",
]
MUTATION = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.integers(1, 255)),
    st.tuples(st.just("truncate"), st.integers(0, 1 << 20)),
    st.tuples(st.just("insert"), st.integers(0, 1 << 20), st.sampled_from(_INSERTS)),
    st.tuples(st.just("delete"), st.integers(0, 1 << 20), st.integers(1, 64)),
    st.tuples(st.just("repeat"), st.integers(0, 1 << 20), st.integers(1, 200)),
    st.tuples(st.just("recode"), st.sampled_from(["cp932", "euc-jp", "latin-1", "utf-16"])),
)
MUTATIONS = st.lists(MUTATION, max_size=4)


def mutate(data: bytes, mutations: list[tuple[Any, ...]]) -> bytes:
    """Apply ``mutations`` (drawn from MUTATION) to ``data``."""
    out = bytearray(data)
    for kind, *args in mutations:
        at = args[0] % (len(out) + 1) if args and isinstance(args[0], int) else 0
        if kind == "flip" and out:
            out[min(at, len(out) - 1)] ^= args[1]
        elif kind == "truncate":
            del out[at:]
        elif kind == "insert":
            out[at:at] = args[1]
        elif kind == "delete":
            del out[at : at + args[1]]
        elif kind == "repeat":
            out[at:at] = out[at : at + args[1]]
        elif kind == "recode":
            text = bytes(out).decode("utf-8", "surrogateescape")
            out = bytearray(text.encode(args[0], "ignore" if args[0] == "cp932" else "replace"))
    return bytes(out)


def _texts(record: ContactRecord) -> Iterator[str]:
    yield from (record.family_name, record.given_name, record.family_reading)
    yield from (record.given_reading, record.nickname, record.organization, record.notes)
    yield from (record.organization_reading, record.department, record.title, *record.tags)
    yield from (p.value for p in (*record.emails, *record.phones, *record.urls))
    for address in record.addresses:
        yield from (address.street, address.locality, address.region, address.country)
    yield from (value for values in record.extra.values() for value in values)


def _checked(error: FormatError) -> None:
    assert error.message("ja") and error.message("en"), error.key


def consume(data: bytes, fmt: str, *, lenient: bool = False, **options: Any) -> list[Any]:
    """Read ``data`` as an import does (bad records skipped); only FormatError may come out.

    Returns [records, problems]. Every message renders in Japanese and English; a lenient
    read holds no U+FFFD unless the file did.
    """
    problems: list[FormatError] = []
    records: list[ContactRecord] = []
    try:
        for record in read_records(
            io.BytesIO(data), file_name="fuzz", format=fmt, on_error=problems.append,
            lenient=lenient, **options,
        ):  # fmt: skip
            assert record.source is not None and record.source.file == "fuzz"
            records.append(record)
    except FormatError as error:
        _checked(error)
        problems.append(error)
    for problem in problems:
        _checked(problem)
    for record in records:
        for warning in record.warnings:
            _checked(warning)
    if lenient and b"\xef\xbf\xbd" not in data:  # U+FFFD itself, in UTF-8
        assert all("\ufffd" not in text for r in records for text in _texts(r))
    return [records, problems]


# ---- vCard -----------------------------------------------------------------------------


@dataclass
class Card:
    """A card as drawn: its values, and how it is written (version, charset, folding)."""

    version: str
    family: str
    given: str
    org: list[str]
    title: str
    nickname: str
    notes: list[str]
    emails: list[str]
    phones: list[tuple[str, str]]  # (custom label or "", number)
    tags: list[str]
    extra: str
    styles: list[int]  # per property: how it is written (see _write_value)
    folds: list[int]


def _qp(data: bytes, breaks: list[int]) -> bytes:
    """Quoted-printable as Android writes it, with soft line breaks (``=`` CRLF)."""
    out = bytearray()
    column = 0
    for index, byte in enumerate(data):
        literal = 0x21 <= byte <= 0x7E and byte != 0x3D
        # A space starting a continuation line would look like folding: encode it.
        # (A soft break followed by a folded line: test_a_soft_line_break_before_a_folded_line.)
        piece = bytes([byte]) if literal or (byte == 0x20 and column) else b"=%02X" % byte
        if index in breaks and column:
            out += b"=\r\n"
            column = 0
            piece = bytes([byte]) if literal else b"=%02X" % byte
        out += piece
        column += len(piece)
    return bytes(out)


def _write_value(name: bytes, text: str, style: int, version: str, folds: list[int]) -> bytes:
    """One content line holding ``text`` (escaped), written in the drawn ``style``."""
    escaped = escape_text(text)
    if version == "2.1":
        sjis = None
        with contextlib.suppress(UnicodeError):
            encoded = escaped.encode("cp932")
            sjis = encoded if decode_cp932(encoded) == escaped else None
        kind = style % 4
        if kind in (1, 3) and sjis is None:
            kind -= 1
        value = sjis if kind in (1, 3) else escaped.encode()
        charset = b"SHIFT_JIS" if kind in (1, 3) else b"UTF-8"
        if kind >= 2:
            return b"%s;CHARSET=%s;ENCODING=QUOTED-PRINTABLE:%s\r\n" % (
                name, charset, _qp(value, [f % (len(value) + 1) for f in folds]),
            )  # fmt: skip
        return b"%s;CHARSET=%s:%s\r\n" % (name, charset, value)
    line = name + b":" + escaped.encode()
    cuts = sorted({len(name) + 1 + f % (len(line) - len(name)) for f in folds})
    pieces = [line[a:b] for a, b in zip([0, *cuts], [*cuts, len(line)], strict=True)]
    fold = b"\r\n\t" if style % 2 else b"\r\n "
    return fold.join(p for p in pieces if p) + b"\r\n"


def card_bytes(card: Card) -> bytes:
    """The card as a vCard file would hold it."""
    version = card.version
    styles = iter(card.styles * 20)

    def line(name: bytes, text: str) -> bytes:
        return _write_value(name, text, next(styles), version, card.folds)

    out = [b"BEGIN:VCARD\r\n", b"VERSION:%s\r\n" % version.encode()]
    structured = ";".join(escape_text(part) for part in (card.family, card.given, "", "", ""))
    out.append(b"N:" + structured.encode() + b"\r\n")
    if card.org:
        out.append(b"ORG:" + ";".join(escape_text(p) for p in card.org).encode() + b"\r\n")
    if card.title:
        out.append(line(b"TITLE", card.title))
    if card.nickname:
        out.append(line(b"NICKNAME", card.nickname))
    out += [line(b"NOTE", note) for note in card.notes]
    out += [line(b"EMAIL;TYPE=INTERNET", email) for email in card.emails]
    for number, (label, phone) in enumerate(card.phones, 1):
        if label:
            out.append(line(b"item%d.TEL" % number, phone))
            out.append(line(b"item%d.X-ABLabel" % number, label))
        else:
            out.append(line(b"TEL;TYPE=CELL", phone))
    if card.tags:
        out.append(b"CATEGORIES:" + ",".join(escape_text(t) for t in card.tags).encode() + b"\r\n")
    out.append(line(b"X-FUZZ", card.extra))
    out.append(b"END:VCARD\r\n")
    return b"".join(out)


def _custom_label(text: str) -> bool:
    """A label an X-ABLabel keeps as written (not one of Apple's own, such as iPhone)."""
    value = norm(text)
    return not value.startswith("_$!<") and value.lower() not in _APPLE_LABELS


def _email_ok(text: str) -> bool:
    value = norm(text)
    return bool(value) and not value.lower().startswith("mailto:") and not value.endswith(">")


CARDS = st.builds(
    Card,
    version=st.sampled_from(["2.1", "3.0", "4.0"]),
    family=NAME,
    given=TEXT,
    org=st.lists(TEXT, max_size=2),
    title=TEXT,
    nickname=TEXT,
    notes=st.lists(TEXT, max_size=2),
    emails=st.lists(TEXT.filter(_email_ok), max_size=2),
    phones=st.lists(
        st.tuples(
            st.one_of(st.just(""), NAME.filter(_custom_label)),
            NAME.filter(lambda s: not norm(s).lower().startswith("tel:")),
        ),
        max_size=2,
    ),
    tags=st.lists(TEXT, max_size=3),
    extra=TEXT,
    styles=st.lists(st.integers(0, 3), min_size=1, max_size=6),
    folds=st.lists(st.integers(0, 200), max_size=4),
)
FILES = st.tuples(
    st.lists(CARDS, min_size=1, max_size=3),
    st.booleans(),  # LF instead of CRLF
    st.booleans(),  # a UTF-8 byte order mark
    st.booleans(),  # Android's "#" comment lines between cards
)


def vcard_file(drawn: tuple[list[Card], bool, bool, bool]) -> bytes:
    """A vCard file of the drawn cards."""
    cards, lf, bom, comments = drawn
    parts = [card_bytes(card) for card in cards]
    if comments:
        parts = [b"# Android contacts\r\n" + part for part in parts]
    data = b"".join(parts)
    if lf:
        data = data.replace(b"\r\n", b"\n")
    return (b"\xef\xbb\xbf" if bom else b"") + data


def expected_card(card: Card) -> dict[str, Any]:
    """What reading ``card`` must give."""
    notes = [norm(n) for n in card.notes if norm(n)]
    tags: list[str] = []
    for tag in card.tags:
        value = norm(tag)
        if value and value not in tags:
            tags.append(value)
    org = [norm(p) for p in card.org]
    return {
        "family_name": norm(card.family),
        "given_name": norm(card.given),
        "organization": org[0] if org else "",
        "department": " ".join(p for p in org[1:] if p),
        "title": norm(card.title),
        "nickname": norm(card.nickname),
        "notes": "\n".join(notes),
        "emails": [norm(e) for e in card.emails],
        "phones": [(norm(label) or "mobile", norm(phone)) for label, phone in card.phones],
        "tags": tags,
        "extra": [norm(card.extra)],
    }


def actual_card(record: ContactRecord) -> dict[str, Any]:
    """The same fields of a record read."""
    return {
        "family_name": record.family_name,
        "given_name": record.given_name,
        "organization": record.organization,
        "department": record.department,
        "title": record.title,
        "nickname": record.nickname,
        "notes": record.notes,
        "emails": [e.value for e in record.emails],
        "phones": [(p.label, p.value) for p in record.phones],
        "tags": record.tags,
        "extra": record.extra.get("X-FUZZ", []),
    }


@target("vcard-valid", FILES)
def check_vcard_valid(drawn: tuple[list[Card], bool, bool, bool]) -> None:
    """A valid card's values come back exactly (2.1 QP / Shift_JIS / folded 3.0 and 4.0)."""
    cards = drawn[0]
    data = vcard_file(drawn)
    assert detect_format(data) == "vcard"
    records = list(read_records(io.BytesIO(data), file_name="fuzz"))
    assert len(records) == len(cards)
    for card, record in zip(cards, records, strict=True):
        assert [w.key for w in record.warnings] == []
        assert actual_card(record) == expected_card(card)
    assert _summaries(data_blocks(data, 97)) == _summaries(records)
    lenient = read_records(io.BytesIO(data), file_name="fuzz", lenient=True)
    assert _summaries(list(lenient)) == _summaries(records)  # nothing to get round


def _summary(record: ContactRecord | FormatError) -> tuple[Any, ...]:
    if isinstance(record, FormatError):
        return ("error", record.key, record.line, record.record_no, record.file)
    fields = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    warnings = fields.pop("warnings")
    return (repr(fields), [(w.key, w.line, w.field, sorted(w.params)) for w in warnings])


def _summaries(items: list[Any]) -> list[tuple[Any, ...]]:
    return [_summary(item) for item in items]


def data_blocks(data: bytes, size: int, *, lenient: bool = False) -> list[Any]:
    """Read ``data`` as a large import does: cut into blocks of about ``size`` bytes."""
    out: list[Any] = []
    problems: list[Any] = []
    stream = io.BytesIO(data)
    head = stream.read(size)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    for item in cut_blocks(
        head, stream, file="fuzz", on_error=problems.append, block_size=size,
        max_block=size * 3, lenient=lenient,
    ):  # fmt: skip
        cards: Iterator[RawCard]
        if isinstance(item, VCardBlock):
            cards = block_cards(item, problems.append, lenient=lenient)
        else:
            cards = iter([item])
        for raw in cards:
            out.extend(problems)
            problems.clear()
            try:
                out.append(card_record(raw, lenient=lenient))
            except FormatError as error:
                out.append(error)
    return out + problems


def data_lines(data: bytes, *, lenient: bool = False) -> list[Any]:
    """Read ``data`` line by line, errors in order among the records."""
    out: list[Any] = []
    for item in read_items(
        io.BytesIO(data), file_name="fuzz", format="vcard", on_error=out.append, lenient=lenient
    ):
        assert isinstance(item, RawCard)
        try:
            out.append(card_record(item, lenient=lenient))
        except FormatError as error:
            out.append(error)
    return out


@target("vcard-mutated", st.tuples(FILES, MUTATIONS, st.integers(16, 400), st.booleans()))
def check_vcard_mutated(drawn: tuple[Any, list[tuple[Any, ...]], int, bool]) -> None:
    """Damaged cards: only FormatError, a lenient read never replaces bytes, and an import's
    blocks read the same cards as the line reader."""
    files, mutations, block, lenient = drawn
    data = mutate(vcard_file(files), mutations)
    for fmt in ("auto", "vcard"):
        consume(data, fmt)
        consume(data, fmt, lenient=True)
    with contextlib.suppress(FormatError):
        if data.startswith((b"\xff\xfe", b"\xfe\xff")) or not data.strip():
            return
        lines = data_lines(data, lenient=lenient)
        assert _summaries(data_blocks(data, block, lenient=lenient)) == _summaries(lines)


_FRAGMENTS = st.sampled_from([*_INSERTS, b"VERSION:2.1\r\n", b"N:", b"NOTE:", b"PHOTO;ENCODING=B:"])


@target("bytes", st.tuples(st.lists(st.one_of(_FRAGMENTS, st.binary(max_size=12)), max_size=40)))
def check_bytes(drawn: tuple[list[bytes]]) -> None:
    """Any bytes, for every format: records or FormatError."""
    data = b"".join(drawn[0])
    for fmt in ("auto", "vcard", "linkedin", "google", "outlook", "eight"):
        consume(data, fmt, lenient=True)
    consume(data, "csv", mapping={"a": "full_name", "b": "email"})


_RUNS = st.sampled_from(
    [" ", "\t", "\u3000", ":", ",", ";", "\\", "=", "<", ">", "@", "a", "0", "-"]
)
_ENDS = st.sampled_from(["", "x", "x:::y", "x,y", "x;y", "x、y", "@x", "=", "\\", "b>", "<a@b>"])
LONG_VALUES = st.tuples(_RUNS, st.integers(1000, 30_000), _ENDS).map(
    lambda t: "a" + t[0] * t[1] + t[2]
)
_LONG_PROPERTIES = ["N", "FN", "ORG", "NOTE", "TEL", "URL", "ADR", "CATEGORIES", "BDAY", "X-A"]


@target(
    "long-values",
    st.tuples(LONG_VALUES, st.sampled_from([*_LONG_PROPERTIES, "EMAIL", "csv"]), st.booleans()),
)
def check_long_values(drawn: tuple[str, str, bool]) -> None:
    """A long run of one character in any value is read in linear time (no regular
    expression backtracking over it): the Hypothesis deadline catches a quadratic one."""
    value, where, lenient = drawn
    if where == "csv":
        header = b"First Name,Last Name,E-mail 1 - Value,Phone 1 - Value,Labels,Notes,Birthday"
        row = ",".join(f'"{value}"' if i else "a" for i in range(7)).encode()
        consume(header + b"\r\n" + row + b"\r\n", "auto", lenient=lenient)
        return
    card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:a;b\r\n%s:%s\r\nEND:VCARD\r\n" % (
        where.encode(),
        value.encode(),
    )
    consume(card, "auto", lenient=lenient)


# ---- CSV layouts -----------------------------------------------------------------------

# Per layout: (header, what it fills). "emails"/"phones"/"urls" are lists of values.
LAYOUT_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "linkedin": [
        ("First Name", "given_name"),
        ("Last Name", "family_name"),
        ("URL", "urls"),
        ("Email Address", "emails"),
        ("Company", "organization"),
        ("Position", "title"),
        ("Connected On", "met_on"),
    ],
    "google": [
        ("First Name", "given_name"),
        ("Last Name", "family_name"),
        ("Nickname", "nickname"),
        ("Organization Name", "organization"),
        ("Organization Title", "title"),
        ("Organization Department", "department"),
        ("Birthday", "birthday"),
        ("Notes", "notes"),
        ("E-mail 1 - Value", "emails"),
        ("Phone 1 - Value", "phones"),
        ("Website 1 - Value", "urls"),
    ],
    "outlook": [
        ("First Name", "given_name"),
        ("Last Name", "family_name"),
        ("Company", "organization"),
        ("Department", "department"),
        ("Job Title", "title"),
        ("E-mail Address", "emails"),
        ("Mobile Phone", "phones"),
        ("Web Page", "urls"),
        ("Birthday", "birthday"),
        ("Notes", "notes"),
    ],
    "eight": [
        ("会社名", "organization"),
        ("部署名", "department"),
        ("役職", "title"),
        ("姓", "family_name"),
        ("名", "given_name"),
        ("e-mail", "emails"),
        ("携帯電話", "phones"),
        ("URL", "urls"),
        ("名刺交換日", "met_on"),
    ],
}
_DATE_FORMATS = ["{:%Y-%m-%d}", "{:%Y/%m/%d}", "{:%Y%m%d}", "{d.day} {:%b %Y}", "{:%Y年%m月%d日}"]
CELL = TEXT.filter(lambda s: ":::" not in s and not norm(s).startswith("'"))
ROW = st.fixed_dictionaries(
    {
        "texts": st.lists(CELL, min_size=11, max_size=11),
        "day": st.dates(date(1900, 1, 1), date(2099, 12, 31)),
        "day_format": st.sampled_from(_DATE_FORMATS),
    }
)
CSV_FILES = st.tuples(
    st.sampled_from(sorted(LAYOUT_COLUMNS)),
    st.lists(ROW, min_size=1, max_size=3),
    st.sampled_from(["utf-8", "utf-8-sig", "cp932"]),
    st.sampled_from(["\r\n", "\n"]),
    st.integers(0, 2**32),  # how the columns are shuffled and left out
    st.sampled_from([0, 0, 0, 0, 1800]),  # ASCII rows first: the rest is after the 64 KiB head
)


def csv_file(drawn: tuple[Any, ...]) -> tuple[bytes, list[dict[str, Any] | None], str]:
    """A CSV of a layout's columns (shuffled, some left out), and what each row must give."""
    layout, rows, encoding, newline, seed, filler = drawn
    random = Random(seed)
    columns = list(LAYOUT_COLUMNS[layout])
    random.shuffle(columns)
    required = {"linkedin": 3, "google": 3, "outlook": 3, "eight": 5}[layout]
    keep = [c for c in columns if c[1] in ("given_name", "family_name", "met_on", "emails")]
    columns = [c for c in columns if c not in keep or layout == "eight"]
    if layout != "eight":
        columns = keep + columns[: random.randint(0, len(columns))]
    assert len(columns) >= required
    out = io.StringIO()
    # With LF lines a cell holding a CR must be quoted too (QUOTE_MINIMAL would not).
    quoting = csv.QUOTE_MINIMAL if newline == "\r\n" else csv.QUOTE_ALL
    writer = csv.writer(out, lineterminator=newline, quoting=quoting)
    writer.writerow([header for header, _ in columns])
    name_column = [field for _, field in columns].index("family_name")
    for number in range(filler):
        blank = [""] * len(columns)
        blank[name_column] = f"filler {number}"
        writer.writerow(blank)
    wanted: list[dict[str, Any] | None] = [None] * filler
    for row in rows:
        cells = []
        want: dict[str, Any] = {}
        for (_, field), text in zip(columns, row["texts"], strict=False):
            if field in ("met_on", "birthday"):
                day = row["day"]
                text = row["day_format"].replace("{d.day}", str(day.day)).format(day)
                want[field] = day
            elif field in ("emails", "phones", "urls"):
                want[field] = [norm(text)] if norm(text) else []
            else:
                want[field] = norm(text)
            cells.append(text)
        if not (want.get("family_name") or want.get("given_name")):
            cells[name_column] = "山田"
            want["family_name"] = "山田"
        writer.writerow(cells)
        wanted.append(want)
    text = out.getvalue()
    try:
        data = text.encode(encoding)
        if encoding == "cp932" and (decode_cp932(data) != text or not _only_cp932(data)):
            raise UnicodeError
    except UnicodeError:
        encoding, data = "utf-8", text.encode()
    return data, wanted, layout


def _only_cp932(data: bytes) -> bool:
    """Whether cp932 bytes cannot be read as UTF-8 (else a reader rightly takes UTF-8)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return data.isascii()


@target("csv-valid", CSV_FILES)
def check_csv_valid(drawn: tuple[Any, ...]) -> None:
    """Each layout's valid rows (UTF-8, BOM, Shift_JIS) come back exactly, detected or named."""
    data, wanted, layout = csv_file(drawn)
    assume(all(year_ok(w) for w in wanted if w is not None))
    assert detect_format(data) == layout
    for fmt in ("auto", layout):
        records = list(read_records(io.BytesIO(data), file_name="fuzz.csv", format=fmt))
        assert len(records) == len(wanted)
        for record, want in zip(records, wanted, strict=True):
            assert record.warnings == []
            if want is None:
                continue
            got = {
                field: (
                    [p.value for p in getattr(record, field)]
                    if field in ("emails", "phones", "urls")
                    else getattr(record, field)
                )
                for field in want
            }
            assert got == want


def year_ok(want: dict[str, Any]) -> bool:
    """Dates before 1000 have no four-digit year in a CSV's text."""
    return all(want[k].year >= 1000 for k in ("met_on", "birthday") if k in want)


@target("csv-mutated", st.tuples(CSV_FILES, MUTATIONS))
def check_csv_mutated(drawn: tuple[Any, list[tuple[Any, ...]]]) -> None:
    """Damaged CSV files of every layout: records or FormatError, strict and lenient."""
    data = mutate(csv_file(drawn[0])[0], drawn[1])
    for fmt in ("auto", "linkedin", "google", "outlook", "eight"):
        consume(data, fmt)
        consume(data, fmt, lenient=True)


_TARGET_NAMES = st.one_of(
    st.sampled_from(MAPPING_FIELDS),
    st.tuples(st.sampled_from(MAPPING_FIELDS), TEXT).map(lambda t: f"{t[0]}:{t[1]}"),
    TEXT,
)
MAPPED = st.tuples(
    st.lists(
        st.tuples(NAME, st.sampled_from([*TEXT_FIELDS, "extra"]), CELL),
        min_size=1, max_size=6, unique_by=lambda c: header_key(c[0]),
    ),
    st.lists(st.tuples(NAME, _TARGET_NAMES), max_size=3),
    st.lists(st.lists(CELL, max_size=8), max_size=3),
    st.sampled_from(["csv", "auto"]),
)  # fmt: skip


@target("csv-mapping", MAPPED)
def check_csv_mapping(drawn: tuple[Any, ...]) -> None:
    """A user's --map: every text mapped to one column comes back; odd mappings are
    a FormatError (bad_mapping, missing column), never another exception."""
    columns, odd, more_rows, fmt = drawn
    assume(all(header_key(h) and h.strip() == norm(h) for h, _, _ in columns))
    mapping = {header: field for header, field, _ in columns}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for header, _, _ in columns])
    writer.writerow([value for _, _, value in columns])
    for row in more_rows:
        writer.writerow(row)
    data = out.getvalue().encode()
    # The columns' own mapping, then the same with odd entries added.
    consume(data, fmt, mapping={**mapping, **dict(odd)})
    try:
        records = list(read_records(io.BytesIO(data), file_name="m.csv", format=fmt,
                                    mapping=mapping))  # fmt: skip
    except FormatError as error:
        _checked(error)
        assert error.key in ("empty_record", "csv_unknown_header"), error.key
        return
    if not any(norm(value) for _, _, value in columns):
        return  # a blank row is no record: the next row (if any) is the first
    record = records[0]
    fields = [field for _, field, _ in columns]
    for header, field, value in columns:
        if not norm(value):
            continue
        if field == "extra":
            assert record.extra[header.strip()] == [norm(value)]
        elif fields.count(field) == 1 and field != "channel":
            assert getattr(record, field) == norm(value)


CLI_MAPS = st.tuples(
    st.lists(
        st.tuples(NAME, st.sampled_from([*TEXT_FIELDS, "extra", "email", "phone:mobile"]), CELL),
        min_size=1, max_size=4, unique_by=lambda c: header_key(c[0]),
    ),
    st.lists(st.one_of(st.builds("{}={}".format, TEXT, _TARGET_NAMES), TEXT), max_size=2),
    MUTATIONS,
)  # fmt: skip


@cache
def cli_database() -> Path:
    """A database for the CLI target, opened once by an import (migrations checked)."""
    empty, _ = restore_template()
    database = _WORK / f"cli-{os.getpid()}.sqlite3"
    shutil.copy(empty, database)
    path = _WORK / f"warm-{os.getpid()}.csv"
    path.write_bytes("名前\r\n山田 太郎\r\n".encode())
    arguments = ["--db", f"sqlite:///{database}", "import", "--dry-run", str(path)]
    result = CliRunner().invoke(cli_app, [*arguments, "--map", "名前=full_name"])
    assert result.exit_code == 0, result.output
    return database


@target("cli-map", CLI_MAPS, setup=cli_database, share=0.2)
def check_cli_map(drawn: tuple[Any, list[str], list[Any]]) -> None:
    """``kinmyaku import --dry-run --map HEADER=field`` on any CSV: a message, no traceback."""
    columns, odd, mutations = drawn
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for header, _, _ in columns])
    writer.writerow([value for _, _, value in columns])
    path = _WORK / f"map-{os.getpid()}.csv"
    path.write_bytes(mutate(out.getvalue().encode(), mutations))
    maps = [f"{header}={field}" for header, field, _ in columns] + odd
    arguments = ["--db", f"sqlite:///{cli_database()}", "import", "--dry-run", str(path)]
    result = CliRunner().invoke(cli_app, [*arguments, *(x for m in maps for x in ("--map", m))])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 2), result.output


# ---- iCalendar -------------------------------------------------------------------------

ITEMS = st.lists(
    st.builds(
        CalendarItem,
        uid=TEXT,
        summary=TEXT,
        on=st.dates(date(1, 1, 1), date(9998, 12, 30)),
        kind=st.sampled_from(["event", "todo"]),
        description=TEXT,
        url=TEXT,
    )
    | st.builds(birthday_item, uid=TEXT, summary=TEXT, birthday=st.dates(), description=TEXT),
    max_size=4,
)


def unfold_ical(data: bytes) -> list[str]:
    """The logical lines of an .ics file, checking its folding on the way."""
    assert data.endswith(b"\r\n")
    physical = data[:-2].split(b"\r\n")
    logical: list[bytes] = []
    for line in physical:
        assert len(line) <= 75, line
        assert b"\r" not in line and b"\n" not in line
        if line[:1] == b" ":
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return [line.decode("utf-8") for line in logical]


def unescape_ical(text: str) -> str:
    """Undo RFC 5545 TEXT escaping."""
    out: list[str] = []
    chars = iter(text)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars)
            out.append({"n": "\n", "N": "\n"}.get(nxt, nxt))
        else:
            assert ch not in ";,", text
            out.append(ch)
    return "".join(out)


@target("ical", st.tuples(ITEMS, TEXT))
def check_ical(drawn: tuple[list[CalendarItem], str]) -> None:
    """What the calendar writer writes reads back: folding at 75 octets, every text exact."""
    items, name = drawn
    data = calendar_bytes(items, name=name)
    lines = unfold_ical(data)
    values: dict[str, list[str]] = {}
    for line in lines:
        key, _, value = line.partition(":")
        values.setdefault(key.split(";")[0], []).append(value)
    assert [unescape_ical(v) for v in values["X-WR-CALNAME"]] == [_one_line(name)]
    assert [unescape_ical(v) for v in values.get("SUMMARY", [])] == [
        _one_line(i.summary) for i in items
    ]
    assert [unescape_ical(v) for v in values.get("UID", [])] == [_one_line(i.uid) for i in items]
    assert [unescape_ical(v) for v in values.get("DESCRIPTION", [])] == [
        _one_line(i.description) for i in items if i.description
    ]
    assert values.get("URL", []) == [
        i.url.replace("\r", "").replace("\n", "") for i in items if i.url
    ]


def _one_line(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---- JSON restore ----------------------------------------------------------------------

_WORK = Path(tempfile.mkdtemp(prefix="kinmyaku-fuzz-"))
atexit.register(shutil.rmtree, _WORK, True)


@cache
def restore_template() -> tuple[Path, dict[str, Any]]:
    """An empty migrated SQLite file, and the backup of a database with one person."""

    empty = _WORK / "empty.sqlite3"
    engine = make_engine(f"sqlite:///{empty}")
    upgrade(engine)
    engine.dispose()
    full = _WORK / "full.sqlite3"
    shutil.copy(empty, full)
    engine = make_engine(f"sqlite:///{full}")
    add_person(
        UnitOfWork(engine),
        PersonInput(family_name="髙橋", given_name="健太", emails=["k@example.jp"],
                    phones=["090-1234-5678"], tags=["VIP"], company="株式会社みらい",
                    notes="メモ"),
    )  # fmt: skip
    buffer = io.BytesIO()
    write_backup(UnitOfWork(engine), stream=buffer)
    engine.dispose()
    return empty, json.loads(buffer.getvalue())


@cache
def _restore_engine() -> tuple[Engine, Path]:
    """One engine for every restore (its compiled statements cached), its file replaced."""
    path = _WORK / f"restore-{os.getpid()}.sqlite3"
    return make_engine(f"sqlite:///{path}"), path


def restore(data: bytes) -> dict[str, list[tuple[Any, ...]]] | None:
    """Restore ``data`` into a fresh empty database: its people rows, or None if refused
    (and then nothing at all was written)."""
    empty, _ = restore_template()
    engine, path = _restore_engine()
    engine.dispose()
    shutil.copy(empty, path)
    refused = False
    try:
        restore_backup(UnitOfWork(engine), stream=io.BytesIO(data))
    except KinmyakuError as error:
        assert error.msgid and isinstance(error, RestoreRefused)
        refused = True
    with UnitOfWork(engine) as conn:
        rows = {
            "people": [tuple(r) for r in conn.execute(select(people)).all()],
            "contact_points": [tuple(r) for r in conn.execute(select(contact_points)).all()],
        }
    if refused:
        assert rows == {"people": [], "contact_points": []}
        return None
    return rows


_PERSON_TEXTS = ["family_name", "given_name", "nickname", "notes", "offers", "needs"]
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)


@target(
    "restore-valid",
    st.lists(TEXT, min_size=len(_PERSON_TEXTS), max_size=6),
    setup=restore_template,
    share=0.4,
)
def check_restore_valid(texts: list[str]) -> None:
    """A backup's texts (any Unicode but NUL) are restored exactly, the index rebuilt."""
    assume(all("\x00" not in t for t in texts))
    _, document = restore_template()
    document = json.loads(json.dumps(document))
    table = document["tables"]["people"]
    row = table["rows"][0]
    for name, value in zip(_PERSON_TEXTS, texts, strict=True):
        row[table["columns"].index(name)] = value
    restored = restore(json.dumps(document, ensure_ascii=bool(len(texts[0]) % 2)).encode())
    assert restored is not None
    person = restored["people"][0]
    for name, value in zip(_PERSON_TEXTS, texts, strict=True):
        assert person[table["columns"].index(name)] == value


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


def _replace(document: Any, path: tuple[Any, ...], value: Any, drop: bool) -> Any:
    if not path:
        return value
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if drop:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return document


_ODD_VALUES = st.one_of(
    _JSON,
    st.sampled_from([10**30, -(2**63), 2**63, "", "x", "2026-13-45", "!!!", "\x00", 1.5, []]),
)


@target(
    "restore-mutated",
    st.tuples(
        st.lists(st.tuples(st.integers(0, 10**6), _ODD_VALUES, st.booleans()), max_size=3),
        MUTATIONS,
    ),
    setup=restore_template,
    share=0.4,
)
def check_restore_mutated(drawn: tuple[list[tuple[int, Any, bool]], list[Any]]) -> None:
    """A damaged backup (a value of the wrong type, a key gone, bytes damaged) is refused
    with a KinmyakuError (or restored), never another exception."""
    changes, mutations = drawn
    _, document = restore_template()
    document = json.loads(json.dumps(document))
    for at, value, drop in changes:
        paths = list(_paths(document))
        path = paths[at % len(paths)]
        document = _replace(document, path, value, drop and bool(path))
    restore(mutate(json.dumps(document, ensure_ascii=False).encode(), mutations))


# ---- photos ----------------------------------------------------------------------------

_MODES = ["1", "L", "LA", "P", "RGB", "RGBA", "CMYK", "I", "I;16", "F", "YCbCr"]
_IMAGE_FORMATS = ["JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF", "ICO", "PPM", "TGA"]
IMAGES = st.tuples(
    st.sampled_from(_MODES),
    st.integers(1, 48),
    st.integers(1, 48),
    st.sampled_from(_IMAGE_FORMATS),
    st.integers(0, 9),  # EXIF orientation (0: no EXIF)
    st.binary(max_size=12),  # pixel bytes
)


def image_bytes(drawn: tuple[str, int, int, str, int, bytes]) -> bytes:
    """Encode the drawn image (a mode the format cannot hold is converted to RGB)."""

    mode, width, height, fmt, orientation, pixels = drawn
    image = Image.new(mode, (width, height))
    if pixels:
        with contextlib.suppress(ValueError):
            image.frombytes(pixels * (len(image.tobytes()) // len(pixels) + 1))
    out = io.BytesIO()
    options: dict[str, Any] = {}
    if orientation and fmt in ("JPEG", "PNG", "WEBP", "TIFF"):
        exif = Image.Exif()
        exif[0x0112] = orientation
        options["exif"] = exif.tobytes()
    try:
        image.save(out, format=fmt, **options)
    except (OSError, ValueError, KeyError, TypeError):
        out = io.BytesIO()
        image.convert("RGB").save(out, format=fmt)
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_header(kind: str, width: int, height: int) -> bytes:
    """A small file that claims huge dimensions (a decompression bomb's header)."""
    if kind == "png":
        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        body = zlib.compress(b"\x00" * 4096)
        return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", body)
                + _png_chunk(b"IEND", b""))  # fmt: skip
    if kind == "gif":
        return (b"GIF89a" + struct.pack("<HH", width & 0xFFFF, height & 0xFFFF) + b"\x00\x00\x00"
                + b",\x00\x00\x00\x00" + struct.pack("<HH", width & 0xFFFF, height & 0xFFFF)
                + b"\x00\x02\x02D\x01\x00;")  # fmt: skip
    if kind == "bmp":
        info = struct.pack("<IiiHHIIiiII", 40, width & 0x7FFFFFFF, height & 0x7FFFFFFF, 1, 24,
                           0, 0, 0, 0, 0, 0)  # fmt: skip
        return b"BM" + struct.pack("<IHHI", 54 + 64, 0, 0, 54) + info + b"\x00" * 64
    sof = struct.pack(">BHHB", 8, height & 0xFFFF, width & 0xFFFF, 1) + b"\x01\x11\x00"
    return (b"\xff\xd8\xff\xc0" + struct.pack(">H", len(sof) + 2) + sof
            + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x00" * 64 + b"\xff\xd9")  # fmt: skip


PHOTOS = st.one_of(
    st.tuples(st.just("image"), IMAGES, MUTATIONS),
    st.tuples(
        st.just("huge"),
        st.tuples(
            st.sampled_from(["png", "gif", "bmp", "jpeg"]),
            st.integers(1, 2**31 - 1),
            st.integers(1, 2**31 - 1),
        ),
        MUTATIONS,
    ),
    st.tuples(st.just("bytes"), st.binary(max_size=300), MUTATIONS),
)


def photo_bytes(drawn: tuple[str, Any, list[Any]]) -> bytes:
    """The upload's bytes."""
    kind, spec, mutations = drawn
    if kind == "image":
        data = image_bytes(spec)
    elif kind == "huge":
        data = huge_header(*spec)
    else:
        data = spec
    return mutate(data, mutations)


@target("photo", PHOTOS)
def check_photo(drawn: tuple[str, Any, list[Any]]) -> None:
    """An upload is a clean small JPEG/PNG without EXIF, or a ValidationError on 'photo';
    a header claiming more than MAX_PIXELS is refused before anything is decoded."""
    kind, spec, mutations = drawn
    data = photo_bytes(drawn)
    try:
        cleaned = clean_photo(data)
    except ValidationError as error:
        assert error.field == "photo"
        return
    if kind == "huge" and not mutations:
        mask = 0xFFFF if spec[0] in ("gif", "jpeg") else 0x7FFFFFFF  # what the header holds
        assert (spec[1] & mask) * (spec[2] & mask) <= MAX_PIXELS, spec
    assert cleaned.mime in ("image/jpeg", "image/png")
    with Image.open(io.BytesIO(cleaned.data)) as image:
        assert image.format == ("JPEG" if cleaned.mime == "image/jpeg" else "PNG")
        assert max(image.size) <= MAX_SIDE
        assert not image.getexif()


# ---- the web upload endpoints ----------------------------------------------------------


@cache
def web_client() -> tuple[Any, str, int]:
    """A test client of the web app on its own SQLite file, its CSRF token, a person."""

    empty, _ = restore_template()
    folder = _WORK / f"web-{os.getpid()}"
    folder.mkdir()
    shutil.copy(empty, folder / "web.sqlite3")
    core = open_app(
        Settings(database_url=f"sqlite:///{folder / 'web.sqlite3'}", language="ja",
                 data_dir=folder, today="2024-03-15"),
    )  # fmt: skip
    person = add_person(core.uow(), PersonInput(family_name="高橋", given_name="健太"))
    client = TestClient(create_app(core), base_url="http://127.0.0.1")
    client.__enter__()
    atexit.register(client.__exit__, None, None, None)
    csrf = str(client.get("/api/session").json()["csrf_token"])
    return client, csrf, person


_UPLOAD_NAMES = st.one_of(
    st.sampled_from(["a.vcf", "a.csv", "写真.jpg", "../../etc/passwd.csv", "x.png", ".vcf"]),
    TEXT.filter(lambda s: bool(s) and "\x00" not in s),
)
UPLOADS = st.tuples(
    st.sampled_from(["photo", "quick-add", "import"]),
    st.one_of(
        PHOTOS.map(photo_bytes),
        FILES.map(vcard_file),
        CSV_FILES.map(lambda drawn: csv_file(drawn)[0]),
    ),
    _UPLOAD_NAMES,
    st.sampled_from(["image/jpeg", "text/vcard", "text/csv", "application/octet-stream", ""]),
    st.sampled_from(["auto", "vcard", "linkedin", "google", "outlook", "eight", "bogus"]),
)


@target("web-upload", UPLOADS, setup=web_client, share=0.4)
def check_web_upload(drawn: tuple[str, bytes, str, str, str]) -> None:
    """Uploading anything to a photo or import form answers a page, never a server error."""
    endpoint, data, name, mime, fmt = drawn
    client, csrf, person = web_client()
    files = {"photo" if endpoint != "import" else "files": (name, data, mime)}
    form = {"csrf_token": csrf}
    if endpoint == "photo":
        url = f"/people/{person}/photo"
    elif endpoint == "quick-add":
        url, form = "/people", {**form, "family_name": "佐藤", "add_anyway": "1"}
    else:
        url, form = "/import/preview", {**form, "format": fmt, "skip_bad": "1"}
    answer = client.post(url, data=form, files=files, follow_redirects=False)
    assert answer.status_code in (200, 303, 422), (answer.status_code, answer.text[:300])
    if endpoint == "import" and answer.status_code == 200:
        assert "\ufffd" not in answer.text or "\ufffd".encode() in data


# ---- the tests: each target briefly (benchmarks/fuzz.py runs them for longer) -------------


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_fuzz_target(name: str) -> None:
    chosen = TARGETS[name]
    if chosen.setup is not None:
        chosen.setup()

    @settings(BRIEF, max_examples=max(1, round(EXAMPLES * chosen.share)))
    @given(chosen.strategy)
    def run(value: Any) -> None:
        with time_bound():
            chosen.check(value)

    run()


# ---- regressions: the minimal examples the fuzzers found, each as a test ---------------

_BACKUP = b'{"format": "kinmyaku-backup", "version": 1, "tables": %s}'


def _person_row(**changes: Any) -> bytes:
    _, document = restore_template()
    table = document["tables"]["people"]
    row = dict(zip(table["columns"], table["rows"][0], strict=True))
    row.update(changes)
    people_table = {"columns": list(row), "rows": [list(row.values())]}
    return _BACKUP % json.dumps({"people": people_table}).encode()


@pytest.mark.parametrize(
    "data",
    [
        _BACKUP % b"1000000000000000000000000000000",  # AttributeError: int has no .get
        _BACKUP % b'{"people": 1000000000000000000000000000000}',  # TypeError
        _BACKUP % b'{"people": {"rows": []}}',  # KeyError: 'columns'
        _BACKUP % b'{"people": {"columns": ["id"], "rows": [[1]]}}',  # IntegrityError
        b"[" * 100_000,  # RecursionError in the JSON decoder
    ],
    ids=["tables", "table", "columns", "not-null", "nesting"],
)
def test_a_damaged_backup_is_refused_not_a_crash(data: bytes) -> None:
    assert restore(data) is None


@pytest.mark.parametrize(
    "changes",
    [
        {"id": 10**30},  # OverflowError
        {"created_at": "2026-13-45"},  # ValueError (a date)
        {"family_name": "\ud800"},  # UnicodeEncodeError (a lone surrogate)
        {"photo": {"a": 1}},  # ProgrammingError (a value SQLite cannot bind)
    ],
    ids=["overflow", "date", "surrogate", "object"],
)
def test_a_backup_with_a_value_that_cannot_be_stored_is_refused(changes: dict[str, Any]) -> None:
    assert restore(_person_row(**changes)) is None


def test_a_backup_with_a_row_twice_is_refused() -> None:
    _, document = restore_template()
    document = json.loads(json.dumps(document))
    document["tables"]["people"]["rows"] *= 2  # IntegrityError: UNIQUE constraint failed
    assert restore(json.dumps(document).encode()) is None
    assert restore(json.dumps(restore_template()[1]).encode()) is not None


def test_a_csv_of_one_column_is_read_with_a_mapping() -> None:
    # Found by csv-mapping: with a mapping, detection refused a file of one column.
    data = "名前\r\n山田 太郎\r\n".encode()
    [record] = read_records(io.BytesIO(data), file_name="m.csv", mapping={"名前": "full_name"})
    assert (record.family_name, record.given_name) == ("山田", "太郎")
    with pytest.raises(FormatError) as refused:
        list(read_records(io.BytesIO(data), file_name="m.csv"))
    assert refused.value.key == "unknown_format"


def test_a_soft_line_break_before_a_folded_line_keeps_the_text() -> None:
    card = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:a;b\r\n"
        b"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:ab=\r\n cd\r\nEND:VCARD\r\n"
    )
    [record] = read_records(io.BytesIO(card), file_name="qp.vcf")
    assert record.notes in ("abcd", "ab cd")
    assert record.warnings == []


def test_an_email_with_a_long_run_of_spaces_is_read_in_linear_time() -> None:
    card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:a;b\r\nEMAIL:a%sb>\r\nEND:VCARD\r\n" % (b" " * 40_000)
    with time_bound(2):
        [record] = read_records(io.BytesIO(card), file_name="long.vcf")
    assert len(record.emails) == 1


@pytest.mark.parametrize("separator", [":::", ";"])
def test_a_long_run_of_spaces_before_a_separator_is_read_in_linear_time(separator: str) -> None:
    # Found by long-values: "\\s*:::\\s*" and the tags' "\\s*(?::::|[,;、])\\s*" backtracked
    # over the spaces at every position (40,000 spaces: minutes).
    cell = "a" + " " * 40_000 + "x" + separator + "y"
    data = f"First Name,Last Name,E-mail 1 - Value,Labels\r\na,b,{cell},{cell}\r\n".encode()
    with time_bound(2):
        [record] = read_records(io.BytesIO(data), file_name="long.csv")
    assert record.tags == [cell[: -len(separator) - 1], "y"]
    emails = [cell[: -len(separator) - 1], "y"] if separator == ":::" else [cell]
    assert [e.value for e in record.emails] == emails


def test_a_card_whose_begin_is_folded_reads_the_same_in_blocks() -> None:
    card = b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:0;;;;\r\nEND:VCARD\r\n"
    data = b"B\r\n E" + card[2:] + card  # found by vcard-mutated: insert b"\r\n " at 1
    lines = data_lines(data)
    assert [r.source.record_no for r in lines] == [1, 2]
    assert _summaries(data_blocks(data, 29)) == _summaries(lines)


def test_shift_jis_ending_in_0x5c_that_is_also_utf8() -> None:
    note = b"\xe3\x81\x95\x5c"  # 縺表 in Shift_JIS; as UTF-8 it is さ and a backslash
    card = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:a;b\r\nNOTE;CHARSET=SHIFT_JIS:" + note
        + b"\r\nTEL:0312345678\r\nEND:VCARD\r\n"
    )  # fmt: skip
    [record] = read_records(io.BytesIO(card), file_name="sjis.vcf")
    assert record.notes == "縺表"
    assert [p.value for p in record.phones] == ["0312345678"]


@pytest.mark.parametrize("kind", ["png", "gif", "bmp", "jpeg"])
def test_a_header_claiming_a_huge_size_is_refused_as_too_many_pixels(kind: str) -> None:
    # Found by photo: Pillow's own bomb limit answered "not a photo", which it is.
    with pytest.raises(ValidationError) as refused, time_bound(5):
        clean_photo(huge_header(kind, 60_000, 60_000))
    assert refused.value.msgid == "The photo has too many pixels"


def test_a_photo_with_damaged_exif_is_kept_upright_as_it_is() -> None:
    # Found by photo: one flipped bit in a WebP's EXIF (b"MM" -> b"LM") raised SyntaxError
    # from ImageOps.exif_transpose, a crash of the upload.
    data = image_bytes(("1", 1, 1, "WEBP", 1, b""))
    at = data.index(b"MM\x00*")
    cleaned = clean_photo(data[:at] + b"L" + data[at + 1 :])
    with Image.open(io.BytesIO(cleaned.data)) as image:
        assert image.size == (1, 1) and not image.getexif()


def test_time_bound_stops_a_runaway_input() -> None:
    with pytest.raises(Hang), time_bound(0.05):
        while True:
            pass

"""Fuzzing every parser: any input bytes give records or FormatError, never another exception.

tests/formats/test_fuzz_parsers.py fuzzes from structured inputs (valid cards and rows, then
damaged ones) and the other parsers (restore, photos, uploads); benchmarks/fuzz.py runs its
targets for a set time.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Mapping

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinmyaku.formats import FORMATS, ContactRecord, FormatError, detect_format, read_records
from kinmyaku.formats.contentlines import escape_text
from kinmyaku.formats.vcard_syntax import decode_cp932

# KINMYAKU_FUZZ_EXAMPLES=5000 digs deeper than the default run.
FUZZ = settings(
    max_examples=int(os.environ.get("KINMYAKU_FUZZ_EXAMPLES", "400")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
MAPPING = {"a": "full_name", "b": "email", "c": "met_on", "d": "phone:mobile"}


def _consume(
    data: bytes, fmt: str, mapping: Mapping[str, str] | None = None, skip: bool = False
) -> list[ContactRecord]:
    errors: list[FormatError] = []
    records: list[ContactRecord] = []
    try:
        for record in read_records(
            io.BytesIO(data),
            file_name="fuzz",
            format=fmt,
            mapping=mapping,
            on_error=errors.append if skip else None,
        ):
            assert record.source is not None and record.source.file == "fuzz"
            records.append(record)
    except FormatError as error:
        assert error.message("ja") and error.message("en")
    for reported in errors:
        assert reported.message("ja") and reported.message("en")
    return records


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(("auto", *FORMATS)), st.booleans())
def test_random_bytes(data: bytes, fmt: str, skip: bool) -> None:
    _consume(data, fmt, MAPPING if fmt in ("csv", "auto") else None, skip)


@FUZZ
@given(st.binary(max_size=500))
def test_detect_format_random_bytes(data: bytes) -> None:
    with contextlib.suppress(FormatError):
        assert detect_format(data) in FORMATS


_FRAGMENTS = st.sampled_from(
    [
        b"BEGIN:VCARD",
        b"END:VCARD",
        b"VERSION:2.1",
        b"VERSION:4.0",
        b"N:",
        b"FN:",
        b"N;CHARSET=SHIFT_JIS:",
        b"ORG;SORT-AS=",
        b"SOUND;X-IRMC-N:",
        b"NOTE;ENCODING=QUOTED-PRINTABLE:",
        b"PHOTO;ENCODING=BASE64;TYPE=JPEG:",
        b"PHOTO:data:image/png;base64,",
        b"item1.TEL:",
        b"item1.X-ABLabel:",
        b"BDAY:",
        b"CATEGORIES:",
        b'X-Q;P="a:b";CHARSET=',
        b"=",
        b"=0D=0A",
        b";",
        b",",
        b":",
        b'"',
        b"\\",
        b"^",
        b" ",
        b"\t",
        b"\r\n",
        b"\n",
        b"\r",
        "表ソ能ｱﾞ".encode("cp932"),
        "山田".encode(),
        b"\x95\x5c;",
        b"\xff\xfe",
        b"/9j/4AAQ",
        b"--0229",
        b"19900101",
    ]
)
_VCARDISH = st.lists(st.one_of(_FRAGMENTS, st.binary(max_size=8)), max_size=80).map(b"".join)


@FUZZ
@given(_VCARDISH, st.booleans())
def test_vcard_shaped_input(data: bytes, skip: bool) -> None:
    _consume(b"BEGIN:VCARD\r\n" + data, "auto", skip=skip)
    _consume(data, "vcard", skip=skip)


_HEADERS = st.sampled_from(
    [
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
        "First Name,Last Name,Phonetic First Name,E-mail 1 - Label,E-mail 1 - Value,Labels",
        "Given Name,Family Name,Organization 1 - Name,Group Membership,Address 1 - Formatted",
        "First Name,Last Name,E-mail Address,Business Phone,Business Street,Birthday",
        "会社名,部署名,役職,姓,名,e-mail,住所,名刺交換日,タグ",
        "a,b,c,d",
    ]
)
_CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["1", "2024/03/15", "15 Mar 2024", "0/0/00", "--12-24", " ::: ", '"', "\n"]),
)
_ROW = st.lists(_CELL, max_size=10).map(lambda cells: ",".join(cells))


@FUZZ
@given(_HEADERS, st.lists(_ROW, max_size=8), st.sampled_from(["utf-8", "cp932", "utf-8-sig"]))
def test_csv_shaped_input(header: str, rows: list[str], encoding: str) -> None:
    text = "\r\n".join([header, *rows])
    data = text.encode(encoding, "replace")
    for fmt in ("auto", "linkedin", "google", "outlook", "eight", "csv"):
        _consume(data, fmt, MAPPING if fmt in ("csv", "auto") else None, skip=True)


# ---- lenient reading: never raises for a card, never replaces text silently ----

WHOLE_FILE = {
    "empty_file",
    "unknown_format",
    "unsupported_encoding",
    "line_too_long",
    "binary_file",  # starts with a binary signature (gzip, PNG ...): no contact file does
    "excel_file",
}
"""What still raises when reading leniently: the file as a whole cannot be read."""


def _texts(record: ContactRecord) -> list[str]:
    """Every piece of text a record holds."""
    texts = [
        record.family_name,
        record.given_name,
        record.family_reading,
        record.given_reading,
        record.nickname,
        record.organization,
        record.organization_reading,
        record.department,
        record.title,
        record.notes,
        *record.tags,
    ]
    texts += [p.value for p in (*record.emails, *record.phones, *record.urls)]
    texts += [a.street + a.locality + a.region for a in record.addresses]
    texts += [value for values in record.extra.values() for value in values]
    return texts


def _lenient(data: bytes) -> list[ContactRecord]:
    problems: list[FormatError] = []
    try:
        records = list(
            read_records(
                io.BytesIO(data),
                file_name="fuzz",
                format="vcard",
                on_error=problems.append,
                lenient=True,
            )
        )
    except FormatError as error:
        assert error.key in WHOLE_FILE, error.key
        return []
    # Only text outside any card is reported: every card is a record.
    assert {problem.key for problem in problems} <= {"not_vcard"}
    for record in records:
        for warning in record.warnings:
            assert warning.message("ja") and warning.message("en")
            assert warning.file == "fuzz" and warning.line is not None
    return records


@FUZZ
@given(_VCARDISH)
def test_lenient_vcard_reading_never_raises_nor_replaces_bytes(data: bytes) -> None:
    for blob in (b"BEGIN:VCARD\r\n" + data, data, b"BEGIN:VCARD\r\n" + data + b"\r\nEND:VCARD"):
        records = _lenient(blob)
        if b"\xef\xbf\xbd" not in blob:  # U+FFFD itself, in UTF-8
            assert all("\ufffd" not in text for r in records for text in _texts(r))


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)


@FUZZ
@given(_TEXT, st.sampled_from([b"2.1", b"3.0", b"4.0"]))
def test_a_text_value_comes_back_as_it_was(text: str, version: bytes) -> None:
    card = (
        b"BEGIN:VCARD\r\nVERSION:" + version + b"\r\nN:Fuzz;Test;;;\r\nNOTE:"
        + escape_text(text).encode()
        + b"\r\nEND:VCARD\r\n"
    )  # fmt: skip
    [record] = _lenient(card)
    assert record.notes == text.replace("\r\n", "\n").replace("\r", "\n").strip()
    assert record.warnings == []


@FUZZ
@given(st.binary(max_size=60), st.sampled_from(["", ";CHARSET=UTF-8", ";CHARSET=SHIFT_JIS"]))
def test_bytes_are_decoded_exactly_or_kept_as_escapes_with_a_warning(
    raw: bytes, charset: str
) -> None:
    raw = bytes(b for b in raw if b not in b"\\\r\n")
    card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Fuzz;Test;;;\r\nNOTE%s:%s\r\nEND:VCARD\r\n" % (
        charset.encode(),
        raw,
    )
    [record] = _lenient(card)
    if any(w.key == "bad_bytes" for w in record.warnings):
        assert "\\x" in record.notes and "\ufffd" not in record.notes
        return
    # Otherwise every byte decoded (in the charset declared, or one said in a warning).
    decodings = set()
    for codec in ("utf-8", "cp932"):
        with contextlib.suppress(UnicodeDecodeError):
            decodings.add(decode_cp932(raw) if codec == "cp932" else raw.decode(codec))
    assert record.notes in {d.strip() for d in decodings}

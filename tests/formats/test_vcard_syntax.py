"""vCard content-line syntax and the errors bad cards raise."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kinmyaku.formats import ContactRecord, FormatError
from kinmyaku.formats.vcard_syntax import (
    decode_bytes,
    decode_value,
    parse_params,
    parse_property,
    split_escaped,
    unescape,
    unfold,
)

Parse = Callable[..., list[ContactRecord]]


def test_unfold_joins_folded_and_qp_soft_broken_lines() -> None:
    lines = [
        b"NOTE:one\r\n",
        b" two\r\n",
        b"\tthree\r\n",
        b"\r\n",
        b"LABEL;ENCODING=QUOTED-PRINTABLE:a=\r\n",
        b"b=\r\n",
        b"END:VCARD\r\n",
    ]
    assert list(unfold(iter(lines))) == [
        (1, b"NOTE:onetwothree"),
        (5, b"LABEL;ENCODING=QUOTED-PRINTABLE:ab="),
        (7, b"END:VCARD"),
    ]


def test_unfold_only_treats_equals_as_soft_break_for_quoted_printable() -> None:
    lines = [b"PHOTO;ENCODING=b:AAA=\n", b"TEL:1\n"]
    assert list(unfold(iter(lines))) == [(1, b"PHOTO;ENCODING=b:AAA="), (2, b"TEL:1")]


def test_parse_params_bare_and_quoted_values() -> None:
    params = parse_params(b'WORK;VOICE;ENCODING=QUOTED-PRINTABLE;TYPE="a,b";LABEL="x^ny^\'z"')
    assert params["TYPE"] == ["WORK", "VOICE", "a", "b"]  # a quoted TYPE list is a list
    assert params["ENCODING"] == ["QUOTED-PRINTABLE"]
    assert params["LABEL"] == ['x\ny"z']


def test_parse_property_group_and_colon_inside_quotes() -> None:
    prop = parse_property(b'item1.ADR;LABEL="a:b";TYPE=work:;;street', 3)
    assert (prop.group, prop.name, prop.line) == ("ITEM1", "ADR", 3)
    assert prop.params["LABEL"] == ["a:b"]
    assert prop.value == b";;street"
    assert prop.types() == ["work"]


@pytest.mark.parametrize("line", [b"no colon here", b":value", b";X=1:v", b"grp.:v"])
def test_parse_property_rejects_lines_without_a_name(line: bytes) -> None:
    with pytest.raises(FormatError) as caught:
        parse_property(line, 9)
    assert caught.value.key == "vcard_bad_line"
    assert caught.value.line == 9


def test_escapes() -> None:
    assert unescape(r"a\nb\,c\;d\\e\:f\x") == "a\nb,c;d\\e:f\\x"
    assert split_escaped(r"a\;b;c\\;d", ";") == [r"a\;b", "c\\\\", "d"]


def test_decode_bytes_charsets() -> None:
    assert decode_bytes("表".encode("cp932"), "Shift_JIS") == "表"
    assert decode_bytes("表".encode("cp932"), "x-sjis") == "表"
    assert decode_bytes("表".encode("cp932")) == "表"
    assert decode_bytes("é".encode("latin-1"), "ISO-8859-1") == "é"
    # Bytes valid in no charset are kept recognisably, never replaced by other characters.
    assert decode_bytes(b"\xff\xfe\xfa", "no-such-charset") == "\\xff\\xfe\\xfa"
    assert decode_value("山田".encode() + b"\xff") == ("山田\\xff", "UTF-8", "")
    sjis = "山田".encode("cp932") + b"\x81 "
    assert decode_value(sjis, "Shift_JIS") == ("山田\\x81 ", "Shift_JIS", "")
    assert decode_value(b"abc\xff", "UTF-8") == ("abc\\xff", "UTF-8", "")
    # A charset label that is wrong: read in the one that decodes every byte, and said so.
    assert decode_value("表".encode("cp932"), "UTF-8") == ("表", "UTF-8", "Shift_JIS")
    assert decode_bytes(b"abc", "base64") == "abc"  # not a text encoding: ignored


def test_bad_line_skips_only_that_card(parse: Parse) -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good One\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nthis line is broken\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good Two\r\nEND:VCARD\r\n"
    )
    errors: list[FormatError] = []
    records = parse(data, name="people.vcf", errors=errors)
    assert [r.given_name for r in records] == ["Good", "Good"]
    (error,) = errors
    assert (error.key, error.file, error.line, error.record_no) == (
        "vcard_bad_line",
        "people.vcf",
        7,
        2,
    )
    assert error.message("en").startswith("people.vcf line 7: This is not a vCard line")
    assert error.message("ja").startswith("people.vcf 7 行目: vCard の行として読めません")
    with pytest.raises(FormatError):
        parse(data)


def test_unterminated_card_and_stray_text(parse: Parse) -> None:
    data = b"BEGIN:VCARD\nFN:A B\nEND:VCARD\ngarbage\nmore garbage\nBEGIN:VCARD\nFN:C D\n"
    errors: list[FormatError] = []
    records = parse(data, format="vcard", errors=errors)
    assert [r.family_name for r in records] == ["B"]
    assert [(e.key, e.line) for e in errors] == [("not_vcard", 4), ("vcard_unterminated", 6)]


def test_empty_card_is_reported(parse: Parse) -> None:
    errors: list[FormatError] = []
    assert parse(b"BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n", errors=errors) == []
    assert [e.key for e in errors] == ["empty_record"]


def test_nested_agent_card_is_skipped(parse: Parse) -> None:
    data = (
        b"BEGIN:VCARD\nVERSION:2.1\nN:Boss;Big\nAGENT:\nBEGIN:VCARD\nVERSION:2.1\n"
        b"N:Assistant;Little\nEND:VCARD\nTEL:123\nEND:VCARD\n"
    )
    (record,) = parse(data)
    assert (record.family_name, record.given_name) == ("Boss", "Big")
    assert [p.value for p in record.phones] == ["123"]


def test_lowercase_begin_and_lf_only(parse: Parse) -> None:
    (record,) = parse(b"begin:vcard\nversion:3.0\nn:Lower;Case\nend:vcard")
    assert (record.family_name, record.given_name) == ("Lower", "Case")


def test_bom_is_ignored(parse: Parse) -> None:
    (record,) = parse(
        b"\xef\xbb\xbfBEGIN:VCARD\r\nFN:\xe5\xb1\xb1\xe7\x94\xb0 \xe5\xa4\xaa\r\nEND:VCARD"
    )
    assert (record.family_name, record.given_name) == ("山田", "太")


def test_utf16_is_refused_clearly(parse: Parse) -> None:
    with pytest.raises(FormatError) as caught:
        parse("BEGIN:VCARD\r\n".encode("utf-16"))
    assert caught.value.key == "unsupported_encoding"

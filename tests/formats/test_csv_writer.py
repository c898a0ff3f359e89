"""CSV export: opens in Japanese Excel (UTF-8 BOM, CRLF) and is safe from formula injection."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinmyaku.formats import (
    ContactPoint,
    ContactRecord,
    PostalAddress,
    export_mapping,
    read_records,
    safe_cell,
    write_contacts_csv,
    write_csv_rows,
)
from kinmyaku.formats.csv_writer import unsafe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+81-90-1234-5678", "'+81-90-1234-5678"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("山田", "山田"),
        ("a=b", "a=b"),
        ("'=1", "''=1"),
        ("'plain", "'plain"),
        ("", ""),
        (None, ""),
        (date(2024, 3, 15), "2024-03-15"),
        (3, "3"),
    ],
)
def test_safe_cell(value: object, expected: str) -> None:
    assert safe_cell(value) == expected


@given(st.text() | st.from_regex(r"'*[=+\-@\t\r].*", fullmatch=True))
def test_unsafe_cell_undoes_safe_cell(text: str) -> None:
    assert unsafe_cell(safe_cell(text)) == text


def test_rows_are_utf8_bom_crlf() -> None:
    out = io.BytesIO()
    count = write_csv_rows([["姓", "名"], ["山田", '=HYPERLINK("x")'], ["表", "a\nb"]], out)
    data = out.getvalue()
    assert count == 3
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == 3  # the newline inside a quoted cell stays \n
    assert data.decode("utf-8-sig").splitlines()[1] == '山田,"\'=HYPERLINK(""x"")"'
    assert not out.closed  # the caller's stream is left open


def test_contacts_csv_reimports_with_its_mapping() -> None:
    records = [
        ContactRecord(
            family_name="山田",
            given_name="太郎",
            family_reading="やまだ",
            given_reading="たろう",
            organization="=cmd|' /C calc'!A0",
            emails=[ContactPoint("work", "taro@example.jp"), ContactPoint("", "t@example.com")],
            phones=[ContactPoint("mobile", "+81-90-1111-2222")],
            addresses=[PostalAddress("work", "150-0041", "東京都", "渋谷区", "神南1-2-3", "日本")],
            birthday=date(1992, 7, 7),
            met_on=date(2024, 3, 15),
            channel="social",
            tags=["取引先", "ゴルフ"],
            notes="一行目\n二行目",
        ),
        ContactRecord(family_name="Clark", given_name="Emily"),
    ]
    for lang in ("ja", "en"):
        out = io.BytesIO()
        assert write_contacts_csv(records, out, lang=lang) == 2
        rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
        assert rows[1][5] == "'=cmd|' /C calc'!A0"
        back = list(
            read_records(
                io.BytesIO(out.getvalue()), file_name="export.csv", mapping=export_mapping(lang)
            )
        )
        taro = back[0]
        assert taro.organization == "=cmd|' /C calc'!A0"
        assert [p.value for p in taro.phones] == ["+81-90-1111-2222"]
        assert [e.value for e in taro.emails] == ["taro@example.jp", "t@example.com"]
        assert (taro.family_reading, taro.given_reading) == ("やまだ", "たろう")
        assert (taro.birthday, taro.met_on, taro.channel) == (
            date(1992, 7, 7),
            date(2024, 3, 15),
            "social",
        )
        assert taro.tags == ["取引先", "ゴルフ"]
        assert taro.notes == "一行目\n二行目"
        assert taro.addresses[0].street == "神南1-2-3"
        assert (back[1].family_name, back[1].given_name) == ("Clark", "Emily")


def test_japanese_headers() -> None:
    out = io.BytesIO()
    write_contacts_csv([], out)
    header = out.getvalue().decode("utf-8-sig").splitlines()[0]
    assert header.startswith("姓,名,姓（よみ）,名（よみ）")


_CELL_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff")
    | st.sampled_from(list("=+-@'\",;、:表ソ\n")),
    max_size=20,
).filter(lambda s: s == s.strip() and ":::" not in s and not s.startswith("\n"))
_ONE_VALUE = _CELL_TEXT.filter(bool)
_TAG = _ONE_VALUE.filter(lambda s: not any(c in s for c in ",;、*\n") and s == s.strip())
_READING = st.lists(st.sampled_from(list("あいうかきやまだタロウ")), max_size=5).map("".join)
_DATE = st.none() | st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1))


@given(
    st.builds(
        ContactRecord,
        family_name=_ONE_VALUE,
        given_name=_CELL_TEXT,
        family_reading=_READING,
        given_reading=_READING,
        nickname=_CELL_TEXT,
        organization=_CELL_TEXT,
        organization_reading=_READING,
        department=_CELL_TEXT,
        title=_CELL_TEXT,
        emails=st.lists(st.builds(ContactPoint, st.just(""), _ONE_VALUE), max_size=3),
        phones=st.lists(st.builds(ContactPoint, st.just(""), _ONE_VALUE), max_size=3),
        urls=st.lists(st.builds(ContactPoint, st.just(""), _ONE_VALUE), max_size=2),
        addresses=st.lists(
            st.builds(PostalAddress, st.just(""), _CELL_TEXT, _CELL_TEXT, _CELL_TEXT, _CELL_TEXT),
            max_size=1,
        ).map(lambda xs: [a for a in xs if not a.is_empty()]),
        birthday=_DATE,
        met_on=_DATE,
        channel=st.none() | _ONE_VALUE,
        tags=st.lists(_TAG, unique=True, max_size=3),
        notes=_CELL_TEXT,
    )
)
def test_contacts_csv_round_trip_property(record: ContactRecord) -> None:
    out = io.BytesIO()
    write_contacts_csv([record], out)
    (back,) = read_records(
        io.BytesIO(out.getvalue()), file_name="x.csv", mapping=export_mapping("ja")
    )
    back.source = None
    assert back == record

"""Small helpers: error messages in both languages, dates, names, labels."""

from __future__ import annotations

import pickle
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinmyaku.formats import MAPPING_FIELDS, MESSAGES, FormatError, render_message
from kinmyaku.formats.dates import is_empty_date, parse_date
from kinmyaku.formats.labels import label_from_ablabel, label_from_types
from kinmyaku.formats.names import (
    _SPACES,
    clean_reading,
    join_name,
    split_full_name,
    split_reading,
    widen_kana,
)
from kinmyaku.formats.records import RecordSource

SOURCE = Path(__file__).resolve().parents[2] / "src" / "kinmyaku" / "formats"


def test_every_raised_key_has_both_messages() -> None:
    raised = set()
    for path in SOURCE.glob("*.py"):
        raised |= set(re.findall(r'FormatError\(\s*"([a-z_]+)"', path.read_text()))
    assert raised <= set(MESSAGES), raised - set(MESSAGES)
    for key, (ja, en) in MESSAGES.items():
        assert ja and en, key
        assert set(re.findall(r"{(\w+)}", ja)) == set(re.findall(r"{(\w+)}", en)), key


def test_messages_render_in_both_languages() -> None:
    error = FormatError("bad_date", file="a.csv", line=4, field="誕生日", value="昨日")
    assert error.message("ja") == (
        "a.csv 4 行目、項目「誕生日」: 日付として読めません: 「昨日」。"
        "2024/03/15 や 2024-03-15 の形にしてください。"
    )
    assert error.message("en").startswith("a.csv line 4, field 誕生日: Not a date: '昨日'.")
    assert str(error) == error.message("en")
    assert FormatError("empty_file", file="x.vcf").message("en") == (
        "x.vcf: The file is empty. Export it again."
    )
    assert FormatError("empty_record").message("ja") == "名前も連絡先もないため取り込みません。"
    assert render_message("no_such_key", {}) == "no_such_key"
    assert "{value}" in render_message("bad_date", {})  # a missing parameter stays visible


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-15", date(2024, 3, 15)),
        ("20240315", date(2024, 3, 15)),
        ("2024-03-15T10:00:00Z", date(2024, 3, 15)),
        ("2024/3/5", date(2024, 3, 5)),
        ("2024年3月15日", date(2024, 3, 15)),
        ("15 Mar 2024", date(2024, 3, 15)),
        ("5 September 2021", date(2021, 9, 5)),
        ("Mar 15, 2024", date(2024, 3, 15)),
        ("3/15/2024", date(2024, 3, 15)),
        ("15/3/2024", date(2024, 3, 15)),
        ("2024-02-30", None),
        ("someday", None),
        ("15 Foo 2024", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_outlook_empty_dates() -> None:
    assert is_empty_date("0/0/00") and is_empty_date(" ") and not is_empty_date("1/1/2000")


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("山田 太郎", ("山田", "太郎")),
        ("山田　太郎", ("山田", "太郎")),
        ("山田太郎", ("山田太郎", "")),
        ("John Doe", ("Doe", "John")),
        ("Mary Ann Smith", ("Smith", "Mary Ann")),
        ("Doe, John", ("Doe", "John")),
        ("Cher", ("", "Cher")),
        ("  ", ("", "")),
    ],
)
def test_split_full_name(full: str, expected: tuple[str, str]) -> None:
    assert split_full_name(full) == expected


def test_names_and_readings() -> None:
    assert join_name("山田", "太郎") == "山田 太郎"
    assert join_name("Doe", "John") == "John Doe"
    assert join_name("", "John") == "John"
    assert widen_kana("ﾔﾏﾀﾞ ﾀﾛｳ abc") == "ヤマダ タロウ abc"
    assert split_reading("ﾔﾏﾀﾞ　 ﾀﾛｳ") == ("ヤマダ", "タロウ")


def test_labels() -> None:
    assert label_from_types(["internet", "pref", "work"]) == "work"
    assert label_from_types(["home", "fax"]) == "fax"
    assert label_from_types(["voice", "cell"]) == "mobile"
    assert label_from_types(["x-custom"]) == ""
    assert label_from_types(["school"]) == "school"
    assert label_from_ablabel("_$!<HomePage>!$_") == "homepage"
    assert label_from_ablabel("_$!<Mobile>!$_") == "mobile"
    assert label_from_ablabel("秘書") == "秘書"


def test_docs_list_every_message_and_mapping_field() -> None:
    docs = (SOURCE.parents[2] / "docs" / "formats.md").read_text()
    for key, (ja, en) in MESSAGES.items():
        assert f"| `{key}` | {ja} | {en} |" in docs, key
    for field in MAPPING_FIELDS:
        assert f"`{field}`" in docs, field


def test_a_record_source_travels_to_another_process_whole() -> None:
    """Pickled as its three values (helper processes send one a record)."""
    source = RecordSource("連絡先.vcf", 3, 14)
    back = pickle.loads(pickle.dumps(source, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == source and back.describe() == "連絡先.vcf:14"


@given(
    st.text(alphabet="たかはしタカハシｶﾞﾀﾅ ・\u3000\t\n\x1c\xa0a高", max_size=10)
    | st.text(max_size=10)
)
def test_clean_reading_is_the_plain_cleaning(text: str) -> None:
    """clean_reading returns most readings as they are: only when nothing would change."""
    assert clean_reading(text) == _SPACES.sub(" ", widen_kana(text)).strip()


def test_clean_reading_examples() -> None:
    assert clean_reading(" ﾔﾏﾀﾞ\u3000 ﾀﾛｳ ") == "ヤマダ タロウ"
    assert clean_reading("やまだ") == "やまだ"

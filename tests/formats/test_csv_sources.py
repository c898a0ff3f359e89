"""Contact CSVs: LinkedIn, Google (both header generations), Outlook, Eight, own mapping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from kinmyaku.formats import ContactRecord, FormatError, detect_format, read_path

Parse = Callable[..., list[ContactRecord]]


def _csv(data_dir: Path, name: str) -> Path:
    return data_dir / "csv" / name


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("linkedin-connections.csv", "linkedin"),
        ("google-contacts.csv", "google"),
        ("google-contacts-legacy.csv", "google"),
        ("outlook-contacts.csv", "outlook"),
        ("outlook-contacts-ja-cp932.csv", "outlook"),
        ("eight-cards-utf8.csv", "eight"),
        ("eight-cards-cp932.csv", "eight"),
        ("generic-members.csv", "csv"),
    ],
)
def test_detect_format(data_dir: Path, name: str, kind: str) -> None:
    assert detect_format(_csv(data_dir, name).read_bytes()) == kind


def test_detect_vcard_and_rubbish(data_dir: Path) -> None:
    assert detect_format((data_dir / "vcard" / "gmail-list.vcf").read_bytes()) == "vcard"
    with pytest.raises(FormatError) as caught:
        detect_format(b"just one thing\n")
    assert caught.value.key == "unknown_format"
    with pytest.raises(FormatError) as caught:
        detect_format(b"\x00\x01just one thing\n")
    assert caught.value.key == "binary_file"
    with pytest.raises(FormatError) as caught:
        detect_format(bytes(range(256)) * 4)
    assert caught.value.key == "binary_file"
    with pytest.raises(FormatError) as caught:
        detect_format(b"\r\n  \r\n")
    assert caught.value.key == "empty_file"


def test_linkedin_skips_notes_and_sets_met_on(data_dir: Path) -> None:
    taro, hanako, emily = read_path(_csv(data_dir, "linkedin-connections.csv"))
    assert (taro.family_name, taro.given_name) == ("Yamada", "Taro")
    assert taro.met_on == date(2024, 3, 15)
    assert taro.channel == "social"
    assert (taro.organization, taro.title) == ("Kinmyaku Trading", "Sales Manager")
    assert [(u.label, u.value) for u in taro.urls] == [
        ("linkedin", "https://www.linkedin.com/in/taro-yamada")
    ]
    assert hanako.emails == [] and hanako.met_on == date(2023, 1, 2)
    assert emily.organization == "Clark, Lee & Partners"
    assert taro.source is not None and (taro.source.record_no, taro.source.line) == (1, 5)
    assert emily.source is not None and emily.source.line == 7


def test_google_current_export(data_dir: Path) -> None:
    taro, emily = read_path(_csv(data_dir, "google-contacts.csv"))
    assert (taro.family_name, taro.given_name) == ("山田", "太郎")
    assert (taro.family_reading, taro.given_reading) == ("やまだ", "たろう")
    assert (taro.organization, taro.department, taro.title) == (
        "株式会社金脈商事",
        "営業本部",
        "マネージャー",
    )
    assert taro.birthday == date(1992, 7, 7)
    assert taro.notes == "2023年秋の交流会で出会う\n紹介者: 佐藤さん"
    assert taro.tags == ["取引先", "ゴルフ仲間"]
    assert [(e.label, e.value) for e in taro.emails] == [
        ("work", "taro.yamada@kinmyaku.example"),
        ("home", "taro@example.com"),
    ]
    # " ::: " separates several values (and their labels) in one cell.
    assert [(p.label, p.value) for p in taro.phones] == [
        ("mobile", "090-1111-2222"),
        ("work", "03-5555-6666"),
        ("秘書", "03-5555-7777"),
    ]
    address = taro.addresses[0]
    assert (address.label, address.postal_code, address.region, address.locality) == (
        "work",
        "150-0041",
        "東京都",
        "渋谷区",
    )
    assert address.street == "神南1-2-3 渋谷ビル8F"
    assert [(u.label, u.value) for u in taro.urls] == [("Profile", "https://kinmyaku.example/taro")]
    # A birthday without a year is kept, not an error; system groups are not tags.
    assert emily.birthday is None and emily.extra == {"Birthday": ["--12-24"]}
    assert emily.tags == ["starred"]


def test_google_legacy_export(data_dir: Path) -> None:
    ichiro, ken = read_path(_csv(data_dir, "google-contacts-legacy.csv"))
    assert (ichiro.family_name, ichiro.given_name) == ("鈴木", "一郎")
    assert (ichiro.family_reading, ichiro.given_reading) == ("すずき", "いちろう")
    assert (ichiro.organization, ichiro.organization_reading) == ("東都銀行", "とうとぎんこう")
    assert (ichiro.title, ichiro.department) == ("融資課長", "法人営業部")
    assert ichiro.tags == ["大学"]
    assert ichiro.birthday == date(1985, 11, 3)
    # Only "Name" and "Yomi Name": split family first.
    assert (ken.family_name, ken.given_name) == ("伊藤", "健")
    assert (ken.family_reading, ken.given_reading) == ("いとう", "けん")


def test_outlook_export(data_dir: Path) -> None:
    taro, john = read_path(_csv(data_dir, "outlook-contacts.csv"))
    assert (taro.family_reading, taro.given_reading) == ("やまだ", "たろう")
    assert taro.organization_reading == "きんみゃくしょうじ"
    assert taro.addresses[0].street == "神南1-2-3 渋谷ビル8F"
    assert [(p.label, p.value) for p in taro.phones] == [
        ("fax", "03-5555-0000"),
        ("work", "03-5555-6666"),
        ("mobile", "090-1111-2222"),
    ]
    assert [e.value for e in taro.emails] == ["taro.yamada@kinmyaku.example", "taro@example.com"]
    assert taro.tags == ["取引先", "ゴルフ仲間"]
    assert taro.birthday == date(1992, 7, 7)
    # Outlook's 0/0/00 means "no birthday"; its name prefix is kept, not taken as a job title.
    assert john.birthday is None
    assert john.title == "CTO" and john.extra["Title"] == ["Mr."]
    assert john.addresses[0].label == "home"


def test_outlook_japanese_headers_cp932(data_dir: Path) -> None:
    (sota,) = read_path(_csv(data_dir, "outlook-contacts-ja-cp932.csv"))
    assert (sota.family_name, sota.given_name) == ("表", "ソウ太")
    assert (sota.family_reading, sota.given_reading) == ("おもて", "そうた")
    assert sota.addresses[0].street == "丸の内1-2-3 表ビル5F"
    assert sota.birthday == date(1990, 4, 15)


@pytest.mark.parametrize("name", ["eight-cards-utf8.csv", "eight-cards-cp932.csv"])
def test_eight_export(data_dir: Path, name: str) -> None:
    sota, hanako, miho = read_path(_csv(data_dir, name))
    assert (sota.family_name, sota.given_name) == ("表", "ソウ太")
    assert (sota.organization, sota.department, sota.title) == ("株式会社能登", "営業部", "課長")
    assert sota.met_on == date(2024, 3, 15)
    assert sota.tags == ["取引先", "交流会2024"]
    assert [p.label for p in sota.phones] == ["main", "work", "work", "fax", "mobile"]
    address = sota.addresses[0]
    assert (address.postal_code, address.region, address.street) == (
        "100-0005",
        "東京都",
        "千代田区丸の内1-2-3 表ビル5F",
    )
    assert hanako.tags == ["交流会2024", "要フォロー"]
    assert hanako.addresses[0].region == "大阪府"
    assert miho.met_on == date(2024, 1, 9) and miho.tags == []
    assert miho.addresses[0].region == "北海道"


def test_generic_csv_with_mapping(data_dir: Path) -> None:
    mapping = {
        "氏名": "full_name",
        "フリガナ": "full_reading",
        "所属": "organization",
        "メールアドレス": "email",
        "携帯": "phone:mobile",
        "参加日": "met_on",
        "メモ": "notes",
    }
    hina, shota = read_path(_csv(data_dir, "generic-members.csv"), mapping=mapping)
    assert (hina.family_name, hina.given_name) == ("山本", "陽菜")
    assert (hina.family_reading, hina.given_reading) == ("やまもと", "ひな")
    assert [(p.label, p.value) for p in hina.phones] == [("mobile", "080-1234-0000")]
    assert hina.met_on == date(2024, 5, 20)
    assert hina.notes == '=HYPERLINK("http://evil.example")'  # data, never evaluated
    assert shota.organization == ""


def test_generic_csv_needs_a_mapping(data_dir: Path) -> None:
    with pytest.raises(FormatError) as caught:
        list(read_path(_csv(data_dir, "generic-members.csv")))
    assert caught.value.key == "csv_unknown_header"
    assert "氏名" in caught.value.message("ja")


def test_bad_mapping_target(data_dir: Path) -> None:
    with pytest.raises(FormatError) as caught:
        list(read_path(_csv(data_dir, "generic-members.csv"), mapping={"氏名": "shoe_size"}))
    assert caught.value.key == "bad_mapping"
    assert caught.value.field == "氏名"


def test_mapping_column_missing(data_dir: Path) -> None:
    with pytest.raises(FormatError) as caught:
        list(read_path(_csv(data_dir, "eight-cards-utf8.csv"), mapping={"年齢": "notes"}))
    assert caught.value.key == "csv_header_missing"
    assert "年齢" in caught.value.message("en")


def test_bad_date_names_file_line_and_field(parse: Parse) -> None:
    data = (
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
        b"A,B,,,,,15 Mar 2024\r\n"
        b"C,D,,,,,someday\r\n"
        b"E,F,,,,,01 Apr 2024\r\n"
    )
    errors: list[FormatError] = []
    records = parse(data, name="Connections.csv", errors=errors)
    assert [r.given_name for r in records] == ["A", "E"]
    (error,) = errors
    assert (error.key, error.file, error.line, error.field, error.record_no) == (
        "bad_date",
        "Connections.csv",
        3,
        "Connected On",
        2,
    )
    assert error.message("en") == (
        "Connections.csv line 3, field Connected On: Not a date: 'someday'. "
        "Use a form such as 2024-03-15 or 2024/03/15."
    )
    assert error.message("ja").startswith("Connections.csv 3 行目、項目「Connected On」: ")
    with pytest.raises(FormatError):
        parse(data)


def test_explicit_format_without_its_header(parse: Parse) -> None:
    with pytest.raises(FormatError) as caught:
        parse(b"a,b\r\n1,2\r\n", format="eight")
    assert caught.value.key == "csv_header_missing"
    assert "名刺交換日" in caught.value.message("ja")


def test_unknown_format_name(parse: Parse) -> None:
    with pytest.raises(FormatError) as caught:
        parse(b"x", format="excel")
    assert caught.value.key == "unknown_format_name"


def test_multiline_cells_keep_line_numbers(parse: Parse) -> None:
    data = (
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b'A,B,,,"Multi\nline\nCompany",,\n'
        b"C,D,,,,,bad\n"
    )
    errors: list[FormatError] = []
    parse(data, errors=errors)
    assert [(e.key, e.line) for e in errors] == [("bad_date", 5)]


def test_empty_rows_are_skipped_and_empty_records_reported(parse: Parse) -> None:
    data = "姓,名,会社名,名刺交換日\n\n,,,\n山田,太郎,,\n,,,2024/01/01\n".encode()
    errors: list[FormatError] = []
    records = parse(data, errors=errors)
    assert [r.family_name for r in records] == ["山田"]
    assert [(e.key, e.line) for e in errors] == [("empty_record", 5)]


def test_cp932_after_a_long_ascii_start_switches_encoding(parse: Parse) -> None:
    ascii_rows = "".join(f"User{i},Test,,u{i}@example.com,,,01 Jan 2024\r\n" for i in range(3000))
    data = (
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
        + ascii_rows
        + "太郎,山田,,,表計算株式会社,,01 Jan 2024\r\n"
    ).encode("cp932")
    assert len(data) > 65536
    records = parse(data)
    assert records[-1].organization == "表計算株式会社"


def test_invalid_utf8_after_utf8_is_a_clear_error(parse: Parse) -> None:
    data = "姓,名,会社名,名刺交換日\n山田,太郎,,\n".encode() + b"\xff\xfe,x,,\n"
    with pytest.raises(FormatError) as caught:
        parse(data)
    assert (caught.value.key, caught.value.line) == ("bad_encoding", 3)
    assert "UTF-8" in caught.value.message("en")


def test_unbalanced_quote_is_a_csv_error(parse: Parse) -> None:
    with pytest.raises(FormatError) as caught:
        parse(b'\xef\xbb\xbf"a,b\r\n', format="csv", mapping={"a": "notes"})
    assert caught.value.key in ("csv_syntax", "csv_header_missing", "csv_unknown_header")


def test_eight_unknown_column_that_is_not_a_flag_is_kept(parse: Parse) -> None:
    data = "会社名,姓,名,名刺交換日,姓（読み）,VIP\n能登,表,太,2024/01/01,おもて,1\n".encode()
    (record,) = parse(data)
    assert record.tags == ["VIP"]
    assert record.extra == {"姓（読み）": ["おもて"]}
    assert record.display_name() == "表 太"


def test_mapping_errors_name_the_file_and_header_line(data_dir: Path) -> None:
    path = _csv(data_dir, "linkedin-connections.csv")
    with pytest.raises(FormatError) as caught:
        list(read_path(path, mapping={"Company": "company_size"}))
    assert (caught.value.key, caught.value.file, caught.value.line) == (
        "bad_mapping",
        "linkedin-connections.csv",
        4,
    )
    assert caught.value.field == "Company"


def test_mapping_header_wins_over_a_header_looking_data_row(parse: Parse) -> None:
    data = "名前,メモ\n山田 太郎,Labels\n,First Name\n".encode()
    records = parse(data, mapping={"名前": "full_name", "メモ": "notes"})
    assert [(r.family_name, r.notes) for r in records] == [("山田", "Labels"), ("", "First Name")]

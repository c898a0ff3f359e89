"""Japanese vCards: Shift_JIS, quoted-printable, readings, labels, name splitting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from kinmyaku.formats import ContactRecord, read_path

Parse = Callable[..., list[ContactRecord]]


def _card(*lines: str | bytes) -> bytes:
    body = [line.encode("utf-8") if isinstance(line, str) else line for line in lines]
    return b"\r\n".join([b"BEGIN:VCARD", *body, b"END:VCARD", b""])


def test_feature_phone_shift_jis_with_0x5c_bytes(data_dir: Path) -> None:
    first, second = read_path(data_dir / "vcard" / "japanese-feature-phone-21-sjis.vcf")
    # 表 is 0x95 0x5C and ソ is 0x83 0x5C in Shift_JIS: the 0x5C must not act as "\".
    assert (first.family_name, first.given_name) == ("表", "ソウ太")
    assert (first.organization, first.department) == ("株式会社能登", "営業部")
    assert first.title == "課長"
    # SOUND;X-IRMC-N half-width kana become full width.
    assert (first.family_reading, first.given_reading) == ("オモテ", "ソウタ")
    assert first.notes == "2024年の異業種交流会で名刺交換。\n趣味はゴルフ、ソフトボール。"
    address = first.addresses[0]
    assert (address.postal_code, address.region, address.locality) == (
        "100-0005",
        "東京都",
        "千代田区",
    )
    assert address.street == "丸の内1-2-3 表ビル5F"
    assert first.birthday == date(1990, 4, 15)
    assert first.photo is not None and first.photo.startswith(b"\xff\xd8")
    assert first.tags == ["取引先"]
    assert first.extra == {"X-DCM-ACCOUNT": ["docomo"]}
    # Quoted-printable Shift_JIS name; SOUND without CHARSET is detected as Shift_JIS.
    assert (second.family_name, second.given_name) == ("高橋", "美穂")
    assert (second.family_reading, second.given_reading) == ("タカハシ", "ミホ")


def test_iphone_readings_labels_and_company_card(data_dir: Path) -> None:
    taro, company, ichiro = read_path(data_dir / "vcard" / "japanese-iphone-30.vcf")
    assert (taro.family_reading, taro.given_reading) == ("やまだ", "たろう")
    assert taro.organization_reading == "きんみゃくしょうじ"
    assert taro.department == "営業本部 第一営業部"
    assert [(p.label, p.value) for p in taro.phones] == [
        ("mobile", "090-1111-2222"),
        ("秘書", "03-5555-6666"),
    ]
    assert [e.label for e in taro.emails] == ["work", "home"]
    assert taro.notes == "2023年秋の異業種交流会で出会う\n紹介者: 佐藤さん, 鈴木さん"
    assert taro.tags == ["取引先", "ゴルフ仲間"]
    assert taro.urls[0].value == "https://kinmyaku.example/taro"
    # A company card has no person name; its SORT-STRING is the company's reading.
    assert (company.family_name, company.given_name) == ("", "")
    assert company.organization == "株式会社ネットワーク"
    assert company.organization_reading == "ネットワーク"
    assert company.family_reading == ""
    # SORT-STRING "すずき いちろう" gives both readings.
    assert (ichiro.family_reading, ichiro.given_reading) == ("すずき", "いちろう")


def test_vcard4_sort_as_and_fn_only(data_dir: Path) -> None:
    hanako, ken, emily, kenji = read_path(data_dir / "vcard" / "japanese-40-sort-as.vcf")
    assert (hanako.family_reading, hanako.given_reading) == ("さとう", "はなこ")
    assert hanako.organization_reading == "ミライソフト"
    assert hanako.phones[0].value == "+81-80-3333-4444"
    assert hanako.birthday is None and hanako.extra["BDAY"] == ["--0229"]
    assert hanako.extra["X-LINE-ID"] == ["hanako_s"]
    # FN only, Japanese, full-width space: family first.
    assert (ken.family_name, ken.given_name) == ("伊藤", "健")
    # Semicolon-separated SORT-AS.
    assert (emily.family_reading, emily.given_reading) == ("Clark", "Emily")
    # FN only, Western order.
    assert (kenji.family_name, kenji.given_name) == ("Watanabe", "Kenji")
    assert kenji.photo_mime == "image/png" and kenji.photo is not None


def test_reading_priority_x_phonetic_over_sort_as_over_sound(parse: Parse) -> None:
    data = _card(
        "VERSION:3.0",
        'N;SORT-AS="ソート,アズ":山田;太郎;;;',
        "SOUND;X-IRMC-N:ｻｳﾝﾄﾞ;ｻｳﾝﾄﾞ;;;",
        "SORT-STRING:そーと すとりんぐ",
        "X-PHONETIC-FIRST-NAME:ﾀﾛｳ",
    )
    (record,) = parse(data)
    assert record.given_reading == "タロウ"
    assert record.family_reading == "ソート"


def test_shift_jis_quoted_printable_soft_line_break(parse: Parse) -> None:
    encoded = "".join(f"={b:02X}" for b in "ソフトウェア開発表".encode("cp932"))
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:A;B;;;\r\n"
        b"NOTE;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:"
        + encoded[:24].encode()
        + b"=\r\n"
        + encoded[24:].encode()
        + b"\r\nEND:VCARD\r\n"
    )
    (record,) = parse(data)
    assert record.notes == "ソフトウェア開発表"


def test_utf8_charset_and_undeclared_cp932(parse: Parse) -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8:" + "金脈;一;;;".encode()
        + b"\r\nTITLE:" + "部長".encode("cp932") + b"\r\nEND:VCARD\r\n"
    )  # fmt: skip
    (record,) = parse(data)
    assert (record.family_name, record.given_name, record.title) == ("金脈", "一", "部長")


def test_sort_as_unquoted_comma_list(parse: Parse) -> None:
    (record,) = parse(_card("VERSION:4.0", "FN:x", "N;SORT-AS=やまだ,たろう:山田;太郎;;;"))
    assert (record.family_reading, record.given_reading) == ("やまだ", "たろう")

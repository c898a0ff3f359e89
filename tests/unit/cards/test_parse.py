"""The card parser on OCR-like text: labels, one-line TEL/FAX, vertical numerals, addresses."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kinmyaku.domain.cards.labels import kanji_numerals, normalize, phones_in, title_split
from kinmyaku.domain.cards.lines import OcrLine
from kinmyaku.domain.cards.parse import merge_sides, parse_lines


def card(text: str, name_marker: str = "") -> list[OcrLine]:
    """OCR lines from text, the line holding ``name_marker`` drawn large."""
    return [
        OcrLine(line, height=64 if name_marker and name_marker in line else 24)
        for line in text.strip().splitlines()
    ]


def kinds(found: list[dict[str, str]]) -> dict[str, str]:
    return {p["kind"]: p["number"] for p in found}


def test_labels_of_every_kind() -> None:
    for label, kind in [
        ("TEL", "tel"), ("Tel.", "tel"), ("電話", "tel"), ("T", "tel"), ("直通", "direct"),
        ("Direct", "direct"), ("携帯", "mobile"), ("Mobile", "mobile"), ("M", "mobile"),
        ("Cell", "mobile"), ("FAX", "fax"), ("Fax.", "fax"), ("F", "fax"), ("ファクス", "fax"),
    ]:  # fmt: skip
        assert phones_in(f"{label} 03-1234-5678") == [(kind, "03-1234-5678", True)], label


def test_tel_and_fax_on_one_line_keep_their_kinds() -> None:
    fields = parse_lines(card("TEL 03-1234-5678  FAX 03-1234-5679\n高橋 健太", "高橋"))
    assert kinds(fields.phones) == {"tel": "03-1234-5678", "fax": "03-1234-5679"}


def test_a_fax_never_becomes_the_phone() -> None:
    fields = parse_lines(card("FAX：03-1111-2222\nTEL：03-1111-2221"))
    assert kinds(fields.phones) == {"fax": "03-1111-2222", "tel": "03-1111-2221"}


def test_vertical_numerals_become_digits() -> None:
    assert kanji_numerals("電話〇三ー一二三四ー五六七八") == "電話03-1234-5678"
    fields = parse_lines(
        card("〒一〇〇ー〇〇〇五\n東京都千代田区丸の内一ー二ー三\n電話 〇三ー一二三四ー五六七八")
    )
    assert fields.postal_code == "100-0005"
    assert fields.address == "東京都千代田区丸の内1-2-3"
    assert kinds(fields.phones) == {"tel": "03-1234-5678"}


def test_two_line_address_and_a_second_office() -> None:
    text = """
株式会社サンプル
〒150-0002 東京都渋谷区渋谷2-1-1
サンプルビル5F
TEL 03-1234-5678
〒530-0001 大阪府大阪市北区梅田1-1-1
TEL 06-1234-5678
"""
    fields = parse_lines(card(text))
    assert fields.postal_code == "150-0002"
    assert fields.address == "東京都渋谷区渋谷2-1-1サンプルビル5F"
    assert fields.company == "株式会社サンプル"


def test_full_card_with_spaces_ocr_puts_between_kanji() -> None:
    text = """
合同 会社 つながり
営業 部 部長
タカハシ ケンタ
高橋 健太
E-mail: kenta@tsunagari.jp
https://www.tsunagari.jp
携帯 090-1234-5678
"""
    fields = parse_lines(card(text, "高橋"))
    assert (fields.family_name, fields.given_name) == ("高橋", "健太")
    assert (fields.family_reading, fields.given_reading) == ("たかはし", "けんた")
    assert (fields.company, fields.department, fields.title) == (
        "合同会社つながり",
        "営業部",
        "部長",
    )
    assert fields.emails == ["kenta@tsunagari.jp"]
    assert fields.url == "https://www.tsunagari.jp"
    assert kinds(fields.phones) == {"mobile": "090-1234-5678"}
    assert 0 < fields.confidence["family_name"] <= 1


def test_name_without_space_splits_at_a_known_family_name() -> None:
    fields = parse_lines(card("小鳥遊颯太\n(株)サンプル", "小鳥遊"))
    assert (fields.family_name, fields.given_name, fields.family_reading) == (
        "小鳥遊",
        "颯太",
        "たかなし",
    )
    assert fields.company == "(株)サンプル"


def test_english_back_side_gives_the_romaji() -> None:
    front = parse_lines(card("五十嵐 翔太\n法律事務所 山田\n弁護士", "五十嵐"))
    back = parse_lines(
        card("Yamada Law Office\nAttorney at Law\nShota IGARASHI\nTel. +81-3-1234-5678")
    )
    merged = merge_sides(front, back)
    assert merged.family_reading == "いがらし"
    assert merged.given_reading in ("しょうた", "しょた")
    assert kinds(merged.phones) == {"tel": "03-1234-5678"}
    assert merged.title == "弁護士"


def test_department_and_title_on_one_line() -> None:
    assert title_split("営業本部 第一営業部 課長代理") == ("営業本部 第一営業部", "課長代理")
    assert title_split("代表取締役社長") == ("", "代表取締役社長")


def test_normalize_joins_japanese_and_widens_nothing() -> None:
    assert normalize("東京 都 港区　ＴＥＬ") == "東京都港区 TEL"


def test_a_vertical_column_running_into_the_phone_is_cut_at_the_label() -> None:
    fields = parse_lines(card("東京都港区芝公園一1二ー一三電話〇五二ー二四八1五六三三"))
    assert fields.address == "東京都港区芝公園1-2-13"
    assert kinds(fields.phones) == {"tel": "052-248-5633"}


def test_ocr_noise_is_mended_in_addresses_and_e_mails() -> None:
    fields = parse_lines(card("7100-0005 東京都干代田区丸の内1-1-1\nE-mail: kenta@samplecojp"))
    assert fields.address == "東京都千代田区丸の内1-1-1"
    assert fields.emails == ["kenta@sample.co.jp"]


@given(st.lists(st.text(max_size=40), max_size=12))
@settings(max_examples=150, deadline=None)
def test_any_text_parses_with_confidences_between_0_and_1(texts: list[str]) -> None:
    fields = parse_lines([OcrLine(t, height=20 + i) for i, t in enumerate(texts)])
    assert all(0.0 <= v <= 1.0 for v in fields.confidence.values())
    assert all(p["kind"] in ("tel", "direct", "mobile", "fax") for p in fields.phones)


def test_a_known_family_name_wins_over_a_space_ocr_put_inside_it() -> None:
    fields = parse_lines(card("五十 嵐圭", "五十"))
    assert (fields.family_name, fields.given_name, fields.family_reading) == (
        "五十嵐",
        "圭",
        "いがらし",
    )


def test_a_name_cut_in_two_at_its_wide_space_is_joined() -> None:
    lines = [
        OcrLine("株式会社サンプル", 70, 40, 300, 30, 0.9, 30),
        OcrLine("東海林", 70, 200, 200, 64, 0.9, 64),
        OcrLine("雅人", 330, 204, 130, 62, 0.9, 62),
    ]
    fields = parse_lines(lines)
    assert (fields.family_name, fields.given_name, fields.family_reading) == (
        "東海林",
        "雅人",
        "しょうじ",
    )


def test_a_legal_form_with_one_character_misread_is_mended() -> None:
    assert parse_lines(card("一艇社団法人北斗建設")).company == "一般社団法人北斗建設"
    assert parse_lines(card("ー般社団法人北斗建設")).company == "一般社団法人北斗建設"
    assert parse_lines(card("株式会社サンプル")).company == "株式会社サンプル"


def test_a_misread_phone_column_is_no_building_of_the_address() -> None:
    fields = parse_lines(
        card("〒一〇〇ー〇〇〇五\n東京都千代田区丸の内九ー三ー八\n電話 〇三ー五む七!九五九三")
    )
    assert fields.address == "東京都千代田区丸の内9-3-8"
    assert "電話" not in fields.address


def test_an_email_whose_dot_after_an_initial_was_lost_gets_it_back() -> None:
    text = "石川 明美\nいしかわ あけみ\nishikawa@sample.co.jp\n"
    for user, mended in [
        ("iishikawa", "i.ishikawa"),  # the family name's initial
        ("aishikawa", "a.ishikawa"),  # the given name's
        ("kishikawa", "kishikawa"),  # not an initial of this person: as read
        ("akemi", "akemi"),
    ]:
        fields = parse_lines(card(text.replace("ishikawa@", f"{user}@", 1), "石川"))
        assert fields.emails == [f"{mended}@sample.co.jp"], user


def test_a_given_name_without_a_printed_reading_takes_the_name_lists() -> None:
    fields = parse_lines(card("株式会社サンプル\n渡辺 陽菜\n東京都港区芝公園4-6-23", "渡辺"))
    assert (fields.given_name, fields.given_reading) == ("陽菜", "ひな")  # not はるな


def test_a_misread_kana_reading_gives_way_to_the_name_lists() -> None:
    fields = parse_lines(card("株式会社サンプル\nだた ユウコ\n松本 裕子", "松本"))
    assert (fields.family_reading, fields.given_reading) == ("まつもと", "ゆうこ")
    # a reading that is some family name's stays: the card knows its own name
    fields = parse_lines(card("株式会社サンプル\nかわの ゆうこ\n河野 裕子", "河野"))
    assert fields.family_reading == "かわの"


def test_romaji_in_western_order_when_both_words_could_be_family_names() -> None:
    fields = parse_lines(card("ひかり電機合同会社\n木村 美紀\nMiki Kimura", "木村"))
    assert (fields.family_name, fields.given_name) == ("木村", "美紀")
    assert (fields.family_reading, fields.given_reading) == ("きむら", "みき")
    fields = parse_lines(card("ひかり電機合同会社\n木村 美紀\nKIMURA Miki", "木村"))
    assert (fields.family_reading, fields.given_reading) == ("きむら", "みき")


def test_a_legal_form_with_one_character_misread_still_marks_the_company() -> None:
    fields = parse_lines(card("はやぶさ物流合同全社\n営業部 部長\n東海林 翔平", "東海林"))
    assert fields.company == "はやぶさ物流合同会社"
    assert (fields.department, fields.title) == ("営業部", "部長")


def test_a_floor_read_with_letters_for_digits_is_the_buildings() -> None:
    text = "〒160-0023 東京都新宿区西新宿6-18-14\nサンプルビル SF\nTEL 052-626-6351"
    fields = parse_lines(card(text))
    assert fields.address == "東京都新宿区西新宿6-18-14サンプルビル5F"
    assert kinds(fields.phones) == {"tel": "052-626-6351"}


def test_a_title_whose_first_character_was_lost() -> None:
    assert title_split("ネージャー") == ("", "マネージャー")
    assert title_split("経理部 ネージャー") == ("経理部", "マネージャー")
    assert title_split("長") == ("長", "")  # too short to tell
    fields = parse_lines(card("税理士法人富士\n経理部\nネージャー\n渡邉 真央", "渡邉"))
    assert (fields.department, fields.title) == ("経理部", "マネージャー")


def test_a_letter_read_in_a_street_numbers_dash_is_dropped() -> None:
    text = "〒160-0023 東京都新宿区西新宿8B-19-11\nTEL 03-1234-5678"
    assert parse_lines(card(text)).address == "東京都新宿区西新宿8-19-11"
    text = "〒220-0012 神奈川県横浜市西区みなとみらい6G-14-17\n丸の内タワー12階"
    assert (
        parse_lines(card(text)).address == "神奈川県横浜市西区みなとみらい6-14-17丸の内タワー12階"
    )
    text = "〒105-0011 東京都港区芝公園1-2-3A-101"  # a room after the 号: not a misread
    assert parse_lines(card(text)).address == "東京都港区芝公園1-2-3A-101"


def test_a_given_name_with_no_printed_reading_reads_as_a_name() -> None:
    fields = parse_lines(card("有限会社青葉会計\n経理部 係長\n近藤 千秋", "近藤"))
    assert (fields.family_name, fields.given_name) == ("近藤", "千秋")
    assert (fields.family_reading, fields.given_reading) == ("こんどう", "ちあき")  # not せんしゅう


def test_a_url_whose_scheme_was_misread_keeps_it() -> None:
    for text in ("https:/www.sample.co.jp", "htps://www.sample.co.jp", "https:/Awww.sample.co.jp"):
        assert parse_lines(card(text)).url == "https://www.sample.co.jp", text
    assert parse_lines(card("http:I/www.sample.co.jp")).url == "http://www.sample.co.jp"
    assert parse_lines(card("URL www.sample.co.jp")).url == "www.sample.co.jp"  # none printed

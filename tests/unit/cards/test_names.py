"""The name chosen among several OCR readings, against name lists and the printed reading."""

from __future__ import annotations

from kinmyaku.domain.cards.lines import OcrLine
from kinmyaku.domain.cards.names import Printed, choose_name, sound, split_name
from kinmyaku.domain.cards.parse import parse_lines


def test_the_reading_that_sounds_like_the_printed_kana_wins() -> None:
    readings = [("株藤 萌", 0.62), ("遠藤 萌", 0.56), ("束藤 朝", 0.5)]
    family, given, certainty = choose_name(readings, Printed(joined="えんどうもえ"))
    assert (family, given) == ("遠藤", "萌")
    assert 0.0 < certainty <= 1.0


def test_a_misread_family_name_is_put_right_from_the_printed_reading() -> None:
    family, given, _ = choose_name([("可藤 萌", 0.7)], Printed(joined="えんどうもえ"))
    assert (family, given) == ("遠藤", "萌")


def test_romaji_in_either_order_checks_the_name() -> None:
    printed = Printed(family=sound("KOBAYASHI"), given=sound("Yuta"))
    family, given, _ = choose_name([("り槍 広太", 0.8), ("小林 雄太", 0.7)], printed)
    assert (family, given) == ("小林", "雄太")


def test_without_a_printed_reading_known_names_and_votes_decide() -> None:
    readings = [("中島 大朝", 0.81), ("中島 大輔", 0.75), ("中鳥 大輔", 0.7)]
    assert choose_name(readings, Printed())[:2] == ("中島", "大輔")


def test_noise_only_readings_give_no_name() -> None:
    assert choose_name([("ye ZFS", 0.9), ("|", 0.4)], Printed()) == ("", "", 0.0)


def test_split_uses_the_longer_family_list() -> None:
    assert split_name("小野寺拓也") == ("小野寺", "拓也")
    assert split_name("若林 翔") == ("若林", "翔")


def test_parse_takes_the_name_reading_that_agrees_with_the_kana_beside_it() -> None:
    lines = [
        OcrLine("富士フードサービス(株)", y=150, height=32, extent=32),
        OcrLine(
            "ame 前",
            y=247,
            height=66,
            confidence=0.62,
            extent=66,
            alternatives=("株藤 萌", "遠藤 萌"),
        ),
        OcrLine("えん どう も え", y=325, height=19, extent=19),
        OcrLine("TEL: 045-239-9775", y=384, height=16, extent=16),
    ]
    fields = parse_lines(lines)
    assert (fields.family_name, fields.given_name) == ("遠藤", "萌")
    assert (fields.family_reading, fields.given_reading) == ("えんどう", "もえ")


def test_a_kana_line_that_is_not_the_reading_gives_way_to_the_romaji() -> None:
    lines = [
        OcrLine("税理士法人富士フードサービス", y=152, height=40, extent=40),
        OcrLine("ネー ジャ ー", y=290, height=34, extent=34),
        OcrLine("渡邉 真央", y=354, height=86, extent=86),
        OcrLine("WATANABE Mao", y=461, height=27, extent=27),
    ]
    fields = parse_lines(lines)
    assert (fields.family_name, fields.given_name) == ("渡邉", "真央")
    assert (fields.family_reading, fields.given_reading) == ("わたなべ", "まお")


def test_a_kana_reading_splits_at_the_known_given_name() -> None:
    lines = [OcrLine("鬼塚 健太", height=64, extent=64), OcrLine("おにづかけんた", y=80, height=20)]
    fields = parse_lines(lines)
    assert (fields.family_reading, fields.given_reading) == ("おにづか", "けんた")


def test_of_two_readings_of_a_phone_line_the_well_formed_number_is_kept() -> None:
    line = OcrLine(
        "電話 〇 五 ニ ニー 二 四 八 1 五 六 三 三",
        alternatives=("電話 〇 五 二 ー 二 四 八 1 五 六 三 三",),
    )
    fields = parse_lines([line])
    assert fields.phones == [{"kind": "tel", "number": "052-248-5633"}]


def test_a_junk_latin_line_of_low_confidence_is_no_romaji() -> None:
    lines = [
        OcrLine("waa bso", y=321, height=31, confidence=0.0, extent=31),
        OcrLine("佐藤 翔太", y=379, height=89, extent=89),
    ]
    fields = parse_lines(lines)
    assert (fields.family_reading, fields.given_reading) == ("さとう", "しょうた")


def test_names_that_sound_as_printed_are_offered_when_the_one_read_does_not() -> None:
    from kinmyaku.domain.cards.names import given_options, given_reading

    options = given_options("六太", Printed(family=sound("Igarashi"), given=sound("Sota")))
    assert "颯太" in options and "奏太" in options
    assert all(len(o) in (1, 2, 3) for o in options)
    assert given_options("颯太", Printed(family=sound("Igarashi"), given=sound("Sota"))) == ()
    assert "萌" in given_options("彰", Printed(joined="わたなべもえ"))
    # no reading printed: a name no list knows gets the listed names like it
    assert "颯太" in given_options("堀太", Printed())
    assert given_options("健太", Printed()) == ()  # a listed name is trusted
    assert given_reading("千秋") == "ちあき"


def test_the_parser_offers_names_for_the_ink_to_choose() -> None:
    fields = parse_lines(
        [
            OcrLine("緑川製薬税理士法人", height=30),
            OcrLine("五十嵐 六太", height=80),
            OcrLine("Sota Igarashi", height=30),
        ]
    )
    assert (fields.family_name, fields.given_name) == ("五十嵐", "六太")
    assert "颯太" in fields.given_options

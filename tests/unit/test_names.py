"""Japanese name normalisation: width, kana, variants, romaji (and properties on any text)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinmyaku.domain.names import (
    _LONG_VOWELS,
    _SEPARATORS,
    collapse_long_vowels,
    fold_joined,
    fold_text,
    is_kana,
    is_latin,
    joined_romaji,
    kana_to_romaji,
    part_romaji,
    reading_romaji,
    reading_sort_key,
    romaji_key,
    shown_romaji,
    strip_marks,
    to_hiragana,
)
from kinmyaku.domain.readings import complete_readings, infer_reading
from kinmyaku.services.people import sort_key


@pytest.mark.parametrize(
    "spelling", ["Satō", "Sato", "Satou", "Satoh", "SATO", "ｓａｔｏｕ", "sato"]
)
def test_romaji_spellings_meet(spelling: str) -> None:
    assert romaji_key(spelling) == "sato"


def test_romaji_of_reading_meets_typed_romaji() -> None:
    assert romaji_key(kana_to_romaji("さとう")) == romaji_key("Satoh")
    assert romaji_key(kana_to_romaji("おおはし")) == romaji_key("Ōhashi") == "ohashi"
    assert romaji_key(kana_to_romaji("なんば")) == romaji_key("Namba")
    assert romaji_key("Shin'ichi") == romaji_key(kana_to_romaji("しんいち"))


@pytest.mark.parametrize(
    ("variant", "common"),
    [
        ("髙橋", "高橋"),
        ("山﨑", "山崎"),
        ("齋藤", "斎藤"),
        ("齊藤", "斎藤"),
        ("渡邊", "渡辺"),
        ("渡邉", "渡辺"),
        ("澤田", "沢田"),
        ("濱田", "浜田"),
        ("德川", "徳川"),
        ("廣田", "広田"),
        ("櫻井", "桜井"),
        ("眞鍋", "真鍋"),
    ],
)
def test_variant_kanji_fold_to_common_form(variant: str, common: str) -> None:
    assert fold_text(variant) == fold_text(common) == common


def test_kana_and_width_fold_to_katakana() -> None:
    assert fold_text("たかはし") == fold_text("タカハシ") == fold_text("ﾀｶﾊｼ") == "タカハシ"
    assert fold_text("高橋 健太") == fold_text("高橋　健太") == "高橋健太"
    assert fold_text("ＴａｋａＨａｓｈｉ") == "takahashi"


def test_script_detection() -> None:
    assert is_latin("Satō") and is_latin("John Doe")
    assert not is_latin("高橋") and not is_latin("")
    assert is_kana("ﾀｶﾊｼ") and is_kana("たかはし けんた") and not is_kana("高橋")


def test_readings_inferred_for_kanji_only() -> None:
    assert infer_reading("高橋") == "たかはし"
    assert infer_reading("髙橋") == "たかはし"  # the variant is folded before reading
    assert infer_reading("Smith") == ""
    assert complete_readings("佐藤", "翔太", "", "") == ("さとう", "しょうた", True)
    assert complete_readings("佐藤", "", "サトウ", "") == ("さとう", "", False)


@given(st.text(alphabet=st.sampled_from("0123456789 ?-#+()./:_*&%@!'\""), min_size=1))
def test_text_without_letters_reads_as_pykakasi_reads_it(text: str) -> None:
    # An unnamed card's "?" or a number: kept as it is, without loading pykakasi (0.6 s).
    from kinmyaku.domain.names import fold_variants
    from kinmyaku.domain.readings import _kakasi

    stripped = text.strip()
    if not stripped:
        return
    parts = _kakasi().convert(fold_variants(stripped))
    assert infer_reading(text) == "".join(part["hira"] for part in parts) == stripped


def test_sort_key_follows_gojuon_order() -> None:
    names = ["わたなべ", "あべ", "かとう", "さとう", "たなか", "いとう"]
    assert sorted(names, key=reading_sort_key) == [
        "あべ",
        "いとう",
        "かとう",
        "さとう",
        "たなか",
        "わたなべ",
    ]


@given(st.text())
def test_fold_text_total_and_idempotent(text: str) -> None:
    folded = fold_text(text)
    assert fold_text(folded) == folded


@given(st.text())
def test_romaji_key_total_and_idempotent(text: str) -> None:
    key = romaji_key(text)
    assert key == romaji_key(key)
    assert key.isascii()


@given(st.text(alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x3093), min_size=1))
def test_any_hiragana_has_a_romaji(reading: str) -> None:
    assert isinstance(kana_to_romaji(reading), str)


_KANA = st.text(
    alphabet=st.sampled_from(
        "アイウエオカキクケコガギグゲゴサシスセソザジズゼゾタチツテトダヂヅデドナニヌネノ"
        "ハヒフヘホバビブベボパピプペポマミムメモヤユヨラリルレロワヲンヴー"
        "ァィゥェォャュョヮヵヶッ"
        "あいうえおきゃしゅっちょんゃゅょぁ ・"
    ),
    max_size=12,
)


@given(_KANA)
def test_pieced_romaji_equals_jaconv(reading: str) -> None:
    """part_romaji spells a reading a piece at a time from a cache: the same as jaconv's."""
    assert part_romaji(reading) == kana_to_romaji(reading)


@given(_KANA, _KANA)
def test_joined_romaji_equals_romaji_of_the_join(first: str, second: str) -> None:
    assert joined_romaji(first, second) == kana_to_romaji(first + second)


@given(_KANA)
def test_a_readings_romaji_is_the_same_in_hiragana_and_katakana(reading: str) -> None:
    """reading_romaji spells plain hiragana from its katakana: what jaconv spells."""
    for form in (reading, to_hiragana(reading)):
        assert reading_romaji(form) == kana_to_romaji(form) == kana_to_romaji(reading)


def test_shown_romaji_is_the_same_from_either_kana_form() -> None:
    assert shown_romaji("たかはし", "けんた") == "Takahashi Kenta"
    assert shown_romaji("タカハシ", "ケンタ") == "Takahashi Kenta"
    assert shown_romaji("タカハシ", "") == "Takahashi"
    assert shown_romaji("", "") == ""


def test_pieced_romaji_examples() -> None:
    assert part_romaji("タカハシ") == "takahashi"
    assert part_romaji("キョウコ") == "kyouko"
    assert joined_romaji("ハットリ", "ショウタ") == "hattorishouta"
    assert joined_romaji("サッ", "コ") == kana_to_romaji("サッコ")


# The plain forms the fast ones replaced, as they were: the fast ones must agree on any text.
def _collapse_reference(key: str) -> str:
    previous = None
    while key != previous:
        previous = key
        for pattern, replacement in _LONG_VOWELS:
            key = pattern.sub(replacement, key)
    return key


def _is_kana_reference(text: str) -> bool:
    body = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    return bool(body) and all("\u3041" <= ch <= "\u30ff" or ch in "ーゝゞヽヾ" for ch in body)


def _is_latin_reference(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ord(strip_marks(ch)[:1] or "a") < 0x250 for ch in letters)


@given(st.text(alphabet="aiueohmbpntcyks", max_size=30))
def test_collapsing_long_vowels_skips_only_patterns_that_cannot_match(key: str) -> None:
    assert collapse_long_vowels(key) == _collapse_reference(key)


@given(
    st.text(alphabet=st.characters(min_codepoint=0x3000, max_codepoint=0x3110), max_size=12)
    | st.text(max_size=12)
)
def test_is_kana_is_the_plain_check(text: str) -> None:
    assert is_kana(text) == _is_kana_reference(text)


@given(
    st.text(max_size=12)
    | st.text(alphabet="abcXYZ 1-.'", max_size=12)
    | st.text(alphabet="aōŉǄＡｚ高橋たカ\u0301 ・", max_size=8)
)
def test_is_latin_is_the_plain_check(text: str) -> None:
    assert is_latin(text) == _is_latin_reference(text)


def test_fast_checks_examples() -> None:
    assert collapse_long_vowels("tarouu") == "taro"
    assert collapse_long_vowels("sampei") == "sanpei"
    assert is_kana("ゝヽ・さとう") and not is_kana("") and not is_kana("佐藤")
    assert is_latin("Van Dyke") and not is_latin("1-2") and is_latin("Satō")
    assert is_latin("Ｓａｔｏ") and not is_latin("Satoŉ") and not is_latin("Sato 太郎")


_EDGY = st.text(
    alphabet=st.sampled_from(
        [
            *"さとうサトウ高橋髙ｶﾞﾟｰー・ .-abcΣσς",
            *"\u3099\u309a\u0301\u1100\u1161\u11a8\uf900\u0dd9",  # marks, jamo, compat.
        ]
    ),
    max_size=6,
)


@given(_EDGY | st.text(max_size=6), _EDGY | st.text(max_size=6))
def test_fold_joined_is_the_fold_of_the_join(first: str, second: str) -> None:
    assert fold_joined(first, second) == fold_text(first + second)


def test_fold_joined_examples() -> None:
    assert fold_joined("髙橋", "はなこ") == "高橋ハナコ"
    assert fold_joined("ｶ", "ﾞ") == fold_text("ｶﾞ") == "ガ"  # composes across the join
    assert fold_joined("", "さとう") == "サトウ"


@given(
    _EDGY | st.text(max_size=6),
    _EDGY | st.text(max_size=6),
    _EDGY | st.text(max_size=6),
    _EDGY | st.text(max_size=6),
)
def test_sort_key_is_the_fold_of_the_reading_or_the_name(
    family: str, given_name: str, family_r: str, given_r: str
) -> None:
    """The sort key, built from the parts' folds, is the fold of the joined reading (else
    of the joined name), as it was computed before."""
    reading = family_r + given_r
    expected = fold_text(reading or (family + given_name))[:200]
    assert sort_key(family, given_name, family_r, given_r) == expected

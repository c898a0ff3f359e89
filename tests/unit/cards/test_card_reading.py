"""Pieces of the card reader that need no OCR: the company vote, logos whited out, numeral runs."""

from __future__ import annotations

import numpy as np

from kinmyaku.domain.cards.labels import kanji_numerals, normalize
from kinmyaku.services.card_cells import _enough
from kinmyaku.services.card_ocr import voted_company, whiten_logos


def test_a_company_read_the_same_way_twice_outvotes_the_page_reading() -> None:
    page = "冨士 フー ドサ ービス 有限 会 社"
    readings = [
        "言十フードサービス有限会社",
        "富士フードサービス有限会社",
        "富士フードサービス有限会社",
    ]
    assert voted_company(page, readings) == "富士フードサービス有限会社"


def test_the_page_reading_stays_without_a_clear_majority() -> None:
    page = "BLI-EY-EXA (株 )"
    readings = ["衣士フードサービス(間", "店士フードサービス(株)", "堂士フードサービス(株)"]
    assert voted_company(page, readings) == page  # no reading seen twice
    agreeing = ["株式会社サンプル", "株式会社サンプル", "株式会社サソプル", "株式会社サソプル"]
    assert voted_company("株式会社 サンプル", agreeing) == "株式会社 サンプル"  # a tie: the page
    assert voted_company("株式会社サンプル", ["部長", "部長"]) == "株式会社サンプル"  # no company


def test_a_logo_is_whited_out_and_text_and_bands_are_kept() -> None:
    card = np.full((638, 1063), 250, np.uint8)
    card[50:160, 873:983] = 40  # a solid logo
    card[100:110, 900:940] = 250  # with a white mark inside
    card[0:40, :] = 60  # a colour band along the top
    card[300:330, 100:130] = 20  # a character's stroke, thin beside it
    card[300:330, 140:145] = 20
    out = whiten_logos(card)
    assert out[50:160, 873:983].min() >= 240
    assert (out[0:40, :] == 60).all()
    assert out[300:330, 140:145].max() == 20
    assert (card[50:160, 873:983] == 40).any()  # the card given is not changed


def test_three_numerals_with_dashes_are_a_street_number() -> None:
    assert _enough(list("四ー八ー三"))
    assert _enough(list("一〇〇ー〇〇〇五"))
    assert not _enough(list("四八三"))  # three numerals alone may be a town's name
    assert not _enough(list("ー八三"))
    assert not _enough(list("八ー"))


def test_a_numeral_between_dashes_stays_a_numeral() -> None:
    assert normalize("西新宿四ー八ー三") == "西新宿四ー八ー三"
    assert kanji_numerals(normalize("西新宿四ー八ー三")) == "西新宿4-8-3"
    assert normalize("エンジ二ア") == "エンジニア"  # between katakana: still the katakana


def test_an_address_read_as_latin_letters_is_read_again() -> None:
    from kinmyaku.domain.cards.lines import OcrLine
    from kinmyaku.services.card_ocr import read_as_latin

    assert not read_as_latin(OcrLine("T 150-0002 RRABRAKRA8-2-28", confidence=0.46))
    assert read_as_latin(OcrLine("TEL 03-1234-5678", confidence=0.4))  # a number: kept
    assert read_as_latin(OcrLine("kenta@sample.co.jp", confidence=0.3))
    assert not read_as_latin(OcrLine("東京都渋谷区渋谷8-2-28", confidence=0.9))


def test_latin_letters_at_the_end_of_a_japanese_line_are_a_misread_word() -> None:
    from kinmyaku.services.card_ocr import latin_junk

    assert latin_junk("シス テム 部 BR")  # 部長 read by the English model
    assert latin_junk("BRAG 第 一 営業 部")  # 営業本部
    assert not latin_junk("TEL 03-1234-5678")  # a label before a number
    assert not latin_junk("Mail k.kimura@sample.co.jp")
    assert not latin_junk("GlobalLink 株式会社")  # a long word: an English name
    assert not latin_junk("営業部 部長")


def test_a_street_number_that_may_have_lost_a_dash_is_read_again() -> None:
    from kinmyaku.services.card_ocr import few_street_dashes, more_dashes

    assert few_street_dashes("〒160-0023 東京 都 新宿 区 西新 宿 46-12")
    assert not few_street_dashes("〒160-0023 東京都新宿区西新宿4-6-12")
    assert not few_street_dashes("サンプルビル 5F")  # no prefecture: no address line
    page = "〒160-0023 東京都新宿区西新宿46-12"
    readings = ["〒160-0023 東京都新宿区西新宿4-6-12", "〒160-0023 東京都新宿区西新宿4-6-13"]
    assert more_dashes(page, readings) == "〒160-0023東京都新宿区西新宿4-6-12"  # one more dash
    assert more_dashes(page, ["〒160-0023 東京都新宿区西新宿46-12"]) == ""
    other = ["〒160-0023 東京都新宿区西新窗4-6-12"]  # only the number is taken from it
    assert more_dashes(page, other) == "〒160-0023東京都新宿区西新宿4-6-12"
    assert more_dashes(page, [readings[0], "〒160-0023 東京都新宿区西新宿46-1-2"]) == ""
    assert more_dashes(page, ["〒160-0023 東京都新宿区西新宿4-6-1-2"]) == ""  # other digits


def test_a_street_number_starting_with_a_sign_is_the_worse_reading() -> None:
    from kinmyaku.services.card_ocr import bad_street_number

    assert bad_street_number("〒150-0002 東京 都 渋谷 区 渋谷 +-2-29")
    assert not bad_street_number("〒150-0002 東京都渋谷区渋谷4-2-29グランドビル 201")
    assert not bad_street_number("東京都新宿区西新宿NSビル5F")  # letters of a building's name
    assert not bad_street_number("株式会社 +Plus")  # no address

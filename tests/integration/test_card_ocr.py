"""The OCR pipeline (services/card_ocr.py) with the real tesseract on rendered cards: the
name's row found by its ink and read again, 邉 told from 邊 by the ink."""

from __future__ import annotations

import io

from PIL import Image

from generators.cards import as_photo, make_card
from kinmyaku.domain.cards.parse import parse_lines
from kinmyaku.services import card_image, card_ocr


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_the_name_row_is_the_tallest_band_of_ink() -> None:
    card = make_card(100_003)  # 中島　大輔, drawn 68 px high among 22-38 px lines
    gray = card_image.find_card(card_image.decode(png(card.sides[0])))
    band = card_ocr._name_band(card_ocr._bands(card_ocr._ink(gray), False))
    assert band is not None
    start, end, low, high = band
    assert 55 <= end - start <= 80
    assert high - low >= 4 * 60  # the whole name, all four characters


def test_a_name_the_page_reading_missed_is_read_from_its_band() -> None:
    card = make_card(100_003)
    side = card_ocr.read_side(png(card.sides[0]))
    fields = parse_lines(side.lines)
    assert (fields.family_name, fields.given_name) == ("中島", "大輔")
    assert (fields.family_reading, fields.given_reading) == ("なかじま", "だいすけ")
    assert 0.0 < fields.confidence["family_name"] <= 1.0


def test_a_kanji_tesseract_cannot_write_is_told_by_its_ink() -> None:
    card = make_card(100_000)  # 渡邉　真央: tesseract's jpn model has no 邉, it writes 邊
    assert card.truth["family_name"] == "渡邉"
    side = card_ocr.read_side(png(as_photo(card.sides[0], 1)))
    fields = parse_lines(side.lines)
    assert (fields.family_name, fields.given_name) == ("渡邉", "真央")
    assert side.vertical is False


def test_a_line_the_page_reading_skipped_is_read_from_its_band() -> None:
    card = make_card(100_003)
    gray = card_image.find_card(card_image.decode(png(card.sides[0])))
    lines = card_ocr.read_lines(gray, lang="jpn+eng", psm=6)
    kept = [line for line in lines if "経理" not in line.text.replace(" ", "")]
    assert len(kept) < len(lines)
    again = card_ocr.reread(gray, kept, False)
    texts = [line.text.replace(" ", "") for line in again]
    assert "経理部" in texts
    assert [line.y for line in again] == sorted(line.y for line in again)
    assert sum("中島" in t for t in texts) == 1  # the name once, read again from its band


def test_kanji_numerals_are_told_by_their_shape_cell_by_cell() -> None:
    from kinmyaku.services import card_cells

    card = make_card(100_015)  # 縦書き: 〒一〇〇ー〇〇〇五, where jpn_vert reads 〒 一 OOIO 〇 OO …
    assert card.kind == "vertical"
    for image in (card.sides[0], as_photo(card.sides[0], 16)):
        gray = card_image.find_card(card_image.decode(png(image)))
        mask = card_ocr._ink(gray)
        bands = card_ocr._bands(mask, True)
        pitch = card_cells.pitches(mask, bands)
        tails = [card_cells.numeral_tail(mask, band, pitch[band])[0] for band in bands]
        assert "〒一〇〇ー〇〇〇五" in tails
        assert "〇五二ー八九二ー五六一三" in tails  # 電話, its label left to the page reading
        assert "九ー一三ー八" in tails  # the address's numbers, after 丸の内


def test_a_street_number_of_three_numerals_is_read_cell_by_cell() -> None:
    from kinmyaku.services import card_cells

    card = make_card(100_056)  # 縦書き: …西新宿四ー八ー三, three numerals and two dashes
    assert card.kind == "vertical" and card.truth["address"].endswith("4-8-3")
    gray = card_image.find_card(card_image.decode(png(card.sides[0])))
    mask = card_ocr._ink(gray)
    bands = card_ocr._bands(mask, True)
    pitch = card_cells.pitches(mask, bands)
    tails = [card_cells.numeral_tail(mask, band, pitch[band])[0] for band in bands]
    assert "四ー八ー三" in tails


def test_a_vertical_card_gives_its_postal_code_address_and_phones() -> None:
    card = make_card(100_015)
    side = card_ocr.read_side(png(as_photo(card.sides[0], 16)))
    assert side.vertical is True
    fields = parse_lines(side.lines)
    assert fields.postal_code == card.truth["postal_code"] == "100-0005"
    assert fields.address == card.truth["address"]
    assert sorted(fields.phones, key=str) == sorted(card.truth["phones"], key=str)


def test_a_vertical_cards_kanji_tesseract_cannot_write_is_told_by_its_ink() -> None:
    """The column of a 縦書き name drawn top to bottom in the fonts, and compared as a row."""
    for seed, family in ((5_000_175, "渡邉"), (5_002_453, "渡邊")):  # 邉 written 邊; 邊 itself
        card = make_card(seed)
        assert card.truth["family_name"] == family
        side = card_ocr.read_side(png(card.sides[0]))
        assert side.vertical is True
        assert parse_lines(side.lines).family_name == family


def test_a_row_of_two_characters_is_read_on_its_own() -> None:
    card = make_card(22 * 100_000 + 14)  # 開発部 above 課長: the page reading takes one box
    assert card.truth["title"] == "課長"
    fields = parse_lines(card_ocr.read_side(png(card.sides[0])).lines)
    assert (fields.department, fields.title) == ("開発部", "課長")


def test_a_photos_thin_katakana_title_is_read_in_black_and_white() -> None:
    card = make_card(24 * 100_000 + 7)  # エンジニア, read as コピ シン ーー in grey
    side = card_ocr.read_side(png(as_photo(card.sides[0], 24 + 7)))
    assert parse_lines(side.lines).title == card.truth["title"] == "エンジニア"


def test_a_given_name_tesseract_misreads_is_chosen_by_its_ink() -> None:
    from kinmyaku.services.card_scan import scan_card

    card = make_card(24 * 100_000)  # 縦書き 渡辺　萌, no reading printed: 萌 read as 彰
    assert card.kind == "vertical" and card.truth["given_name"] == "萌"
    fields = scan_card(png(card.sides[0]))
    assert (fields.family_name, fields.given_name, fields.given_reading) == ("渡辺", "萌", "もえ")

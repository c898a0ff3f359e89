"""Scan a business card: image -> card found and flattened -> upright -> OCR -> fields.

1. decode within the photo limits (services/photos.py), find the card, refuse a blur;
2. a portrait card is a 縦書き card unless tesseract's orientation check says the text
   is turned 90°/270° (then it is turned back); a landscape card read with low
   confidence is tried turned 180°;
3. OCR the whole card (jpn+eng, or jpn_vert for vertical text), then read again the name's
   row (found from the ink: the tallest row of text) at several sizes, the doubtful lines
   and the rows no line covered (services/card_ocr.py ``read_side``); on a 縦書き card the
   kanji numerals ending a column (〒, address, phones) are read cell by cell by their
   shape (services/card_cells.py);
4. parse the lines (domain/cards/parse.py); a back side is parsed alike and merged;
5. the postal code and the address checked against each other with Japan Post's list
   (services/card_places.py, domain/cards/places.py): a town or a digit misread put right.
"""

from __future__ import annotations

from kinmyaku.domain.cards.lines import CardFields
from kinmyaku.domain.cards.names import given_reading
from kinmyaku.domain.cards.parse import merge_sides, parse_lines
from kinmyaku.domain.cards.places import check_address
from kinmyaku.services import card_ocr, card_places

LOW_CONFIDENCE = 0.55
"""Fields read with less confidence than this are marked for the user to check."""


def read_side(data: bytes) -> card_ocr.SideText:
    """Find, flatten, turn upright and OCR one side of a card (services/card_ocr.py): the
    name and the doubtful lines are read twice, the name checked against the known names."""
    return card_ocr.read_side(data)


def scan_card(front: bytes, back: bytes | None = None) -> CardFields:
    """The fields of a card from its front (and optional back) image; writes nothing."""
    side = read_side(front)
    fields = parse_lines(side.lines)
    if fields.given_options:  # the printed reading disagrees with the given name read
        chosen = card_ocr.ink_choice(
            side, fields.family_name, fields.given_name, fields.given_options
        )
        if chosen != fields.given_name:
            fields.given_name = chosen
            fields.confidence["given_name"] = min(fields.confidence.get("given_name", 0.6), 0.6)
            if fields.confidence.get("given_reading", 0.0) <= 0.45:  # a guess from the kanji
                fields.given_reading = given_reading(chosen)
                fields.confidence["given_reading"] = 0.45
    if back is not None:
        fields = merge_sides(fields, parse_lines(read_side(back).lines))
    return checked_address(fields)


def checked_address(fields: CardFields) -> CardFields:
    """The fields with the postal code and the address put right where one says the other
    was misread (a town's character, a code's digit); the one mended is marked less sure."""
    code, address, mended = check_address(
        fields.postal_code, fields.address, card_places.places_of, card_places.codes_of
    )
    if mended:
        for name, old, new in (
            ("postal_code", fields.postal_code, code),
            ("address", fields.address, address),
        ):
            if old != new:
                fields.confidence[name] = min(fields.confidence.get(name, 0.8), 0.8)
        fields.postal_code, fields.address = code, address
    return fields

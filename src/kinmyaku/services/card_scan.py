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
4. parse the lines (domain/cards/parse.py); a back side is parsed alike and merged.
"""

from __future__ import annotations

from kinmyaku.domain.cards.lines import CardFields
from kinmyaku.domain.cards.parse import merge_sides, parse_lines
from kinmyaku.services import card_ocr

LOW_CONFIDENCE = 0.55
"""Fields read with less confidence than this are marked for the user to check."""


def read_side(data: bytes) -> card_ocr.SideText:
    """Find, flatten, turn upright and OCR one side of a card (services/card_ocr.py): the
    name and the doubtful lines are read twice, the name checked against the known names."""
    return card_ocr.read_side(data)


def scan_card(front: bytes, back: bytes | None = None) -> CardFields:
    """The fields of a card from its front (and optional back) image; writes nothing."""
    fields = parse_lines(read_side(front).lines)
    if back is not None:
        fields = merge_sides(fields, parse_lines(read_side(back).lines))
    return fields

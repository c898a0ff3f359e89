"""Scan a business card: image -> card found and flattened -> upright -> OCR -> fields.

1. decode within the photo limits (services/photos.py), find the card, refuse a blur;
2. a portrait card is a 縦書き card unless tesseract's orientation check says the text
   is turned 90°/270° (then it is turned back); a landscape card read with low
   confidence is tried turned 180°;
3. OCR the whole card (jpn+eng, or jpn_vert for vertical text), then read again each
   line much taller than the rest (the name) alone, at a size tesseract reads best;
4. parse the lines (domain/cards/parse.py); a back side is parsed alike and merged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kinmyaku.domain.cards.lines import CardFields, OcrLine
from kinmyaku.domain.cards.parse import merge_sides, parse_lines
from kinmyaku.services import card_image, card_ocr

NAME_HEIGHT = 40
"""Pixels a tall line (the name) is scaled to for its second reading."""
LOW_CONFIDENCE = 0.55


@dataclass(frozen=True)
class SideRead:
    """One side as read: its lines and whether its text is vertical."""

    lines: list[OcrLine]
    vertical: bool


def _reread_tall(card: Any, lines: list[OcrLine], vertical: bool) -> list[OcrLine]:
    import cv2

    sizes = sorted(line.height for line in lines if line.height)
    if not sizes:
        return lines
    median = sizes[len(sizes) // 2]
    out = []
    for line in lines:
        if line.height < 1.6 * median or line.extent == 0:
            out.append(line)
            continue
        pad = max(6, line.height // 4)
        crop = card[
            max(0, line.y - pad) : line.y + line.extent + pad,
            max(0, line.x - pad) : line.x + line.width + pad,
        ]
        across = crop.shape[1] if vertical else crop.shape[0]
        factor = NAME_HEIGHT * 1.5 / max(1, across)
        small = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        lang, psm = ("jpn_vert", 5) if vertical else ("jpn", 7)  # no eng: kanji, not HA
        again = card_ocr.read_lines(small, lang=lang, psm=psm, vertical=vertical)
        text = "".join(a.text for a in again).strip()
        best = max((a.confidence for a in again), default=0.0)
        if text and best >= line.confidence - 0.05:
            out.append(OcrLine(text, line.x, line.y, line.width, line.height, best, line.extent))
        else:
            out.append(line)
    return out


def _uncovered_bands(card: Any, lines: list[OcrLine], vertical: bool) -> list[tuple[int, int]]:
    """Bands of ink (columns of a 縦書き card, else rows) no well-read line covers: a name
    the page reading missed.  Solid bands (colour stripes, logos) are left out."""
    import cv2
    import numpy as np

    _, ink = cv2.threshold(card, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    across = card.shape[0] if vertical else card.shape[1]
    profile = ink.sum(axis=0 if vertical else 1)
    dark = np.flatnonzero(profile > 0.02 * across)
    bands: list[tuple[int, int]] = []
    for at in dark.tolist():
        if bands and at - bands[-1][1] <= 6:
            bands[-1] = (bands[-1][0], at)
        else:
            bands.append((at, at))
    good = [
        (line.x, line.x + line.width) if vertical else (line.y, line.y + line.extent)
        for line in lines
        if line.confidence >= 0.5
    ]
    found = []
    for start, end in bands:
        if end - start < 20 or float(profile[start : end + 1].mean()) > 0.5 * across:
            continue
        covered = sum(max(0, min(end, b) - max(start, a)) for a, b in good)
        if covered < 0.3 * (end - start):
            found.append((start, end))
    return found[:3]


def _read_bands(card: Any, lines: list[OcrLine], vertical: bool) -> list[OcrLine]:
    """Lines with each uncovered band read again alone, in place of the noise found there."""
    import cv2

    bands = _uncovered_bands(card, lines, vertical)
    if not bands:
        return lines

    def inside(line: OcrLine) -> bool:
        low, high = (line.x, line.x + line.width) if vertical else (line.y, line.y + line.extent)
        return any(a - 6 <= low and high <= b + 6 for a, b in bands)

    out = [line for line in lines if line.confidence >= 0.5 or not inside(line)]
    lang, psm = ("jpn_vert", 5) if vertical else ("jpn", 7)
    for start, end in bands:
        crop = (
            card[:, max(0, start - 8) : end + 8] if vertical else card[max(0, start - 8) : end + 8]
        )
        factor = min(1.0, NAME_HEIGHT * 1.5 / max(1, end - start + 16))
        small = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        for again in card_ocr.read_lines(small, lang=lang, psm=psm, vertical=vertical):
            size = int(again.height / factor)
            if vertical:
                out.append(OcrLine(again.text, start, 0, end - start, size, again.confidence, 0))
            else:
                line = OcrLine(
                    again.text, 0, start, card.shape[1], size, again.confidence, end - start
                )
                out.append(line)
    if vertical:
        return sorted(out, key=lambda line: -line.x)
    return sorted(out, key=lambda line: line.y)


def _mean(lines: list[OcrLine]) -> float:
    return sum(line.confidence for line in lines) / len(lines) if lines else 0.0


def read_side(data: bytes) -> SideRead:
    """Find, flatten, turn upright and OCR one side of a card."""
    card_ocr.require_tesseract()
    card = card_image.find_card(card_image.decode(data))
    card_image.check_sharp(card)
    portrait = card.shape[0] > card.shape[1]
    vertical = False
    if portrait:
        turn, certainty = card_ocr.orientation(card)
        if turn in (90, 270) and certainty >= 1.5:
            card = card_image.rotate(card, turn)
        else:
            vertical = True
    lang, psm = ("jpn_vert", 5) if vertical else ("jpn+eng", 6)
    lines = card_ocr.read_lines(card, lang=lang, psm=psm, vertical=vertical)
    if not vertical and _mean(lines) < LOW_CONFIDENCE:
        turned = card_image.rotate(card, 180)
        again = card_ocr.read_lines(turned, lang=lang, psm=psm)
        if _mean(again) > _mean(lines):
            card, lines = turned, again
    if not lines:
        raise card_image.CardImageError("No text could be read on the card")
    if vertical:
        return SideRead(_read_bands(card, lines, vertical), vertical)
    lines = _read_bands(card, lines, vertical)
    return SideRead(_reread_tall(card, lines, vertical), vertical)


def scan_card(front: bytes, back: bytes | None = None) -> CardFields:
    """The fields of a card from its front (and optional back) image; writes nothing."""
    fields = parse_lines(read_side(front).lines)
    if back is not None:
        fields = merge_sides(fields, parse_lines(read_side(back).lines))
    return fields

"""Tesseract (Debian's tesseract-ocr with jpn, jpn_vert) through pytesseract: lines and boxes.

Each call starts the tesseract program (about 0.3 s to load the Japanese model); one
thread each (OMP_THREAD_LIMIT=1) as these machines have two cores.  When tesseract or
its Japanese data is missing, ``require_tesseract`` says so in the user's language.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from kinmyaku.domain.cards.lines import OcrLine
from kinmyaku.domain.errors import KinmyakuError

INSTALL = "apt-get install tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert"


class OcrMissing(KinmyakuError):
    """The OCR engine is not installed: card scanning cannot run (manual entry still works)."""

    status = 503


@lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    import pytesseract  # type: ignore[import-untyped]

    return frozenset(pytesseract.get_languages(config=""))


def require_tesseract() -> None:
    """Raise OcrMissing unless tesseract with Japanese (horizontal and vertical) is installed."""
    try:
        import pytesseract  # noqa: F401
    except ImportError:
        raise OcrMissing(
            "Card scanning needs pytesseract: pip install pytesseract; and {command}",
            command=INSTALL,
        ) from None
    if shutil.which("tesseract") is None:
        raise OcrMissing("Card scanning needs the OCR engine tesseract: {command}", command=INSTALL)
    missing = {"jpn", "jpn_vert", "eng"} - _languages()
    if missing:
        raise OcrMissing(
            "Card scanning needs tesseract's languages {languages}: {command}",
            languages=", ".join(sorted(missing)),
            command=INSTALL,
        )


def read_lines(image: Any, *, lang: str, psm: int, vertical: bool = False) -> list[OcrLine]:
    """The lines tesseract reads in a grey image, in reading order."""
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    data = pytesseract.image_to_data(
        image, lang=lang, config=f"--psm {psm}", output_type=pytesseract.Output.DICT
    )
    grouped: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(data["text"]):
        if str(word).strip() and float(data["conf"][i]) >= 0:
            key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
            grouped.setdefault(key, []).append(i)
    lines = []
    for indexes in grouped.values():
        left = min(int(data["left"][i]) for i in indexes)
        top = min(int(data["top"][i]) for i in indexes)
        right = max(int(data["left"][i]) + int(data["width"][i]) for i in indexes)
        bottom = max(int(data["top"][i]) + int(data["height"][i]) for i in indexes)
        sizes = sorted(int(data["width" if vertical else "height"][i]) for i in indexes)
        confidence = sum(float(data["conf"][i]) for i in indexes) / len(indexes) / 100
        text = " ".join(str(data["text"][i]) for i in indexes)
        lines.append(
            OcrLine(text, left, top, right - left, sizes[len(sizes) // 2], confidence, bottom - top)
        )
    return lines


def orientation(image: Any) -> tuple[int, float]:
    """Tesseract's guess of how far the text is turned (0/90/180/270) and its confidence."""
    import pytesseract

    try:
        found = pytesseract.image_to_osd(
            image, config="--psm 0", output_type=pytesseract.Output.DICT
        )
    except pytesseract.TesseractError:
        return 0, 0.0
    return int(found.get("rotate", 0)), float(found.get("orientation_conf", 0.0))


@dataclass(frozen=True)
class SideText:
    """One side as read: its lines (reading order) and whether its text is vertical."""

    lines: list[OcrLine]
    vertical: bool
    card: Any = None
    """The flattened, upright grey card the lines were read from."""


NAME_READINGS = ((40, False), (40, True), (32, False), (52, False))
"""Heights (pixels) the name's row is scaled to for its second readings, and binarised."""
LINE_TARGET = 40
"""Height (pixels) an uncertain small line is scaled to for its second readings (grey, and
black and white)."""
SURE = 0.85
"""Page readings at or above this OCR confidence are not read again."""
LOW_CONFIDENCE = 0.55
JUNK_SURE = 0.65
"""A line's Latin letters give way to a Japanese reading at least this sure (a Latin word
the English model read right, NTT データ, is read as junk kanji with a low confidence)."""


def _components(card: Any) -> tuple[Any, Any, Any]:
    """Dark marks (adaptive threshold, the card's edge left out): (count, labels, stats)."""
    import cv2

    height, width = card.shape
    binary = cv2.adaptiveThreshold(
        card, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 51, 18
    )
    margin_y, margin_x = int(0.02 * height), int(0.02 * width)
    binary[:margin_y], binary[height - margin_y :] = 0, 0
    binary[:, :margin_x], binary[:, width - margin_x :] = 0, 0
    return cv2.connectedComponentsWithStats(binary, connectivity=8)[:3]


def _solid(stat: Any, shape: tuple[int, int]) -> bool:
    """Whether a mark is a solid shape (a logo, a band), far thicker than a stroke of text."""
    _, _, w, h, area = stat
    return bool(area > 0.45 * w * h and h > 0.15 * shape[0] and w > 0.15 * shape[0])


def _ink(card: Any) -> Any:
    """Text ink as a 0/1 mask: adaptive threshold, with solid shapes (bands, logos) removed."""
    import numpy as np

    height, width = card.shape
    count, labels, stats = _components(card)
    keep = np.ones(count, bool)
    keep[0] = False
    for index in range(1, count):
        _, _, w, h, area = stats[index]
        if area < 5 or w > 0.5 * width or h > 0.4 * height or _solid(stats[index], card.shape):
            keep[index] = False
    return keep[labels].astype(np.uint8)


def whiten_logos(card: Any) -> Any:
    """The card with its logos (solid shapes no wider than half the card, not bands that may
    carry text) painted the paper's colour, so the page reading sees no letter in them."""
    import numpy as np

    height, width = card.shape
    count, _, stats = _components(card)
    out = card
    for index in range(1, count):
        x, y, w, h, _ = stats[index]
        if _solid(stats[index], card.shape) and w <= 0.5 * width and h <= 0.4 * height:
            if out is card:
                out, paper = card.copy(), int(np.percentile(card, 90))
            pad = max(4, h // 20)
            out[max(0, y - pad) : y + h + pad, max(0, x - pad) : x + w + pad] = paper
    return out


def _bands(mask: Any, vertical: bool) -> list[tuple[int, int, int, int]]:
    """Rows of text (columns when vertical): (start, end, low, high) across and along."""
    import numpy as np

    profile = mask.sum(axis=0 if vertical else 1)
    rows = np.flatnonzero(profile > 1).tolist()
    runs: list[list[int]] = []
    for at in rows:
        if runs and at - runs[-1][1] <= 2:
            runs[-1][1] = at
        else:
            runs.append([at, at])
    out = []
    for start, end in runs:
        if end - start < 6:
            continue
        strip = mask[:, start : end + 1] if vertical else mask[start : end + 1]
        along = np.flatnonzero(strip.sum(axis=1 if vertical else 0))
        out.append((start, end + 1, int(along[0]), int(along[-1]) + 1))
    return out


def _name_band(bands: list[tuple[int, int, int, int]]) -> tuple[int, int, int, int] | None:
    """The band of the tallest text (the name): much taller than the card's usual line."""
    bands = [b for b in bands if b[3] - b[2] >= 1.5 * (b[1] - b[0])]
    if len(bands) < 2:
        return None
    sizes = sorted(b[1] - b[0] for b in bands)
    median = sizes[len(sizes) // 2]
    best = max(bands, key=lambda b: b[1] - b[0])
    return best if best[1] - best[0] >= 1.45 * median else None


def _line_box(
    line: OcrLine, bands: list[tuple[int, int, int, int]], vertical: bool
) -> tuple[int, int, int, int]:
    """A line's box widened to its band of ink: OCR's box may have lost a first character."""
    box = _box(line, vertical)
    low, high = (box[0], box[2]) if vertical else (box[1], box[3])
    for start, end, first, last in bands:
        if _overlap(low, high, start, end) > 0.6 and end - start <= 1.6 * (high - low):
            if vertical:
                return min(box[0], start), min(box[1], first), max(box[2], end), max(box[3], last)
            return min(box[0], first), min(box[1], start), max(box[2], last), max(box[3], end)
    return box


def _cut_short(line: OcrLine, bands: list[tuple[int, int, int, int]], vertical: bool) -> bool:
    """Whether the line's row of ink reaches more than a character and a half past the box
    the page reading gave it (a word at its start or end not read)."""
    box, wide = _box(line, vertical), _line_box(line, bands, vertical)
    size = 1.5 * max(1, line.height)
    if vertical:
        return box[1] - wide[1] > size or wide[3] - box[3] > size
    return box[0] - wide[0] > size or wide[2] - box[2] > size


def _crop(card: Any, box: tuple[int, int, int, int], target: int, binary: bool) -> Any:
    """A box (x0, y0, x1, y1) cut out with a margin, scaled so its height is ``target``."""
    import cv2

    x0, y0, x1, y1 = box
    pad = max(4, (min(x1 - x0, y1 - y0)) // 5)
    crop = card[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad]
    factor = target * (1 + 2 * pad / max(1, min(x1 - x0, y1 - y0))) / max(1, min(crop.shape))
    method = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    crop = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=method)
    if binary:
        _, crop = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return crop


def _read_stacked(crops: list[Any], vertical: bool) -> list[list[OcrLine]]:
    """Each crop's lines, from one tesseract run over all crops stacked with white gaps."""
    return _read_stacked_spans(crops, vertical)[0]


def _read_stacked_spans(
    crops: list[Any], vertical: bool
) -> tuple[list[list[OcrLine]], list[tuple[int, int]]]:
    """Each crop's lines and where the crop lies along the stack (one tesseract run)."""
    import numpy as np

    if not crops:
        return [], []
    gap = 30
    if vertical:
        crops = [np.ascontiguousarray(c.T) for c in crops]  # stacked side by side below
    across = max(c.shape[1] for c in crops) + 2 * gap
    rows = [np.full((gap, across), 255, np.uint8)]
    spans = []
    at = gap
    for crop in crops:
        row = np.full((crop.shape[0], across), 255, np.uint8)
        row[:, gap : gap + crop.shape[1]] = crop
        rows += [row, np.full((gap, across), 255, np.uint8)]
        spans.append((at, at + crop.shape[0]))
        at += crop.shape[0] + gap
    sheet = np.vstack(rows)
    lang, psm = ("jpn_vert", 5) if vertical else ("jpn", 6)
    if vertical:
        sheet = np.ascontiguousarray(sheet.T)
    found: list[list[OcrLine]] = [[] for _ in crops]
    for line in read_lines(sheet, lang=lang, psm=psm, vertical=vertical):
        middle = line.x + line.width / 2 if vertical else line.y + line.extent / 2
        for index, (low, high) in enumerate(spans):
            if low - gap / 2 <= middle <= high + gap / 2:
                found[index].append(line)
    return found, spans


_POSTAL_LINE = re.compile(r"\d{3}-\d{4}\s*\S*[A-Za-z]{3}")
"""A postal code followed by letters: an address the page reading took for English."""


def read_as_latin(line: OcrLine) -> bool:
    """Whether a line is Latin text read well enough (an e-mail, a URL, a number, English),
    which is not read again; a postal code followed by letters is an address read as Latin
    (〒150-0002 RRABRAKRA8-2-28) and is read again."""
    latin = line.text.isascii() and (
        line.confidence >= 0.5 or re.search(r"@|http|www|\d", line.text) is not None
    )
    return latin and not _POSTAL_LINE.search(line.text)


COMPANY_READINGS = ((40, False), (52, False), (52, True), (64, True))
"""Sizes (and black and white) the company's line is read again at, for a vote: bold type
is misread differently at each size (冨士 or 滞士 for 富士, a few letters for a word)."""


def _centred(lines: list[OcrLine], span: tuple[int, int], vertical: bool) -> str:
    """The text of the line nearest the middle of its crop (the crop's margin may hold a
    piece of the line above or below), spaces removed."""
    if not lines:
        return ""
    middle = (span[0] + span[1]) / 2
    line = min(
        lines,
        key=lambda x: abs(((x.x + x.width / 2) if vertical else (x.y + x.extent / 2)) - middle),
    )
    return line.text.replace(" ", "")


def voted_company(page: str, readings: list[str]) -> str:
    """The company line as most readings have it: a reading read the same way at least
    twice, and more often than the page reading, replaces it; else the page reading."""
    from kinmyaku.domain.cards.labels import is_company

    compact = page.replace(" ", "")
    counts: dict[str, int] = {}
    for text in readings:
        if text and is_company(text):
            counts[text] = counts.get(text, 0) + 1
    if not counts:
        return page
    best = max(counts, key=lambda t: (counts[t], t == compact))
    if best != compact and counts[best] >= 2 and counts[best] > counts.get(compact, 0):
        return best
    return page


def _joined(lines: list[OcrLine], vertical: bool) -> tuple[str, float]:
    ordered = sorted(lines, key=lambda line: line.y if vertical else line.x)
    text = " ".join(line.text for line in ordered).strip()
    confidence = min((line.confidence for line in ordered), default=0.0)
    return text, confidence


def _tallest(lines: list[OcrLine], vertical: bool) -> tuple[str, float]:
    """The tallest of a band's lines: a band cut too wide also holds a bit of its neighbours."""
    if not lines:
        return "", 0.0
    top = max(line.height for line in lines)
    return _joined([line for line in lines if line.height >= 0.7 * top], vertical)


def _box(line: OcrLine, vertical: bool) -> tuple[int, int, int, int]:
    if vertical:
        return line.x, line.y, line.x + line.width, line.y + line.extent
    return line.x, line.y, line.x + line.width, line.y + line.extent


def _overlap(low: int, high: int, start: int, end: int) -> float:
    return max(0, min(high, end) - max(low, start)) / max(1, min(high - low, end - start))


def _holds_two_lines(band: tuple[int, int, int, int], lines: list[OcrLine], vertical: bool) -> bool:
    """Whether a row of ink holds two lines the page reading read surely, one above the
    other (a tilted photo's company and department rows touching): no name's row.  A large
    name the page reading cut into unsure pieces is still one row."""
    inside = [
        (span, line.text)
        for line in lines
        if line.confidence >= SURE
        for span in [(line.x, line.x + line.width) if vertical else (line.y, line.y + line.extent)]
        if band[0] <= (span[0] + span[1]) / 2 <= band[1]
    ]
    return any(
        _overlap(*a, *b) < 0.3 and ta != tb
        for i, (a, ta) in enumerate(inside)
        for b, tb in inside[i + 1 :]
    )


SAME_ROW = 70
"""A row read again that is this alike (rapidfuzz's partial ratio, 0-100) to the line over
two rows reaching into it is that line's row, not a row the page reading missed."""


def _covers(span: tuple[int, int], band: tuple[int, int, int, int]) -> bool:
    """Whether a line's box covers a row of ink: it overlaps it and is no more than one row
    high (a box over two rows, 開発部 above 課長, is one the page reading read one of)."""
    low, high = span
    return _overlap(low, high, band[0], band[1]) > 0.3 and high - low <= 1.7 * (band[1] - band[0])


def reread(card: Any, lines: list[OcrLine], vertical: bool) -> list[OcrLine]:
    """The name's band read again at two sizes and binarised, and each uncertain line read
    again larger, all in one tesseract run; every reading is kept as an alternative."""
    bands = _bands(_ink(card), vertical)
    spans = [
        (line.x, line.x + line.width) if vertical else (line.y, line.y + line.extent)
        for line in lines
    ]
    band = _name_band([b for b in bands if not _holds_two_lines(b, lines, vertical)])
    crops: list[Any] = []
    owners: list[int] = []  # -1: the name band; else the index of the line read again
    name_box: tuple[int, int, int, int] | None = None
    if band is not None:
        start, end, low, high = band
        name_box = (start, low, end, high) if vertical else (low, start, high, end)
        for target, binary in NAME_READINGS:
            crops.append(_crop(card, name_box, target, binary))
            owners.append(-1)
    from kinmyaku.domain.cards.labels import is_company

    company = next(
        (i for i, line in enumerate(lines) if is_company(line.text.replace(" ", ""))), -1
    )
    company_crops: list[Any] = []
    in_name = []
    cut: set[int] = set()  # lines whose ink reaches well past what the page reading saw
    junk: set[int] = set()  # Japanese lines with a few Latin letters at an end
    dashes: set[int] = set()  # addresses whose street number may have lost a dash
    for index, line in enumerate(lines):
        across = (line.x, line.x + line.width) if vertical else (line.y, line.y + line.extent)
        inside = band is not None and _overlap(*across, band[0], band[1]) > 0.5
        in_name.append(inside)
        if index == company and not inside and line.extent:
            box = _line_box(line, bands, vertical)
            company_crops = [_crop(card, box, size, binary) for size, binary in COMPANY_READINGS]
            continue
        latin = read_as_latin(line)
        short = not (inside or latin or not line.extent) and _cut_short(line, bands, vertical)
        if short:
            cut.add(index)
        elif not (inside or vertical or not line.extent) and latin_junk(line.text):
            junk.add(index)
        elif not (inside or vertical or not line.extent) and few_street_dashes(line.text):
            dashes.add(index)
            box = _line_box(line, bands, vertical)
            for size in ADDRESS_READINGS:
                crops.append(_crop(card, box, size, False))
                owners.append(index)
            continue
        elif inside or line.confidence >= SURE or latin or not line.extent:
            continue
        box = _line_box(line, bands, vertical)
        for binary in (False, True):  # black and white reads a blurred photo's thin type
            crops.append(_crop(card, box, LINE_TARGET, binary))
            owners.append(index)
    missed = [  # rows of ink no line covers: a line the page reading skipped
        b for b in bands if b is not band and not any(_covers(span, b) for span in spans)
    ][:3]
    for start, end, low, high in missed:
        box = (start, low, end, high) if vertical else (low, start, high, end)
        crops.append(_crop(card, box, LINE_TARGET, False))
        owners.append(-2)
    found = _read_stacked(crops, vertical)
    empty = [k for k, owner in enumerate(owners) if owner == -2 and not found[k]]
    if empty:  # the stack's layout analysis may pass over a short row: it alone, once more
        again = _read_stacked([crops[k] for k in empty], vertical)
        for k, lines_found in zip(empty, again, strict=True):
            found[k] = lines_found
            if not lines_found and not vertical:
                found[k] = _read_raw_line(crops[k])
    out = list(lines)
    if company_crops:  # a run of its own: larger type beside the name's crops upsets both
        voted, stacked = _read_stacked_spans(company_crops, vertical)
        votes = [
            _centred(lines, span, vertical) for lines, span in zip(voted, stacked, strict=True)
        ]
        text = voted_company(lines[company].text, votes)
        if text != lines[company].text:
            alternatives = (lines[company].text, *lines[company].alternatives)
            out[company] = replace(lines[company], text=text, alternatives=alternatives)
    for index in set(owners) - {-1, -2}:
        texts = [_joined(found[k], vertical) for k, o in enumerate(owners) if o == index]
        line = lines[index]
        if bad_street_number(line.text):  # the page's own reading is no better
            texts = [t for t in texts if not bad_street_number(t[0])] or texts
        else:
            texts = [t for t in texts if not bad_street_number(t[0])] or [("", 0.0)]
        text, confidence = max(texts, key=lambda t: t[1])
        alternatives = (line.text,) if text and text != line.text else ()
        whole, seen = text.replace(" ", ""), line.text.replace(" ", "")
        dashed = more_dashes(line.text, [t for t, _ in texts]) if index in dashes else ""
        if dashed:  # 4-6-12 read larger or smaller, 46-12 on the page
            out[index] = replace(line, text=dashed, alternatives=(line.text,))
        elif index in cut and len(whole) > len(seen) and seen in whole:  # the lost word found
            out[index] = replace(line, text=text, alternatives=alternatives)
        elif (
            index in junk
            and confidence >= JUNK_SURE
            and not latin_junk(text)
            and not re.search("[A-Za-z]", text)
            and _cjk(text) > _cjk(line.text)
        ):  # the letters read in Japanese as a word (部長 for BR)
            out[index] = replace(line, text=text, confidence=confidence, alternatives=alternatives)
        elif text and confidence > line.confidence:
            out[index] = replace(line, text=text, confidence=confidence, alternatives=alternatives)
        elif text and text != line.text:
            out[index] = replace(line, alternatives=(text,))
    if name_box is not None:
        readings = [_tallest(found[k], vertical) for k, o in enumerate(owners) if o == -1]
        readings += [
            (line.text, line.confidence)
            for line, inside in zip(lines, in_name, strict=True)
            if inside
        ]
        readings = [r for r in readings if r[0]]
        if readings:
            text, confidence = max(readings, key=lambda r: r[1])
            x0, y0, x1, y1 = name_box
            size = (x1 - x0) if vertical else (y1 - y0)
            name = OcrLine(
                text,
                x0,
                y0,
                x1 - x0,
                size,
                confidence,
                y1 - y0,
                alternatives=tuple(dict.fromkeys(r[0] for r in readings if r[0] != text)),
            )
            out = [line for line, inside in zip(out, in_name, strict=True) if not inside]
            out.append(mend_unreadable(card, name, vertical))
    for (start, end, low, high), lines_found in zip(
        missed, [found[k] for k, o in enumerate(owners) if o == -2], strict=True
    ):
        text, confidence = _joined(lines_found, vertical)
        compact = text.replace(" ", "")
        if any(compact in line.text.replace(" ", "") for line in out):
            continue  # a row the page reading did read, in a box of two rows
        over = [  # the lines whose box (over two rows) reaches into this row
            line.text.replace(" ", "")
            for line, span in zip(lines, spans, strict=True)
            if _overlap(*span, start, end) > 0.3
        ]
        if any(fuzz.partial_ratio(compact, seen) >= SAME_ROW for seen in over):
            continue  # the same row as one of them, read a little differently
        if text and confidence >= 0.5:
            size = end - start
            if vertical:
                out.append(OcrLine(text, start, low, size, size, confidence, high - low))
            else:
                out.append(OcrLine(text, low, start, high - low, size, confidence, size))
    key = (lambda line: -line.x) if vertical else (lambda line: line.y)
    return sorted(out, key=key)


ADDRESS_READINGS = (52, 32)
"""Heights an address line is read again at when its street number may have lost a dash."""
_STREET_NUMBER = re.compile(r"(?<=[^\d\-ー−])\d+(?:[-ー−]\d+)*(?![\d\-ー−])")
_POSTAL_CODE = re.compile(r"\d{3}\s*[-ー−]\s*\d{4}")


_AFTER_TOWN = re.compile(r"[\u3041-\u9fff][^\d\u3041-\u9fff〒ー\s]+[\-ー−]?\d")


def bad_street_number(text: str) -> bool:
    """Whether an address line's street number starts with a sign that is no digit
    (渋谷+-2-29, 西新宿l-2): a reading that is worse than one without it."""
    from kinmyaku.domain.cards.labels import PREFECTURES

    compact = _POSTAL_CODE.sub("〒", text.replace(" ", ""))
    if not any(p in compact for p in PREFECTURES):
        return False
    return _AFTER_TOWN.search(compact) is not None


def few_street_dashes(text: str) -> bool:
    """Whether an address line's street number has fewer than three parts and a part of
    two digits or more (西新宿46-12 for 4-6-12: a thin dash lost between two digits)."""
    from kinmyaku.domain.cards.labels import PREFECTURES

    compact = _POSTAL_CODE.sub("〒", text.replace(" ", ""))
    if not any(p in compact for p in PREFECTURES):
        return False
    numbers = _STREET_NUMBER.findall(compact)
    if not numbers:
        return False
    parts = re.split(r"[-ー−]", numbers[0])
    return len(parts) < 3 and any(len(p) >= 2 for p in parts)


def _street_number(text: str) -> re.Match[str] | None:
    """The first street number of a compact address line (its postal code masked)."""
    masked = _POSTAL_CODE.sub(lambda m: "〒" * len(m.group(0)), text)
    return _STREET_NUMBER.search(masked)


def _parts(number: str) -> int:
    return len(re.split(r"[-ー−]", number))


def more_dashes(page: str, readings: list[str]) -> str:
    """The page's line with its street number as the other readings have it, when they
    give the same digits with more dashes between them, at most three parts (丁目-番-号),
    and agree ("" if none): OCR loses a thin dash far more often than it makes one up.
    Only the number is taken from them; the rest of the line stays as the page read it."""
    compact = page.replace(" ", "")
    found = _street_number(compact)
    if found is None:
        return ""
    digits = re.sub(r"\D", "", found.group(0))
    better = set()
    for reading in readings:
        other = _street_number(reading.replace(" ", ""))
        if other is None:
            continue
        number = other.group(0)
        if re.sub(r"\D", "", number) == digits and _parts(found.group(0)) < _parts(number) <= 3:
            better.add(number)
    if len(better) != 1:
        return ""
    return compact[: found.start()] + better.pop() + compact[found.end() :]


def _read_raw_line(crop: Any) -> list[OcrLine]:
    """A short row read as one raw line (page segmentation 13): the layout analysis of
    modes 6 and 7 finds no text in a row of two or three characters (課長) on its own."""
    import cv2

    pad = max(20, crop.shape[0] // 2)
    framed = cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    lines = read_lines(framed, lang="jpn", psm=13)
    return [  # this mode is less sure of what it reads: only Japanese words are kept
        replace(line, confidence=max(line.confidence, RAW_FLOOR))
        for line in lines
        if re.fullmatch(r"[\u3041-\u30ff\u3400-\u9fff々 ]{2,}", line.text)
        and line.confidence >= 0.3
    ]


RAW_FLOOR = 0.5
"""The confidence a Japanese word read in raw line mode is given (it reports 0.3-0.5 for
words it reads right)."""


_LATIN_JUNK = re.compile(
    r"^[A-Za-z]{1,4}(?=\s*[\u3041-\u9fff])|(?<=[\u3041-\u9fff])\s*[A-Za-z]{1,4}$"
)
"""A few Latin letters at the start or end of a Japanese line: a word of kanji read by the
English model (部長 read as BR, 営業本部 as BRAG)."""


def latin_junk(text: str) -> bool:
    """Whether a Japanese line (no digits, no e-mail) starts or ends with a few Latin
    letters that are probably a misread word."""
    return not re.search(r"[\d@:/]", text) and _LATIN_JUNK.search(text) is not None


def _cjk(text: str) -> int:
    return len(re.findall(r"[\u3041-\u9fff]", text))


def _mean(lines: list[OcrLine]) -> float:
    return sum(line.confidence for line in lines) / len(lines) if lines else 0.0


def read_side(data: bytes) -> SideText:
    """Find, flatten, turn upright and OCR one side of a card, its name and doubtful lines
    read twice, a vertical card's numerals cell by cell."""
    from kinmyaku.services import card_image

    require_tesseract()
    card = card_image.find_card(card_image.decode(data))
    card_image.check_sharp(card)
    vertical = False
    if card.shape[0] > card.shape[1]:
        turn, certainty = orientation(card)
        if turn in (90, 270) and certainty >= 1.5:
            card = card_image.rotate(card, turn)
        else:
            vertical = True
    card = whiten_logos(card)
    lang, psm = ("jpn_vert", 5) if vertical else ("jpn+eng", 6)
    lines = read_lines(card, lang=lang, psm=psm, vertical=vertical)
    if not vertical and _mean(lines) < LOW_CONFIDENCE:
        turned = card_image.rotate(card, 180)
        again = read_lines(turned, lang=lang, psm=psm)
        if _mean(again) > _mean(lines):
            card, lines = turned, again
    if not lines:
        raise card_image.CardImageError("No text could be read on the card")
    lines = reread(card, lines, vertical)
    if vertical:  # kanji numerals read cell by cell (services/card_cells.py)
        from kinmyaku.services.card_cells import mend_numerals

        mask = _ink(card)
        lines = mend_numerals(mask, lines, _bands(mask, True))
    return SideText(lines, vertical, card)


FONTS = tuple(
    f"/usr/share/fonts/opentype/noto/Noto{face}CJK-{weight}.ttc"
    for face in ("Sans", "Serif")
    for weight in ("Bold", "Regular")
)
UNREADABLE = {"邊": "邉", "高": "髙", "崎": "﨑"}
"""Kanji tesseract's Japanese model cannot write (邉 髙 﨑) -> the one it writes instead."""


def _glyphs(text: str, height: int, path: str, vertical: bool = False) -> Any:
    """``text`` drawn in a font, cut to its ink and scaled to ``height`` pixels, as 0/1;
    a vertical text is drawn top to bottom and handed back transposed (its column as a row)."""
    import cv2
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(path, 96, index=0)
    if vertical:
        image = Image.new("L", (140, 96 * len(text) + 40), 255)
        for at, character in enumerate(text):
            ImageDraw.Draw(image).text((20, 10 + 96 * at), character, font=font, fill=0)
    else:
        image = Image.new("L", (110 * len(text) + 40, 140), 255)
        ImageDraw.Draw(image).text((20, 10), text, font=font, fill=0)
    ink = np.asarray(image) < 128
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    cut = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].astype(np.uint8) * 255
    if vertical:
        cut = np.ascontiguousarray(cut.T)
    width = max(1, round(cut.shape[1] * height / cut.shape[0]))
    return cv2.resize(cut, (width, height), interpolation=cv2.INTER_AREA) > 127


def _variant_wins(
    card: Any, box: tuple[int, int, int, int], family: str, variant: str, vertical: bool = False
) -> bool:
    """Whether the family name's ink on the card looks more like ``variant`` (渡邉) than like
    what OCR wrote (渡邊): both drawn in the Noto fonts, compared pixel by pixel (a vertical
    name's column turned into a row, both alike)."""
    import os.path

    import cv2
    import numpy as np

    fonts = [f for f in FONTS if os.path.exists(f)]
    x0, y0, x1, y1 = box
    crop = card[max(0, y0 - 2) : y1 + 2, max(0, x0 - 2) : x1 + 2]
    if not fonts or crop.size == 0:
        return False
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if vertical:
        ink = np.ascontiguousarray(ink.T)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if len(rows) < 8 or len(cols) < 8:
        return False
    ink = ink[rows[0] : rows[-1] + 1, cols[0] :].astype(bool)
    best = {family: 0.0, variant: 0.0}
    for path in fonts:
        for text in best:
            drawn = _glyphs(text, ink.shape[0], path, vertical)
            width = min(drawn.shape[1], ink.shape[1])
            seen = ink[:, :width]
            score = float((seen & drawn[:, :width]).sum()) / max(
                1, float((seen | drawn[:, :width]).sum())
            )
            best[text] = max(best[text], score)
    return best[variant] > best[family] + 0.01


def mend_unreadable(card: Any, name: OcrLine, vertical: bool) -> OcrLine:
    """The name with 邊/高/崎 turned into 邉/髙/﨑 where the ink says so (tesseract cannot
    write those three)."""
    from kinmyaku.domain.cards.names import split_name

    family, _ = split_name(" ".join(name.text.split()[:2]) if " " in name.text else name.text)
    if not any(ch in UNREADABLE for ch in family):
        return name
    variant = "".join(UNREADABLE.get(ch, ch) for ch in family)
    box = (name.x, name.y, name.x + name.width, name.y + name.extent)
    if not _variant_wins(card, box, family, variant, vertical):
        return name
    texts = [t.replace(family, variant) for t in (name.text, *name.alternatives)]
    return replace(name, text=texts[0], alternatives=tuple(texts[1:]))


def _given_ink(card: Any, line: OcrLine, vertical: bool) -> Any:
    """The given name's ink: the part of the name's box after its widest gap (the space
    between family and given name), as 0/1 turned into a row when vertical; None if the
    name shows no clear gap."""
    import cv2
    import numpy as np

    x0, y0 = max(0, line.x - 2), max(0, line.y - 2)
    crop = card[y0 : line.y + line.extent + 2, x0 : line.x + line.width + 2]
    if crop.size == 0:
        return None
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if vertical:
        ink = np.ascontiguousarray(ink.T)
    cols = ink.any(axis=0)
    on = np.flatnonzero(cols)
    if len(on) < 8:
        return None
    gaps = [(b - a, a, b) for a, b in itertools.pairwise(on) if b - a > 1]
    if not gaps:
        return None
    width, _, start = max(gaps)
    height = int(np.flatnonzero(ink.any(axis=1)).size)
    if width < 0.25 * height:  # no space between the names: no telling where to cut
        return None
    part = ink[:, start:]
    rows = np.flatnonzero(part.any(axis=1))
    return part[rows[0] : rows[-1] + 1].astype(bool) if len(rows) >= 8 else None


def _ink_likeness(ink: Any, text: str, vertical: bool) -> float:
    """How much ``text`` drawn in the Noto fonts looks like the ink (best over the fonts,
    intersection over union, both scaled to the ink's height)."""
    import os.path

    best = 0.0
    for path in (f for f in FONTS if os.path.exists(f)):
        drawn = _glyphs(text, ink.shape[0], path, vertical)
        if abs(drawn.shape[1] - ink.shape[1]) > 0.35 * ink.shape[1]:
            continue  # not as wide: another number of characters
        width = min(drawn.shape[1], ink.shape[1])
        union = float((ink[:, :width] | drawn[:, :width]).sum())
        best = max(best, float((ink[:, :width] & drawn[:, :width]).sum()) / max(1.0, union))
    return best


INK_MARGIN = 0.03
"""How much more like the ink a listed given name must look than the one OCR read."""


def ink_choice(side: SideText, family: str, given: str, options: tuple[str, ...]) -> str:
    """Of the given name read and the listed names that sound as the card prints, the one
    that looks most like the ink of the name's row (tesseract reads 颯 as 六 or 堀, 萌 as
    彰: a name it hardly knows); the one read unless another is clearly closer."""
    if side.card is None or not options or not given:
        return given
    rows = [
        line
        for line in side.lines
        if family and family in line.text.replace(" ", "") and line.extent
    ]
    if not rows:
        return given
    line = max(rows, key=lambda line: line.height)
    ink = _given_ink(side.card, line, side.vertical)
    if ink is None:
        return given
    scores = {text: _ink_likeness(ink, text, side.vertical) for text in (given, *options)}
    best = max(options, key=lambda text: scores[text])
    return best if scores[best] > scores[given] + INK_MARGIN else given

"""Numbers in a 縦書き column read cell by cell: kanji numerals told by their shape.

tesseract's ``jpn_vert`` reads runs of kanji numerals badly (〇 as O or C, several
letters for one 〇, the vertical ー as 1 or lost).  In a vertical column every character
sits in a square cell of one pitch (全角), so the column is cut into cells where its ink
leaves gaps at a regular pitch, and each cell is compared with the numerals 〇一二…九,
the vertical ー and 〒 drawn in the installed Gothic and Mincho fonts (each cell's ink
centred in a square of the pitch, blurred, correlated).  The numeral run at the end of a
column (〒 一〇〇ー〇〇〇五, 電話 〇三ー…, …丸の内 一ー二ー三) replaces what the page
reading saw there; the start of the column (the label, the town) keeps the page reading.
"""

from __future__ import annotations

import os.path
from dataclasses import replace
from functools import lru_cache
from typing import Any

from kinmyaku.domain.cards.lines import OcrLine

FONTS = tuple(
    f"/usr/share/fonts/opentype/noto/Noto{face}CJK-{weight}.ttc"
    for face in ("Sans", "Serif")
    for weight in ("Bold", "Regular")
)
CLASSES = "〇一二三四五六七八九ー〒"
NUMERALS = frozenset("〇一二三四五六七八九ー")
SIDE = 32
"""Cells and templates are compared at SIDE x SIDE pixels."""
SURE_CELL = 0.75
"""A cell is a numeral when it correlates at least this well with the numeral's shape."""
MIN_RUN = 4
"""Fewer numeral cells than this at a column's end are left to the page reading..."""
MIN_DASHED_RUN = 3
"""...unless they are at least this many with a ー between them (一ー二ー三: a street number)."""


def _vector(ink: Any, pitch: float) -> Any:
    """The ink of a cell centred in a square of the pitch, scaled, blurred, normalised."""
    import cv2
    import numpy as np

    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if len(rows) == 0:
        return None
    cut = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    size = round(max(pitch, cut.shape[0], cut.shape[1]))
    canvas = np.zeros((size, size), np.float32)
    top, left = (size - cut.shape[0]) // 2, (size - cut.shape[1]) // 2
    canvas[top : top + cut.shape[0], left : left + cut.shape[1]] = cut
    small = cv2.GaussianBlur(
        cv2.resize(canvas, (SIDE, SIDE), interpolation=cv2.INTER_AREA), (5, 5), 1.2
    )
    flat = small.ravel() - small.mean()
    norm = float(np.linalg.norm(flat))
    return flat / norm if norm else None


@lru_cache(maxsize=1)
def _templates() -> tuple[Any, tuple[str, ...]]:
    """Each class drawn in each installed font (ー turned upright, as in vertical text)."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    vectors, labels = [], []
    for path in (f for f in FONTS if os.path.exists(f)):
        font = ImageFont.truetype(path, 96, index=0)
        for char in CLASSES:
            image = Image.new("L", (128, 128), 0)
            ImageDraw.Draw(image).text((16, 0), char, font=font, fill=255)
            ink = (np.asarray(image) > 127).astype(np.float32)
            vector = _vector(np.rot90(ink) if char == "ー" else ink, 96)
            if vector is not None:
                vectors.append(vector)
                labels.append(char)
    if not vectors:
        return np.zeros((0, SIDE * SIDE), np.float32), ()
    return np.stack(vectors), tuple(labels)


def classify(ink: Any, pitch: float) -> tuple[str, float]:
    """The class of one cell's ink (0/1) and how well it correlates (0..1); blank: ("", 0)."""
    vector = _vector(ink, pitch)
    templates, labels = _templates()
    if vector is None or not labels:
        return "", 0.0
    scores = templates @ vector
    best = int(scores.argmax())
    return labels[best], float(scores[best])


def _fit_pitch(profile: Any, width: int, pitch: float = 0.0) -> tuple[float, float]:
    """(pitch, phase) putting the cell borders where the column has the least ink (the
    phase only when the pitch is given)."""
    import numpy as np

    smooth = np.convolve(profile.astype(float), np.ones(3) / 3, mode="same")
    best = (float("inf"), float(width), 0.0)
    pitches = [pitch] if pitch else np.arange(0.95 * width, 1.45 * width, 0.25)
    for pitch in pitches:
        count = int((len(smooth) - 1) // pitch)
        if count < 2:
            continue
        phases = np.arange(0.0, pitch, 0.5)
        at = (phases[:, None] + pitch * np.arange(count)[None, :]).astype(int)
        scores = smooth[np.minimum(at, len(smooth) - 1)].mean(axis=1)
        index = int(scores.argmin())
        if scores[index] < best[0] - 1e-9:
            best = (float(scores[index]), float(pitch), float(phases[index]))
    return best[1], best[2]


Band = tuple[int, int, int, int]


def cells(mask: Any, band: Band, pitch: float = 0.0) -> tuple[float, list[tuple[int, int]]]:
    """The pitch of a vertical column (start, end, top, bottom) and its inked cells (y0, y1);
    ``pitch`` when given is the column's pitch, only where its cells start is fitted."""
    start, end, low, high = band
    width = end - start
    top = max(0, low - width)
    profile = mask[top : high + width, start:end].sum(axis=1)
    pitch, phase = _fit_pitch(profile, width, pitch)
    free = profile == 0
    reach = int(0.2 * pitch)

    def snap(at: int) -> int:
        for step in range(reach + 1):
            for near in (at - step, at + step):
                if 0 <= near < len(profile) and free[near]:
                    return near
        return at

    found = []
    at = phase
    while at < len(profile):
        y0, y1 = snap(round(at)), snap(min(round(at + pitch), len(profile) - 1))
        if int(profile[y0:y1].sum()) > 3:
            found.append((top + y0, top + y1))
        at += pitch
    return pitch, found


def numeral_tail(mask: Any, band: Band, pitch: float = 0.0) -> tuple[str, int, float]:
    """The run of numerals (and a 〒 before it) that ends a column, how many cells come
    before it, and the run's weakest correlation; ("", cells, 0) when there is none."""
    start, end = band[0], band[1]
    pitch, found = cells(mask, band, pitch)
    read = [classify(mask[y0:y1, start:end], pitch) for y0, y1 in found]
    tail: list[str] = []
    weakest = 1.0
    for char, score in reversed(read):
        if score < SURE_CELL or (char == "〒" and not tail):
            break
        tail.append(char)
        weakest = min(weakest, score)
        if char == "〒":
            break
    tail.reverse()
    if not _enough(tail):
        return "", len(read), 0.0
    return "".join(tail), len(read) - len(tail), weakest


def _enough(tail: list[str]) -> bool:
    """Whether a run of cells is a number: MIN_RUN numerals, or MIN_DASHED_RUN with a ー
    standing between two of them."""
    digits = [char for char in tail if char in NUMERALS and char != "ー"]
    if len(digits) >= MIN_RUN:
        return True
    body = "".join(tail).lstrip("〒")
    dashed = "ー" in body.strip("ー") and not body.startswith("ー")
    return len(digits) >= MIN_DASHED_RUN and dashed


def _prefix(text: str, count: int) -> str:
    """The first ``count`` characters of a line's reading (its label or its town)."""
    compact = text.replace(" ", "")
    return compact[:count] if count <= len(compact) else compact


def pitches(mask: Any, bands: list[Band]) -> dict[Band, float]:
    """Each column's pitch; a column whose own fit strays from the pitch of the columns of
    its width (the same type size) takes theirs (a run of 〇 leaves no gaps to fit)."""
    own = {band: cells(mask, band)[0] for band in bands}
    out = {}
    for band, pitch in own.items():
        width = band[1] - band[0]
        alike = sorted(p for b, p in own.items() if abs((b[1] - b[0]) - width) <= 0.15 * width)
        usual = alike[len(alike) // 2]
        out[band] = usual if len(alike) >= 3 and abs(pitch - usual) > 0.08 * usual else pitch
    return out


def mend_numerals(mask: Any, lines: list[OcrLine], bands: list[Band]) -> list[OcrLine]:
    """Each vertical line whose column ends in numerals read again cell by cell; the page
    reading is kept as an alternative."""
    pitch = pitches(mask, bands)
    out = []
    for line in lines:
        middle = line.x + line.width / 2
        band = next((b for b in bands if b[0] <= middle < b[1]), None)
        if band is None:
            out.append(line)
            continue
        tail, before, weakest = numeral_tail(mask, band, pitch[band])
        if not tail:
            out.append(line)
            continue
        text = tail if tail.startswith("〒") else _prefix(line.text, before) + tail
        alternatives = tuple(dict.fromkeys(a for a in (line.text, *line.alternatives) if a != text))
        confidence = max(line.confidence, min(0.95, weakest))
        out.append(replace(line, text=text, confidence=confidence, alternatives=alternatives))
    return out

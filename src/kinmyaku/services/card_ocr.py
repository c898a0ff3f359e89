"""Tesseract (Debian's tesseract-ocr with jpn, jpn_vert) through pytesseract: lines and boxes.

Each call starts the tesseract program (about 0.3 s to load the Japanese model); one
thread each (OMP_THREAD_LIMIT=1) as these machines have two cores.  When tesseract or
its Japanese data is missing, ``require_tesseract`` says so in the user's language.
"""

from __future__ import annotations

import os
import shutil
from functools import lru_cache
from typing import Any

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

"""Readings (読み仮名) inferred from kanji when the user gave none, with pykakasi.

An inferred reading is marked as such: the UI shows it as a guess to confirm.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from kinmyaku.domain.names import fold_variants, has_kana, is_kana, is_latin, to_hiragana


@lru_cache(maxsize=1)
def _kakasi() -> Any:
    """pykakasi's converter, loaded the first time a reading is guessed."""
    import pykakasi

    return pykakasi.kakasi()  # type: ignore[no-untyped-call]


def reader_loaded() -> bool:
    """Whether pykakasi's dictionaries are loaded (a reading was guessed in this process)."""
    return _kakasi.cache_info().currsize > 0


@lru_cache(maxsize=65536)
def infer_reading(text: str) -> str:
    """Hiragana reading of a name part; empty when the text is Latin or cannot be read."""
    text = text.strip()
    if not text or is_latin(text):
        return ""
    if text.isascii() and text.isprintable():
        # No letters (``?``, ``03-1234``): pykakasi gives such text back as it is, and
        # loading its dictionaries (0.6 s) for one unnamed card was most of a small import.
        return text
    if is_kana(text):
        return to_hiragana(text)
    parts = _kakasi().convert(fold_variants(text))
    reading = "".join(part["hira"] for part in parts)
    if not reading or any(ch.isalpha() and not has_kana(ch) for ch in reading):
        return ""
    return reading


def complete_readings(
    family: str, given: str, family_reading: str, given_reading: str
) -> tuple[str, str, bool]:
    """Readings for both name parts, inferring missing ones; the flag says if any was inferred."""
    inferred = False
    if family and not family_reading:
        family_reading = infer_reading(family)
        inferred = inferred or bool(family_reading)
    if given and not given_reading:
        given_reading = infer_reading(given)
        inferred = inferred or bool(given_reading)
    return to_hiragana(family_reading), to_hiragana(given_reading), inferred

"""Japanese-aware keyword normalisation and matching for offers and needs.

A keyword is normalised by NFKC (full-width ASCII and half-width kana folded), case
folding, hiragana folded to katakana (jaconv) and whitespace collapsed. A free-text item
is split into keywords on list separators (、 , ; / | and new lines), not on spaces, so
"project management" stays one keyword.

Two keywords match when they are equal, or when the shorter one is contained in the
longer: anywhere if it is at least two characters of Japanese script, at word
boundaries if it is ASCII (so "ai" does not match "email").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import jaconv

_SEPARATORS = re.compile(r"[,、;/|\n]+")
_SPACES = re.compile(r"\s+")
_TRIM = " .。・:：!！?？\"'「」『』()（）[]【】"


def normalise_keyword(text: str) -> str:
    """NFKC, case-folded, hiragana as katakana, single spaces, trimmed."""
    folded = jaconv.hira2kata(unicodedata.normalize("NFKC", text).casefold())
    return _SPACES.sub(" ", folded).strip(_TRIM)


def keywords(items: Iterable[str]) -> list[tuple[str, str]]:
    """(normalised keyword, its text as written) for every keyword in the items, once each."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for item in items:
        for part in _SEPARATORS.split(unicodedata.normalize("NFKC", item)):
            keyword = normalise_keyword(part)
            if keyword and keyword not in seen:
                seen.add(keyword)
                found.append((keyword, part.strip(_TRIM)))
    return found


def keyword_match(a: str, b: str) -> float:
    """1.0 when two normalised keywords are equal, 0.5 when one contains the other, else 0."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if short.isascii():
        pattern = r"(?<![0-9a-z])" + re.escape(short) + r"(?![0-9a-z])"
        return 0.5 if re.search(pattern, long) else 0.0
    return 0.5 if len(short) >= 2 and short in long else 0.0

"""Name helpers shared by the readers and writers: script detection, splitting, kana width."""

from __future__ import annotations

import re

import jaconv

# Hiragana, katakana (incl. half-width), CJK ideographs and the iteration mark 々.
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3005\u3006\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_HALF_WIDTH_KANA = re.compile(r"[\uff61-\uff9f]")
_SPACES = re.compile(r"[\s\u3000]+")
_TO_CLEAN = re.compile(r"[\s\u3000\uff61-\uff9f]")  # what clean_reading changes


def is_japanese(text: str) -> bool:
    """Return True when ``text`` contains kana or kanji."""
    return _JAPANESE.search(text) is not None


def widen_kana(text: str) -> str:
    """Turn half-width katakana (ﾔﾏﾀﾞ) into full width (ヤマダ); other characters stay."""
    if _HALF_WIDTH_KANA.search(text) is None:
        return text
    widened: str = jaconv.h2z(text, kana=True, ascii=False, digit=False)
    return widened


def clean_reading(text: str) -> str:
    """Normalise a reading: full-width kana, single spaces, no outer whitespace."""
    if _TO_CLEAN.search(text) is None:  # most readings: nothing to widen nor to space
        return text
    return _SPACES.sub(" ", widen_kana(text)).strip()


def join_name(family: str, given: str) -> str:
    """Join a name for display: ``山田 太郎`` for Japanese, ``John Doe`` otherwise."""
    if not family or not given:
        return family or given
    if is_japanese(family) or is_japanese(given):
        return f"{family} {given}"
    return f"{given} {family}"


def split_full_name(full: str) -> tuple[str, str]:
    """Split a formatted name into (family, given).

    Japanese script is family first (``山田 太郎``); a Western name is given first
    (``John Doe``) unless written ``Doe, John``. A name without a space cannot be
    split safely, so a Japanese one becomes the family name and a Western one the
    given name.
    """
    full = _SPACES.sub(" ", full).strip()
    if not full:
        return "", ""
    if is_japanese(full):
        family, _, given = full.partition(" ")
        return family, given
    if "," in full:
        family, _, given = full.partition(",")
        return family.strip(), given.strip()
    given, _, family = full.rpartition(" ")
    if not given:
        return "", family
    return family, given


def split_reading(reading: str) -> tuple[str, str]:
    """Split a full reading such as ``やまだ たろう`` into (family, given)."""
    reading = clean_reading(reading)
    family, _, given = reading.partition(" ")
    return family, given

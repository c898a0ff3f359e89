"""Japanese-aware name normalisation: the keys that search, matching and sorting use.

One person is found by kanji, hiragana, katakana, romaji (Hepburn with or without long
vowels), half or full width, and the common variant kanji (異体字).  Every key here is a
pure function of its text, so the same function applied to a stored name and to a query
gives comparable strings.

- :func:`fold_text` — NFKC (full/half width), lower case, variant kanji folded to their
  common form, hiragana to katakana, separators removed.  Used for kanji, kana and
  Latin keys alike.
- :func:`romaji_key` — a Latin key in which Hepburn spellings meet: macrons, ``ou``,
  ``oo``, ``oh``, ``uu`` collapse to one vowel, ``m`` before b/m/p reads as ``n``,
  apostrophes and hyphens vanish.  ``Satō``, ``Sato``, ``Satou`` and ``Satoh`` all give
  ``sato``.
- :func:`kana_to_romaji` — a reading in kana spelt in Hepburn (via jaconv).
- :func:`reading_sort_key` — the あいうえお order of a reading.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from itertools import pairwise

import jaconv

# Common variant kanji (異体字) folded to the form most people type.  A query or a name in
# either form gives the same key.  The left side is the rarer form.
VARIANT_KANJI: dict[str, str] = {
    "髙": "高",
    "﨑": "崎",
    "嵜": "崎",
    "碕": "崎",
    "齋": "斎",
    "齊": "斎",
    "齍": "斎",
    "邊": "辺",
    "邉": "辺",
    "澤": "沢",
    "濱": "浜",
    "德": "徳",
    "廣": "広",
    "櫻": "桜",
    "眞": "真",
    "國": "国",
    "嶋": "島",
    "嶌": "島",
    "槇": "槙",
    "冨": "富",
    "惠": "恵",
    "榮": "栄",
    "淺": "浅",
    "龍": "竜",
    "瀧": "滝",
    "曻": "昇",
    "藏": "蔵",
    "壽": "寿",
    "條": "条",
    "實": "実",
    "會": "会",
    "關": "関",
    "團": "団",
    "佛": "仏",
    "彌": "弥",
    "莊": "荘",
    "乘": "乗",
    "圓": "円",
    "傳": "伝",
    "與": "与",
    "萬": "万",
    "兒": "児",
    "縣": "県",
    "驛": "駅",
    "蘆": "芦",
    "﨔": "欅",
}

_VARIANT_TABLE = str.maketrans(VARIANT_KANJI)

# Characters that separate parts of a name and carry no meaning for search.
_SEPARATORS = re.compile(r"[\s・･\.\-‐‑–—_,'’`\"()（）「」]+")

# Romaji: long vowels written in every Hepburn variant meet in one form.
_LONG_VOWELS = (
    (re.compile(r"ou"), "o"),
    (re.compile(r"oo+"), "o"),
    (re.compile(r"oh(?![aiueoy])"), "o"),
    (re.compile(r"uu+"), "u"),
    (re.compile(r"aa+"), "a"),
    (re.compile(r"ii+"), "i"),
    (re.compile(r"ee+"), "e"),
    (re.compile(r"m(?=[bmp])"), "n"),
    (re.compile(r"tch"), "cch"),
)
# Where any of the patterns above matches: while it does, a pass changes the key.
_COLLAPSIBLE = re.compile(r"ou|oo|oh(?![aiueoy])|uu|aa|ii|ee|m(?=[bmp])|tch")


def collapse_long_vowels(key: str) -> str:
    """Apply the long-vowel patterns in order until nothing changes (``ouu`` -> ``ou`` ->
    ``o``).  A pass is made only while one of them matches, so a key with nothing to
    collapse costs one search, not a pass of nine."""
    while _COLLAPSIBLE.search(key):
        for pattern, replacement in _LONG_VOWELS:
            key = pattern.sub(replacement, key)
    return key


def fold_variants(text: str) -> str:
    """Replace variant kanji (髙, 﨑, 齋, 邊 ...) with their common form."""
    return text.translate(_VARIANT_TABLE)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=65536)
def fold_text(text: str) -> str:
    """Fold any spelling to a comparable key: width, case, variants, kana, separators."""
    folded = fold_variants(_nfkc(text)).lower()
    folded = jaconv.hira2kata(folded)
    folded = _nfkc(_SEPARATORS.sub("", folded))
    return fold_variants(folded)


def _plain_edge(ch: str) -> bool:
    """A character that no neighbour changes under fold_text: an ASCII letter or digit,
    kana (not the combining sound marks), ー or a common kanji."""
    return (
        (ch.isascii() and ch.isalnum())
        or "\u3041" <= ch <= "\u3096"
        or "\u30a1" <= ch <= "\u30fa"
        or ch == "ー"
        or "\u4e00" <= ch <= "\u9fff"
    )


def fold_joined(first: str, second: str) -> str:
    """``fold_text(first + second)``, from the parts' cached folds when the two characters
    at the join are plain (nothing can compose, be removed or change case across it; the
    parts of a name repeat, their joins seldom do)."""
    if not first or not second:
        return fold_text(first or second)
    if _plain_edge(first[-1]) and _plain_edge(second[0]):
        return fold_text(first) + fold_text(second)
    return fold_text(first + second)


def strip_marks(text: str) -> str:
    """Remove combining marks (macrons, accents) from Latin text: Satō -> Sato."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def is_latin(text: str) -> bool:
    """True when the text has letters and all of them are Latin (romaji or a western name)."""
    if text.isascii():
        return any(ch.isalpha() for ch in text)
    letters = False
    for ch in text:
        if ch.isalpha():
            if not _latin_letter(ch):
                return False  # a kanji or kana name stops at its first letter
            letters = True
    return letters


@lru_cache(maxsize=8192)
def _latin_letter(ch: str) -> bool:
    """A letter that is Latin once its marks are stripped (``ō``, full-width ``Ａ``)."""
    return ord(strip_marks(ch)[:1] or "a") < 0x250


def has_kana(text: str) -> bool:
    """True when the text holds hiragana or katakana (full or half width)."""
    return any(
        "\u3041" <= ch <= "\u30ff" or "\uff66" <= ch <= "\uff9f" or ch == "ー" for ch in text
    )


_KANA_BODY = re.compile("[\u3041-\u30ff]+")  # hiragana, katakana, ー, ゝゞヽヾ
# Plain kana, one or more: NFKC leaves it as it is, and it holds no separator.
_PLAIN_KANA_RUN = re.compile("[\u3041-\u3094\u30a1-\u30f4\u30fc]+")


def is_kana(text: str) -> bool:
    """True when every letter of the text is kana (a reading).

    Plain kana (most readings) is kana as it is: no NFKC nor separators to look at."""
    if _PLAIN_KANA_RUN.fullmatch(text):
        return True
    return _KANA_BODY.fullmatch(_SEPARATORS.sub("", _nfkc(text))) is not None


@lru_cache(maxsize=65536)
def romaji_key(text: str) -> str:
    """Latin key where Satō, Sato, Satou and Satoh meet (``sato``)."""
    key = strip_marks(_nfkc(text)).lower()
    key = _SEPARATORS.sub("", key)
    key = re.sub(r"[^a-z0-9]", "", key)
    return collapse_long_vowels(key)


@lru_cache(maxsize=65536)
def kana_to_romaji(reading: str) -> str:
    """Spell a kana reading in Hepburn romaji (long vowels kept as typed: さとう -> satou)."""
    hira = jaconv.kata2hira(_nfkc(reading))
    hira = _SEPARATORS.sub("", hira)
    return str(jaconv.kana2alphabet(hira))


# Plain full-width katakana (and ー): NFKC-stable, no separators, one hiragana each.
PLAIN_KATAKANA = re.compile("[\u30a1-\u30f4\u30fc]*")
# Plain kana: the same, hiragana too (as readings are often typed).
_PLAIN_KANA = re.compile("[\u3041-\u3094\u30a1-\u30f4\u30fc]*")
# Kana whose romaji depends on the kana before them (ャ after キ, ァ after フ ...).
_SMALL_HIRAGANA = frozenset("ぁぃぅぇぉゃゅょゎゕゖっ")
# Small katakana (and ッ): the romaji of the kana before them depends on them.
SMALL_KATAKANA = frozenset("ァィゥェォャュョヮヵヶッ")


@lru_cache(maxsize=16384)
def _piece_romaji(hiragana: str) -> str:
    return str(jaconv.kana2alphabet(hiragana))


def _cuts(hira: str) -> list[int]:
    """Where the romaji of a plain kana text may be cut: not before a small kana nor after っ."""
    return [
        i for i in range(1, len(hira)) if hira[i] not in _SMALL_HIRAGANA and hira[i - 1] != "っ"
    ]


def _pieced_romaji(text: str) -> str:
    """kana_to_romaji, from cached pieces when the text is plain kana.

    jaconv spells a text with some fifty regular-expression passes; names are few kana
    long and their kana repeat, so spelling them a piece at a time from a cache is several
    times faster (tests/unit/test_names.py compares the two).
    """
    if not _PLAIN_KANA.fullmatch(text):
        return kana_to_romaji(text)
    hira = str(jaconv.kata2hira(text))
    bounds = [0, *_cuts(hira), len(hira)]
    return "".join(_piece_romaji(hira[a:b]) for a, b in pairwise(bounds))


@lru_cache(maxsize=65536)
def part_romaji(part: str) -> str:
    """kana_to_romaji of one name part (a family or given reading), cached: parts repeat."""
    return _pieced_romaji(part)


def reading_romaji(reading: str) -> str:
    """part_romaji of a reading in hiragana or katakana, computed once for both forms.

    A plain kana reading is spelled from its katakana form, the form the search keys fold
    it to: an import spells each new reading once, not twice.  The two forms' romaji are
    the same (both are spelled from their hiragana; tests/unit/test_names.py checks it).
    """
    if _PLAIN_KANA.fullmatch(reading):
        return part_romaji(fold_text(reading))
    return part_romaji(reading)


def shown_romaji(
    family_reading: str, given_reading: str, spell: Callable[[str], str] = reading_romaji
) -> str:
    """The romaji of a reading as a person's romaji shows it: ``Takahashi Kenta``.

    ``spell`` spells one part: the search keys, whose readings are folded to katakana
    already, spell them with ``part_romaji`` (folding them again cost 3 % of an import's
    per-card work)."""
    parts = (family_reading, given_reading)
    return " ".join(spell(part).capitalize() for part in parts if part)


def joined_romaji(first: str, second: str) -> str:
    """``kana_to_romaji(first + second)``, from the cached parts when the join is a cut."""
    if not (first and second):
        return part_romaji(first or second)
    if romaji_cut(first, second):
        return part_romaji(first) + part_romaji(second)
    return _pieced_romaji(first + second)


def romaji_cut(first: str, second: str) -> bool:
    """True when the romaji of ``first + second`` is that of ``first``, then of ``second``.

    Both are plain katakana, and neither a small kana after the join nor ッ before it
    changes how the other is spelled.
    """
    return bool(
        first
        and second
        and second[0] not in SMALL_KATAKANA
        and first[-1] != "ッ"
        and PLAIN_KATAKANA.fullmatch(first)
        and PLAIN_KATAKANA.fullmatch(second)
    )


def to_katakana(text: str) -> str:
    """Full-width katakana of a kana text (hiragana or half-width katakana)."""
    return str(jaconv.hira2kata(_nfkc(text)))


def to_hiragana(text: str) -> str:
    """Hiragana of a kana text (katakana or half-width katakana)."""
    return str(jaconv.kata2hira(_nfkc(text)))


def reading_sort_key(reading: str) -> str:
    """The あいうえお order of a reading: katakana, no separators, voiced marks kept last."""
    return fold_text(reading)


def romaji_display(reading: str) -> str:
    """Romaji for display, capitalised Hepburn: ``さとう`` -> ``Satou``."""
    romaji = kana_to_romaji(reading)
    return romaji[:1].upper() + romaji[1:]

"""The card's name chosen among its OCR readings, checked against name lists and readings.

The pipeline reads the name's row several times (sizes, binarised); each reading is a
candidate.  A candidate scores for a known family name, a known given name, agreement
with the reading the card prints (kana above or below, or romaji) and for each other
reading that gave the same text.  When no candidate's family name sounds like the printed
reading, a known family name with that reading and a character in common with what OCR
saw takes its place (株藤 read for 遠藤 with えんどう printed beside it); the given name alike.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from kinmyaku.domain.cards.surnames import FAMILY_READINGS
from kinmyaku.domain.names import (
    collapse_long_vowels,
    has_kana,
    kana_to_romaji,
    romaji_key,
    to_hiragana,
)

_NOT_NAME = re.compile(r"[^\u3005\u3041-\u30ff\u3400-\u9fff\uf900-\ufaff ]")


def sound(text: str) -> str:
    """How a reading or a romaji word sounds, long vowels folded: さとう, Sato -> sato."""
    return collapse_long_vowels(romaji_key(kana_to_romaji(text) if has_kana(text) else text))


@lru_cache(maxsize=1)
def family_names() -> dict[str, str]:
    """Family names as written -> reading: the card list and the demo's longer list."""
    from kinmyaku.domain.demo.names import SURNAMES

    names = {p.text: p.reading for p in SURNAMES}
    names.update(FAMILY_READINGS)
    return names


GIVEN_READINGS = """
崇たかし 千秋ちあき 大翔ひろと 陽翔はると 蒼あおい 湊斗みなと 結翔ゆいと 颯そう
颯真そうま 悠翔はると 蒼空そら 樹いつき 翔真しょうま 大雅たいが 陽向ひなた
朝陽あさひ 岳がく 誠也せいや 孝たかし 隆之たかゆき 博ひろし 浩ひろし 清きよし
茂しげる 稔みのる 勉つとむ 学まなぶ 徹とおる 豊ゆたか 昇のぼる 一郎いちろう
太郎たろう 健二けんじ 浩一こういち 和彦かずひこ 雅之まさゆき 秀樹ひでき 隆史たかし
陽葵ひまり 凜りん 芽依めい 結愛ゆあ 紬つむぎ 杏奈あんな 心春こはる 咲良さくら
美羽みう 千尋ちひろ 真由まゆ 由紀ゆき 幸子さちこ 洋子ようこ 恵子けいこ
久美子くみこ 明美あけみ 智美ともみ 千春ちはる 彩乃あやの
"""
"""Given names the demo's list lacks that a guess from the kanji reads wrong (千秋 is ちあき,
not せんしゅう): common names of people at work today and of the young."""


@lru_cache(maxsize=1)
def given_names() -> dict[str, frozenset[str]]:
    """Given names as written -> their readings (雄太 -> ゆうた)."""
    from kinmyaku.domain.demo.names import FEMALE_GIVEN, MALE_GIVEN

    names: dict[str, set[str]] = {}
    for part in MALE_GIVEN + FEMALE_GIVEN:
        names.setdefault(part.text, set()).add(part.reading)
    for entry in GIVEN_READINGS.split():
        written = re.match(r"[^\u3041-\u3096]+", entry)
        if written:
            names.setdefault(written.group(0), set()).add(entry[written.end() :])
    return {k: frozenset(v) for k, v in names.items()}


def split_name(name: str) -> tuple[str, str]:
    """(family, given) of a name: at the longest known family name it starts with."""
    known = family_names()
    parts = name.split()
    if len(parts) == 2 and parts[0] in known:
        return parts[0], parts[1]
    joined = "".join(parts)
    shortest = len(parts[0]) + 1 if len(parts) == 2 else 1  # 林田 健 stays 林田
    if joined in known and len(parts) < 2:
        return joined, ""  # the given name was not read: better missing than wrong
    for size in (4, 3, 2, 1):
        if size >= shortest and len(joined) > size and joined[:size] in known:
            return joined[:size], joined[size:]  # 五十 嵐圭 (OCR's space) -> 五十嵐 圭
    if len(parts) == 2:
        return parts[0], parts[1]
    cut = 2 if len(joined) >= 3 else 1
    return joined[:cut], joined[cut:]


@dataclass(frozen=True)
class Printed:
    """The reading the card prints: family and given sounds, or one joined kana run."""

    family: str = ""
    given: str = ""
    joined: str = ""

    def family_ok(self, reading: str) -> bool:
        """Whether a family reading agrees with what is printed."""
        if not reading:
            return False
        if self.family:
            return sound(reading) == self.family
        return bool(self.joined) and self.joined.startswith(to_hiragana(reading))

    def given_ok(self, reading: str) -> bool:
        """Whether a given reading agrees with what is printed."""
        if not reading:
            return False
        if self.given:
            return sound(reading) == self.given
        return bool(self.joined) and self.joined.endswith(to_hiragana(reading))

    def __bool__(self) -> bool:
        return bool(self.family or self.given or self.joined)


def _family_reading(family: str) -> str:
    from kinmyaku.domain.readings import infer_reading

    return family_names().get(family, "") or infer_reading(family)


def _given_readings(given: str) -> frozenset[str]:
    from kinmyaku.domain.readings import infer_reading

    known = given_names().get(given)
    if known:
        return known
    guess = infer_reading(given)
    return frozenset({guess}) if guess else frozenset()


def _score(family: str, given: str, printed: Printed) -> float:
    score = 0.0
    if family in family_names():
        score += 2.0
    if given in given_names():
        score += 1.0
    if not given:
        score -= 2.0
    if printed:
        if printed.family_ok(_family_reading(family)):
            score += 2.0
        if any(printed.given_ok(r) for r in _given_readings(given)):
            score += 1.5
    return score


def _shared(a: str, b: str) -> int:
    return sum(min(a.count(ch), b.count(ch)) for ch in set(a))


def _by_reading(seen: Sequence[str], accept: object, names: Sequence[str], size: int) -> str:
    """The listed name that agrees with the printed reading and shares most characters with
    what OCR saw (at least one; a tie is no answer)."""
    scored = sorted(
        ((sum(_shared(n, s) for s in seen), n) for n in names if accept(n)),  # type: ignore[operator]
        reverse=True,
    )
    scored = [(s, n) for s, n in scored if s > 0 and abs(len(n) - size) <= 1]
    if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return ""
    return scored[0][1]


def choose_name(readings: Sequence[tuple[str, float]], printed: Printed) -> tuple[str, str, float]:
    """(family, given, certainty 0..1) from the OCR readings of the name row."""
    cleaned = []
    for text, confidence in readings:
        kept = " ".join(_NOT_NAME.sub("", text).split())
        noise = len(text.replace(" ", "")) - len(kept.replace(" ", ""))
        if len(kept.replace(" ", "")) >= 2:
            cleaned.append((kept, confidence, noise))
    if not cleaned:
        return "", "", 0.0
    splits = [split_name(k) for k, _, _ in cleaned]
    family_votes = Counter(f for f, _ in splits)
    given_votes = Counter(g for _, g in splits)
    best: tuple[float, str, str] = (-99.0, "", "")
    for (family, given), (_, confidence, noise) in zip(splits, cleaned, strict=True):
        score = _score(family, given, printed) + confidence - 0.3 * noise
        score += 0.4 * (family_votes[family] - 1 + given_votes[given] - 1)
        if score > best[0]:
            best = (score, family, given)
    score, family, given = best
    if printed and not printed.family_ok(_family_reading(family)):
        seen = [split_name(k)[0] for k, _, _ in cleaned]
        found = _by_reading(
            seen,
            lambda n: printed.family_ok(family_names()[n]),
            list(family_names()),
            len(family),
        )
        if found:
            rest = [split_name(k)[1] for k, _, _ in cleaned]
            family, given = (
                found,
                Counter(r for r in rest if r).most_common(1)[0][0] if any(rest) else given,
            )
            score = _score(family, given, printed)
    if printed and given and not any(printed.given_ok(r) for r in _given_readings(given)):
        seen = [split_name(k)[1] for k, _, _ in cleaned]
        found = _by_reading(
            seen,
            lambda n: any(printed.given_ok(r) for r in given_names()[n]),
            list(given_names()),
            len(given),
        )
        if found:
            given = found
            score = _score(family, given, printed)
    certainty = max(0.3, min(0.95, 0.4 + score / 8))
    return family, given, certainty


def given_options(given: str, printed: Printed) -> tuple[str, ...]:
    """The listed given names that sound as the card prints, when the one read does not
    (萌 read as 彰 beside もえ, 颯太 as 六太 beside Sota), or with no printed reading the
    listed names of its length that share a character with a name no list knows (堀太):
    for the ink to choose among (services/card_ocr.py ``ink_choice``)."""
    if not given or (given in given_names() and not printed):
        return ()
    if not printed:  # a name no list knows, no reading printed: the listed ones like it
        return tuple(
            sorted(
                n
                for n in given_names()
                if len(n) == len(given) and (len(n) == 1 or _shared(n, given))
            )
        )[:60]
    if any(printed.given_ok(r) for r in _given_readings(given)):
        return ()
    return tuple(
        sorted(
            n
            for n, readings in given_names().items()
            if abs(len(n) - len(given)) <= 1 and any(printed.given_ok(r) for r in readings)
        )
    )[:8]


def given_reading(given: str) -> str:
    """A given name's reading: the list's when it has one, else a guess from the kanji."""
    listed = sorted(given_names().get(given, frozenset()))
    if listed:
        return listed[0]
    from kinmyaku.domain.readings import infer_reading

    return infer_reading(given)

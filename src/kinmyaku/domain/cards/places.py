"""The card's address and postal code checked against each other (Japan Post's list).

A postal code names its prefecture, city and town (〒150-0002: 東京都渋谷区渋谷).  When
the address read beside it spells them with a character or two misread (渋谷区小谷,
東京都生代田区, 大阪市北区株田) they are put right from the list; when the postal
code is unknown or names another place, a code one digit away whose place the address
spells exactly takes its place (a digit misread).  Nothing is changed when the two do not
nearly agree (a card may print another office's code, or no town at all).

The list itself is looked up by the caller (services/card_places.py): this module is pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """What one postal code names: 東京都, 渋谷区, 渋谷 (the town may be empty)."""

    prefecture: str
    city: str
    town: str = ""

    def spellings(self) -> tuple[str, ...]:
        """How an address may start: with its prefecture, or (often) without it."""
        whole = self.prefecture + self.city + self.town
        return (whole, self.city + self.town) if self.city else (whole,)


PlacesOf = Callable[[str], Sequence[Place]]
"""A postal code (123-4567) -> the places it names (none when unknown)."""
CodesOf = Callable[[str], Sequence[tuple[str, Place]]]
"""An address -> the postal codes (123-4567) whose place it starts with."""

_STREET = re.compile(r"[0-9〇一二三四五六七八九十\-ー－]|丁目|番地?|号|$")


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _allowed(spelling: str) -> int:
    """How many characters may differ: one, and one more for every six."""
    return max(1, len(spelling) // 6)


def _mended(address: str, spelling: str) -> tuple[int, str] | None:
    """(distance, the address with its head spelled as ``spelling``) when its head is the
    spelling with a few characters misread and the street part follows it; None if not."""
    size = len(spelling)
    best: tuple[int, str] | None = None
    for cut in (size, size - 1, size + 1):
        if cut < 2 or cut > len(address):
            continue
        head, rest = address[:cut], address[cut:]
        if head[-1] != spelling[-1] or not _STREET.match(rest):
            continue  # its last character (区, 谷, 栄) read right, the street number next
        distance = _distance(head, spelling)
        if distance <= _allowed(spelling) and (best is None or distance < best[0]):
            best = (distance, spelling + rest)
    return best


def mend_town(address: str, places: Sequence[Place]) -> str:
    """The address with its prefecture, city and town spelled as the postal code's place
    when OCR misread a character or two of them; unchanged when it already agrees with one
    place or nearly agrees with none."""
    compact = address.replace(" ", "")
    found: list[tuple[int, str]] = []
    for place in places:
        for spelling in place.spellings():
            if (
                spelling
                and compact.startswith(spelling)
                and _STREET.match(compact[len(spelling) :])
            ):
                return address
            mended = _mended(compact, spelling)
            if mended is not None:
                found.append(mended)
    if not found:
        return address
    found.sort()
    if len(found) > 1 and found[1][0] == found[0][0] and found[1][1] != found[0][1]:
        return address  # two places as near: no telling which
    return found[0][1]


def _digits_apart(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True)) if len(a) == len(b) else 99


def mend_postal_code(postal_code: str, address: str, codes: Sequence[tuple[str, Place]]) -> str:
    """A postal code read with one digit wrong put right: the one code one digit away whose
    place the address spells (``codes`` are those the address starts with)."""
    near = {code for code, _ in codes if _digits_apart(code, postal_code) == 1}
    return near.pop() if len(near) == 1 else postal_code


def check_address(
    postal_code: str, address: str, places_of: PlacesOf, codes_of: CodesOf
) -> tuple[str, str, bool]:
    """(postal code, address, whether either was put right) after checking them against
    each other: the town from the code, else the code from the town."""
    if not (postal_code and address):
        return postal_code, address, False
    places = places_of(postal_code)
    if places:
        mended = mend_town(address, places)
        if mended != address or _agrees(address, places):
            return postal_code, mended, mended != address
    code = mend_postal_code(postal_code, address, codes_of(address))
    return code, address, code != postal_code


def _agrees(address: str, places: Sequence[Place]) -> bool:
    compact = address.replace(" ", "")
    return any(compact.startswith(s) for p in places for s in p.spellings() if s)

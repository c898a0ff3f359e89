"""Blocking: which pairs are worth comparing, so that matching scales.

Comparing every pair of 100,000 people is 5 billion comparisons; two records of one person
nearly always share something exact: a phone, an e-mail, a profile URL, the sound of the
full name, the written name, or the family or given name's sound together with the
birthday or the postal code.  Each of those is a block key; only people who share a key
are compared.  A block larger than ``MAX_BLOCK`` (a company line, the sound of 佐藤 健 in
a very large address book) says too little to be worth its pairs and is left out: its
people still meet through their other keys.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Sequence

from kinmyaku.domain.identity.profile import Features

BlockKey = tuple[Hashable, ...]

MAX_BLOCK = 200
"""Blocks with more people than this are not paired (see the module's docstring)."""


def block_keys(feature: Features) -> tuple[BlockKey, ...]:
    """The block keys of one person (computed once, kept on the features)."""
    if feature.keys is None:
        feature.keys = tuple(dict.fromkeys(_block_keys(feature)))
    return feature.keys


def fresh_block_keys(feature: Features) -> tuple[BlockKey, ...]:
    """``block_keys`` made again, not kept on the features (a duplicates list over 100,000
    people keeps a hash of each, not the keys themselves)."""
    if feature.keys is not None:
        return feature.keys
    return tuple(dict.fromkeys(_block_keys(feature)))


def _block_keys(feature: Features) -> list[BlockKey]:
    keys: list[BlockKey] = []
    for name in feature.names:
        if name.family_sound and name.given_sound:
            keys.append(("n", name.full_sound))
        if name.written:
            keys.append(("w", name.written))
        for part, sound in (("f", name.family_sound), ("g", name.given_sound)):
            if not sound:
                continue
            if feature.birthday is not None:
                keys.append((part + "b", sound, feature.birthday))
            keys += [(part + "p", sound, code) for code in feature.postcodes]
    if feature.birthday is not None:
        keys.append(("b", feature.birthday))
    for code in feature.postcodes:
        keys += [("pa", code, word) for word in feature.address_words if len(word) >= 5]
    keys += [("p", phone) for phone in feature.phones]
    keys += [("e", email) for email in feature.emails]
    keys += [("s", skeleton) for skeleton in feature.skeletons]
    keys += [("u", url) for url in feature.urls]
    keys += [("a", address) for address in feature.addresses]
    if feature.digest and feature.named:
        keys.append(("d", feature.digest))
    return keys


def blocks(features: Iterable[Features]) -> dict[BlockKey, list[int]]:
    """Every block key with the positions of the people who have it."""
    found: dict[BlockKey, list[int]] = defaultdict(list)
    for position, feature in enumerate(features):
        for key in block_keys(feature):
            found[key].append(position)
    return found


def candidate_pairs(features: Sequence[Features]) -> Iterator[tuple[int, int]]:
    """Each pair of positions that share a block (of at most MAX_BLOCK people), once."""
    seen: set[tuple[int, int]] = set()
    for members in blocks(features).values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                pair = (first, second)
                if pair not in seen:
                    seen.add(pair)
                    yield pair

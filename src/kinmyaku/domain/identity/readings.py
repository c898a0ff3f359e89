"""Readings the user's own people show: how a kanji name is read when a card gives none.

An Eight card says 山本 大樹 with no reading; kinmyaku's guess from the kanji may be たいじゅ
while the person is "Daiki Yamamoto" on LinkedIn.  Other people's records, from the phone
or Google with the reading typed in (山本 大樹 / やまもと だいき, 横山 大樹 / よこやま だいき),
show how these kanji are read as names.  Each guessed name gets the readings its parts have
elsewhere as more forms of the name (still counted as guessed, ``sound_stated`` False), so
that "Daiki Yamamoto" can confirm one of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from itertools import product

from kinmyaku.domain.identity.profile import Features, NameForm
from kinmyaku.domain.names import is_kana

MAX_FORMS = 4
"""At most this many learned forms a name (a part read several ways by several people)."""


def _learned(features: Sequence[Features]) -> dict[tuple[str, str], set[str]]:
    """(part, written) -> the sounds people's stated readings give it ("f"/"g": family/given)."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for feature in features:
        for name in feature.names:
            if not name.sound_stated or name.latin:
                continue
            for part, written, sound in (
                ("f", name.family, name.family_sound),
                ("g", name.given, name.given_sound),
            ):
                if written and sound and not is_kana(written):
                    found[(part, written)].add(sound)
    return found


def _forms(name: NameForm, learned: dict[tuple[str, str], set[str]]) -> list[NameForm]:
    families = sorted(learned.get(("f", name.family), set()) | {name.family_sound} - {""})
    givens = sorted(learned.get(("g", name.given), set()) | {name.given_sound} - {""})
    forms = []
    for family, given in product(families or [""], givens or [""]):
        if (family, given) == (name.family_sound, name.given_sound) or not (family and given):
            continue
        forms.append(
            replace(
                name,
                family_sound=family,
                given_sound=given,
                full_sound="".join(sorted((family, given))),
            )
        )
    return forms[:MAX_FORMS]


def learn_readings(features: Sequence[Features]) -> int:
    """Give each name whose reading was guessed the readings other people's records state
    for its kanji (more ``names``); returns how many forms were added.  Call before
    blocking: the new forms are block keys too."""
    learned = _learned(features)
    added = 0
    for feature in features:
        extra: list[NameForm] = []
        for name in feature.names:
            if name.sound_stated or name.latin or not (name.family and name.given):
                continue
            extra += [f for f in _forms(name, learned) if f not in feature.names]
        if extra:
            feature.names.extend(dict.fromkeys(extra))
            feature.keys = None
            added += len(extra)
    return added

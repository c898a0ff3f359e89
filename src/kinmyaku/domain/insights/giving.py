"""Giving suggestions: what I could give a person, or whom I could introduce them to.

For a person's needs: my own offers that match (GIVE), and the offers of people I know
that match (INTRODUCE, via that person). For a relationship where I only give, the
reverse: their offers that match my needs (ASK). Matching is on normalised keywords
(see text.py). Ranking score:

    GIVE       match            (1.0 equal keywords, 0.5 one contains the other)
    INTRODUCE  match * (0.5 + 0.5 * strength_of_my_tie_to_them / 100)
    ASK        match

ties broken by kind (give first), then the connector's strength, then text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from kinmyaku.domain.insights.balance import OneSided, OneSidedFlag
from kinmyaku.domain.insights.explain import Explanation, explain
from kinmyaku.domain.insights.params import DEFAULT_PARAMS, InsightParams
from kinmyaku.domain.insights.text import keyword_match, keywords


class SuggestionKind(StrEnum):
    """What the suggestion asks me to do."""

    GIVE = "give"
    INTRODUCE = "introduce"
    ASK = "ask"


_KIND_ORDER = {SuggestionKind.GIVE: 0, SuggestionKind.INTRODUCE: 1, SuggestionKind.ASK: 2}


@dataclass(frozen=True, slots=True)
class Profile:
    """A person's offers and needs (free-text items) and my tie strength to them."""

    person_id: int
    name: str
    offers: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    strength: float = 0.0


@dataclass(frozen=True, slots=True)
class GivingSuggestion:
    """One thing to give, one introduction to make, or one thing to ask for."""

    kind: SuggestionKind
    offer: str
    need: str
    via_person_id: int | None
    score: float
    explanation: Explanation


class OfferIndex:
    """The offers of the people I know, by normalised keyword (build once, query often)."""

    def __init__(self, profiles: Iterable[Profile]) -> None:
        """Index every offer keyword of these profiles."""
        self._by_keyword: dict[str, list[tuple[Profile, str]]] = {}
        for profile in profiles:
            for keyword, item in keywords(profile.offers):
                self._by_keyword.setdefault(keyword, []).append((profile, item))

    def matching(self, need_keyword: str) -> list[tuple[Profile, str, float]]:
        """(profile, offer item, match) for every offer matching the need keyword."""
        found: list[tuple[Profile, str, float]] = []
        for keyword, offers in self._by_keyword.items():
            match = keyword_match(keyword, need_keyword)
            if match > 0:
                found.extend((profile, item, match) for profile, item in offers)
        return found


def _best(suggestions: Iterable[GivingSuggestion], limit: int) -> list[GivingSuggestion]:
    best: dict[tuple[SuggestionKind, int | None, str, str], GivingSuggestion] = {}
    for s in suggestions:
        key = (s.kind, s.via_person_id, s.offer, s.need)
        if key not in best or s.score > best[key].score:
            best[key] = s
    ranked = sorted(
        best.values(),
        key=lambda s: (-s.score, _KIND_ORDER[s.kind], s.via_person_id or 0, s.need, s.offer),
    )
    return ranked[:limit]


def _direct(
    kind: SuggestionKind, offers: Sequence[str], needs: Sequence[str], name: str
) -> Iterable[GivingSuggestion]:
    offer_keywords = keywords(offers)
    for need_keyword, need in keywords(needs):
        for offer_keyword, offer in offer_keywords:
            match = keyword_match(offer_keyword, need_keyword)
            if match > 0:
                key = "giving.offer" if kind is SuggestionKind.GIVE else "giving.ask"
                explanation = explain(key, offer=offer, need=need, name=name)
                yield GivingSuggestion(kind, offer, need, None, match, explanation)


def giving_suggestions(
    person: Profile,
    *,
    my_offers: Sequence[str],
    known: OfferIndex | Iterable[Profile] = (),
    params: InsightParams = DEFAULT_PARAMS,
) -> list[GivingSuggestion]:
    """What I could give this person: my matching offers, then introductions."""
    found = list(_direct(SuggestionKind.GIVE, my_offers, person.needs, person.name))
    index = known if isinstance(known, OfferIndex) else OfferIndex(known)
    for need_keyword, need in keywords(person.needs):
        for via, offer, match in index.matching(need_keyword):
            if via.person_id == person.person_id:
                continue
            score = match * (0.5 + 0.5 * min(100.0, max(0.0, via.strength)) / 100.0)
            explanation = explain(
                "giving.introduce", via=via.name, offer=offer, need=need, name=person.name
            )
            found.append(
                GivingSuggestion(
                    SuggestionKind.INTRODUCE, offer, need, via.person_id, score, explanation
                )
            )
    return _best(found, params.suggestion_limit)


def ask_suggestions(
    person: Profile, *, my_needs: Sequence[str], params: InsightParams = DEFAULT_PARAMS
) -> list[GivingSuggestion]:
    """What I could ask this person for: their offers that match my needs."""
    return _best(
        _direct(SuggestionKind.ASK, person.offers, my_needs, person.name),
        params.suggestion_limit,
    )


def suggestions_for_one_sided(
    flag: OneSidedFlag,
    *,
    person: Profile,
    my_offers: Sequence[str],
    my_needs: Sequence[str],
    known: OfferIndex | Iterable[Profile] = (),
    params: InsightParams = DEFAULT_PARAMS,
) -> list[GivingSuggestion]:
    """For only taking: what to give back; for only giving: what to ask for."""
    if flag.side is OneSided.TAKING:
        return giving_suggestions(person, my_offers=my_offers, known=known, params=params)
    return ask_suggestions(person, my_needs=my_needs, params=params)

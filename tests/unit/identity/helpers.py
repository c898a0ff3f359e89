"""Build profiles and score pairs the way the services do, without a database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from kinmyaku.domain.errors import ValidationError
from kinmyaku.domain.identity.profile import Features, Population, Profile, features
from kinmyaku.domain.identity.scoring import Model, compare
from kinmyaku.domain.readings import complete_readings
from kinmyaku.domain.validate import parse_phone, phone_digits

_ids = iter(range(1, 10**9))


def person(
    family: str,
    given: str = "",
    *,
    reading: tuple[str, str] | None = None,
    company: str | Sequence[str] = (),
    emails: Sequence[str] = (),
    phones: Sequence[str] = (),
    urls: Sequence[str] = (),
    addresses: Sequence[str] = (),
    birthday: date | None = None,
    named: bool = True,
    titles: Sequence[str] = (),
    books: Sequence[str] = (),
) -> Features:
    """A person's features, readings guessed from the kanji when not given (as kinmyaku does)."""
    family_r, given_r = reading or ("", "")
    family_r, given_r, inferred = complete_readings(family, given, family_r, given_r)
    companies = (company,) if isinstance(company, str) else tuple(company)
    return features(
        Profile(
            id=next(_ids),
            family=family,
            given=given,
            family_reading=family_r,
            given_reading=given_r,
            reading_inferred=inferred and reading is None,
            named=named,
            birthday=birthday,
            companies=tuple(c for c in companies if c),
            emails=tuple(e.lower() for e in emails),
            phones=tuple(_number(p) for p in phones),
            urls=tuple(urls),
            addresses=tuple(addresses),
            titles=tuple(titles),
            books=frozenset(books),
        )
    )


def _number(text: str) -> str:
    """A phone as an import stores it: E.164, or the digits when it is not a number."""
    try:
        return parse_phone(text)
    except ValidationError:
        return phone_digits(text)


def population(*people: Features, size: int = 1000) -> Population:
    """The population these people (and ``size`` others with nothing in common) make."""
    found = Population()
    for one in people:
        found.add(one)
    found.size = max(size, found.size)
    return found


def probability(a: Features, b: Features, *others: Features) -> float:
    """The engine's probability that ``a`` and ``b`` are one person, among ``others``."""
    pop = population(a, b, *others)
    score, _ = Model(size=pop.size).score(compare(a, b, pop))
    return score


def reasons(a: Features, b: Features, *others: Features) -> list[str]:
    """The message ids of the engine's reasons for the pair."""
    pop = population(a, b, *others)
    _, found = Model(size=pop.size).score(compare(a, b, pop))
    return [r.msgid for r in found]

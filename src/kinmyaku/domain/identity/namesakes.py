"""Namesakes at one company: whether a name at a company is known to be two people.

A LinkedIn row "Kenta Takahashi, Sample Inc." and an Eight card 高橋 健太 at 株式会社サンプル
share only a name and a company.  Whether that is one person depends on who else the user
knows: if every record of that name at that company agrees with the others (no two hold
different mobiles, different addresses at the company's domain, different personal
addresses, different birthdays or different profiles on one site), the name is one person
there; if two of them disagree, there are two people of that name at that company and a
record with nothing but the name and the company could be either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

from kinmyaku.domain.identity.keys import company_domain, skeletons_near
from kinmyaku.domain.identity.profile import Features, Population, company_sounds

MAX_GROUP = 40
"""A name at a company held by more records than this is taken to be several people."""

PARTS = 4
"""Parts of the companies ``find_namesakes`` groups one at a time (less memory at once)."""


def name_keys(feature: Features) -> set[str]:
    """The keys of a person's names (their sound, or their spelling when it has none)."""
    return {n.full_sound or n.written for n in feature.names if n.full_sound or n.written}


def company_keys(feature: Features, population: Population) -> set[str]:
    """A person's company keys, each company named in two scripts as one (learned, or by
    the sound of its name, as ``compare_companies`` takes them)."""
    aliases = population.company_aliases
    keys = {aliases.get(c, c) for c in feature.companies}
    return keys | {_sound_key(sound) for sound in company_sounds(feature)}


@lru_cache(maxsize=65536)
def _sound_key(sound: str) -> str:
    """A company sound as a key: one string for everyone at that company, not one each."""
    return "~" + sound


def _work(emails: Iterable[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for address in emails:
        domain = company_domain(address)
        if domain:
            found[domain].add(address)
    return found


def _free(feature: Features) -> set[str]:
    return {e for e in feature.emails if not company_domain(e)}


def conflict(a: Features, b: Features) -> bool:
    """Whether two records of one name cannot be one person: they hold nothing personal in
    common and disagree on something one person has only one of."""
    if a.mobiles & b.mobiles or a.emails & b.emails or a.urls & b.urls:
        return False
    if a.birthday is not None and a.birthday == b.birthday:
        return False
    if a.birthday is not None and b.birthday is not None:
        return True
    if a.mobiles and b.mobiles:
        return True
    sites_a = {u.rsplit("/", 1)[0] for u in a.urls}
    if sites_a & {u.rsplit("/", 1)[0] for u in b.urls}:
        return True
    near = skeletons_near(a.skeletons, b.skeletons)  # one address with a typo in it
    if near:
        return False
    work_a, work_b = _work(a.emails), _work(b.emails)
    if work_a.keys() & work_b.keys():
        return True
    free_a, free_b = _free(a), _free(b)
    return bool(free_a and free_b)


def comparable(a: Features, b: Features) -> bool:
    """Whether two records of one name could show two people: both hold something one
    person has only one of (a mobile, a birthday, a profile on one site, an address at one
    company's domain, a personal address), or they share a personal value.  An Eight card
    with a company address and a phone's entry with a gmail could be one person or two:
    they say nothing either way."""
    if a.mobiles & b.mobiles or a.emails & b.emails or a.urls & b.urls:
        return True
    if (a.birthday is not None and b.birthday is not None) or (a.mobiles and b.mobiles):
        return True
    if {u.rsplit("/", 1)[0] for u in a.urls} & {u.rsplit("/", 1)[0] for u in b.urls}:
        return True
    if skeletons_near(a.skeletons, b.skeletons) or _work(a.emails).keys() & _work(b.emails).keys():
        return True
    return bool(_free(a) and _free(b))


def find_namesakes(features: Sequence[Features], population: Population) -> int:
    """Mark in ``population`` each (name, company) held by records that disagree (two people
    of one name at one company), and each whose records could have disagreed and did not
    (``population.checked``); returns how many disagree.  Call after
    ``learn_company_aliases``."""
    found: set[tuple[str, str]] = set()
    checked: set[tuple[str, str]] = set()
    # The companies in PARTS parts, one at a time: a key is in one part, and its people
    # in the order read, so the groups are those of one pass, in a quarter of the memory.
    for part in range(PARTS):
        # A key held by one person (most) maps to that person, not to a list of one.
        groups: dict[tuple[str, str], Features | list[Features]] = {}
        for feature in features:
            companies = [c for c in company_keys(feature, population) if hash(c) % PARTS == part]
            if not companies:
                continue
            for name in name_keys(feature):
                for company in companies:
                    key = (name, company)
                    held = groups.setdefault(key, feature)
                    if held is feature:
                        continue
                    if isinstance(held, list):
                        held.append(feature)
                    else:
                        groups[key] = [held, feature]
        for key, members in groups.items():
            if not isinstance(members, list):
                continue
            if len(members) > MAX_GROUP or _disagree(members):
                found.add(key)
            elif _any_comparable(members):
                checked.add(key)
        del groups
    population.namesakes = frozenset(found)
    population.checked = frozenset(checked)
    return len(found)


def _any_comparable(members: Sequence[Features]) -> bool:
    return any(comparable(a, b) for i, a in enumerate(members) for b in members[i + 1 :])


def _disagree(members: Sequence[Features]) -> bool:
    return any(conflict(a, b) for i, a in enumerate(members) for b in members[i + 1 :])


def namesakes_checked(a: Features, b: Features, population: Population) -> bool:
    """Whether the records of the name of ``a`` or ``b`` at a company of either could have
    shown two people there (and did not: ask ``namesakes_known`` first)."""
    checked = population.checked
    if not checked:
        return False
    names = name_keys(a) | name_keys(b)
    companies = company_keys(a, population) | company_keys(b, population)
    return any((name, company) in checked for name in names for company in companies)


def namesakes_known(a: Features, b: Features, population: Population) -> bool | None:
    """Whether the name of ``a`` or ``b`` at a company of either is known to be two people
    (None: ``find_namesakes`` has not looked at these people)."""
    known = population.namesakes
    if known is None:
        return None
    names = name_keys(a) | name_keys(b)
    companies = company_keys(a, population) | company_keys(b, population)
    return any((name, company) in known for name in names for company in companies)

"""A person as matching sees them (``Profile``), and the comparable features drawn from it.

A profile holds what a person record says (names with readings and other names, companies,
e-mails, phones, URLs, addresses, birthday); ``features`` turns it into keys that compare
across scripts and spellings (``keys``).  Whether a phone, e-mail or address is shared by
several differently named people (a company line, info@, a family home) depends on the
whole population: ``Population`` counts it, and shared values are never identity evidence.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, fields
from datetime import date
from functools import lru_cache
from operator import attrgetter
from typing import Any

from kinmyaku.domain.identity.keys import (
    address_key,
    address_tokens,
    company_domain,
    company_key,
    company_sound,
    email_skeleton,
    is_mobile,
    is_placeholder_phone,
    is_role_email,
    phonetic_key,
    profile_url_key,
)
from kinmyaku.domain.identity.surnames import FAMILY_SHARES, GIVEN_SHARE
from kinmyaku.domain.names import fold_text, is_kana, is_latin, reading_romaji
from kinmyaku.domain.people import display_name

UNNAMED = "?"
"""The family name of a person imported from a card with no name at all."""

_NUMBER_CHARS = re.compile(r"[\s()+\-./]")
"""What a phone number is written with besides its digits."""


def contact_as_name(family: str) -> bool:
    """Whether a family name is a phone number or an e-mail address, not a name: a phone
    saves a contact with no name under its number (FN:090-1234-5678, while its TEL says
    09012345678), a mail app under its address."""
    text = family.strip()
    if "@" in text and " " not in text:
        return True
    digits = _NUMBER_CHARS.sub("", text if text.isascii() else unicodedata.normalize("NFKC", text))
    return len(digits) >= 5 and digits.isdigit()


def is_named(family: str, given: str, values: Collection[str]) -> bool:
    """False when a record had no name and took one from a company, e-mail or phone
    (``values``: its contact values, companies and nickname), or its name is a number or
    an address all the same (``contact_as_name``)."""
    if given:
        return True
    return family != UNNAMED and family not in values and not contact_as_name(family)


MIN_SIZE = 1000
"""The fewest people name frequencies and the prior are taken over (scoring.Model)."""

RAREST_NAME = 1e-6
"""The smallest chance name_frequency gives that someone else has a name."""

NameParts = tuple[str, str, str, str]


_GETTERS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def _fields_of(item: Any) -> tuple[Any, ...]:
    """A dataclass's field values in order: what its ``__reduce__`` sends."""
    getter = _GETTERS.get(type(item))
    if getter is None:
        # One attrgetter a class (dataclasses.fields a call cost a tenth of a helper's
        # per-card work in pickling alone).
        getter = _GETTERS[type(item)] = attrgetter(*(f.name for f in fields(item)))
    return getter(item)


"""(family, given, family reading, given reading)."""


@dataclass(slots=True)
class Profile:
    """What one person record says that can tell who they are."""

    def __reduce__(self) -> tuple[type[Profile], tuple[Any, ...]]:
        # Pickled as its values (an import's helpers send one a record): a slots
        # dataclass's own state functions cost twice as much to load.
        return Profile, _fields_of(self)

    id: int
    family: str
    given: str = ""
    family_reading: str = ""
    given_reading: str = ""
    reading_inferred: bool = False
    named: bool = True
    """False when the record had no name (it was made from a company, e-mail or phone)."""
    birthday: date | None = None
    companies: tuple[str, ...] = ()
    """Company names, the current one first."""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    """Normalized numbers (E.164 when valid, else the digits)."""
    urls: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    aliases: tuple[NameParts, ...] = ()
    """Other names the person is known by (旧姓, a romaji spelling, a merged record's)."""
    digest: str = ""
    """A fingerprint of the whole record as imported: the same card seen again."""
    form: NameForm | None = None
    """The main name's comparable form, when made ahead (an import's helper process)."""
    titles: tuple[str, ...] = ()
    """Job titles, the current job's first (課長代理, Assistant Manager)."""
    books: frozenset[str] = frozenset()
    """The address books (an import's file) the person's records came from."""

    def display_name(self) -> str:
        """The name as the app shows it: family first, but given first in Latin letters."""
        return display_name(self.family, self.given)


@dataclass(frozen=True, slots=True)
class NameForm:
    """One name in comparable keys: folded kanji/kana, and its sound in folded romaji."""

    def __reduce__(self) -> tuple[type[NameForm], tuple[Any, ...]]:
        # Pickled as its values (an import's helpers send one a record): a slots
        # dataclass's own state functions cost twice as much to load.
        return NameForm, _fields_of(self)

    family: str
    given: str
    family_sound: str
    given_sound: str
    sound_stated: bool
    """False when the sound comes from a reading kinmyaku guessed from the kanji."""
    latin: bool
    full_sound: str
    """The sound of the whole name, parts in a fixed order (for blocking and counts)."""
    written: str
    """The name as written, folded (empty for a romaji name: it has no kanji)."""


_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def _reading_sound(reading: str) -> str:
    """The sound key of a kana reading (names repeat: one look-up, not two)."""
    return phonetic_key.__wrapped__(reading_romaji(reading))  # cached here, not twice


def name_form(
    family: str, given: str, family_reading: str, given_reading: str, inferred: bool
) -> NameForm | None:
    """The comparable form of one name (``NameForm``), or None when it has no letters."""
    family, given = family.strip(), given.strip()
    latin = is_latin(family + given)
    if latin and not given and " " in family:
        family, given = _SPACE.split(family, maxsplit=1)
    if latin:
        family_sound, given_sound = phonetic_key(family), phonetic_key(given)
        stated = True
    elif family_reading or given_reading:
        family_sound = _reading_sound(family_reading) if family_reading else ""
        given_sound = _reading_sound(given_reading) if given_reading else ""
        stated = not inferred or is_kana(family + given)
    else:
        family_sound = given_sound = ""
        stated = False
    if not (family or given):
        return None
    folded_family, folded_given = fold_text(family), fold_text(given)
    return NameForm(
        folded_family,
        folded_given,
        family_sound,
        given_sound,
        stated,
        latin,
        # the two sounds in order (what "".join(sorted(...)) gives, without a list)
        family_sound + given_sound if family_sound <= given_sound else given_sound + family_sound,
        "" if latin else folded_family + "\x1f" + folded_given,
    )


_EMPTY: frozenset[str] = frozenset()
"""The empty set of every Features that lacks a kind of value (one object, shared)."""
_BLANK = frozenset({""})

_POSTCODE = re.compile(r"〒\s*([0-9０-９][0-9０-９\-‐－]*)")
_JAPANESE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")


def postcode_of(address: str) -> str:
    """The postcode of an address as imports write it (formats/postal.py), without hyphens.

    In Japan it follows the 〒 mark; abroad (``12 Main St, Sydney, NSW 2000, Australia``,
    no 〒) it is the words from the first with a digit in the last part after the first
    that has one: ``2000``, ``94043``, ``nw16xe`` (lower case, no spaces).
    """
    found = _POSTCODE.search(address)
    if found is not None:
        return found.group(1).replace("-", "")
    if "," not in address or _JAPANESE_SCRIPT.search(address) is not None:
        return ""
    for part in reversed(address.split(",")[1:]):
        words = part.split()
        for index, word in enumerate(words):
            if any(char.isdigit() for char in word):
                return "".join(words[index:]).replace("-", "").lower()
    return ""


@dataclass(slots=True)
class Features:
    """A profile's comparable keys (shared values are still in; ``Population`` says which)."""

    def __reduce__(self) -> tuple[type[Features], tuple[Any, ...]]:
        # Pickled as its values (an import's helpers send one a record): a slots
        # dataclass's own state functions cost twice as much to load.
        return Features, _fields_of(self)

    id: int
    names: list[NameForm]
    named: bool
    companies: frozenset[str]
    current_company: str
    domains: frozenset[str]
    emails: frozenset[str]
    """Personal addresses (not info@ and the like)."""
    skeletons: frozenset[str]
    phones: frozenset[str]
    """Real numbers (no placeholders)."""
    mobiles: frozenset[str]
    urls: frozenset[str]
    addresses: frozenset[str]
    address_words: frozenset[str]
    postcodes: frozenset[str]
    birthday: date | None
    digest: str
    profile: Profile = field(repr=False)
    holder: str = ""
    """Who holds this person's values (``holder_key``), computed once."""
    keys: tuple[tuple[object, ...], ...] | None = None
    """Its block keys (``blocking.block_keys``), once computed."""
    sounds: frozenset[str] | None = None
    """Consonant keys of its company names (``company_sounds``), once asked for."""
    shown: str = ""
    """The name as shown (``scoring.shown_name``), once asked for."""


def company_sounds(feature: Features) -> frozenset[str]:
    """Consonant keys of katakana, kanji and Latin company names (サンプル = Sample), made
    when a comparison first asks: a kanji name's sound needs pykakasi's dictionaries."""
    if feature.sounds is None:
        feature.sounds = frozenset(k for k in map(company_sound, feature.profile.companies) if k)
    return feature.sounds


def features(profile: Profile) -> Features:
    """The comparable keys of a profile."""
    names = []
    main = profile.form or name_form(
        profile.family,
        profile.given,
        profile.family_reading,
        profile.given_reading,
        profile.reading_inferred,
    )
    if main is not None and profile.named:
        names.append(main)
    for family, given, family_r, given_r in profile.aliases:
        alias = name_form(family, given, family_r, given_r, not (family_r or given_r))
        if alias is not None and alias not in names:
            names.append(alias)
    # Plain loops, not comprehensions: a record has one or two of each, and a
    # comprehension's own frame costs more than its loop (an import makes one a record).
    companies: list[str] = []
    for company in profile.companies:
        if company.strip():
            companies.append(company_key(company))
    known = _EMPTY
    if companies:
        known = frozenset(companies)
        if "" in known:
            known = known - _BLANK
    # Most records have an e-mail, a phone or two and no URL nor address: what they lack
    # is one shared empty set, not a set built from an empty loop.
    emails = domains = skeletons = phones = mobiles = _EMPTY
    if profile.emails:
        personal: set[str] = set()
        company_domains: set[str] = set()
        for address in profile.emails:
            if address and not is_role_email(address):
                personal.add(address.lower())
            domain = company_domain(address)
            if domain:
                company_domains.add(domain)
        if personal:
            emails = frozenset(personal)
            skeletons = frozenset([email_skeleton(e) for e in emails])
        if company_domains:
            domains = frozenset(company_domains)
    if profile.phones:
        real: set[str] = set()
        for number in profile.phones:
            if number and not is_placeholder_phone(number):
                real.add(number)
        if real:
            phones = frozenset(real)
            mobile = [number for number in real if is_mobile(number)]
            if mobile:
                mobiles = frozenset(mobile)
    urls = addresses = words = postcodes = _EMPTY
    if profile.urls:
        urls = frozenset([k for k in map(profile_url_key, profile.urls) if k])
    if profile.addresses:
        written = [a for a in profile.addresses if a.strip()]
        found_words: set[str] = set()
        for address in written:
            found_words |= address_tokens(address)
        addresses = frozenset([address_key(a) for a in written])
        words = frozenset(found_words)
        postcodes = frozenset([code for a in written for code in [postcode_of(a)] if code])
    found = Features(
        id=profile.id,
        names=names,
        named=bool(names),
        companies=known,
        current_company=companies[0] if companies else "",
        domains=domains,
        emails=emails,
        skeletons=skeletons,
        phones=phones,
        mobiles=mobiles,
        urls=urls,
        addresses=addresses,
        address_words=words,
        postcodes=postcodes,
        birthday=profile.birthday,
        digest=profile.digest,
        profile=profile,
    )
    found.holder = holder_key(found)
    return found


def joined_features(known: Features, record: Features, merged: Profile) -> Features:
    """``features(merged)`` of a person ``known`` that a record joined (``merged``: the
    known profile with the record's values added, its companies first, the record's name
    as an alias), from the two features without reading every value again; the same
    result (an import joins thousands of records, and each read an address again)."""
    if not (known.named and known.profile.named):
        return features(merged)  # a name may appear: made afresh
    names = list(known.names)
    for family, given, family_r, given_r in merged.aliases[len(known.profile.aliases) :]:
        alias = name_form(family, given, family_r, given_r, not (family_r or given_r))
        if alias is not None and alias not in names:
            names.append(alias)
    current = known.current_company
    for company in record.profile.companies:
        if company.strip():
            current = company_key(company)
            break
    found = Features(
        id=merged.id,
        names=names,
        named=True,
        companies=known.companies | record.companies,
        current_company=current,
        domains=known.domains | record.domains,
        emails=known.emails | record.emails,
        skeletons=known.skeletons | record.skeletons,
        phones=known.phones | record.phones,
        mobiles=known.mobiles | record.mobiles,
        urls=known.urls | record.urls,
        addresses=known.addresses | record.addresses,
        address_words=known.address_words | record.address_words,
        postcodes=known.postcodes | record.postcodes,
        birthday=merged.birthday,
        digest=merged.digest,
        profile=merged,
    )
    found.holder = holder_key(found)
    return found


def holder_key(feature: Features) -> str:
    """Who holds a value, for telling one person's two records from two people: the sound
    of the main name (a romaji and a kanji spelling of one name give one key)."""
    if feature.holder:
        return feature.holder
    if not feature.names:
        return f"#{feature.id}"
    name = feature.names[0]
    return name.full_sound or name.written or f"#{feature.id}"


@dataclass
class Population:
    """How often names occur, and which values several differently named people hold."""

    size: int = 0
    name_counts: Counter[str] = field(default_factory=Counter)
    name_holders: dict[str, int | set[int]] = field(default_factory=dict)
    """Per name, the people with it: one id, or the set of them when several (a set for
    every name of 100,000 people was most of the population's memory)."""
    groups: dict[int, int] = field(default_factory=dict)
    """A person's group when records are known to be one person (``regroup``)."""
    holders: dict[str, dict[str, str | set[str]]] = field(default_factory=dict)
    """Per kind of value ("phone", "email", "address"), per value, who holds it
    (``holder_key``): one holder, or the set of them (at most 8) when several."""
    company_counts: Counter[str] = field(default_factory=Counter)
    part_counts: Counter[str] = field(default_factory=Counter)
    company_aliases: dict[str, str] = field(default_factory=dict)
    """Company keys the user's people show to be one company -> the key they share."""
    namesakes: frozenset[tuple[str, str]] | None = None
    """(name, company) keys known to be two people (``namesakes.find_namesakes``), or None
    when not looked at."""
    checked: frozenset[tuple[str, str]] = frozenset()
    """(name, company) keys whose records could have shown two people and did not: two of
    them hold values one person has only one of (``namesakes.find_namesakes``)."""
    expected: dict[str, frozenset[str]] = field(default_factory=dict)
    """Per kind of value (a mobile, a title), the address books whose people usually have
    one there (``absent.learn_expected``); empty when not looked at."""

    def add(self, feature: Features) -> None:
        """Count one more profile."""
        self.size += 1
        for name in feature.names[:1]:
            key = name.full_sound or name.written
            self.name_counts[key] += 1
            named = self.name_holders.get(key)
            if named is None:
                self.name_holders[key] = feature.id
            elif isinstance(named, int):
                if named != feature.id:
                    self.name_holders[key] = {named, feature.id}
            else:
                named.add(feature.id)
            self.part_counts["f" + (name.family_sound or name.family)] += 1
            self.part_counts["g" + (name.given_sound or name.given)] += 1
        who = holder_key(feature)
        for company in feature.companies:
            self.company_counts[company] += 1
        for kind, values in (
            ("phone", feature.phones),
            ("email", feature.emails),
            ("address", feature.addresses),
        ):
            if not values:
                continue
            table = self.holders.get(kind)
            if table is None:
                table = self.holders[kind] = {}
            for value in values:
                held = table.get(value)
                if held is None:
                    table[value] = who
                elif isinstance(held, str):
                    if held != who:
                        table[value] = {held, who}
                elif len(held) < 8:
                    held.add(who)

    def shared(self, kind: str, value: str) -> int:
        """How many differently named people hold ``value`` (2 or more: not identity evidence)."""
        table = self.holders.get(kind)
        held = table.get(value) if table is not None else None
        if held is None:
            return 0
        return 1 if isinstance(held, str) else len(held)

    def company_frequency(self, company: str) -> float:
        """The share of people who work or worked at a company (its key), as name_frequency."""
        return max(self.company_counts.get(company, 0), 1) / max(self.size, MIN_SIZE)

    def regroup(self, groups: dict[int, int]) -> set[str]:
        """Count names by person, not by record: ``groups`` maps a record to the group of
        records known to be one person (three records of 村田 直樹 are one 村田 直樹).
        Returns the names whose counts changed."""
        self.groups = groups
        changed = set()
        for key, holders in self.name_holders.items():
            if isinstance(holders, int) or not any(h in groups for h in holders):
                continue
            count = len({groups.get(h, h) for h in holders})
            if count != self.name_counts[key]:
                self.name_counts[key] = count
                changed.add(key)
        return changed

    def part_frequency(self, name: NameForm, part: str) -> float:
        """The chance that someone else has this family ("f") or given ("g") name: its share
        of the people, at least its share in Japan (``surnames``), over at least MIN_SIZE."""
        size = max(self.size, MIN_SIZE)
        if part == "f":
            key = name.family_sound or name.family
            share = max(self.part_counts.get("f" + key, 0), 1) / size
            return max(share, FAMILY_SHARES.get(name.family_sound, 0.0))
        key = name.given_sound or name.given
        return max(max(self.part_counts.get("g" + key, 0), 1) / size, GIVEN_SHARE)

    def name_frequency(self, name: NameForm, pair: tuple[int, int] = (0, 0)) -> float:
        """The chance that someone else has this name: the share of others with the whole
        name (two records of the pair itself left out), or the family name's share times
        the given name's, each at least its share in Japan (``surnames``): a name seen once
        says little about how rare it is.  Over at least MIN_SIZE people."""
        size = max(self.size, MIN_SIZE)
        key = name.full_sound or name.written
        held = self.name_holders.get(key)
        if held is None:
            own: set[int] = set()
        elif isinstance(held, int):
            own = {self.groups.get(i, i) for i in pair if i == held}
        else:
            own = {self.groups.get(i, i) for i in pair if i in held}
        others = self.name_counts.get(key, 0) - max(len(own), 2 if pair == (0, 0) else 0)
        family = self.part_frequency(name, "f")
        given = self.part_frequency(name, "g") if name.given else 1.0
        return max(others / size, family * given, RAREST_NAME)

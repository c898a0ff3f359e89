"""Rows about one demo person: name, contact points, tags, jobs, purpose, first meeting.

Names, readings, romaji and the sort key are computed exactly as ``add_person`` stores
them, so a demo person cannot be told from one typed in by hand.  E-mail addresses use
the reserved ``.example`` domains (RFC 2606) and are stored already normalised.
"""

from __future__ import annotations

import random
import re
from datetime import date, datetime, time

from kinmyaku.domain.demo import phrases as ph
from kinmyaku.domain.demo.activity import Rows
from kinmyaku.domain.demo.companies import (
    COMPANIES,
    DEPARTMENTS,
    GENERAL_DEPARTMENTS,
    GENERAL_TITLES,
    TITLES,
)
from kinmyaku.domain.demo.draw import Weighted, below, between, choose, pick, randint, sample
from kinmyaku.domain.demo.names import (
    FEMALE_GIVEN,
    FOREIGN_NAMES,
    FOREIGN_SHARE,
    MALE_GIVEN,
    SURNAMES,
    NamePart,
)
from kinmyaku.domain.demo.shape import DemoPerson, Tier
from kinmyaku.domain.model import Channel, ContactKind, Industry, PurposeCategory
from kinmyaku.domain.names import fold_text, kana_to_romaji, romaji_key, strip_marks
from kinmyaku.domain.search_keys import PersonKeys

FAMILY: Weighted[NamePart] = Weighted(SURNAMES, [p.weight for p in SURNAMES])
MALE: Weighted[NamePart] = Weighted(MALE_GIVEN, [p.weight for p in MALE_GIVEN])
FEMALE: Weighted[NamePart] = Weighted(FEMALE_GIVEN, [p.weight for p in FEMALE_GIVEN])
# Origins of non-Japanese names: English-speaking, Korean and Chinese names are commoner.
ORIGINS = Weighted(list(range(len(FOREIGN_NAMES))), [3, 2, 2] + [1] * (len(FOREIGN_NAMES) - 3))

TITLE_DRAWS: dict[Industry, Weighted[str]] = {
    industry: Weighted.of(list(TITLES.get(industry, GENERAL_TITLES))) for industry in Industry
}
PURPOSE_CATEGORIES: Weighted[PurposeCategory] = Weighted.of(
    [
        (PurposeCategory.PEER, 5),
        (PurposeCategory.MENTOR, 3),
        (PurposeCategory.PARTNER, 3),
        (PurposeCategory.FRIEND, 2),
        (PurposeCategory.LEARN, 3),
        (PurposeCategory.CLIENT, 2),
        (PurposeCategory.HIRE, 1),
        (PurposeCategory.OTHER, 0.5),
    ]
)
WANTED = (
    PurposeCategory.PARTNER,
    PurposeCategory.LEARN,
    PurposeCategory.CLIENT,
    PurposeCategory.HIRE,
)
PERSONAL_DOMAINS = ("example.com", "example.net", "example.org")

# Chances by tier: (work e-mail, personal e-mail, mobile, office phone, tag, notes).
CONTACT_CHANCES: dict[Tier, tuple[float, float, float, float, float, float]] = {
    Tier.NOT_MET: (0.2, 0.0, 0.1, 0.0, 0.3, 0.2),
    Tier.STRONG: (0.95, 0.5, 0.95, 0.3, 0.8, 0.6),
    Tier.REGULAR: (0.9, 0.2, 0.8, 0.25, 0.7, 0.4),
    Tier.ONE_SIDED: (0.85, 0.05, 0.6, 0.2, 0.4, 0.2),
    Tier.FORGOTTEN: (0.85, 0.0, 0.5, 0.25, 0.1, 0.0),
    Tier.WEAK: (0.85, 0.05, 0.6, 0.2, 0.3, 0.15),
}


def draw_name(rng: random.Random) -> tuple[str, str, str, str, bool]:
    """(family, given, family reading, given reading, is Latin) of a new person."""
    if rng.random() < FOREIGN_SHARE:
        families, givens = FOREIGN_NAMES[ORIGINS.draw(rng)]
        return choose(rng, families), choose(rng, givens), "", "", True
    family = FAMILY.draw(rng)
    given = (MALE if rng.random() < 0.5 else FEMALE).draw(rng)
    return family.text, given.text, family.reading, given.reading, False


def _ascii(text: str) -> str:
    return re.sub(r"[^a-z]", "", strip_marks(text).lower())


def romaji_of(person: DemoPerson) -> str:
    """The romaji stored for a person (as add_person derives it): 'Takahashi Kenta'."""
    if person.latin:
        return person.name
    parts = (person.family_reading, person.given_reading)
    return " ".join(kana_to_romaji(p).capitalize() for p in parts if p)


def sort_key_of(person: DemoPerson) -> str:
    """The あいうえお sort key (as add_person derives it)."""
    reading = person.family_reading + person.given_reading
    return fold_text(reading or (person.family + person.given))[:200]


class PersonRows:
    """Writes the rows about each person into the row lists."""

    def __init__(self, rng: random.Random, today: date, rows: Rows) -> None:
        self.rng = rng
        self.today = today.toordinal()
        self.rows = rows

    def write(self, person: DemoPerson) -> PersonKeys:
        """The person's row, tags, contact points, jobs and purpose; returns search keys."""
        rng = self.rng
        work_mail, own_mail, mobile, office, tagged, noted = CONTACT_CHANCES[person.tier]
        close = person.tier in (Tier.STRONG, Tier.REGULAR)
        entered = datetime.combine(
            date.fromordinal(person.met_on), time(randint(rng, 9, 22), below(rng, 60))
        )
        birthday = None
        if rng.random() < (0.4 if person.tier is Tier.STRONG else 0.1):
            birthday = date.fromordinal(date(1965, 1, 1).toordinal() + below(rng, 36 * 365))
        self.rows["people"].append(
            (
                person.id,
                person.family,
                person.given,
                person.family_reading,
                person.given_reading,
                False,
                romaji_of(person),
                "",
                None,
                birthday,
                pick(rng, ph.NOTES) if rng.random() < noted else "",
                self._skills(0.6 if close else 0.4),
                self._skills(0.5 if close else 0.3),
                person.tier is not Tier.NOT_MET,
                sort_key_of(person),
                entered,
                entered,
            )
        )
        emails = self._emails(person, work_mail, own_mail)
        phones = self._phones(person, mobile, office)
        tags = self._tags(person, tagged)
        self._jobs(person)
        self._purpose(person)
        return PersonKeys(
            family_name=person.family,
            given_name=person.given,
            family_reading=person.family_reading,
            given_reading=person.given_reading,
            romaji=romaji_of(person),
            emails=tuple(emails),
            phones=tuple(phones),
            tags=tuple(tags),
        )

    def _skills(self, chance: float) -> str:
        if self.rng.random() >= chance:
            return ""
        return "、".join(sample(self.rng, ph.SKILLS, randint(self.rng, 1, 3)))

    def _emails(self, person: DemoPerson, work: float, own: float) -> list[str]:
        rng = self.rng
        if person.latin:
            family, given = _ascii(person.family), _ascii(person.given)
        else:
            family = romaji_key(kana_to_romaji(person.family_reading))
            given = romaji_key(kana_to_romaji(person.given_reading))
        found: list[tuple[str, str]] = []
        if rng.random() < work:
            forms = (
                f"{given}.{family}", f"{given[:1]}.{family}", f"{family}.{given}",
                f"{family}_{given}", f"{family}{given[:1]}",
            )  # fmt: skip
            local = choose(rng, forms)
            found.append((f"{local}@{COMPANIES[person.company].domain}", "work"))
        if rng.random() < own:
            number = randint(rng, 1, 99)
            domain = choose(rng, PERSONAL_DOMAINS)
            found.append((f"{given}.{family}{number}@{domain}", "home"))
        for value, label in found:
            self.rows["contact_points"].append(
                (person.id, ContactKind.EMAIL.value, label, value, value)
            )
        return [value for value, _ in found]

    def _phones(self, person: DemoPerson, mobile: float, office: float) -> list[str]:
        rng = self.rng
        found: list[str] = []
        points = self.rows["contact_points"]
        if rng.random() < mobile:
            if person.latin and rng.random() < 0.3:
                line = f"01{below(rng, 100):02d}"
                value, e164 = f"+1 415-555-{line}", f"+1415555{line}"
            else:
                prefix, a, b = choose(rng, "789"), below(rng, 10000), below(rng, 10000)
                value, e164 = f"0{prefix}0-{a:04d}-{b:04d}", f"+81{prefix}0{a:04d}{b:04d}"
            points.append((person.id, ContactKind.PHONE.value, "mobile", value, e164))
            found.append(value)
        if rng.random() < office:
            area, a, b = choose(rng, "36"), below(rng, 10000), below(rng, 10000)
            value, e164 = f"0{area}-{a:04d}-{b:04d}", f"+81{area}{a:04d}{b:04d}"
            points.append((person.id, ContactKind.PHONE.value, "work", value, e164))
            found.append(value)
        return found

    def _tags(self, person: DemoPerson, chance: float) -> list[str]:
        rng = self.rng
        tags: list[str] = []
        if person.tier is Tier.NOT_MET and rng.random() < 0.5:
            tags.append(ph.NOT_MET_TAG)
        if rng.random() < chance:
            count = randint(rng, 1, 3) if person.tier in (Tier.STRONG, Tier.REGULAR) else 1
            tags.extend(sample(rng, ph.TAGS, count))
        if person.channel is Channel.EVENT and rng.random() < 0.3:
            tags.append("異業種交流会")
        unique = list(dict.fromkeys(tags))
        self.rows["person_tags"].extend((person.id, tag) for tag in unique)
        return unique

    def _jobs(self, person: DemoPerson) -> None:
        rng = self.rng
        company = COMPANIES[person.company]
        if person.tier is not Tier.NOT_MET and rng.random() < 0.15:
            # Changed jobs after we met: the old job becomes history.
            start = between(rng, person.met_on, self.today)
            previous = below(rng, len(COMPANIES))
            self._job(person.id, previous, start - randint(rng, 365, 8 * 365), start)
        else:
            start = person.met_on - randint(rng, 30, 12 * 365)
        self._job(person.id, person.company, start, None, company.industry)

    def _job(
        self,
        person_id: int,
        company_index: int,
        start: int,
        end: int | None,
        industry: Industry | None = None,
    ) -> None:
        rng = self.rng
        industry = industry or COMPANIES[company_index].industry
        department = choose(rng, DEPARTMENTS.get(industry, GENERAL_DEPARTMENTS))
        self.rows["affiliations"].append(
            (
                person_id,
                company_index,  # the writer maps it to the organisation's id
                department,
                TITLE_DRAWS[industry].draw(rng),
                date.fromordinal(start),
                date.fromordinal(end) if end is not None else None,
                end is None,
            )
        )

    def _purpose(self, person: DemoPerson) -> None:
        rng = self.rng
        tier = person.tier
        if tier is Tier.STRONG and rng.random() < 0.9:
            category = PURPOSE_CATEGORIES.draw(rng)
            cadence: int | None = choose(rng, (14, 30, 30, 45, 60))
        elif tier is Tier.REGULAR and rng.random() < 0.5:
            category = PURPOSE_CATEGORIES.draw(rng)
            cadence = choose(rng, (60, 90, 90, 180)) if rng.random() < 0.8 else None
        elif tier is Tier.NOT_MET and rng.random() < 0.2:
            category, cadence = choose(rng, WANTED), None
        else:
            return
        self.rows["purposes"].append(
            (
                person.id,
                category.value,
                pick(rng, ph.PURPOSES[category]),
                pick(rng, ph.PURPOSE_OFFERS),
                cadence,
            )
        )

    def encounter(self, person: DemoPerson, event_place: str) -> None:
        """How and where we first met, with a memory cue unless the card is forgotten."""
        rng = self.rng
        tier = person.tier
        cue = ""
        if tier is not Tier.FORGOTTEN and rng.random() < (0.9 if tier is Tier.WEAK else 0.95):
            cue = "、".join(sample(rng, ph.MEMORY_CUES, randint(rng, 1, 2)))
        place = event_place or choose(rng, ph.PLACES_MET)
        channel = person.channel or Channel.OTHER
        introducer = person.introducer.id if person.introducer else None
        self.rows["encounters"].append(
            (person.id, date.fromordinal(person.met_on), channel.value, introducer,
             person.event_id, place, cue)
        )  # fmt: skip

"""A deterministic generator of one young professional's messy contact exports, with truth.

``generate(seed, people)`` draws a network of about ``people`` persons and returns what
four sources export of it, as files, with the true person behind every record:

- Eight (名刺 scans: the exact Eight CSV columns), LinkedIn (Connections.csv, with its
  notes preamble), Google Contacts (CSV) and the phone (iPhone vCard 3.0);
- what makes matching hard: every card of a company carries the same main line and fax,
  shared info@/sales@ boxes, family names drawn by real frequency (so namesakes abound,
  at the same company and at different ones), a father and son sharing a home line and
  address, job changes (new company, same mobile or personal e-mail), 旧姓 (new family
  name, same given name and contacts), kanji vs romaji (Hepburn, keyboard and Kunrei
  spellings, family name first or in capitals), 異体字 (髙橋/高橋), company name variants,
  typo'd e-mails, cards with only a company or only a phone number, missing, katakana
  or half-width readings, full-width digits.

Everything comes from ``random.Random(seed)``: the same seed gives the same files.
The records of a file are numbered from 1 in the order they appear, as the importer
numbers them (``provenance.record_no``).
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import export_files
from .japanese_companies import DEPARTMENTS, TITLES, Company, build_companies
from .japanese_names import (
    FAMILY,
    FATHERS,
    FEMALE,
    MALE,
    VARIANTS,
    Name,
    fold_name,
    romaji,
)

FILES = {
    "eight": "eight.csv",
    "linkedin": "Connections.csv",
    "google": "google.csv",
    "phone": "phone.vcf",
}
FORMATS = {"eight": "eight", "linkedin": "linkedin", "google": "google", "phone": "vcard"}
PERSONAL_DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "yahoo.co.jp", "icloud.com",
                    "docomo.ne.jp", "outlook.jp")  # fmt: skip

RecordKey = tuple[str, int]
"""(file name, record number from 1)."""


@dataclass
class Person:
    """One real person (or, with ``kind="company"``, a card holding only a company)."""

    pid: int
    family: str
    family_reading: str
    given: str
    given_reading: str
    female: bool
    company: Company | None
    department: str = ""
    title: str = ""
    kind: str = "person"
    mobile: str = ""
    personal_email: str = ""
    work_email: str = ""
    direct_line: str = ""
    linkedin: str = ""
    birthday: date | None = None
    card_family: str = ""
    """The family name as printed on their own card (髙橋 where others type 高橋)."""
    home_phone: str = ""
    home_address: tuple[str, str] = ("", "")
    past_company: Company | None = None
    past_work_email: str = ""
    maiden: tuple[str, str] | None = None
    """(family name, reading) before marriage: on the older records."""
    relatives: list[int] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    """What makes this person hard: namesake-same-company, job-change, name-change …"""

    @property
    def name(self) -> str:
        """The canonical name (family given), as the truth knows it."""
        return f"{self.family} {self.given}".strip()

    @property
    def folded(self) -> str:
        """The canonical name folded (width, spaces, 異体字): namesakes share it."""
        return fold_name(self.family + self.given)


@dataclass(frozen=True)
class Record:
    """One record of one export, the true person behind it, and what is odd about it."""

    file: str
    record_no: int
    pid: int
    source: str
    quirks: tuple[str, ...] = ()
    evidence: frozenset[str] = frozenset()
    """What identifies the person in it (``linkage``): personal phones, e-mails, URL, name
    at a company."""

    @property
    def key(self) -> RecordKey:
        """(file, record number)."""
        return (self.file, self.record_no)


@dataclass
class Dataset:
    """The four exports as text, every record's true person, and the persons."""

    seed: int
    people: dict[int, Person]
    records: list[Record]
    texts: dict[str, str]
    """File name → file content."""

    def truth(self) -> dict[RecordKey, int]:
        """Record → true person id."""
        return {record.key: record.pid for record in self.records}

    def true_pairs(self) -> set[tuple[RecordKey, RecordKey]]:
        """Every pair of records (sorted) that are the same person."""
        by_person: dict[int, list[RecordKey]] = {}
        for record in self.records:
            by_person.setdefault(record.pid, []).append(record.key)
        return {
            (a, b) if a < b else (b, a)
            for keys in by_person.values()
            for a, b in itertools.combinations(keys, 2)
        }

    def namesake_pairs(self) -> set[tuple[int, int]]:
        """Pairs of different persons (ids, sorted) with the same folded canonical name."""
        by_name: dict[str, list[int]] = {}
        for person in self.people.values():
            if person.kind == "person" and person.family and person.given:
                by_name.setdefault(person.folded, []).append(person.pid)
        return {
            (a, b) for pids in by_name.values() for a, b in itertools.combinations(sorted(pids), 2)
        }

    def write(self, folder: Path) -> dict[str, Path]:
        """Write the four files into ``folder``; return source → path."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = {}
        for source, name in FILES.items():
            path = folder / name
            encoding = "utf-8-sig" if source in ("eight", "google") else "utf-8"
            path.write_text(self.texts[name], encoding=encoding, newline="")
            paths[source] = path
        return paths


def _draw(rng: random.Random, names: tuple[Name, ...]) -> Name:
    return rng.choices(names, weights=[weight for _, _, weight in names])[0]


class _Numbers:
    """Unique phone numbers and e-mail addresses."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def mobile(self) -> str:
        while True:
            head = self.rng.choice(("090", "080", "070"))
            number = f"{head}-{self.rng.randrange(1000, 10000)}-{self.rng.randrange(10000):04d}"
            if number not in self.used:
                self.used.add(number)
                return number

    def landline(self, area: str) -> str:
        while True:
            number = f"{area}-{self.rng.randrange(1000, 10000)}-{self.rng.randrange(10000):04d}"
            if number not in self.used:
                self.used.add(number)
                return number

    def email(self, candidates: list[str]) -> str:
        for candidate in candidates:
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate
        local, _, domain = candidates[0].partition("@")
        for n in itertools.count(2):
            candidate = f"{local}{n}@{domain}"
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate
        raise AssertionError("unreachable")


def _person(rng: random.Random, pid: int, companies: list[Company]) -> Person:
    female = rng.random() < 0.4
    family, family_reading, _ = _draw(rng, FAMILY)
    given, given_reading, _ = _draw(rng, FEMALE if female else MALE)
    company = None
    if rng.random() < 0.93:
        company = rng.choices(companies, weights=[c.weight for c in companies])[0]
    return Person(pid, family, family_reading, given, given_reading, female, company)


def _copy_name(target: Person, source: Person) -> None:
    target.family, target.family_reading = source.family, source.family_reading
    target.given, target.given_reading = source.given, source.given_reading
    target.female = source.female


def _namesakes(rng: random.Random, persons: list[Person], count: int) -> None:
    """Give ``count`` persons the name of a colleague, and ``count`` that of a stranger."""
    with_company = [p for p in persons if p.company is not None and not p.tags]
    for _ in range(count):
        a = rng.choice(with_company)
        same = [p for p in with_company if p.company == a.company and p is not a and not p.tags]
        if same:
            b = rng.choice(same)
            _copy_name(b, a)
            a.tags.add("namesake-same-company")
            b.tags.add("namesake-same-company")
    for _ in range(count):
        a, b = rng.sample(with_company, 2)
        if a.company != b.company and not (a.tags or b.tags):
            _copy_name(b, a)
            a.tags.add("namesake-other-company")
            b.tags.add("namesake-other-company")


def _fathers(rng: random.Random, persons: list[Person], count: int) -> list[Person]:
    """Add fathers of ``count`` sons: same family name, home line and address."""
    sons = [p for p in persons if not p.female and not p.tags]
    added: list[Person] = []
    for son in rng.sample(sons, min(count, len(sons))):
        given, reading, _ = _draw(rng, FATHERS)
        father = Person(
            len(persons) + len(added) + 1, son.family, son.family_reading, given, reading,
            False, None, tags={"father"},
        )  # fmt: skip
        son.tags.add("son")
        son.relatives.append(father.pid)
        father.relatives.append(son.pid)
        added.append(father)
    return added


def _details(
    rng: random.Random, person: Person, numbers: _Numbers, companies: list[Company]
) -> None:
    """Contacts, titles, job and name history of one person."""
    family_r, given_r = romaji(person.family_reading).lower(), romaji(person.given_reading).lower()
    person.mobile = numbers.mobile() if rng.random() < 0.85 else ""
    domain = rng.choice(PERSONAL_DOMAINS)
    styles = [f"{given_r}.{family_r}", f"{given_r}{family_r}{rng.randrange(10, 99)}",
              f"{given_r[0]}{family_r}{rng.randrange(1970, 2001)}"]  # fmt: skip
    person.personal_email = numbers.email([f"{s}@{domain}" for s in styles])
    person.linkedin = numbers.email([f"{given_r}-{family_r}-{rng.randrange(16**6):06x}"])
    if rng.random() < 0.3:
        person.birthday = date(
            rng.randrange(1970, 2001), rng.randrange(1, 13), rng.randrange(1, 29)
        )
    if person.family in VARIANTS and rng.random() < 0.5:
        person.card_family = rng.choice(VARIANTS[person.family])
    if person.company is not None:
        person.department, person.title = rng.choice(DEPARTMENTS), rng.choice(TITLES)
        person.work_email = _work_email(rng, numbers, person, person.company)
        if rng.random() < 0.3:
            person.direct_line = numbers.landline(person.company.main_line.split("-")[0])
        if "father" not in person.tags and not person.tags & {"son"} and rng.random() < 0.09:
            others = [c for c in companies if c != person.company]
            person.past_company = rng.choice(others)
            person.past_work_email = _work_email(rng, numbers, person, person.past_company)
            person.tags.add("job-change")
            person.mobile = person.mobile or numbers.mobile()
    if person.female and not person.tags and rng.random() < 0.08:
        maiden, reading, _ = _draw(rng, FAMILY)
        if maiden != person.family:
            person.maiden = (maiden, reading)
            person.tags.add("name-change")
            person.mobile = person.mobile or numbers.mobile()


def _work_email(rng: random.Random, numbers: _Numbers, person: Person, company: Company) -> str:
    family_r, given_r = romaji(person.family_reading).lower(), romaji(person.given_reading).lower()
    locals_ = [f"{given_r}.{family_r}", f"{given_r[0]}-{family_r}", f"{family_r}"]
    return numbers.email([f"{local}@{company.domain}" for local in rng.sample(locals_, 3)])


def _homes(rng: random.Random, persons: dict[int, Person], numbers: _Numbers) -> None:
    """Fathers and sons share one home line and address."""
    for person in persons.values():
        if "father" in person.tags:
            home = numbers.landline(rng.choice(("03", "045", "048", "06")))
            postal = f"{rng.randrange(100, 999)}-{rng.randrange(10000):04d}"
            street = f"美しが丘{rng.randrange(1, 6)}-{rng.randrange(1, 30)}-{rng.randrange(1, 20)}"
            address = (postal, f"神奈川県横浜市青葉区{street}")
            for pid in (person.pid, *person.relatives):
                persons[pid].home_phone, persons[pid].home_address = home, address


def _same_reading_colleagues(persons: list[Person]) -> None:
    """Colleagues (now or before) whose names sound the same are namesakes to a matcher."""
    seen: dict[tuple[str, str], list[Person]] = {}
    for person in persons:
        readings = [person.family_reading + person.given_reading]
        if person.maiden:
            readings.append(person.maiden[1] + person.given_reading)
        for company in (person.company, person.past_company):
            for reading in readings:
                if company is not None:
                    seen.setdefault((reading, company.name), []).append(person)
    for group in seen.values():
        if len({p.pid for p in group}) > 1:
            for person in group:
                person.tags.add("namesake-same-company")


def _company_cards(companies: list[Company], start: int, count: int) -> list[Person]:
    """Cards that hold only a company (a reception card, the office saved in the phone)."""
    return [
        Person(start + i, "", "", "", "", False, company, kind="company", tags={"company-only"})
        for i, company in enumerate(companies[:count])
    ]


def generate(seed: int, people: int = 1000) -> Dataset:
    """Draw a network of about ``people`` persons and export it as four messy files."""
    rng = random.Random(seed)
    companies = build_companies(rng)
    numbers = _Numbers(rng)
    for company in companies:
        numbers.used.update((company.main_line, company.fax))
    fathers_count = max(2, people // 120)
    persons = [_person(rng, pid, companies) for pid in range(1, people - fathers_count + 1)]
    _namesakes(rng, persons, max(3, people // 80))
    persons += _fathers(rng, persons, fathers_count)
    for person in persons:
        _details(rng, person, numbers, companies)
    _same_reading_colleagues(persons)
    by_id = {p.pid: p for p in persons}
    _homes(rng, by_id, numbers)
    for card in _company_cards(companies, len(persons) + 1, max(2, people // 250)):
        by_id[card.pid] = card
    texts, rendered = export_files.render(rng, list(by_id.values()), FILES)
    records = [Record(*item) for item in rendered]
    return Dataset(seed, by_id, records, texts)

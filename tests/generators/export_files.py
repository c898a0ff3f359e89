"""Render generated persons as the four exports: Eight CSV, LinkedIn, Google CSV, phone vCard.

Each source sees a person its own way (see ``messy_exports``); ``render`` decides who
appears where and returns the file texts and, for every record in file order, its true
person and its quirks (``bad_email``: an e-mail no validator accepts; ``no_name``: a
card with no family or given name; ``typo_email``, ``wide_digits``, ``romaji`` …).
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from .japanese_companies import ROLE_BOXES, TITLES_EN, Company, company_name
from .japanese_names import katakana, romaji
from .linkage import Drawn, connect, evidence_key

if TYPE_CHECKING:
    from .messy_exports import Person

Row = dict[str, str]
Rendered = tuple[str, int, str, tuple[str, ...]]
"""(source, person id, text or row key, quirks) before numbering."""

EIGHT_COLUMNS = [
    "会社名", "部署名", "役職", "姓", "名", "e-mail", "郵便番号", "住所", "TEL会社", "TEL部門",
    "TEL直通", "Fax", "携帯電話", "URL", "名刺交換日", "取引先", "交流会2024",
]  # fmt: skip
LINKEDIN_COLUMNS = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position",
                    "Connected On"]  # fmt: skip
LINKEDIN_NOTES = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    "missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    'https://www.linkedin.com/help/linkedin/answer/261"\n\n'
)
GOOGLE_COLUMNS = [
    "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
    "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As",
    "Organization Name", "Organization Title", "Organization Department", "Birthday", "Notes",
    "Photo", "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label",
    "E-mail 2 - Value", "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label",
    "Phone 2 - Value", "Address 1 - Label", "Address 1 - Formatted", "Address 1 - Street",
    "Address 1 - City", "Address 1 - PO Box", "Address 1 - Region", "Address 1 - Postal Code",
    "Address 1 - Country", "Address 1 - Extended Address", "Website 1 - Label",
    "Website 1 - Value",
]  # fmt: skip
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def met_on(rng: random.Random, past: bool) -> date:
    """A card exchange date: 2016–2020 for a past job or name, 2021–2026 for the current one."""
    start = date(2016, 1, 1) if past else date(2021, 1, 1)
    return start + timedelta(days=rng.randrange(5 * 365 if past else 5 * 365 + 300))


class Renderer:
    """Draws each source's view of a person; remembers the quirks of the record at hand."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.quirks: list[str] = []
        self.keys: set[str] = set()
        self.dept_lines: dict[tuple[str, str], str] = {}
        self.role_box: dict[str, str] = {}

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return self.rng.random() < p

    def key(self, kind: str, value: str) -> None:
        """Note a personal e-mail, phone or URL the record carries (identity evidence)."""
        if value:
            self.keys.add(evidence_key(kind, value))

    def name_at(self, person: Person, reading: str, company: Company | None) -> None:
        """Note that the record names the person at a company (evidence, unless a colleague
        has the same name)."""
        if company is not None and "namesake-same-company" not in person.tags:
            self.keys.add(f"namecorp:{reading}|{company.name}")

    def phone(self, number: str, *, wide: float = 0.03) -> str:
        """A phone number as typed: hyphens or none, +81, now and then full-width digits."""
        if not number:
            return ""
        roll = self.rng.random()
        if roll < 0.15:
            number = number.replace("-", "")
        elif roll < 0.22:
            number = "+81 " + number[1:]
        if self.chance(wide):
            self.quirks.append("wide_digits")
            number = number.translate(WIDE)
        return number

    def email(self, address: str, *, typo: float = 0.04) -> str:
        """An e-mail address, now and then mistyped (doubled dot, swapped letters, gmial)."""
        if not address or not self.chance(typo):
            return address
        local, _, domain = address.partition("@")
        roll = self.rng.random()
        if roll < 0.3 and "." in local:
            self.quirks.append("bad_email")
            return local.replace(".", "..", 1) + "@" + domain
        if roll < 0.5 and domain == "gmail.com":
            self.quirks.append("typo_email")
            return local + "@gmial.com"
        i = self.rng.randrange(len(local) - 1) if len(local) > 2 else 0
        if len(local) > 2 and local[i] != local[i + 1]:
            self.quirks.append("typo_email")
            local = local[:i] + local[i + 1] + local[i] + local[i + 2 :]
        return local + "@" + domain

    def dept_line(self, company: Company, department: str) -> str:
        """The department's line, shared by everyone of that department."""
        key = (company.name, department)
        if key not in self.dept_lines:
            main = company.main_line
            self.dept_lines[key] = (
                f"{main[:-4]}{(int(main[-4:]) + 10 * len(self.dept_lines)) % 10000:04d}"
            )
        return self.dept_lines[key]

    def work_address(self, person: Person, company: Company, current: bool) -> str:
        """The e-mail on a card: the person's, or the company's shared info@/sales@ box."""
        if company.name not in self.role_box:
            self.role_box[company.name] = f"{self.rng.choice(ROLE_BOXES)}@{company.domain}"
        roll = self.rng.random()
        if roll < 0.12:
            self.quirks.append("role_email")
            return self.role_box[company.name]
        if roll < 0.17:
            return ""
        return self.email(person.work_email if current else person.past_work_email)

    # -- the four sources -------------------------------------------------------------

    def eight(self, person: Person, *, past: bool = False) -> Row:
        """A scanned business card (Eight): kanji names, no readings, the company's lines."""
        company = person.past_company if past and person.past_company else person.company
        assert company is not None
        row = dict.fromkeys(EIGHT_COLUMNS, "")
        row["会社名"] = company_name(self.rng, company, "eight")
        row["TEL会社"] = self.phone(company.main_line) if self.chance(0.92) else ""
        row["Fax"] = self.phone(company.fax) if self.chance(0.75) else ""
        row["郵便番号"], row["住所"] = company.postal_code, company.address
        row["URL"] = f"https://www.{company.domain}/" if self.chance(0.5) else ""
        row["名刺交換日"] = met_on(self.rng, past).strftime("%Y/%m/%d")
        if person.kind == "company":
            self.quirks.append("no_name")
            return row
        family = person.maiden[0] if past and person.maiden else person.card_family or person.family
        row["姓"], row["名"] = family, person.given
        row["部署名"], row["役職"] = person.department, person.title
        row["e-mail"] = self.work_address(person, company, current=not past)
        row["TEL部門"] = (
            self.phone(self.dept_line(company, person.department)) if self.chance(0.3) else ""
        )
        row["TEL直通"] = self.phone(person.direct_line) if not past else ""
        must_mobile = bool(person.tags & {"job-change", "name-change"})
        row["携帯電話"] = self.phone(person.mobile) if must_mobile or self.chance(0.45) else ""
        for value in (row["携帯電話"], row["TEL直通"]):
            self.key("phone", value)
        if row["e-mail"] != self.role_box[company.name]:
            self.key("email", row["e-mail"])
        family_reading = person.maiden[1] if past and person.maiden else person.family_reading
        self.name_at(person, family_reading + person.given_reading, company)
        row["取引先"] = "1" if self.chance(0.3) else ""
        row["交流会2024"] = "1" if self.chance(0.1) else ""
        return row

    def linkedin(self, person: Person) -> Row:
        """A LinkedIn connection: romaji (or kanji) names, English company, rarely an e-mail."""
        family_reading, given_reading = person.family_reading, person.given_reading
        roll = self.rng.random()
        style = "hepburn" if roll < 0.7 else "wapuro" if roll < 0.8 else "kunrei"
        first, last = romaji(given_reading, style), romaji(family_reading, style)
        roll = self.rng.random()
        if roll < 0.12:
            first, last = person.given, person.family
        elif roll < 0.22:
            last = last.upper()
            self.quirks.append("romaji")
        elif roll < 0.28:
            first, last = last.upper(), first  # family name first, in the First Name field
            self.quirks.append("romaji_swapped")
        else:
            self.quirks.append("romaji")
        if style == "kunrei":
            self.quirks.append("kunrei")
        when = met_on(self.rng, False)
        company = person.company
        title = TITLES_EN.get(person.title, person.title) if self.chance(0.7) else person.title
        email = self.email(person.personal_email) if self.chance(0.2) else ""
        self.key("email", email)
        self.key("url", person.linkedin)
        self.name_at(person, family_reading + given_reading, company)
        return {
            "First Name": first,
            "Last Name": last,
            "URL": f"https://www.linkedin.com/in/{person.linkedin}",
            "Email Address": email,
            "Company": company_name(self.rng, company, "linkedin") if company else "",
            "Position": title,
            "Connected On": f"{when.day:02d} {MONTHS[when.month - 1]} {when.year}",
        }

    def reading(self, reading: str, kind: float) -> str:
        """A reading as a phone or Google holds it: hiragana, katakana or half-width."""
        if kind < 0.55:
            return reading
        if kind < 0.8:
            return katakana(reading)
        self.quirks.append("half_width_reading")
        return katakana(reading, half_width=True)

    def google(self, person: Person) -> Row:
        """A Google contact: kanji names, readings of any kind or none, personal contacts."""
        row = dict.fromkeys(GOOGLE_COLUMNS, "")
        row["Labels"] = "* myContacts"
        if self.chance(0.04):  # saved from an e-mail: only the address
            self.quirks.append("no_name")
            row["E-mail 1 - Label"], row["E-mail 1 - Value"] = "* Other", person.personal_email
            self.key("email", person.personal_email)
            return row
        row["First Name"], row["Last Name"] = person.given, person.family
        kind = self.rng.random()
        if kind < 0.75:
            row["Phonetic First Name"] = self.reading(person.given_reading, kind / 0.75 * 0.9)
            row["Phonetic Last Name"] = self.reading(person.family_reading, kind / 0.75 * 0.9)
        else:
            self.quirks.append("no_reading")
        if person.company is not None:
            row["Organization Name"] = company_name(self.rng, person.company, "google")
            row["Organization Title"] = person.title
            self.name_at(person, person.family_reading + person.given_reading, person.company)
        row["E-mail 1 - Label"], row["E-mail 1 - Value"] = (
            "* Home",
            self.email(person.personal_email),
        )
        if person.company is not None and person.work_email and self.chance(0.35):
            row["E-mail 2 - Label"] = "Work"
            row["E-mail 2 - Value"] = self.work_address(person, person.company, True)
        if person.mobile:
            row["Phone 1 - Label"], row["Phone 1 - Value"] = "Mobile", self.phone(person.mobile)
        self.key("phone", row["Phone 1 - Value"])
        self.key("email", row["E-mail 1 - Value"])
        if row["E-mail 2 - Value"] not in self.role_box.values():
            self.key("email", row["E-mail 2 - Value"])
        if person.home_phone and self.chance(0.8):
            row["Phone 2 - Label"], row["Phone 2 - Value"] = "Home", self.phone(person.home_phone)
            postal, address = person.home_address
            row["Address 1 - Label"], row["Address 1 - Formatted"] = "Home", f"{address}\n{postal}"
            row["Address 1 - Postal Code"], row["Address 1 - Street"] = postal, address
        elif person.company is not None and self.chance(0.15):
            row["Phone 2 - Label"], row["Phone 2 - Value"] = (
                "Work",
                self.phone(person.company.main_line),
            )
        if person.birthday is not None and self.chance(0.5):
            row["Birthday"] = person.birthday.isoformat()
        return row

    def phone_card(self, person: Person) -> list[str]:
        """A phone contact (iPhone vCard 3.0): kanji, katakana only, a nickname or a number."""
        lines = ["BEGIN:VCARD", "VERSION:3.0", "PRODID:-//Apple Inc.//iPhone OS 17.4//EN"]
        if person.kind == "company":
            assert person.company is not None
            name = company_name(self.rng, person.company, "phone")
            main = self.phone(person.company.main_line)
            lines += ["N:;;;;", f"FN:{name}", f"ORG:{name};", "X-ABShowAs:COMPANY"]
            lines.append(f"TEL;type=WORK;type=pref:{main}")
            self.quirks.append("no_name")
            return lines
        roll = self.rng.random()
        if roll < 0.02 and person.mobile:  # saved with no name at all
            self.quirks.append("no_name")
            lines += ["N:;;;;", f"FN:{person.mobile}"]
        elif roll < 0.1:
            nick = person.given_reading[:2] + ("ちゃん" if person.female else "くん")
            self.quirks.append("no_name")
            lines += ["N:;;;;", f"FN:{nick}", f"NICKNAME:{nick}"]
        elif roll < 0.25:
            family, given = katakana(person.family_reading), katakana(person.given_reading)
            self.quirks.append("katakana_name")
            lines += [f"N:{family};{given};;;", f"FN:{family} {given}"]
            if person.company is not None and self.chance(0.5):
                lines.append(f"ORG:{company_name(self.rng, person.company, 'phone')};")
                self.name_at(person, person.family_reading + person.given_reading, person.company)
        else:
            lines += [f"N:{person.family};{person.given};;;", f"FN:{person.family} {person.given}"]
            if self.chance(0.7):
                kind = self.rng.random() * 0.8
                lines.append(f"X-PHONETIC-LAST-NAME:{self.reading(person.family_reading, kind)}")
                lines.append(f"X-PHONETIC-FIRST-NAME:{self.reading(person.given_reading, kind)}")
            else:
                self.quirks.append("no_reading")
            if person.company is not None and self.chance(0.6):
                lines.append(f"ORG:{company_name(self.rng, person.company, 'phone')};")
                self.name_at(person, person.family_reading + person.given_reading, person.company)
        if person.mobile:
            mobile = self.phone(person.mobile, wide=0.06)
            lines.append(f"TEL;type=CELL;type=VOICE;type=pref:{mobile}")
            self.key("phone", mobile)
        if person.home_phone:
            lines.append(f"TEL;type=HOME;type=VOICE:{self.phone(person.home_phone)}")
            postal, address = person.home_address
            lines.append(f"item1.ADR;type=HOME;type=pref:;;{address};;;{postal};日本")
        if person.personal_email and (not person.mobile or self.chance(0.4)):
            email = self.email(person.personal_email)
            lines.append(f"EMAIL;type=INTERNET;type=HOME:{email}")
            self.key("email", email)
        return lines


def appearances(rng: random.Random, person: Person) -> list[tuple[str, bool]]:
    """Where a person appears: (source, past?) pairs, at least one."""
    if person.kind == "company":
        return [("eight", False)] if person.pid % 2 else [("phone", False)]
    found: list[tuple[str, bool]] = []
    has_company = person.company is not None
    if has_company and rng.random() < 0.6:
        found.append(("eight", False))
        if rng.random() < 0.04:  # a second card: a promotion, a new department
            found.append(("eight", False))
    if person.tags & {"job-change", "name-change"} and has_company:
        found.append(("eight", True))
        found.append(("phone", False))
    for source, chance in (("linkedin", 0.4 if has_company else 0.15), ("google", 0.3),
                           ("phone", 0.35 if has_company else 0.7)):  # fmt: skip
        if rng.random() < chance and (source, False) not in found:
            found.append((source, False))
    if person.tags & {"son", "father"} and ("phone", False) not in found:
        found.append(("phone", False))
    return found or [("google", False)]


def _csv(columns: list[str], rows: list[Row], head: str = "") -> str:
    out = io.StringIO()
    out.write(head)
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _linkedin_order(row: Row) -> tuple[int, int, int]:
    day, month, year = row["Connected On"].split()
    return int(year), MONTHS.index(month), int(day)


def render(
    rng: random.Random, persons: list[Person], files: dict[str, str]
) -> tuple[dict[str, str], list[tuple[str, int, int, str, tuple[str, ...], frozenset[str]]]]:
    """The four file texts and, per record in file order, (file, record_no, pid, source,
    quirks, evidence keys)."""
    out = Renderer(rng)
    drawn: dict[str, list[Drawn]] = {"eight": [], "linkedin": [], "google": [], "phone": []}
    for person in persons:
        mine = []
        for source, past in appearances(rng, person):
            out.quirks, out.keys = [], set()
            if source == "eight":
                item: Row | list[str] = out.eight(person, past=past)
            elif source == "linkedin":
                item = out.linkedin(person)
            elif source == "google":
                item = out.google(person)
            else:
                item = out.phone_card(person)
            mine.append(Drawn(source, person.pid, item, out.quirks, out.keys))
        connect(person, mine)
        for one in mine:
            drawn[one.source].append(one)
    rng.shuffle(drawn["google"])
    rng.shuffle(drawn["phone"])
    drawn["eight"].sort(key=lambda d: d.row["名刺交換日"], reverse=True)
    drawn["linkedin"].sort(key=lambda d: _linkedin_order(d.row), reverse=True)
    columns = {"eight": EIGHT_COLUMNS, "linkedin": LINKEDIN_COLUMNS, "google": GOOGLE_COLUMNS}
    texts = {
        files[source]: _csv(
            columns[source],
            [d.row for d in drawn[source]],
            LINKEDIN_NOTES if source == "linkedin" else "",
        )
        for source in columns
    }
    texts[files["phone"]] = "".join(
        "\r\n".join([*d.lines, "END:VCARD"]) + "\r\n" for d in drawn["phone"]
    )
    records = [
        (files[source], number, d.pid, source, tuple(dict.fromkeys(d.quirks)), frozenset(d.keys))
        for source, items in drawn.items()
        for number, d in enumerate(items, start=1)
    ]
    return texts, records

"""Keep the truth fair: every record of a person can be linked to the others by evidence.

A record carries evidence keys: a personal phone (mobile, direct line), a personal or own
work e-mail, a LinkedIn URL, or the person's name (by its reading) at a company — unless a
colleague has the same name.  Company lines, faxes, role boxes, a home line shared with a
father, and a name alone are no evidence.  When a person's records fall into groups that
share no key (a LinkedIn profile with no e-mail, a phone entry under a nickname), the
generator writes the person's mobile or personal e-mail on one record of each group, as
such records often do carry; so that a pair of records is a true pair only when a careful
matcher could find it, through a chain of records if not directly.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .messy_exports import Person


def evidence_key(kind: str, value: str) -> str:
    """A key for an e-mail, phone or URL: e-mails lower case, a phone's last 9 digits."""
    text = unicodedata.normalize("NFKC", value).strip().lower()
    if kind == "phone":
        return "phone:" + "".join(c for c in text if c.isdigit())[-9:]
    return f"{kind}:{text}"


@dataclass
class Drawn:
    """One record as drawn: a CSV row or a vCard's lines, its quirks and evidence keys."""

    source: str
    pid: int
    item: dict[str, str] | list[str]
    quirks: list[str] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)

    @property
    def row(self) -> dict[str, str]:
        """The CSV row (Eight, LinkedIn, Google)."""
        assert isinstance(self.item, dict)
        return self.item

    @property
    def lines(self) -> list[str]:
        """The vCard lines, END:VCARD excluded (phone)."""
        assert isinstance(self.item, list)
        return self.item


def groups(records: list[Drawn]) -> list[list[Drawn]]:
    """The records in groups linked by shared keys (directly or through others)."""
    parent = list(range(len(records)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, record in enumerate(records):
        for key in record.keys:
            if key in owner:
                parent[root(i)] = root(owner[key])
            else:
                owner[key] = i
    found: dict[int, list[Drawn]] = {}
    for i, record in enumerate(records):
        found.setdefault(root(i), []).append(record)
    return list(found.values())


_MOBILE_COLUMN = {"eight": "携帯電話", "google": "Phone 1 - Value"}
_EMAIL_COLUMN = {"eight": "e-mail", "linkedin": "Email Address", "google": "E-mail 1 - Value"}


def add_mobile(record: Drawn, person: Person) -> None:
    """Write the person's mobile on the record (not on LinkedIn, which has no phone)."""
    if record.source == "phone":
        record.lines.append(f"TEL;type=CELL;type=VOICE:{person.mobile}")
    else:
        if record.source == "google":
            record.row["Phone 1 - Label"] = "Mobile"
        record.row[_MOBILE_COLUMN[record.source]] = person.mobile
    record.keys.add(evidence_key("phone", person.mobile))


def add_email(record: Drawn, person: Person) -> None:
    """Write the person's personal e-mail on the record."""
    if record.source == "phone":
        record.lines.append(f"EMAIL;type=INTERNET;type=HOME:{person.personal_email}")
    else:
        record.row[_EMAIL_COLUMN[record.source]] = person.personal_email
    record.keys.add(evidence_key("email", person.personal_email))


def connect(person: Person, records: list[Drawn]) -> None:
    """Link the person's groups of records by writing a mobile or e-mail on one of each."""
    found = groups(records)
    while len(found) > 1:
        first, other = found[0][0], found[1][0]
        linkedin = "linkedin" in (first.source, other.source)
        for record in (first, other):
            if person.mobile and not linkedin:
                add_mobile(record, person)
            else:
                add_email(record, person)
        found = groups(records)

"""A contact's fields as plain values (domain/field_merge.py), read from a card and made
into the edit that gives a person those values: shared by the CardDAV server's merge
(services/dav_merge.py) and the sync client (services/dav_client*.py).
"""

from __future__ import annotations

from datetime import date

from kinmyaku.domain.field_merge import Fields, Value
from kinmyaku.formats.postal import address_text
from kinmyaku.formats.records import ContactRecord
from kinmyaku.services.people import PersonInput

TEXTS = (
    "family_name",
    "given_name",
    "family_reading",
    "given_reading",
    "nickname",
    "organization",
    "organization_reading",
    "department",
    "title",
)


def fields_of(record: ContactRecord) -> dict[str, Value]:
    """A card's fields as plain values (what the three-way merge compares)."""
    found: dict[str, Value] = {name: str(getattr(record, name)) for name in TEXTS}
    found["birthday"] = record.birthday.isoformat() if record.birthday else ""
    found["emails"] = tuple(p.value for p in record.emails if p.value)
    found["phones"] = tuple(p.value for p in record.phones if p.value)
    found["urls"] = tuple(p.value for p in record.urls if p.value)
    found["addresses"] = tuple(t for a in record.addresses if (t := address_text(a)))
    return found


def text_of(fields: Fields, name: str) -> str:
    """A text field ("" when absent)."""
    value = fields.get(name, "")
    return value if isinstance(value, str) else ""


def list_of(fields: Fields, name: str) -> list[str]:
    """A list field (empty when absent)."""
    value = fields.get(name, ())
    return list(value) if isinstance(value, tuple) else []


def input_of(fields: Fields) -> PersonInput:
    """The edit that gives a person these fields (as the CardDAV server reads a card)."""
    family, given = text_of(fields, "family_name"), text_of(fields, "given_name")
    born = text_of(fields, "birthday")
    return PersonInput(
        family_name=family or given or text_of(fields, "nickname") or None,
        given_name=given if family else "",
        family_reading=text_of(fields, "family_reading"),
        given_reading=text_of(fields, "given_reading"),
        nickname=text_of(fields, "nickname"),
        birthday=date.fromisoformat(born) if born else None,
        emails=list_of(fields, "emails"),
        phones=list_of(fields, "phones"),
        urls=list_of(fields, "urls"),
        addresses=list_of(fields, "addresses"),
        company=text_of(fields, "organization") or None,
        company_reading=text_of(fields, "organization_reading"),
        department=text_of(fields, "department"),
        title=text_of(fields, "title"),
    )

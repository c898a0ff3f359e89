"""A contact's fields as plain values (domain/field_merge.py), to and from kinmyaku's records.

``fields_of`` reads a record (a remote card, or a person as exported; a remote card's UID
rides along as ``_uid``, which the merge treats as one more text); ``input_of`` makes
the edit that gives a person those fields; ``card_of`` writes a person's card with other
field values laid over it (what a sync sends: the remote card's values where kinmyaku cannot
hold them, e.g. a title without a company, kept as they were).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from kinmyaku.domain.field_merge import Fields, Value, comparable
from kinmyaku.formats.postal import address_text
from kinmyaku.formats.records import ContactPoint, ContactRecord, PostalAddress
from kinmyaku.services import carddav
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


def uid_of(record: ContactRecord, person_id: int) -> str:
    """The UID a person's card is served with (the first one it came with)."""
    found = record.extra.get("UID") or [f"urn:kinmyaku:person:{person_id}"]
    return found[0]


def remote_fields(body: bytes, href: str) -> dict[str, Value]:
    """A remote card's fields, with its UID as ``_uid`` (kept when kinmyaku writes it back)."""
    record = carddav.parse_card(body, href)
    return {**fields_of(record), "_uid": (record.extra.get("UID") or [""])[0]}


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


def _points(field: str, have: list[ContactPoint], wanted: list[str]) -> list[ContactPoint]:
    by_key = {comparable(field, p.value): p for p in have}
    return [by_key.get(comparable(field, v), ContactPoint("", v)) for v in wanted]


def _addresses(have: list[PostalAddress], wanted: list[str]) -> list[PostalAddress]:
    by_key = {comparable("addresses", address_text(a)): a for a in have}
    return [by_key.get(comparable("addresses", v), PostalAddress(street=v)) for v in wanted]


def card_of(person_id: int, record: ContactRecord, fields: Fields) -> bytes:
    """The person's vCard with these field values laid over their record."""
    born = text_of(fields, "birthday")
    laid = replace(
        record,
        birthday=date.fromisoformat(born) if born else None,
        emails=_points("emails", record.emails, list_of(fields, "emails")),
        phones=_points("phones", record.phones, list_of(fields, "phones")),
        urls=_points("urls", record.urls, list_of(fields, "urls")),
        addresses=_addresses(record.addresses, list_of(fields, "addresses")),
    )
    for name in TEXTS:
        setattr(laid, name, text_of(fields, name))
    if text_of(fields, "_uid"):  # the card's own UID (a server refuses two cards with one)
        laid.extra = {**record.extra, "UID": [text_of(fields, "_uid")]}
    return carddav.vcard_body(laid, person_id)


def dump(fields: Fields) -> str:
    """Fields as JSON (tuples as lists)."""
    plain = {k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()}
    return json.dumps(plain, ensure_ascii=False)


def load(text: str) -> dict[str, Value]:
    """Fields from :func:`dump`'s JSON."""
    raw = json.loads(text)
    return {k: tuple(v) if isinstance(v, list) else str(v) for k, v in raw.items()}

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
from kinmyaku.services.dav_fields import TEXTS, fields_of, list_of, text_of


def uid_of(record: ContactRecord, person_id: int) -> str:
    """The UID a person's card is served with (the first one it came with)."""
    found = record.extra.get("UID") or [f"urn:kinmyaku:person:{person_id}"]
    return found[0]


def remote_fields(body: bytes, href: str) -> dict[str, Value]:
    """A remote card's fields, with its UID as ``_uid`` (kept when kinmyaku writes it back)."""
    return card_fields(carddav.parse_card(body, href))


def card_fields(record: ContactRecord) -> dict[str, Value]:
    """A remote card's fields read from its record (``_uid`` too: see remote_fields)."""
    return {**fields_of(record), "_uid": (record.extra.get("UID") or [""])[0]}


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

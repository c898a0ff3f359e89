"""A card a device wrote over a version it never saw: merged field by field.

When a device PUTs a card without ``If-Match`` and the card changed on the server since
that device was last served it (services/dav_history.py keeps the version it got), the
three versions are merged by domain/field_merge.py: the served one is the base, the
server's is ours, the device's is theirs.  A field changed on one side takes that side's
value; lists (e-mails, phones, URLs, addresses) merge item by item; a text changed on both
sides keeps the server's value (a value beats an emptied field).  The person's history
keeps both: a provenance row with the person's fields as they were (undoing the edit
restores them) and one ``field_conflict`` row per conflicting field with the base, both
values and the one kept.  (A stale ``If-Match`` is answered 412, as RFC 7232 requires.)
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import Connection, insert

from kinmyaku.domain.field_merge import FieldConflict, FieldMerge, Fields, Value, merge_fields
from kinmyaku.formats.postal import address_text
from kinmyaku.formats.records import ContactRecord
from kinmyaku.formats.vcard_reader import card_record, read_cards
from kinmyaku.services.people import PersonInput
from kinmyaku.storage.schema import provenance


def fields_of(record: ContactRecord) -> dict[str, Value]:
    """A card's fields as plain values (what the three-way merge compares)."""
    return {
        "family_name": record.family_name,
        "given_name": record.given_name,
        "family_reading": record.family_reading,
        "given_reading": record.given_reading,
        "nickname": record.nickname,
        "organization": record.organization,
        "organization_reading": record.organization_reading,
        "department": record.department,
        "title": record.title,
        "birthday": record.birthday.isoformat() if record.birthday else "",
        "emails": tuple(p.value for p in record.emails if p.value),
        "phones": tuple(p.value for p in record.phones if p.value),
        "urls": tuple(p.value for p in record.urls if p.value),
        "addresses": tuple(t for a in record.addresses if (t := address_text(a))),
    }


def _text(fields: Fields, name: str) -> str:
    value = fields.get(name, "")
    return value if isinstance(value, str) else ""


def _list(fields: Fields, name: str) -> list[str]:
    value = fields.get(name, ())
    return list(value) if isinstance(value, tuple) else []


def input_of(fields: Fields) -> PersonInput:
    """The person's new values from merged fields."""
    family, given = _text(fields, "family_name"), _text(fields, "given_name")
    born = _text(fields, "birthday")
    return PersonInput(
        family_name=family or given or _text(fields, "nickname") or None,
        given_name=given if family else "",
        family_reading=_text(fields, "family_reading"),
        given_reading=_text(fields, "given_reading"),
        nickname=_text(fields, "nickname"),
        birthday=date.fromisoformat(born) if born else None,
        emails=_list(fields, "emails"),
        phones=_list(fields, "phones"),
        urls=_list(fields, "urls"),
        addresses=_list(fields, "addresses"),
        company=_text(fields, "organization") or None,
        company_reading=_text(fields, "organization_reading"),
        department=_text(fields, "department"),
        title=_text(fields, "title"),
    )


def record_of(text: str) -> ContactRecord:
    """A stored served version read back."""
    [raw] = list(read_cards(iter(text.encode("utf-8").splitlines(keepends=True)), file="base"))
    return card_record(raw)


def merge_card(base: str, ours: ContactRecord, theirs: ContactRecord) -> FieldMerge:
    """Merge the device's card (theirs) with the server's (ours) against the served base."""
    return merge_fields(fields_of(record_of(base)), fields_of(ours), fields_of(theirs))


def keep_conflicts(
    conn: Connection,
    *,
    import_id: int,
    person_id: int,
    label: str,
    conflicts: tuple[FieldConflict, ...],
) -> None:
    """One provenance row per conflicting field: the base, both values and the one kept."""
    for c in conflicts:
        info: dict[str, Any] = {
            "field": c.field,
            "base": c.base,
            "ours": c.ours,
            "theirs": c.theirs,
            "kept": c.kept,
        }
        conn.execute(
            insert(provenance).values(
                import_id=import_id,
                entity="field_conflict",
                entity_id=person_id,
                action="merge",
                file=label,
                record_no=1,
                before=json.dumps(info, ensure_ascii=False),
            )
        )

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
from typing import Any

from sqlalchemy import Connection, insert

from kinmyaku.domain.field_merge import FieldConflict, FieldMerge, merge_fields
from kinmyaku.formats.records import ContactRecord
from kinmyaku.formats.vcard_reader import card_record, read_cards
from kinmyaku.services.dav_fields import fields_of
from kinmyaku.storage.schema import provenance


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

"""Undo an import: remove what it created, put back what it changed (from provenance)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from kinmyaku.domain.errors import KinmyakuError, NotFound
from kinmyaku.storage import people as store
from kinmyaku.storage.schema import (
    affiliations,
    card_images,
    contact_points,
    encounters,
    extra_fields,
    import_queue,
    imports,
    organizations,
    people,
    person_aliases,
    person_tags,
    photos,
    provenance,
)
from kinmyaku.storage.uow import UnitOfWork

_BY_ID = {
    "contact_point": contact_points,
    "encounter": encounters,
    "extra_field": extra_fields,
    "alias": person_aliases,
    "card_image": card_images,
}


def _person_values(before: dict[str, Any]) -> dict[str, Any]:
    values = dict(before)
    if isinstance(values.get("birthday"), str):
        values["birthday"] = date.fromisoformat(values["birthday"])
    return values


def _undo_one(conn: Connection, row: Any, touched: set[int], counts: dict[str, int]) -> None:
    before = json.loads(row.before) if row.before else None
    entity, action, eid = row.entity, row.action, row.entity_id
    if entity == "person" and action == "create":
        conn.execute(delete(people).where(people.c.id == eid))
        touched.discard(eid)
        counts["removed"] += 1
    elif entity == "person" and action == "update":
        store.update_person(conn, eid, _person_values(before or {}))
        touched.add(eid)
        counts["restored"] += 1
    elif entity in _BY_ID:
        table = _BY_ID[entity]
        owner = conn.execute(select(table.c.person_id).where(table.c.id == eid)).scalar()
        conn.execute(delete(table).where(table.c.id == eid))
        if owner is not None:
            touched.add(int(owner))
            counts["removed"] += 1
    elif entity == "tag":
        conn.execute(
            delete(person_tags).where(person_tags.c.person_id == eid, person_tags.c.tag == before)
        )
        touched.add(eid)
        counts["removed"] += 1
    elif entity == "photo":
        conn.execute(delete(photos).where(photos.c.name == before))
        conn.execute(
            update(people).where(people.c.id == eid, people.c.photo == before).values(photo=None)
        )
    elif entity == "affiliation" and action == "create":
        conn.execute(delete(affiliations).where(affiliations.c.id == eid))
        closed = (before or {}).get("closed", [])
        if closed:
            conn.execute(
                update(affiliations)
                .where(affiliations.c.id.in_(closed))
                .values(is_current=True, end_date=None)
            )
        counts["removed"] += 1
    elif entity == "affiliation" and action == "update":
        conn.execute(update(affiliations).where(affiliations.c.id == eid).values(**(before or {})))
        counts["restored"] += 1
    elif entity == "organization":
        used = conn.execute(
            select(func.count()).where(affiliations.c.organization_id == eid)
        ).scalar_one()
        if not used:
            conn.execute(delete(organizations).where(organizations.c.id == eid))


def undo_import(uow: UnitOfWork, *, import_id: int) -> dict[str, int]:
    """Reverse an import (and drop the records it queued for review); returns how many facts
    were removed and restored."""
    counts = {"removed": 0, "restored": 0}
    touched: set[int] = set()
    with uow as conn:
        found = conn.execute(select(imports.c.undone_at).where(imports.c.id == import_id)).first()
        if found is None:
            raise NotFound("No import with id {id}", id=import_id)
        if found.undone_at is not None:
            raise KinmyakuError("Import #{id} was already undone", id=import_id)
        rows = list(
            conn.execute(
                select(provenance)
                .where(provenance.c.import_id == import_id)
                .order_by(provenance.c.id.desc())
            ).all()
        )
        rows.sort(key=lambda r: r.entity == "organization")
        for row in rows:
            _undo_one(conn, row, touched, counts)
        for pid in touched:
            store.reindex_person(conn, pid)
        # Records it left for review (import --review) go with it; those decided already
        # were undone above with the rest of the import.
        conn.execute(delete(import_queue).where(import_queue.c.import_id == import_id))
        conn.execute(update(imports).where(imports.c.id == import_id).values(undone_at=store.now()))
    return counts

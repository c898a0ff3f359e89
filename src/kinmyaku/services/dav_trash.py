"""People a phone deleted, kept restorable: the trash of CardDAV deletions.

A card deleted on a device archives its person (unless the setting ``carddav.on_delete``
is ``delete``): every row of theirs is saved as a journal in ``dav_trash`` and the person
is removed, so no list, search or statistic needs an "archived" flag.  The web lists them
("Deleted from devices"); "Restore" puts them back exactly (their id when it is free, the
search index rebuilt) and every device gets the card again on its next sync; "Delete for
good" forgets them as ``kinmyaku forget`` does.  A restored entry stays a while without
its snapshot, so that a sync token made before the restore still counts the person.
The trash is in JSON backups (its table is no credential); forgetting a person empties
their entries and their rows in others'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Table, delete, func, insert, select, update

from kinmyaku.domain.errors import NotFound, ValidationError
from kinmyaku.domain.people import display_name
from kinmyaku.services.dav_history import forget_served, renamed_person
from kinmyaku.storage import people as store
from kinmyaku.storage.schema import (
    affiliations,
    dav_log,
    dav_trash,
    organizations,
    people,
    search_memory_dirty,
    settings,
    touch_summary_dirty,
)
from kinmyaku.storage.trash_rows import (
    drop_mentions,
    mentions,
    remove_person,
    restore_person,
    snapshot_person_id,
)
from kinmyaku.storage.uow import UnitOfWork

SETTING = "carddav.on_delete"
MODES = ("archive", "delete")
KEEP_RESTORED = timedelta(days=30)
"""How long a restored entry is kept (without its snapshot) for sync tokens made before."""


@dataclass(frozen=True, slots=True)
class TrashEntry:
    """A person a device deleted, as the trash page lists them."""

    id: int
    person_id: int
    name: str
    company: str
    device: str
    deleted_at: datetime


def deletion_mode(uow: UnitOfWork) -> str:
    """What a deletion on a device does: ``archive`` (the default) or ``delete``."""
    with uow as conn:
        value = conn.execute(select(settings.c.value).where(settings.c.key == SETTING)).scalar()
    return str(value) if value in MODES else "archive"


def set_deletion_mode(uow: UnitOfWork, *, mode: str) -> None:
    """Choose what a deletion on a device does (``archive`` or ``delete``)."""
    if mode not in MODES:
        raise ValidationError("mode", "Choose archive or delete")
    with uow as conn:
        conn.execute(delete(settings).where(settings.c.key == SETTING))
        conn.execute(insert(settings).values(key=SETTING, value=mode))


def _company(conn: Connection, person_id: int) -> str:
    row = conn.execute(
        select(organizations.c.name)
        .join(affiliations, affiliations.c.organization_id == organizations.c.id)
        .where(affiliations.c.person_id == person_id)
        .order_by(affiliations.c.is_current.desc(), affiliations.c.id.desc())
        .limit(1)
    ).scalar()
    return str(row or "")


def trash_person(conn: Connection, person_id: int, *, device: str, href: str) -> int:
    """Move a person to the trash inside an open transaction; returns the entry's id."""
    row = conn.execute(
        select(people.c.family_name, people.c.given_name).where(people.c.id == person_id)
    ).first()
    if row is None:
        raise NotFound("No person with id {id}", id=person_id)
    name = display_name(row.family_name, row.given_name)
    company = _company(conn, person_id)
    forget_served(conn, person_id)
    snapshot = remove_person(conn, person_id)
    found = conn.execute(
        insert(dav_trash)
        .values(
            person_id=person_id,
            name=name[:300],
            company=company[:300],
            device=device[:60],
            href=href[:200],
            deleted_at=store.now(),
            snapshot=snapshot,
        )
        .returning(dav_trash.c.id)
    )
    return int(found.scalar_one())


def list_trash(uow: UnitOfWork) -> list[TrashEntry]:
    """People in the trash, the latest deleted first."""
    c = dav_trash.c
    with uow as conn:
        rows = conn.execute(
            select(c.id, c.person_id, c.name, c.company, c.device, c.deleted_at)
            .where(c.restored_at.is_(None))
            .order_by(c.deleted_at.desc(), c.id.desc())
        )
        return [TrashEntry(*row) for row in rows]


def _entry(conn: Connection, entry_id: int) -> str:
    snapshot = conn.execute(
        select(dav_trash.c.snapshot).where(
            dav_trash.c.id == entry_id, dav_trash.c.restored_at.is_(None)
        )
    ).scalar()
    if snapshot is None:
        raise NotFound("Nothing in the trash with id {id}", id=entry_id)
    return str(snapshot)


def _mark(conn: Connection, table: Table, ids: set[int]) -> None:
    have = set(conn.execute(select(table.c.person_id).where(table.c.person_id.in_(ids))).scalars())
    rows = [{"person_id": pid} for pid in sorted(ids - have)]
    if rows:
        conn.execute(insert(table), rows)


def restore_trashed(uow: UnitOfWork, *, entry_id: int) -> int:
    """Put a person back from the trash, exactly; returns their id (the old one if free)."""
    with uow as conn:
        snapshot = _entry(conn, entry_id)
        person_id, others = restore_person(conn, snapshot)
        renamed_person(conn, snapshot_person_id(snapshot) or person_id, person_id)
        stamp = store.now()
        # Their card is new to every device again (sync-collection reports by updated_at).
        conn.execute(update(people).where(people.c.id == person_id).values(updated_at=stamp))
        store.reindex_person(conn, person_id)
        _mark(conn, touch_summary_dirty, {person_id} | others)
        _mark(conn, search_memory_dirty, {person_id} | others)
        conn.execute(
            update(dav_trash)
            .where(dav_trash.c.id == entry_id)
            .values(person_id=person_id, restored_at=stamp, snapshot="", name="", company="")
        )
        _prune(conn)
        return person_id


def purge_trashed(uow: UnitOfWork, *, entry_id: int) -> None:
    """Delete a person in the trash for good: put back, then forgotten in one transaction."""
    from kinmyaku.services.forget import forget_person

    with uow as conn:
        person_id, _ = restore_person(conn, _entry(conn, entry_id))
        conn.execute(delete(dav_trash).where(dav_trash.c.id == entry_id))
        forget_person(uow, person_id)


def restored_since(conn: Connection, since: datetime) -> int:
    """How many people made before ``since`` came back from the trash after it (sync
    tokens count people made after it already)."""
    found = conn.execute(
        select(func.count())
        .select_from(dav_trash.join(people, people.c.id == dav_trash.c.person_id))
        .where(dav_trash.c.restored_at > since, people.c.created_at <= since)
    )
    return int(found.scalar_one())


def _prune(conn: Connection) -> None:
    cutoff = store.now() - KEEP_RESTORED
    conn.execute(delete(dav_trash).where(dav_trash.c.restored_at < cutoff))


def forget_in_dav(conn: Connection, person_id: int) -> int:
    """Forgetting someone: their trash entries, sync log lines and served cards go, and
    their rows leave others' trash entries; returns how many trash entries went."""
    c = dav_trash.c
    gone = conn.execute(delete(dav_trash).where(c.person_id == person_id)).rowcount or 0
    for entry_id, snapshot in conn.execute(
        select(c.id, c.snapshot).where(c.restored_at.is_(None))
    ).all():
        if mentions(snapshot, person_id):
            cleaned = drop_mentions(snapshot, person_id)
            conn.execute(update(dav_trash).where(c.id == entry_id).values(snapshot=cleaned))
    conn.execute(delete(dav_log).where(dav_log.c.person_id == person_id))
    forget_served(conn, person_id)
    return int(gone)

"""Forgetting a person (APPI): delete them and every copy of their data, in one transaction.

What goes and what stays (docs/security.md, "Forgetting"):

* the person's row and every row of theirs (contact points, jobs, tags, other names,
  extra fields, how we met, give and take, requests, purpose, links, drill card, keep in
  touch, search index rows, the touch summary), by the foreign keys' CASCADE;
* their photo, and photos of records merged into them; their business card images;
* the import history's provenance of them and of their rows (with the "before" values an
  import overwrote); an import that brought only them goes, another stays for the others
  with a file name that carried their name made ``***.vcf``;
* every merge whose pairs or journal hold them (that merge can no longer be undone);
* queued import records that may be them or carry their e-mail or phone;
* interactions with them alone; a shared interaction keeps the others;
* introductions I made between them and someone else: the introduction goes, the other
  person keeps what I gave them (unlinked, without the reason, which spoke of both);
* people they introduced to me stay, with the introducer unknown (SET NULL);
* a company only they worked at;
* CardDAV: their entries in the trash of people deleted from a device, their rows in
  others' entries, their sync log lines and the versions of their card served to devices;
* on SQLite the full-text indexes are merged (a deleted row's words leave the file) and
  freed pages are overwritten with zeros.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete

from kinmyaku.domain.errors import NotFound
from kinmyaku.services.dav_trash import forget_in_dav
from kinmyaku.storage import forget as store
from kinmyaku.storage.schema import people
from kinmyaku.storage.uow import UnitOfWork


@dataclass(frozen=True)
class ForgetReport:
    """What forgetting a person removed besides their own rows."""

    person_id: int
    provenance: int
    merges: int
    queued: int
    introductions: int
    interactions: int


def forget_person(uow: UnitOfWork, person_id: int) -> ForgetReport:
    """Delete a person and every record that holds them (NotFound when there is none)."""
    with uow as conn:
        store.secure_delete(conn, True)
        try:
            if conn.execute(people.select().where(people.c.id == person_id)).first() is None:
                raise NotFound("No person with id {id}", id=person_id)
            traces = store.traces_of(conn, person_id)
            report = ForgetReport(
                person_id=person_id,
                provenance=store.delete_provenance(conn, traces),
                merges=store.delete_merges(conn, traces),
                queued=store.delete_queued(conn, traces),
                introductions=store.detach_introductions(conn, person_id),
                interactions=store.delete_lone_interactions(conn, person_id),
            )
            store.forget_introducer(conn, person_id)
            forget_in_dav(conn, person_id)  # CardDAV: trash entries, sync log, served cards
            conn.execute(delete(people).where(people.c.id == person_id))
            store.delete_leftovers(conn, traces)
            store.scrub_imports(conn, traces)
            store.purge_full_text(conn)
        finally:
            store.secure_delete(conn, False)
        return report

"""Save a reviewed card: a new person, or an update of the person it matched (a job change).

A new person goes through the usual add path (``card_add.person_input``).  An update is
written as a small import (format ``card``) through the import writer, so it adds what is
new (e-mails, phones, an address, a department or title), never drops a value, records a
different company as a new current job with the old one kept as history (「転職されました
か？」), and is undone like any import (``kinmyaku import undo N``, the web import page).
Either way the meeting (event, introducer, memory cue) and the card's images are kept with
the person, in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from sqlalchemy import Connection, insert, select

from kinmyaku.domain.cards.lines import CardFields
from kinmyaku.domain.errors import NotFound, ValidationError
from kinmyaku.domain.identity.candidates import Reason
from kinmyaku.formats.records import ContactPoint, ContactRecord, PostalAddress, RecordSource
from kinmyaku.services import card_store
from kinmyaku.services import people as people_svc
from kinmyaku.services.card_add import person_input
from kinmyaku.services.identity.matching import Match
from kinmyaku.services.identity.queue import index_for
from kinmyaku.services.import_prepare import prepare_record
from kinmyaku.services.import_write import REASONS, ImportWriter
from kinmyaku.services.relations import record_encounter
from kinmyaku.services.today import met_day
from kinmyaku.storage import people as store
from kinmyaku.storage.schema import affiliations, imports, organizations, provenance
from kinmyaku.storage.uow import UnitOfWork


@dataclass
class Meeting:
    """How we met, written with the card: event, introducer, memory cue, place."""

    event_id: int | None = None
    introducer_id: int | None = None
    cue: str = ""
    place: str = ""


@dataclass
class CardSaved:
    """What saving a card did: the person, created or updated, and a job change if any."""

    person_id: int
    action: Literal["created", "updated", "unchanged"]
    """``unchanged``: the card held nothing new (its images were kept all the same)."""
    import_id: int | None = None
    """The import an update was written as (undo it to undo the update)."""
    why: list[str] = field(default_factory=list)
    """What the update added: reason codes (``import_write.REASONS`` gives their words)."""
    old_company: str = ""
    new_company: str = ""

    @property
    def job_changed(self) -> bool:
        """True when the card's company became the person's new current job."""
        return bool(self.old_company and self.new_company and self.old_company != self.new_company)


def card_record(fields: CardFields, *, label: str) -> ContactRecord:
    """The card as an import record (fax numbers left out, as when a person is added)."""
    address = PostalAddress(postal_code=fields.postal_code, street=fields.address)
    return ContactRecord(
        family_name=fields.family_name,
        given_name=fields.given_name,
        family_reading=fields.family_reading,
        given_reading=fields.given_reading,
        emails=[ContactPoint("", e) for e in fields.emails],
        phones=[ContactPoint(p["kind"], p["number"]) for p in fields.phones if p["kind"] != "fax"],
        addresses=[address] if fields.address else [],
        urls=[ContactPoint("", fields.url)] if fields.url else [],
        organization=fields.company,
        department=fields.department,
        title=fields.title,
        source=RecordSource(file=label, record_no=1, line=0),
    )


def current_company(conn: Connection, person_id: int) -> str:
    """The name of the person's current company ('' when none)."""
    name = conn.execute(
        select(organizations.c.name)
        .join(affiliations, affiliations.c.organization_id == organizations.c.id)
        .where(affiliations.c.person_id == person_id, affiliations.c.is_current.is_(True))
        .order_by(affiliations.c.id.desc())
        .limit(1)
    ).scalar()
    return str(name or "")


def _meet(uow: UnitOfWork, person_id: int, meeting: Meeting, today: date) -> int | None:
    if meeting.event_id is None and meeting.introducer_id is None and not meeting.cue:
        return None
    return record_encounter(
        uow,
        person_id=person_id,
        on=met_day(uow, on=None, event_id=meeting.event_id, today=today),
        event_id=meeting.event_id,
        introducer_id=meeting.introducer_id,
        memory_cue=meeting.cue,
        place=meeting.place,
    )


def add_card(
    uow: UnitOfWork,
    fields: CardFields,
    *,
    today: date,
    meeting: Meeting | None = None,
    image_ids: Sequence[int] = (),
) -> CardSaved:
    """Add the card's person with how we met and the card's images (no duplicate check)."""
    if not fields.family_name:
        raise ValidationError("family_name", "No name was read on the card; nothing was added")
    with uow as conn:
        person_id = people_svc.add_person(uow, person_input(fields))
        _meet(uow, person_id, meeting or Meeting(), today)
        card_store.attach_images(conn, person_id=person_id, image_ids=list(image_ids))
    return CardSaved(person_id, "created", new_company=fields.company)


def update_card_person(
    uow: UnitOfWork,
    fields: CardFields,
    *,
    person_id: int,
    today: date,
    meeting: Meeting | None = None,
    image_ids: Sequence[int] = (),
    probability: float = 1.0,
    reasons: tuple[Reason, ...] = (),
    label: str = "card",
    lang: str = "en",
) -> CardSaved:
    """Write the card into a stored person as an undoable import: new values added, none
    dropped, a different company recorded as a job change."""
    record = card_record(fields, label=label)
    prepared = prepare_record(record, lang=lang)
    with uow as conn:
        if store.get_person_row(conn, person_id) is None:
            raise NotFound("No person with id {id}", id=person_id)
        old_company = current_company(conn, person_id)
        import_id = int(
            conn.execute(
                insert(imports)
                .values(
                    created_at=store.now(),
                    format="card",
                    files=json.dumps([label], ensure_ascii=False),
                    summary=json.dumps({"updated": 1}),
                )
                .returning(imports.c.id)
            ).scalar_one()
        )
        writer = ImportWriter(conn, import_id, index_for(conn, person_id, prepared), lang=lang)
        outcome = writer.join(person_id, Match(person_id, probability, reasons), prepared)
        for pid in writer.touched:
            store.reindex_person(conn, pid)
        encounter = _meet(uow, person_id, meeting or Meeting(), today)
        rows = [("encounter", encounter)] if encounter is not None else []
        attached = card_store.attach_images(conn, person_id=person_id, image_ids=list(image_ids))
        rows += [("card_image", image_id) for image_id in attached]
        for entity, entity_id in rows:
            conn.execute(
                insert(provenance).values(
                    import_id=import_id,
                    entity=entity,
                    entity_id=entity_id,
                    action="create",
                    file=label[:300],
                    record_no=1,
                )
            )
        new_company = current_company(conn, person_id)
    return CardSaved(
        person_id,
        "updated" if outcome.action == "updated" or rows else "unchanged",
        import_id=import_id,
        why=[w for w in outcome.why if w in REASONS],
        old_company=old_company,
        new_company=new_company,
    )

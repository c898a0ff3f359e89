"""A scanned card becomes a person: through the duplicate check, then the usual add path."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kinmyaku.domain.cards.lines import CardFields
from kinmyaku.domain.identity.candidates import Candidate
from kinmyaku.services import people as people_svc
from kinmyaku.services.identity.finding import check_new_person
from kinmyaku.services.relations import record_encounter
from kinmyaku.services.today import met_day
from kinmyaku.storage.uow import UnitOfWork


@dataclass
class CardAdded:
    """What adding a card did: the new person's id, or the stored people it may be."""

    person_id: int | None = None
    similar: list[Candidate] = field(default_factory=list)


def person_input(fields: CardFields) -> people_svc.PersonInput:
    """The add-person input a card gives."""
    data = people_svc.PersonInput(
        family_name=fields.family_name,
        given_name=fields.given_name,
        family_reading=fields.family_reading or None,
        given_reading=fields.given_reading or None,
        romaji=fields.romaji or None,
        emails=tuple(fields.emails),
        phones=tuple(p["number"] for p in fields.phones if p["kind"] != "fax"),
        company=fields.company or None,
        department=fields.department,
        title=fields.title,
    )
    address = " ".join(
        part
        for part in (f"〒{fields.postal_code}" if fields.postal_code else "", fields.address)
        if part
    )
    data.addresses = (address,) if fields.address else ()
    data.company_website = fields.url
    return data


def add_card_person(
    uow: UnitOfWork, fields: CardFields, *, today: date, event_id: int | None = None, cue: str = ""
) -> CardAdded:
    """Add the card's person unless someone similar is stored (then nothing is written)."""
    data = person_input(fields)
    similar = check_new_person(uow, data)
    if similar:
        return CardAdded(similar=similar)
    person_id = people_svc.add_person(uow, data)
    if event_id is not None or cue:
        record_encounter(
            uow,
            person_id=person_id,
            on=met_day(uow, on=None, event_id=event_id, today=today),
            channel="event" if event_id is not None else "other",
            event_id=event_id,
            memory_cue=cue,
        )
    return CardAdded(person_id=person_id)

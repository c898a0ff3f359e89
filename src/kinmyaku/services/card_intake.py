"""A card photo in, what the review screen shows out: the fields, the kept sides, the match.

The OCR runs first (1-3 s of CPU): a picture that is not an image, holds no card or is too
blurred is refused before anything is written.  Then the sides are kept, waiting for the
review (services/card_store.py), and the identity engine names who the card may be.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kinmyaku.domain.cards.lines import CardFields
from kinmyaku.domain.identity.candidates import AUTO_MERGE, Candidate
from kinmyaku.services.card_add import person_input
from kinmyaku.services.card_scan import LOW_CONFIDENCE, scan_card
from kinmyaku.services.card_store import store_pending
from kinmyaku.services.identity.finding import check_new_person
from kinmyaku.storage.uow import UnitOfWork

CHECKED = (
    "family_name",
    "given_name",
    "family_reading",
    "given_reading",
    "company",
    "department",
    "title",
    "emails",
    "postal_code",
    "address",
    "url",
)
"""The fields the review screen highlights when the reader was unsure of them."""


@dataclass
class Scanned:
    """One card read: its fields, the ids of its kept sides, the people it may be."""

    fields: CardFields
    image_ids: list[int]
    similar: list[Candidate] = field(default_factory=list)

    @property
    def sure(self) -> Candidate | None:
        """The stored person the engine is sure the card is (update them), if any."""
        best = self.similar[0] if self.similar else None
        return best if best is not None and best.probability >= AUTO_MERGE else None


def uncertain_fields(fields: CardFields) -> set[str]:
    """The fields read with a low confidence, and a name not read at all."""
    low = {
        name.split(".")[0] for name, value in fields.confidence.items() if value < LOW_CONFIDENCE
    }
    found = {name for name in low if name in CHECKED or name == "phones"}
    if not fields.family_name:
        found.add("family_name")
    return found


def similar_to(uow: UnitOfWork, fields: CardFields) -> list[Candidate]:
    """The stored people a card may be, best first (none when no name was read)."""
    if not fields.family_name:
        return []
    return check_new_person(uow, person_input(fields), limit=3)


def scan_upload(uow: UnitOfWork, *, front: bytes, back: bytes | None = None) -> Scanned:
    """Read a card's photos, keep them for the review, and find whom it may be."""
    fields = scan_card(front, back)
    ids = store_pending(uow, front=front, back=back)
    return Scanned(fields, ids, similar_to(uow, fields))

"""Card images (名刺, both sides) kept with the person: cleaned, held while reviewed, attached.

A scanned side is re-encoded by ``photos.clean_photo`` (upright, at most 1280 pixels, no
EXIF or other metadata) and stored with no person while the review screen is open; saving
attaches it to the person added or updated.  Sides never saved are deleted a day later
(the next scan does it).  Forgetting a person deletes their card images (CASCADE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update

from kinmyaku.domain.errors import NotFound
from kinmyaku.services.photos import StoredPhoto, clean_photo
from kinmyaku.storage import people as store
from kinmyaku.storage.schema import card_images
from kinmyaku.storage.uow import UnitOfWork

PENDING_FOR = timedelta(days=1)
"""How long a scanned side waits on the review screen before it is deleted."""
MAX_ATTACH = 8
"""Card sides one save may attach (a card has two; a few cards of one person at most)."""


@dataclass(frozen=True)
class CardImageRef:
    """A stored side of a card: its id and which side it is."""

    id: int
    side: str


def delete_stale(conn: Connection, *, now: datetime) -> None:
    """Delete the sides scanned more than a day ago and never saved with a person."""
    conn.execute(
        delete(card_images).where(
            card_images.c.person_id.is_(None), card_images.c.created_at < now - PENDING_FOR
        )
    )


def store_pending(
    uow: UnitOfWork, *, front: bytes, back: bytes | None = None, person_id: int | None = None
) -> list[int]:
    """Clean and keep a card's sides (until the review is saved, or with ``person_id``);
    their ids, front first."""
    sides = [("front", clean_photo(front))]
    if back is not None:
        sides.append(("back", clean_photo(back)))
    now = store.now()
    with uow as conn:
        delete_stale(conn, now=now)
        return [
            int(
                conn.execute(
                    insert(card_images)
                    .values(
                        person_id=person_id,
                        side=side,
                        mime=image.mime,
                        data=image.data,
                        created_at=now,
                    )
                    .returning(card_images.c.id)
                ).scalar_one()
            )
            for side, image in sides
        ]


def attach_images(conn: Connection, *, person_id: int, image_ids: list[int]) -> list[int]:
    """Give the waiting sides among ``image_ids`` to the person; the ids attached."""
    wanted = sorted(set(image_ids))[:MAX_ATTACH]
    if not wanted:
        return []
    found = list(
        conn.execute(
            select(card_images.c.id).where(
                card_images.c.id.in_(wanted), card_images.c.person_id.is_(None)
            )
        ).scalars()
    )
    if found:
        conn.execute(
            update(card_images).where(card_images.c.id.in_(found)).values(person_id=person_id)
        )
    return [int(i) for i in found]


def card_images_of(uow: UnitOfWork, *, person_id: int) -> list[CardImageRef]:
    """The card sides kept with a person, oldest card first, front before back."""
    with uow as conn:
        rows = conn.execute(
            select(card_images.c.id, card_images.c.side)
            .where(card_images.c.person_id == person_id)
            .order_by(card_images.c.id)
        ).all()
    return [CardImageRef(int(row.id), str(row.side)) for row in rows]


def get_card_image(uow: UnitOfWork, *, image_id: int) -> StoredPhoto:
    """A stored card side's picture (NotFound when there is none)."""
    with uow as conn:
        row = conn.execute(
            select(card_images.c.mime, card_images.c.data).where(card_images.c.id == image_id)
        ).first()
    if row is None:
        raise NotFound("No card image with id {id}", id=image_id)
    return StoredPhoto(mime=str(row.mime), data=bytes(row.data))

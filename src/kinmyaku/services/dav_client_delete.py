"""A card deleted in a remote address book: what happens to its person here.

The same as for a card deleted on a phone (services/carddav.py ``delete_card``): the
person goes to the trash of CardDAV deletions, restorable from the web
(services/dav_trash.py), or is deleted when the user chose so (``carddav.on_delete`` is
``delete``).  The trash entry names the sync (``CardDAV sync, ACCOUNT``) as its device.
"""

from __future__ import annotations

from kinmyaku.services.dav_trash import deletion_mode, trash_person
from kinmyaku.services.forget import forget_person
from kinmyaku.storage.uow import UnitOfWork


def remove_person(uow: UnitOfWork, person_id: int, *, label: str, href: str) -> None:
    """Trash (or delete) the person whose remote card ``href`` was deleted."""
    if deletion_mode(uow) == "delete":
        forget_person(uow, person_id)
        return
    with uow as conn:
        trash_person(conn, person_id, device=label, href=href.rsplit("/", 1)[-1])

"""A disclosure request (APPI, 開示請求): everything held about one person, in one read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kinmyaku.domain.people import PersonProfile
from kinmyaku.services.people import show_person
from kinmyaku.storage.disclosure import held_about
from kinmyaku.storage.uow import UnitOfWork


@dataclass(frozen=True)
class Disclosure:
    """The person's profile and every other record that holds them."""

    profile: PersonProfile
    held: dict[str, Any]
    on: date

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: the profile under ``person``, then each other place."""
        return {
            "disclosed_on": self.on.isoformat(),
            "person_id": self.profile.summary.id,
            "person": self.profile.to_json(),
            **self.held,
        }


def disclose_person(uow: UnitOfWork, person_id: int, *, on: date) -> Disclosure:
    """Everything held about a person (NotFound when there is none), read in one transaction."""
    with uow as conn:
        profile = show_person(uow, person_id)
        return Disclosure(profile=profile, held=held_about(conn, person_id), on=on)

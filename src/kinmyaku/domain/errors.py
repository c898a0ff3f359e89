"""Errors a user can cause, carrying a translatable message id and its parameters."""

from __future__ import annotations

from typing import Any


class KinmyakuError(Exception):
    """A user error: the CLI and web map it to a message in the user's language."""

    status = 400

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid.format(**params) if params else msgid)
        self.msgid = msgid
        self.params = params


class ValidationError(KinmyakuError):
    """A field holds a value that cannot be stored (bad e-mail, phone, date ...)."""

    status = 422

    def __init__(self, field: str, msgid: str, **params: Any) -> None:
        super().__init__(msgid, field=field, **params)
        self.field = field


class NotFound(KinmyakuError):
    """The person, event or other record named does not exist."""

    status = 404


class AmbiguousPerson(KinmyakuError):
    """A name matched several people; the candidates let the user choose by id."""

    status = 409

    def __init__(self, query: str, candidates: list[tuple[int, str, str]]) -> None:
        super().__init__(
            "'{query}' matches {count} people; use an id: {choices}",
            query=query,
            count=len(candidates),
            choices=", ".join(
                f"#{pid} {name} ({org})" if org else f"#{pid} {name}"
                for pid, name, org in candidates
            ),
        )
        self.candidates = candidates

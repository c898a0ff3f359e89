"""The longest text each field may hold: one table, read by the web forms (``maxlength``
and the server check), the JSON API (pydantic ``max_length``), the services (so the CLI
too) and docs/limits.md (tests/unit/test_limits.py keeps the document in step).

Lengths are counted in characters (Python ``len``), after surrounding spaces are stripped.
Imported data is not cut: the limits guard what a person types.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kinmyaku.domain.errors import KinmyakuError, ValidationError
from kinmyaku.domain.validate import ValidationErrors

# field name (as forms, the API and the services call it) -> (most characters, label)
TABLE: dict[str, tuple[int, str]] = {
    "family_name": (100, "Family name"),
    "given_name": (100, "Given name"),
    "family_reading": (100, "Reading (family)"),
    "given_reading": (100, "Reading (given)"),
    "romaji": (200, "Romaji"),
    "nickname": (100, "Nickname"),
    "company": (200, "Company"),
    "company_reading": (200, "Company reading"),
    "department": (200, "Department"),
    "title": (100, "Title"),
    "email": (254, "E-mail"),
    "phone": (40, "Phone"),
    "url": (300, "Web address"),
    "handle": (100, "SNS handle"),
    "address": (300, "Address"),
    "tag": (60, "Tag"),
    "tags": (1000, "Tags"),
    "notes": (10_000, "Notes"),
    "offers": (2000, "Offers"),
    "needs": (2000, "Needs"),
    "memory_cue": (500, "Memory cue"),
    "place": (200, "Place"),
    "introducer": (200, "Introduced by"),
    "person": (200, "Person"),
    "summary": (5000, "What we talked about"),
    "note": (2000, "Note"),
    "what": (1000, "Request"),
    "outcome": (2000, "Outcome"),
    "goal": (1000, "Goal"),
    "offer": (2000, "What I can offer"),
    "name": (200, "Name"),
    "q": (200, "Search"),
}

DEFAULT = 10_000  # any other text field of a form
TOO_LONG = "{field} is too long: at most {limit} characters ({length} now)"


class TooLong(ValidationError):
    """A text longer than its field's limit; the message names the field and the limit."""

    def __init__(self, field: str, length: int, limit: int) -> None:
        KinmyakuError.__init__(self, TOO_LONG, field=label_of(field), length=length, limit=limit)
        self.field = field


def limit_of(field: str) -> int:
    """The most characters ``field`` may hold."""
    entry = TABLE.get(field)
    return entry[0] if entry else DEFAULT


def label_of(field: str) -> str:
    """The field's name for people (an English message id, translated when shown)."""
    entry = TABLE.get(field)
    return entry[1] if entry else field


Values = Mapping[str, str | None] | Iterable[tuple[str, str | None]]


def too_long(values: Values) -> list[TooLong]:
    """One error for each value longer than its field allows (a field may come twice)."""
    found = []
    pairs = values.items() if isinstance(values, Mapping) else values
    for field, value in pairs:
        if value is not None:
            length = len(value.strip())
            if length > limit_of(field):
                found.append(TooLong(field, length, limit_of(field)))
    return found


def check_lengths(values: Values) -> None:
    """Raise every too-long value at once (``ValidationErrors``) or nothing."""
    found = too_long(values)
    if len(found) == 1:
        raise found[0]
    if found:
        raise ValidationErrors(list(found))

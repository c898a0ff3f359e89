"""Read models of people: plain data for lists, search results and the profile page."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from functools import lru_cache
from typing import Any

from kinmyaku.domain.memory_keys import SearchHint
from kinmyaku.domain.names import is_latin


@lru_cache(maxsize=65536)
def display_name(family: str, given: str) -> str:
    """Family name first for Japanese names; given name first for Latin-script names."""
    if given and is_latin(family + given):
        return f"{given} {family}"
    return " ".join(p for p in (family, given) if p)


@dataclass
class PersonSummary:
    """One line of a list or a search result."""

    id: int
    name: str
    reading: str
    company: str
    title: str
    family_name: str = ""
    given_name: str = ""
    reading_inferred: bool = False
    photo: str | None = None
    met: bool = True
    last_contact: date | None = None
    hint: SearchHint | None = None
    """In a search result: where and when we met, the cue, the field a word was found in."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO text)."""
        # The fields as they are (asdict copies each value deeply: a fifth of the JSON
        # API's CPU); every one is a plain value but the hint, converted below.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["last_contact"] = self.last_contact.isoformat() if self.last_contact else None
        data["hint"] = self.hint.to_json() if self.hint else None
        return data


@dataclass
class PersonProfile:
    """Everything about one person, for ``show`` and the person page."""

    summary: PersonSummary
    romaji: str
    nickname: str
    birthday: date | None
    notes: str
    offers: str
    needs: str
    tags: list[str] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    affiliations: list[dict[str, Any]] = field(default_factory=list)
    encounters: list[dict[str, Any]] = field(default_factory=list)
    interactions: list[dict[str, Any]] = field(default_factory=list)
    exchanges: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    purpose: dict[str, Any] | None = None
    links: list[dict[str, Any]] = field(default_factory=list)
    extra: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: the summary's keys plus every part of the profile."""
        data = self.summary.to_json()
        # _iso copies every list and dict (asdict's deep copy did it twice).
        data.update((f.name, getattr(self, f.name)) for f in fields(self) if f.name != "summary")
        result: dict[str, Any] = _iso(data)
        return result


def _iso(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    return value

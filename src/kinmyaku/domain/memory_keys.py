"""What a person is remembered by, as search keys and as a search result's hint (pure).

Besides names, a person is found by what one remembers of them: the memory cue and place
of each encounter, the name and place of the event where we met, their titles and
departments, and the notes.  Each value is folded as names are (``fold_text``: width,
case, kana, separators), one a line, into a text searched for substrings through a trigram
index (``storage.search_memory``); Japanese has no spaces, so 「赤いメガネ」 is found by
「メガネ」 and by 「赤い」.  A search result then says where and when we met, the cue, and
in which field a word of the query was found when it was not the name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from kinmyaku.domain.names import fold_text

MAX_LINE = 2000
"""Characters of one folded value kept in the index (a long note's start)."""
EXCERPT = 40
"""Characters of a matched value shown in a result, around the match."""


class MemoryField(StrEnum):
    """Where a remembered word was found."""

    CUE = "cue"
    EVENT = "event"
    PLACE = "place"
    TITLE = "title"
    DEPARTMENT = "department"
    NOTES = "notes"


@dataclass(frozen=True)
class Encounter:
    """One meeting as remembered: when, the event and its place, the place, the cue."""

    on: date
    event: str = ""
    event_place: str = ""
    place: str = ""
    cue: str = ""

    def values(self) -> list[tuple[MemoryField, str]]:
        """Its searchable values with their fields."""
        return [
            (MemoryField.CUE, self.cue),
            (MemoryField.EVENT, self.event),
            (MemoryField.PLACE, self.place),
            (MemoryField.PLACE, self.event_place),
        ]


@dataclass
class Memory:
    """Everything a person is remembered by (encounters first met first)."""

    encounters: list[Encounter] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    notes: str = ""

    def values(self) -> list[tuple[MemoryField, str]]:
        """Every searchable value with its field, encounters first."""
        found = [pair for e in self.encounters for pair in e.values()]
        found += [(MemoryField.TITLE, t) for t in self.titles]
        found += [(MemoryField.DEPARTMENT, d) for d in self.departments]
        found.append((MemoryField.NOTES, self.notes))
        return [(f, v) for f, v in found if v and v.strip()]


def memory_keys(memory: Memory) -> list[str]:
    """The folded values of a person's memory, distinct, one a line in the index."""
    keys = (fold_text(value)[:MAX_LINE] for _, value in memory.values())
    return [key for key in dict.fromkeys(keys) if key]


@dataclass(frozen=True)
class SearchHint:
    """What a search result shows besides the name: where and when we met, the cue, and
    the field (and an excerpt of it) a query word was found in when not the name."""

    met_on: date | None = None
    met_at: str = ""
    cue: str = ""
    field: str = ""
    excerpt: str = ""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the date as ISO text)."""
        return {
            "met_on": self.met_on.isoformat() if self.met_on else None,
            "met_at": self.met_at,
            "cue": self.cue,
            "field": self.field,
            "excerpt": self.excerpt,
        }

    @property
    def shows_excerpt(self) -> bool:
        """True when the matched field is not on the line of the encounter shown."""
        return bool(self.excerpt) and self.field in (
            MemoryField.TITLE,
            MemoryField.DEPARTMENT,
            MemoryField.NOTES,
        )


def excerpt(value: str, key: str) -> str:
    """A short part of ``value`` around where the folded ``key`` is (… marks cuts)."""
    text = " ".join(value.split())
    if len(text) <= EXCERPT:
        return text
    plain = unicodedata.normalize("NFKC", text).lower()
    at = plain.find(unicodedata.normalize("NFKC", key).lower()) if key else -1
    if at < 0 or len(plain) != len(text):
        at = 0
    start = max(0, at - EXCERPT // 3)
    end = min(len(text), start + EXCERPT)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def _found(words: Sequence[tuple[str, str]], value: str) -> str | None:
    """The typed word of the first ``(typed, folded)`` pair whose folded key is in the
    folded value."""
    folded = fold_text(value)
    for typed, key in words:
        if key and key in folded:
            return typed
    return None


def search_hint(memory: Memory, words: Iterable[tuple[str, str]]) -> SearchHint:
    """The hint of a result: the encounter a word was found in (else the first met), and
    the field a word was found in.  ``words`` are the query words the name does not
    explain, each as typed and folded."""
    words = list(words)
    shown = memory.encounters[0] if memory.encounters else None
    found_field, found_text, found_word = "", "", ""
    if words:
        for encounter in memory.encounters:
            for name, value in encounter.values():
                typed = _found(words, value)
                if typed is not None:
                    shown, found_field, found_text, found_word = encounter, name, value, typed
                    break
            if found_field:
                break
        if not found_field:
            for name, value in memory.values():
                typed = _found(words, value)
                if typed is not None:
                    found_field, found_text, found_word = name, value, typed
                    break
    if shown is None:
        return SearchHint(field=found_field, excerpt=excerpt(found_text, found_word))
    return SearchHint(
        met_on=shown.on,
        met_at=shown.event or shown.place,
        cue=" ".join(shown.cue.split()),
        field=found_field,
        excerpt=excerpt(found_text, found_word) if found_text else "",
    )

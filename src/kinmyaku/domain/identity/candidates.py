"""A suggested pair of records that may be one person, with its probability and reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

AUTO_MERGE = 0.99
"""At or above this probability a pair is merged without asking (import, ``merge --auto``)."""

REVIEW = 0.5
"""From this probability up to AUTO_MERGE a pair goes to the review queue (``duplicates``)."""


@dataclass(frozen=True, slots=True)
class Reason:
    """One plain reason for (or against) a match: an English message id and its values."""

    msgid: str
    params: tuple[tuple[str, str], ...] = ()
    weight: float = 0.0
    """Its log2 Bayes factor: positive for, negative against (ordering only)."""


@dataclass(frozen=True, slots=True)
class PersonRef:
    """A person as a candidate list shows them: id, name, company and a phone or e-mail."""

    id: int
    name: str
    company: str = ""
    contact: str = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    """Two people (``a.id < b.id``; ``a.id == 0`` for a person not written yet) who may be one."""

    a: PersonRef
    b: PersonRef
    probability: float
    reasons: tuple[Reason, ...] = field(default=())

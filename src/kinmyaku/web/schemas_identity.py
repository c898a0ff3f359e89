"""Schemas of the identity API: suggested duplicates, merges, "different people"."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from kinmyaku.web.schemas import Id, Schema

ChoosableField = Literal[
    "family_name",
    "given_name",
    "family_reading",
    "given_reading",
    "nickname",
    "birthday",
    "photo",
]


class DuplicatePersonPublic(BaseModel):
    """One person of a suggested pair: id, name, current company, a phone or e-mail."""

    id: int
    name: str
    company: str
    contact: str


class DuplicatePublic(BaseModel):
    """A pair of people who may be one, with the probability and the reasons (in the
    request's language, strongest first)."""

    probability: float
    a: DuplicatePersonPublic
    b: DuplicatePersonPublic
    reasons: list[str]


class MergeCreate(Schema):
    """Merge OTHER into KEEP; ``values`` takes a field's value from KEEP or OTHER."""

    keep: Id
    other: Id
    values: dict[ChoosableField, Literal["keep", "other"]] = Field(
        default={}, examples=[{"given_name": "other", "photo": "other"}]
    )


class MergePublic(BaseModel):
    """A merge: its id (for undo), the person kept and the one merged into them."""

    id: int
    keep: int
    other: int


class MergeUndone(BaseModel):
    """A merge that was undone."""

    id: int
    undone: bool = True


class NotDuplicatesCreate(Schema):
    """Two people who are different: never suggested or merged again."""

    a: Id
    b: Id

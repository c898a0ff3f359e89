"""Schemas of the business card API (名刺): a card read, a card saved."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from kinmyaku.domain.limits import limit_of
from kinmyaku.web.schemas import Id, Schema

PhoneKind = Literal["tel", "direct", "mobile", "fax"]


class CardPhone(Schema):
    """A phone number on a card and its kind (a fax is never taken as the phone)."""

    kind: PhoneKind = "tel"
    number: str = Field(min_length=1, max_length=40, examples=["03-1234-5678"])


class CardFieldsPublic(BaseModel):
    """What the card says (strings empty when not read), each field with a confidence 0..1
    (``kinmyaku scan --json``)."""

    family_name: str
    given_name: str
    family_reading: str
    given_reading: str
    company: str
    department: str
    title: str
    emails: list[str]
    phones: list[CardPhone]
    postal_code: str
    address: str
    url: str
    confidence: dict[str, float]


class CardMatchPublic(BaseModel):
    """A stored person the card may be, how likely, why, and whether the company differs."""

    id: int
    name: str
    company: str
    probability: float
    job_change: bool
    reasons: list[str]


class CardScanPublic(BaseModel):
    """A card read: its fields, the ids of its kept sides (pass them to ``POST /api/cards``),
    the fields to check, and whom it may be (``sure_match``: the engine is sure)."""

    fields: CardFieldsPublic
    image_ids: list[int]
    uncertain: list[str]
    matches: list[CardMatchPublic]
    sure_match: int | None


class CardSave(Schema):
    """A reviewed card: a new person (``into`` null) or an update of person ``into``."""

    family_name: str = Field(min_length=1, max_length=limit_of("family_name"), examples=["高橋"])
    given_name: str = Field(default="", max_length=limit_of("given_name"))
    family_reading: str = Field(default="", max_length=limit_of("family_reading"))
    given_reading: str = Field(default="", max_length=limit_of("given_reading"))
    company: str = Field(default="", max_length=limit_of("company"))
    department: str = Field(default="", max_length=limit_of("department"))
    title: str = Field(default="", max_length=limit_of("title"))
    emails: list[str] = Field(default=[], max_length=8)
    phones: list[CardPhone] = Field(default=[], max_length=8)
    postal_code: str = Field(default="", max_length=10)
    address: str = Field(default="", max_length=300)
    url: str = Field(default="", max_length=300)
    image_ids: list[Id] = Field(default=[], max_length=4)
    into: Id | None = None
    event_id: Id | None = None
    introducer_id: Id | None = None
    memory_cue: str = Field(default="", max_length=limit_of("memory_cue"))


class JobChangePublic(BaseModel):
    """A job change the card recorded: the old company stays as history."""

    old: str
    new: str


class CardSavedPublic(BaseModel):
    """What saving did: ``created``, ``updated`` or ``unchanged``; an update is the import
    ``import_id`` (``POST /import/{id}/undo`` or ``kinmyaku import undo`` reverses it)."""

    person_id: int
    action: Literal["created", "updated", "unchanged"]
    import_id: int | None
    added: list[str]
    job_change: JobChangePublic | None

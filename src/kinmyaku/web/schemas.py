"""Pydantic schemas of the JSON API: ``XCreate`` (POST), ``XUpdate`` (PATCH), ``XPublic`` (out)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from kinmyaku.domain.limits import limit_of
from kinmyaku.domain.model import (
    Channel,
    Direction,
    EventKind,
    ExchangeKind,
    Industry,
    InteractionKind,
    RequestSide,
    RequestStatus,
)

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Schema(BaseModel):
    """Base: unknown fields are refused, so a typo is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class PersonCreate(Schema):
    """A new person: family name first, readings in kana (inferred when left out)."""

    family_name: str = Field(min_length=1, max_length=limit_of("family_name"), examples=["高橋"])
    given_name: str = Field(default="", max_length=limit_of("given_name"), examples=["健太"])
    family_reading: str | None = Field(
        default=None, max_length=limit_of("family_reading"), examples=["たかはし"]
    )
    given_reading: str | None = Field(
        default=None, max_length=limit_of("given_reading"), examples=["けんた"]
    )
    romaji: str | None = Field(default=None, max_length=limit_of("romaji"))
    nickname: str | None = Field(default=None, max_length=limit_of("nickname"))
    birthday: dt.date | None = None
    notes: str | None = Field(default=None, max_length=limit_of("notes"))
    offers: str | None = Field(default=None, max_length=limit_of("offers"))
    needs: str | None = Field(default=None, max_length=limit_of("needs"))
    met: bool | None = None
    emails: list[str] = Field(default=[], max_length=20)
    phones: list[str] = Field(default=[], max_length=20)
    urls: list[str] = Field(default=[], max_length=20)
    tags: list[str] = Field(default=[], max_length=50)
    company: str | None = Field(default=None, max_length=limit_of("company"))
    company_reading: str = Field(default="", max_length=limit_of("company_reading"))
    industry: Industry | None = None
    department: str = Field(default="", max_length=limit_of("department"))
    title: str = Field(default="", max_length=limit_of("title"))


class PersonUpdate(Schema):
    """Changes to a person: fields left out stay; contacts, tags and a job are added."""

    family_name: str | None = Field(default=None, min_length=1, max_length=limit_of("family_name"))
    given_name: str | None = Field(default=None, max_length=limit_of("given_name"))
    family_reading: str | None = Field(default=None, max_length=limit_of("family_reading"))
    given_reading: str | None = Field(default=None, max_length=limit_of("given_reading"))
    romaji: str | None = Field(default=None, max_length=limit_of("romaji"))
    nickname: str | None = Field(default=None, max_length=limit_of("nickname"))
    birthday: dt.date | None = None
    notes: str | None = Field(default=None, max_length=limit_of("notes"))
    offers: str | None = Field(default=None, max_length=limit_of("offers"))
    needs: str | None = Field(default=None, max_length=limit_of("needs"))
    met: bool | None = None
    emails: list[str] = Field(default=[], max_length=20)
    phones: list[str] = Field(default=[], max_length=20)
    urls: list[str] = Field(default=[], max_length=20)
    add_tags: list[str] = Field(default=[], max_length=50)
    remove_tags: list[str] = Field(default=[], max_length=50)
    company: str | None = Field(default=None, max_length=limit_of("company"))
    company_reading: str = Field(default="", max_length=limit_of("company_reading"))
    industry: Industry | None = None
    department: str = Field(default="", max_length=limit_of("department"))
    title: str = Field(default="", max_length=limit_of("title"))


class SearchHintPublic(BaseModel):
    """Where and when we met a person found by a search, the memory cue, and the field a
    word of the query was found in when it was not the name."""

    met_on: dt.date | None
    met_at: str
    cue: str
    field: str = Field(
        description="cue, event, place, title, department or notes; empty: the name matched"
    )
    excerpt: str


class PersonSummaryPublic(BaseModel):
    """One person in a list or a search result."""

    id: int
    name: str
    reading: str
    company: str
    title: str
    family_name: str
    given_name: str
    reading_inferred: bool
    photo: str | None
    met: bool
    last_contact: dt.date | None
    hint: SearchHintPublic | None = None


class ContactPublic(BaseModel):
    """An e-mail, phone, address, URL or social profile."""

    id: int
    kind: str
    label: str
    value: str
    display: str


class AffiliationPublic(BaseModel):
    """A job, current or former."""

    id: int
    organization: str
    organization_reading: str
    industry: str | None
    department: str
    title: str
    start_date: dt.date | None
    end_date: dt.date | None
    is_current: bool


class EncounterCreate(Schema):
    """How and where we met."""

    person_id: Id
    on: dt.date
    channel: Channel = Channel.OTHER
    introducer_id: Id | None = None
    event_id: Id | None = None
    place: str = Field(default="", max_length=limit_of("place"))
    memory_cue: str = Field(default="", max_length=limit_of("memory_cue"))


class EncounterUpdate(Schema):
    """Corrections to an encounter: only the fields given change."""

    on: dt.date | None = None
    channel: Channel | None = None
    introducer_id: Id | None = None
    event_id: Id | None = None
    place: str | None = Field(default=None, max_length=limit_of("place"))
    memory_cue: str | None = Field(default=None, max_length=limit_of("memory_cue"))


class EncounterPublic(BaseModel):
    """An encounter as stored."""

    id: int
    person_id: int | None = None
    date: dt.date
    channel: str
    introducer_id: int | None
    event_id: int | None
    place: str
    memory_cue: str


class InteractionCreate(Schema):
    """A touch point with one or more people, maybe with a follow-up date."""

    person_ids: list[Id] = Field(min_length=1, max_length=100)
    on: dt.date
    kind: InteractionKind = InteractionKind.MEETING
    summary: str = Field(default="", max_length=limit_of("summary"))
    follow_up_on: dt.date | None = None


class InteractionUpdate(Schema):
    """Mark the follow-up of an interaction as done."""

    follow_up_done: bool


class InteractionPublic(BaseModel):
    """An interaction as stored."""

    id: int
    date: dt.date
    kind: str
    summary: str
    follow_up_on: dt.date | None
    follow_up_done: bool
    person_ids: list[int] = []


class ExchangeCreate(Schema):
    """Something given to or received from a person, weighted 1-5."""

    person_id: Id
    on: dt.date
    direction: Direction
    kind: ExchangeKind = ExchangeKind.OTHER
    weight: int = Field(default=1, ge=1, le=5)
    note: str = Field(default="", max_length=limit_of("note"))


class ExchangeUpdate(Schema):
    """Corrections to a give/take entry: only the fields given change."""

    on: dt.date | None = None
    direction: Direction | None = None
    kind: ExchangeKind | None = None
    weight: int | None = Field(default=None, ge=1, le=5)
    note: str | None = Field(default=None, max_length=limit_of("note"))


class ExchangePublic(BaseModel):
    """A give/take entry as stored."""

    id: int
    person_id: int | None = None
    date: dt.date
    direction: str
    kind: str
    weight: int
    note: str


class RequestCreate(Schema):
    """A request: mine of them, or theirs of me."""

    person_id: Id
    side: RequestSide
    what: str = Field(min_length=1, max_length=limit_of("what"))
    asked_on: dt.date
    due_on: dt.date | None = None


class RequestUpdate(Schema):
    """Move a request on; closing it (done, declined) records the outcome and date."""

    status: RequestStatus
    outcome: str = Field(default="", max_length=limit_of("outcome"))
    on: dt.date | None = None


class RequestPublic(BaseModel):
    """A request as stored, with the person and their name (left out inside a profile)."""

    id: int
    person_id: int | None = None
    name: str = ""
    side: str
    what: str
    asked_on: dt.date
    due_on: dt.date | None
    status: str
    outcome: str
    closed_on: dt.date | None


class PurposePublic(BaseModel):
    """Why this relationship matters."""

    category: str
    goal: str
    offer: str
    cadence_days: int | None


class LinkPublic(BaseModel):
    """A connection to another person."""

    id: int
    person_id: int
    name: str
    kind: str
    date: dt.date | None
    outcome: str
    note: str


class ExtraFieldPublic(BaseModel):
    """A field kept from an import that has no column of its own."""

    name: str
    value: str


class PersonPublic(PersonSummaryPublic):
    """Everything about one person."""

    romaji: str
    nickname: str
    birthday: dt.date | None
    notes: str
    offers: str
    needs: str
    tags: list[str]
    contacts: list[ContactPublic]
    affiliations: list[AffiliationPublic]
    encounters: list[EncounterPublic]
    interactions: list[InteractionPublic]
    exchanges: list[ExchangePublic]
    requests: list[RequestPublic]
    purpose: PurposePublic | None
    links: list[LinkPublic]
    extra: list[ExtraFieldPublic]


class PeoplePagePublic(BaseModel):
    """A page of people and how many match in all."""

    people: list[PersonSummaryPublic]
    total: int
    page: int
    per_page: int
    exact: bool = Field(description="False when more than `total` people match")
    has_more: bool


class EventCreate(Schema):
    """An event (異業種交流会, party, seminar ...) with my goal for it."""

    name: str = Field(min_length=1, max_length=limit_of("name"))
    on: dt.date
    kind: EventKind = EventKind.MEETUP
    place: str = Field(default="", max_length=limit_of("place"))
    goal: str = Field(default="", max_length=limit_of("goal"))
    goal_count: int | None = Field(default=None, ge=0, le=100_000)


class EventUpdate(Schema):
    """Corrections to an event: only the fields given change."""

    name: str | None = Field(default=None, min_length=1, max_length=limit_of("name"))
    on: dt.date | None = None
    kind: EventKind | None = None
    place: str | None = Field(default=None, max_length=limit_of("place"))
    goal: str | None = Field(default=None, max_length=limit_of("goal"))
    goal_count: int | None = Field(default=None, ge=0, le=100_000)


class EventPublic(BaseModel):
    """An event with how many people I met there (and who, on the event's own page)."""

    id: int
    name: str
    kind: str
    date: dt.date
    place: str
    goal: str
    goal_count: int | None
    met_count: int
    people: list[PersonSummaryPublic] = []


class RequestsPagePublic(BaseModel):
    """Requests and how many match in all."""

    requests: list[RequestPublic]
    total: int


class SessionPublic(BaseModel):
    """The state of this API session and the CSRF token for state-changing requests."""

    csrf_token: str
    logged_in: bool
    login_required: bool
    language: str


class LoginBody(Schema):
    """The owner's password."""

    password: str = Field(max_length=1024)


class Created(BaseModel):
    """The id of a record just created."""

    id: int


class PersonRef(BaseModel):
    """The id of the person a reference named."""

    id: int


class ErrorDetail(BaseModel):
    """What went wrong, and which field (if one) to fix."""

    message: str
    field: str | None


class ErrorPublic(BaseModel):
    """Every API error: ``{"error": {"message": ..., "field": ...}}``."""

    error: ErrorDetail


class PurposeUpdate(Schema):
    """Why this relationship matters, what I can offer, how often to touch base."""

    category: str = Field(max_length=20, examples=["mentor"])
    goal: str = Field(default="", max_length=limit_of("goal"))
    offer: str = Field(default="", max_length=limit_of("offer"))
    cadence_days: int | None = Field(default=None, ge=1, le=3650)


class LinkCreate(Schema):
    """Two people I know are connected."""

    person_a: Id
    person_b: Id
    kind: str = Field(default="knows", max_length=20)
    on: dt.date | None = None
    note: str = Field(default="", max_length=limit_of("note"))


ERRORS: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorPublic, "description": text}
    for status, text in (
        (401, "Log in first"),
        (403, "Missing or invalid CSRF token"),
        (404, "Not found"),
        (409, "Ambiguous"),
        (422, "Invalid input"),
    )
}

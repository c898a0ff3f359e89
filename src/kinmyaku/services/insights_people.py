"""Relationship intelligence for one person: insight card, giving suggestions, thank-you draft.

"Me" (the sender of thank-you messages, my offers and needs) is kept in the settings table
under ``me.*`` keys; ``set_my_profile`` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, func, insert, select, update

from kinmyaku.domain.errors import NotFound, ValidationError
from kinmyaku.domain.insights import (
    DEFAULT_PARAMS,
    Balance,
    DraftPerson,
    DraftSender,
    GivingSuggestion,
    InsightParams,
    OfferIndex,
    OneSided,
    Profile,
    Strength,
    ThankYouDraft,
    TouchAggregates,
    TwoWayStatus,
    ask_suggestions,
    balance_from_aggregates,
    giving_suggestions,
    one_sided_side,
    strength_from_aggregates,
    thank_you_draft,
    two_way_status_from_aggregates,
)
from kinmyaku.domain.insights.drafts import draft_language, has_japanese, topic_from_cue
from kinmyaku.domain.people import PersonProfile, display_name
from kinmyaku.domain.validate import normalize_email, raise_all
from kinmyaku.i18n import translate
from kinmyaku.services.relations import log_interaction
from kinmyaku.storage import insights_queries as q
from kinmyaku.storage import read
from kinmyaku.storage.schema import (
    encounters,
    events,
    interaction_people,
    interactions,
    people,
    settings,
)
from kinmyaku.storage.uow import UnitOfWork

# My profile: settings key me.<field> -> the most characters it holds.
ME_LIMITS = {
    "name": 100,
    "reading": 100,
    "organization": 200,
    "title": 100,
    "email": 254,
    "signature": 1000,
    "name_en": 100,
    "organization_en": 200,
    "offers": 2000,
    "needs": 2000,
}
ME_KEYS = tuple(ME_LIMITS)


@dataclass(frozen=True, slots=True)
class MyProfile:
    """Me: how I sign (name, reading, company, title, e-mail, signature), offers and needs."""

    name: str = ""
    reading: str = ""
    organization: str = ""
    title: str = ""
    email: str = ""
    signature: str = ""
    name_en: str = ""
    organization_en: str = ""
    offers: str = ""
    needs: str = ""

    def sender(self) -> DraftSender:
        """Me as a thank-you draft signs."""
        return DraftSender(
            name=self.name,
            organization=self.organization,
            name_en=self.name_en,
            organization_en=self.organization_en,
            reading=self.reading,
            title=self.title,
            email=self.email,
            signature=self.signature,
        )

    @property
    def limits(self) -> dict[str, int]:
        """The most characters each field holds (the form's ``maxlength``)."""
        return ME_LIMITS

    @property
    def is_blank(self) -> bool:
        """True when nothing to sign with is set."""
        return not (self.name or self.organization or self.signature)


@dataclass(frozen=True, slots=True)
class PersonInsight:
    """One person's scores with their explanations, and what I could give or ask."""

    person_id: int
    name: str
    strength: Strength
    two_way: TwoWayStatus
    balance: Balance
    one_sided: OneSided | None
    suggestions: list[GivingSuggestion]


def _read_me(conn: Connection) -> MyProfile:
    keys = [f"me.{k}" for k in ME_KEYS]
    rows = conn.execute(select(settings.c.key, settings.c.value).where(settings.c.key.in_(keys)))
    found = {str(key): str(value) for key, value in rows}
    return MyProfile(**{k: found.get(f"me.{k}", "") for k in ME_KEYS})


def my_profile(uow: UnitOfWork) -> MyProfile:
    """Me, as stored (blank fields when never set)."""
    with uow as conn:
        return _read_me(conn)


def _clean(name: str, value: str) -> str:
    if name == "signature":
        lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return "\n".join(line.rstrip() for line in lines).strip("\n")
    return " ".join(value.split())


def check_my_profile(**fields: str | None) -> dict[str, str]:
    """The given fields cleaned (spaces, e-mail) and checked, every problem at once."""
    unknown = set(fields) - set(ME_KEYS)
    if unknown:
        raise NotFound("Unknown profile field: {field}", field=", ".join(sorted(unknown)))
    clean: dict[str, str] = {}
    errors: list[ValidationError] = []
    for name, value in fields.items():
        if value is None:
            continue
        text = _clean(name, value)
        if len(text) > ME_LIMITS[name]:
            errors.append(
                ValidationError(
                    name,
                    "'{field}' is too long ({length} > {limit} characters)",
                    length=len(text),
                    limit=ME_LIMITS[name],
                )
            )
            continue
        if name == "email" and text:
            try:
                text = normalize_email(text, field="email")
            except ValidationError as error:
                errors.append(error)
                continue
        clean[name] = text
    raise_all(errors)
    return clean


def set_my_profile(uow: UnitOfWork, **fields: str | None) -> MyProfile:
    """Change some fields of my profile (name, reading, company, title, e-mail, signature ...)."""
    values = check_my_profile(**fields)
    with uow as conn:
        for name, value in values.items():
            key = f"me.{name}"
            exists = conn.execute(select(settings.c.key).where(settings.c.key == key)).first()
            if exists:
                conn.execute(update(settings).where(settings.c.key == key).values(value=value))
            else:
                conn.execute(insert(settings).values(key=key, value=value))
        return _read_me(conn)


def _items(text: str) -> tuple[str, ...]:
    return (text,) if text.strip() else ()


def person_insight(
    uow: UnitOfWork, *, person_id: int, today: date, params: InsightParams = DEFAULT_PARAMS
) -> PersonInsight:
    """A person's strength, two-way status, balance, and giving (or asking) suggestions."""
    with uow as conn:
        found = q.person_rows(conn, person_ids=[person_id])
        if not found:
            raise NotFound("No person with id {id}", id=person_id)
        row = found[0]
        me = _read_me(conn)
        givers = conn.execute(
            select(people.c.id, people.c.family_name, people.c.given_name, people.c.offers).where(
                people.c.offers != "", people.c.id != person_id
            )
        ).all()
        ids = [person_id, *(int(g.id) for g in givers)]
        aggs = q.touch_aggregates(conn, today=today, params=params, person_ids=ids)
    agg = aggs.get(person_id, TouchAggregates())
    strength = strength_from_aggregates(agg, today=today, params=params)
    balance = balance_from_aggregates(agg, params=params)
    side = one_sided_side(balance, params=params)
    name = display_name(row.family_name, row.given_name)
    profile = Profile(person_id, name, _items(row.offers), _items(row.needs), strength.value)
    known = OfferIndex(
        Profile(
            int(g.id),
            display_name(g.family_name, g.given_name),
            offers=_items(g.offers),
            strength=strength_from_aggregates(
                aggs.get(int(g.id), TouchAggregates()), today=today, params=params
            ).value,
        )
        for g in givers
    )
    if side is OneSided.GIVING:
        suggestions = ask_suggestions(profile, my_needs=_items(me.needs), params=params)
    else:
        suggestions = giving_suggestions(
            profile, my_offers=_items(me.offers), known=known, params=params
        )
    return PersonInsight(
        person_id=person_id,
        name=name,
        strength=strength,
        two_way=two_way_status_from_aggregates(agg, params=params),
        balance=balance,
        one_sided=side,
        suggestions=suggestions,
    )


@dataclass(frozen=True, slots=True)
class Meeting:
    """What a thank-you is for: the latest meeting (event, place, day, memory cue)."""

    event_id: int | None
    event_name: str
    place: str
    met_on: date | None
    memory_cue: str


@dataclass(frozen=True, slots=True)
class ThanksView:
    """A thank-you draft with what the draft page shows around it."""

    person_id: int
    name: str
    email: str
    meeting: Meeting
    draft: ThankYouDraft
    contact_language: str
    profile_blank: bool
    topic: str = ""
    """What the draft says we talked about (given, or the topics the memory cue names)."""


_TOUCH_KINDS = ("meeting", "meal", "call", "event")


def _meeting(conn: Connection, person_id: int, event_id: int | None) -> Meeting | None:
    stmt = (
        select(
            encounters.c.event_id,
            encounters.c.date,
            encounters.c.place,
            encounters.c.memory_cue,
            events.c.name,
            events.c.place.label("event_place"),
        )
        .outerjoin(events, events.c.id == encounters.c.event_id)
        .where(encounters.c.person_id == person_id)
        .order_by(encounters.c.event_id.is_(None), encounters.c.date.desc())
        .limit(1)
    )
    if event_id is not None:
        stmt = stmt.where(encounters.c.event_id == event_id)
    met = conn.execute(stmt).first()
    if met is not None:
        return Meeting(
            event_id=met.event_id,
            event_name=met.name or "",
            place=met.place or met.event_place or "",
            met_on=q.as_date(met.date),
            memory_cue=met.memory_cue or "",
        )
    if event_id is not None:
        raise NotFound(
            "No encounter with person {id} at event {event}", id=person_id, event=event_id
        )
    touched = conn.execute(
        select(func.max(interactions.c.date))
        .join(interaction_people, interaction_people.c.interaction_id == interactions.c.id)
        .where(
            interaction_people.c.person_id == person_id,
            interactions.c.kind.in_(_TOUCH_KINDS),
        )
    ).scalar()
    if touched is None:
        return None
    return Meeting(None, "", "", q.as_date(touched), "")


def _draft_person(found: PersonProfile) -> tuple[DraftPerson, str]:
    """The person as a draft addresses them, and their first e-mail address."""
    s = found.summary
    job = next((a for a in found.affiliations if a["is_current"]), None)
    romaji = found.romaji.split()
    name_en = " ".join(reversed(romaji)) if len(romaji) == 2 else found.romaji
    person = DraftPerson(
        s.family_name,
        s.given_name,
        organization=job["organization"] if job else "",
        name_en=name_en if has_japanese(s.family_name + s.given_name) else "",
        department=job["department"] if job else "",
        title=job["title"] if job else "",
        reading=s.reading,
    )
    email = next((c["value"] for c in found.contacts if c["kind"] == "email"), "")
    return person, str(email)


def thank_you_view(
    uow: UnitOfWork,
    *,
    person_id: int,
    today: date,
    event_id: int | None = None,
    topic: str = "",
    language: str | None = None,
    require_meeting: bool = True,
) -> ThanksView:
    """A thank-you draft for a person, in their language unless ``language`` says otherwise.

    Without any meeting on record it raises NotFound, or (``require_meeting=False``)
    thanks for "the other day" without a date.
    """
    with uow as conn:
        found = read.profile(conn, person_id)
        if found is None:
            raise NotFound("No person with id {id}", id=person_id)
        meeting = _meeting(conn, person_id, event_id)
        if meeting is None and require_meeting:
            raise NotFound("No encounter with person {id} recorded", id=person_id)
        meeting = meeting or Meeting(None, "", "", None, "")
        me = _read_me(conn)
    person, email = _draft_person(found)
    if not topic.strip():
        chosen = language if language in ("ja", "en") else draft_language(person)
        from_cue = topic_from_cue(meeting.memory_cue)
        if chosen == "ja" or not has_japanese(from_cue):
            topic = from_cue
    draft = thank_you_draft(
        person=person,
        sender=me.sender(),
        event_name=meeting.event_name,
        met_on=meeting.met_on,
        today=today,
        topic=topic,
        place=meeting.place,
        language=language,
    )
    return ThanksView(
        person_id=person_id,
        name=found.summary.name,
        email=email,
        meeting=meeting,
        draft=draft,
        contact_language=draft_language(person),
        profile_blank=me.is_blank,
        topic=topic,
    )


def thank_you_message(
    uow: UnitOfWork,
    *,
    person_id: int,
    today: date,
    event_id: int | None = None,
    topic: str = "",
    language: str | None = None,
) -> ThankYouDraft:
    """The thank-you draft (お礼メール) for the latest (or this) event where we met."""
    return thank_you_view(
        uow, person_id=person_id, today=today, event_id=event_id, topic=topic, language=language
    ).draft


def record_thanks_sent(
    uow: UnitOfWork, *, person_id: int, today: date, kind: str = "email", lang: str = "ja"
) -> int:
    """Log that the thank-you was sent (an e-mail or a message): the follow-up is done."""
    if kind not in ("email", "message"):
        raise ValidationError("kind", "Choose e-mail or message")
    summary = translate(lang, "Thank-you message")
    return log_interaction(uow, person_ids=[person_id], on=today, kind=kind, summary=summary)

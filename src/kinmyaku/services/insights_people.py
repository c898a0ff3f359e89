"""Relationship intelligence for one person: insight card, giving suggestions, thank-you draft.

"Me" (the sender of thank-you messages, my offers and needs) is kept in the settings table
under ``me.*`` keys; ``set_my_profile`` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, insert, select, update

from kinmyaku.domain.errors import NotFound
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
from kinmyaku.domain.people import display_name
from kinmyaku.storage import insights_queries as q
from kinmyaku.storage.schema import encounters, events, people, settings
from kinmyaku.storage.uow import UnitOfWork

ME_KEYS = ("name", "organization", "name_en", "organization_en", "offers", "needs")


@dataclass(frozen=True, slots=True)
class MyProfile:
    """Me: how I sign, and what I offer and need (free-text lists)."""

    name: str = ""
    organization: str = ""
    name_en: str = ""
    organization_en: str = ""
    offers: str = ""
    needs: str = ""


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


def set_my_profile(uow: UnitOfWork, **fields: str | None) -> MyProfile:
    """Change some fields of my profile (name, organization, offers, needs ...)."""
    unknown = set(fields) - set(ME_KEYS)
    if unknown:
        raise NotFound("Unknown profile field: {field}", field=", ".join(sorted(unknown)))
    with uow as conn:
        for name, value in fields.items():
            if value is None:
                continue
            key = f"me.{name}"
            exists = conn.execute(select(settings.c.key).where(settings.c.key == key)).first()
            if exists:
                conn.execute(
                    update(settings).where(settings.c.key == key).values(value=value.strip())
                )
            else:
                conn.execute(insert(settings).values(key=key, value=value.strip()))
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


def thank_you_message(
    uow: UnitOfWork,
    *,
    person_id: int,
    today: date,
    event_id: int | None = None,
    topic: str = "",
    locale: str = "ja",
) -> ThankYouDraft:
    """The thank-you draft (お礼メール) for the latest (or this) event where we met."""
    with uow as conn:
        found = q.person_rows(conn, person_ids=[person_id])
        if not found:
            raise NotFound("No person with id {id}", id=person_id)
        row = found[0]
        stmt = (
            select(encounters.c.date, encounters.c.place, events.c.name)
            .outerjoin(events, events.c.id == encounters.c.event_id)
            .where(encounters.c.person_id == person_id)
            .order_by(encounters.c.event_id.is_(None), encounters.c.date.desc())
            .limit(1)
        )
        if event_id is not None:
            stmt = stmt.where(encounters.c.event_id == event_id)
        met = conn.execute(stmt).first()
        if met is None:
            if event_id is not None:
                raise NotFound(
                    "No encounter with person {id} at event {event}", id=person_id, event=event_id
                )
            raise NotFound("No encounter with person {id} recorded", id=person_id)
        me = _read_me(conn)
    english_name = row.romaji or display_name(row.family_name, row.given_name)
    return thank_you_draft(
        person=DraftPerson(
            row.family_name, row.given_name, row.organization or "", name_en=english_name
        ),
        sender=DraftSender(me.name, me.organization, me.name_en, me.organization_en),
        event_name=met.name or met.place or "",
        met_on=q.as_date(met.date) or today,
        today=today,
        topic=topic,
        locale=locale,
    )

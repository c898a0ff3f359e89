"""The recall drill (名刺を覚える): today's cards, grading an answer, SM-2 scheduling.

A person can be drilled when they have a photo or a memory cue. A card with no row in
``drill_cards`` is new; ``ease`` is stored as an integer (hundredths: 250 = 2.5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, exists, func, insert, literal, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from kinmyaku.domain.errors import NotFound
from kinmyaku.domain.insights import (
    DEFAULT_PARAMS,
    DrillSubject,
    Explanation,
    InsightParams,
    Prompt,
    ReviewState,
    company_answer_ok,
    due_cards,
    name_answer_ok,
    name_forms,
    place_answer_ok,
    quality_from_answers,
    review,
)
from kinmyaku.storage import insights_queries as q
from kinmyaku.storage.schema import drill_cards, encounters, events, people
from kinmyaku.storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class DrillQuestion:
    """One card to show: the photo or the memory cue, and a hint (industry, department)."""

    person_id: int
    prompt: Prompt
    memory_cue: str
    photo: str | None
    hint: str
    new: bool


@dataclass(frozen=True, slots=True)
class DrillResult:
    """How an answer was graded, the right answers, and when the card comes back."""

    person_id: int
    quality: int
    name_ok: bool
    company_ok: bool
    place_ok: bool
    name: str
    company: str
    places: tuple[str, ...]
    state: ReviewState
    explanation: Explanation


def _eligible() -> ColumnElement[bool]:
    """A photo or a memory cue: the cue is looked up by the person's own encounters.

    Written as "the first cue is not null" (a scalar subquery), not ``OR EXISTS``:
    PostgreSQL turned the EXISTS into a hash of every encounter with a cue (69,000 at
    100,000 people) before it looked at the first person, 134 ms for the review's count
    of today's new cards, which needs ten people.
    """
    first_cue = (
        select(literal(1))
        .where(encounters.c.person_id == people.c.id, encounters.c.memory_cue != "")
        .limit(1)
        .scalar_subquery()
    )
    return or_(people.c.photo.is_not(None), first_cue.is_not(None))


def count_due_cards(
    conn: Connection, *, today: date, params: InsightParams = DEFAULT_PARAMS
) -> int:
    """How many cards today's drill shows: due reviews plus today's new cards."""
    eligible = _eligible()
    due = conn.execute(
        select(func.count())
        .select_from(drill_cards.join(people, people.c.id == drill_cards.c.person_id))
        .where(drill_cards.c.due_on <= today, eligible)
    ).scalar_one()
    unseen = (
        select(people.c.id)
        .where(eligible, ~exists().where(drill_cards.c.person_id == people.c.id))
        .limit(params.drill_new_per_day)  # only min(new, per day) matters: stop there
        .subquery()
    )
    new = conn.execute(select(func.count()).select_from(unseen)).scalar_one()
    return int(due) + min(int(new), params.drill_new_per_day)


def _state(row: Any, person_id: int, params: InsightParams) -> ReviewState | None:
    if row is None or getattr(row, "due_on", None) is None:
        return None
    return ReviewState(
        person_id=person_id,
        repetitions=int(row.repetitions),
        interval_days=int(row.interval_days),
        ease=int(row.ease) / 100.0,
        due_on=q.as_date(row.due_on),
    )


def drill_cards_due(
    uow: UnitOfWork,
    *,
    today: date,
    limit: int | None = None,
    params: InsightParams = DEFAULT_PARAMS,
) -> list[DrillQuestion]:
    """Today's cards: due reviews (most overdue first), then new cards (10 a day)."""
    eligible = _eligible()
    with uow as conn:
        due_ids = conn.execute(
            select(drill_cards.c.person_id)
            .join(people, people.c.id == drill_cards.c.person_id)
            .where(drill_cards.c.due_on <= today, eligible)
            .order_by(drill_cards.c.due_on, drill_cards.c.person_id)
            .limit(limit)
        ).scalars()
        new_ids = conn.execute(
            select(people.c.id)
            .where(eligible, ~exists().where(drill_cards.c.person_id == people.c.id))
            .order_by(people.c.id)
            .limit(params.drill_new_per_day)
        ).scalars()
        ids = [int(i) for i in due_ids] + [int(i) for i in new_ids]
        if not ids:
            return []
        rows = {r.person_id: r for r in q.person_rows(conn, person_ids=ids)}
        photos = dict(
            conn.execute(select(people.c.id, people.c.photo).where(people.c.id.in_(ids))).all()
        )
        states = {
            int(c.person_id): c
            for c in conn.execute(select(drill_cards).where(drill_cards.c.person_id.in_(ids)))
        }
    subjects = [
        DrillSubject(
            person_id=pid,
            has_photo=rows[pid].has_photo,
            memory_cue=rows[pid].memory_cue,
            state=_state(states.get(pid), pid, params),
        )
        for pid in ids
    ]
    cards = due_cards(subjects, today=today, params=params)
    if limit is not None:
        cards = cards[:limit]
    return [
        DrillQuestion(
            person_id=c.person_id,
            prompt=c.prompt,
            memory_cue=c.memory_cue,
            photo=photos.get(c.person_id),
            hint=" / ".join(
                x for x in (rows[c.person_id].industry, rows[c.person_id].department) if x
            ),
            new=c.state.due_on is None,
        )
        for c in cards
    ]


def answer_drill(
    uow: UnitOfWork,
    *,
    person_id: int,
    name: str,
    company: str,
    place: str,
    today: date,
    hesitated: bool = False,
    params: InsightParams = DEFAULT_PARAMS,
) -> DrillResult:
    """Grade one recall (name, company, where we met) and schedule the card with SM-2.

    A question the database cannot check (no organisation, no place recorded) counts as
    right, so that missing data never lowers the grade.
    """
    with uow as conn:
        found = q.person_rows(conn, person_ids=[person_id])
        if not found:
            raise NotFound("No person with id {id}", id=person_id)
        row = found[0]
        places = tuple(
            dict.fromkeys(
                str(x)
                for pair in conn.execute(
                    select(events.c.name, encounters.c.place)
                    .select_from(encounters.outerjoin(events, events.c.id == encounters.c.event_id))
                    .where(encounters.c.person_id == person_id)
                ).all()
                for x in pair
                if x
            )
        )
        forms = name_forms(row.family_name, row.given_name, row.family_reading, row.given_reading)
        accepted = (*forms, row.romaji) if row.romaji else forms
        name_ok = name_answer_ok(name, accepted=accepted)
        organization = row.organization or ""
        company_ok = not organization or company_answer_ok(company, organization=organization)
        place_ok = not places or place_answer_ok(place, accepted=places)
        quality = quality_from_answers(
            name_ok=name_ok, company_ok=company_ok, place_ok=place_ok, hesitated=hesitated
        )
        current = conn.execute(
            select(drill_cards).where(drill_cards.c.person_id == person_id)
        ).first()
        state = _state(current, person_id, params) or ReviewState(
            person_id, ease=params.sm2_initial_ease
        )
        reviewed = review(state, quality=quality, today=today, params=params)
        new = reviewed.state
        values = {
            "due_on": new.due_on,
            "interval_days": new.interval_days,
            "ease": round(new.ease * 100),
            "repetitions": new.repetitions,
        }
        if current is None:
            conn.execute(insert(drill_cards).values(person_id=person_id, **values))
        else:
            conn.execute(
                update(drill_cards).where(drill_cards.c.person_id == person_id).values(**values)
            )
    return DrillResult(
        person_id=person_id,
        quality=quality,
        name_ok=name_ok,
        company_ok=company_ok,
        place_ok=place_ok,
        name=" ".join(p for p in (row.family_name, row.given_name) if p),
        company=organization,
        places=places,
        state=new,
        explanation=reviewed.explanation,
    )

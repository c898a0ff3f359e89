"""The introductions ledger (紹介台帳): introductions I make, with double opt-in.

An introduction I make between A and B moves forward through::

    proposed -> asked_a -> asked_b -> agreed -> introduced

(ask A first, then B, both agree, the introduction is made), and may be ``declined``
from any open state.  A move may skip states forwards (both already agreed in person)
but never goes back; ``introduced`` and ``declined`` are final.  When it is made, it
counts as giving to both: an exchange (kind ``introduction``, direction ``gave``) with
each, tied to the introduction, and a link (kind ``introduced``) between them.

Introductions made *to me* are encounters with an introducer (``kinmyaku met --by``);
:func:`list_introductions_to_me` lists them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import insert, select, update

from kinmyaku.domain.errors import NotFound, ValidationError
from kinmyaku.domain.people import display_name
from kinmyaku.services.relations import link_people, record_exchange
from kinmyaku.storage.schema import encounters, introductions, people
from kinmyaku.storage.uow import UnitOfWork

STATES = ("proposed", "asked_a", "asked_b", "agreed", "introduced", "declined")
OPEN_STATES = STATES[:4]


def check_move(current: str, new: str) -> None:
    """Raise ValidationError unless an introduction may move from ``current`` to ``new``."""
    if new not in STATES:
        raise ValidationError(
            "state",
            "'{value}' is not a valid {field}; choose one of: {choices}",
            value=new,
            choices=", ".join(STATES),
        )
    if current not in OPEN_STATES:
        raise ValidationError(
            "state", "The introduction is already {state}; it cannot change", state=current
        )
    if new != "declined" and STATES.index(new) <= STATES.index(current):
        raise ValidationError(
            "state",
            "An introduction cannot go back from {state} to {new}",
            state=current,
            new=new,
        )


def propose_introduction(
    uow: UnitOfWork, *, person_a: int, person_b: int, on: date, why: str = ""
) -> int:
    """Start an introduction I make between two people (state proposed); returns its id."""
    if person_a == person_b:
        raise ValidationError("person", "A person cannot be introduced to themselves")
    with uow as conn:
        found = set(
            conn.execute(select(people.c.id).where(people.c.id.in_([person_a, person_b]))).scalars()
        )
        for pid in (person_a, person_b):
            if pid not in found:
                raise NotFound("No person with id {id}", id=pid)
        return int(
            conn.execute(
                insert(introductions)
                .values(
                    introducer_id=None,
                    person_a=person_a,
                    person_b=person_b,
                    date=on,
                    why=why.strip(),
                    state="proposed",
                )
                .returning(introductions.c.id)
            ).scalar_one()
        )


def move_introduction(
    uow: UnitOfWork, *, introduction_id: int, state: str, on: date, outcome: str = ""
) -> None:
    """Move an introduction I make on; made (introduced) counts as giving to both."""
    with uow as conn:
        row = conn.execute(
            select(introductions).where(
                introductions.c.id == introduction_id, introductions.c.introducer_id.is_(None)
            )
        ).first()
        if row is None:
            raise NotFound("No introduction with id {id}", id=introduction_id)
        check_move(row.state, state)
        values: dict[str, Any] = {"state": state}
        if outcome.strip():
            values["outcome"] = outcome.strip()
        conn.execute(
            update(introductions).where(introductions.c.id == introduction_id).values(**values)
        )
        if state == "introduced":
            for pid in (row.person_a, row.person_b):
                record_exchange(
                    uow,
                    person_id=pid,
                    on=on,
                    direction="gave",
                    kind="introduction",
                    note=row.why,
                    introduction_id=introduction_id,
                )
            link_people(uow, person_a=row.person_a, person_b=row.person_b, kind="introduced", on=on)


def ask_next(uow: UnitOfWork, *, introduction_id: int, on: date) -> str:
    """Record that I asked the next person (A first, then B); returns the new state."""
    with uow as conn:
        current = conn.execute(
            select(introductions.c.state).where(
                introductions.c.id == introduction_id, introductions.c.introducer_id.is_(None)
            )
        ).scalar()
        if current is None:
            raise NotFound("No introduction with id {id}", id=introduction_id)
        if current in ("asked_b", "agreed"):
            raise ValidationError(
                "state",
                "Both people have been asked already; when both agree: kinmyaku intro agree {id}",
                id=introduction_id,
            )
        state = "asked_b" if current == "asked_a" else "asked_a"
        move_introduction(uow, introduction_id=introduction_id, state=state, on=on)
        return state


def record_introduction_outcome(uow: UnitOfWork, *, introduction_id: int, outcome: str) -> None:
    """Write down what came of an introduction (a deal, a hire, nothing yet)."""
    with uow as conn:
        result = conn.execute(
            update(introductions)
            .where(introductions.c.id == introduction_id)
            .values(outcome=outcome.strip())
        )
        if not result.rowcount:
            raise NotFound("No introduction with id {id}", id=introduction_id)


def list_introductions(uow: UnitOfWork, *, include_closed: bool = False) -> list[dict[str, Any]]:
    """Introductions I make, open ones first, newest first, with both names."""
    a, b = people.alias("a"), people.alias("b")
    stmt = (
        select(
            introductions,
            a.c.family_name.label("a_family"),
            a.c.given_name.label("a_given"),
            b.c.family_name.label("b_family"),
            b.c.given_name.label("b_given"),
        )
        .join(a, a.c.id == introductions.c.person_a)
        .join(b, b.c.id == introductions.c.person_b)
        .where(introductions.c.introducer_id.is_(None))
        .order_by(introductions.c.date.desc(), introductions.c.id.desc())
    )
    if not include_closed:
        stmt = stmt.where(introductions.c.state.in_(OPEN_STATES))
    with uow as conn:
        return [
            {
                "id": r.id,
                "date": r.date,
                "a": {"id": r.person_a, "name": display_name(r.a_family, r.a_given)},
                "b": {"id": r.person_b, "name": display_name(r.b_family, r.b_given)},
                "why": r.why,
                "state": r.state,
                "outcome": r.outcome,
            }
            for r in conn.execute(stmt)
        ]


def list_introductions_to_me(uow: UnitOfWork) -> list[dict[str, Any]]:
    """People introduced to me: encounters with an introducer, newest first."""
    who, by = people.alias("who"), people.alias("by")
    stmt = (
        select(
            encounters.c.date,
            who.c.id,
            who.c.family_name,
            who.c.given_name,
            by.c.id.label("by_id"),
            by.c.family_name.label("by_family"),
            by.c.given_name.label("by_given"),
        )
        .join(who, who.c.id == encounters.c.person_id)
        .join(by, by.c.id == encounters.c.introducer_id)
        .order_by(encounters.c.date.desc(), encounters.c.id.desc())
    )
    with uow as conn:
        return [
            {
                "date": r.date,
                "person": {"id": r.id, "name": display_name(r.family_name, r.given_name)},
                "introducer": {"id": r.by_id, "name": display_name(r.by_family, r.by_given)},
            }
            for r in conn.execute(stmt)
        ]

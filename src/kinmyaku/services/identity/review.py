"""The duplicates page's read side: both people of each suggested pair, side by side.

``find_duplicates`` (services/identity/finding.py) says which pairs may be one person;
this reads what the page shows of each (name, reading, job, phones, e-mails, where met,
the fields a merge lets the user choose) in five queries for the whole page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import Connection, select

from kinmyaku.domain.identity.candidates import REVIEW, Candidate
from kinmyaku.domain.people import PersonSummary
from kinmyaku.domain.validate import format_phone
from kinmyaku.services.identity.finding import (
    different_pairs,
    find_duplicates,
    profile_of_input,
    similar_to,
)
from kinmyaku.services.identity.merging import CHOOSABLE
from kinmyaku.services.identity.profiles import load_profiles
from kinmyaku.services.people import PersonInput
from kinmyaku.storage import read
from kinmyaku.storage.schema import contact_points, encounters, events, people
from kinmyaku.storage.uow import UnitOfWork

NAME_PARTS = CHOOSABLE[:4]
MET_SHOWN = 3
"""Encounters shown per person (the latest)."""


@dataclass(frozen=True)
class Met:
    """One time we met: the date, the event's name (if any) and the place."""

    on: date
    event: str = ""
    place: str = ""


@dataclass(frozen=True)
class Side:
    """One person of a pair as the page shows them."""

    summary: PersonSummary
    values: dict[str, str]
    """The CHOOSABLE fields as text ('' when empty; the birthday in ISO)."""
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    met: list[Met] = field(default_factory=list)


@dataclass(frozen=True)
class Pair:
    """A suggested pair: the candidate (probability, reasons) and both people."""

    candidate: Candidate
    a: Side
    b: Side

    @property
    def differing(self) -> list[str]:
        """The fields a merge must choose between: names that differ, and the other fields
        when both are filled in and differ (an empty one is filled from the other)."""
        out = []
        for name in CHOOSABLE:
            mine, theirs = self.a.values[name], self.b.values[name]
            if mine == theirs:
                continue
            if name in NAME_PARTS or (mine and theirs):
                out.append(name)
        return out


def _values(conn: Connection, ids: Sequence[int]) -> dict[int, dict[str, str]]:
    columns = [people.c.id, *(people.c[name] for name in CHOOSABLE)]
    found: dict[int, dict[str, str]] = {}
    for row in conn.execute(select(*columns).where(people.c.id.in_(ids))).mappings():
        values = {}
        for name in CHOOSABLE:
            value = row[name]
            values[name] = value.isoformat() if isinstance(value, date) else str(value or "")
        found[int(row["id"])] = values
    return found


def _contacts(conn: Connection, ids: Sequence[int]) -> dict[int, dict[str, list[str]]]:
    query = (
        select(
            contact_points.c.person_id,
            contact_points.c.kind,
            contact_points.c.value,
            contact_points.c.normalized,
        )
        .where(contact_points.c.person_id.in_(ids), contact_points.c.kind.in_(("phone", "email")))
        .order_by(contact_points.c.id)
    )
    found: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"phone": [], "email": []})
    for pid, kind, value, normalized in conn.execute(query):
        shown = (
            format_phone(normalized) if kind == "phone" and normalized.startswith("+") else value
        )
        found[int(pid)][kind].append(shown)
    return found


def _met(conn: Connection, ids: Sequence[int]) -> dict[int, list[Met]]:
    query = (
        select(encounters.c.person_id, encounters.c.date, events.c.name, encounters.c.place)
        .outerjoin(events, events.c.id == encounters.c.event_id)
        .where(encounters.c.person_id.in_(ids))
        .order_by(encounters.c.person_id, encounters.c.date.desc(), encounters.c.id.desc())
    )
    found: dict[int, list[Met]] = defaultdict(list)
    for pid, on, event, place in conn.execute(query):
        if len(found[int(pid)]) < MET_SHOWN:
            found[int(pid)].append(Met(on, event or "", place or ""))
    return found


def person_sides(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, Side]:
    """What the duplicates page shows of each of these people (those still stored)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    with uow as conn:
        summaries = {s.id: s for s in read.summaries(conn, wanted)}
        values = _values(conn, wanted)
        contacts = _contacts(conn, wanted)
        met = _met(conn, wanted)
    return {
        pid: Side(
            summary=summaries[pid],
            values=values[pid],
            phones=contacts[pid]["phone"],
            emails=contacts[pid]["email"],
            met=met.get(pid, []),
        )
        for pid in wanted
        if pid in summaries and pid in values
    }


def pairs_of(uow: UnitOfWork, candidates: Sequence[Candidate]) -> list[Pair]:
    """The candidates with both people read for the page (in the candidates' order)."""
    sides = person_sides(uow, [x for c in candidates for x in (c.a.id, c.b.id)])
    return [
        Pair(c, sides[c.a.id], sides[c.b.id])
        for c in candidates
        if c.a.id in sides and c.b.id in sides
    ]


def duplicate_pairs(
    uow: UnitOfWork, *, min_probability: float = REVIEW, limit: int | None = None
) -> tuple[list[Pair], int]:
    """The suggested pairs, best first, read for the page (at most ``limit``), and how
    many there are in all."""
    found = find_duplicates(uow, min_probability=min_probability)
    shown = found if limit is None else found[:limit]
    return pairs_of(uow, shown), len(found)


def check_edited_person(
    uow: UnitOfWork, person_id: int, data: PersonInput, *, limit: int = 5
) -> list[Candidate]:
    """The other people a person may be once this edit is saved, best first: only when the
    edit changes a name or reading or adds a phone or e-mail (else nothing to warn about);
    pairs said to be different people are left out."""
    with uow as conn:
        stored = load_profiles(conn, [person_id])
        if not stored:
            return []
        before = stored[0]
        typed = profile_of_input(
            PersonInput(
                family_name=before.family if data.family_name is None else data.family_name,
                given_name=before.given if data.given_name is None else data.given_name,
                family_reading=data.family_reading,
                given_reading=data.given_reading,
                emails=data.emails,
                phones=data.phones,
                company=data.company,
            )
        )
        typed_names = zip(
            (data.family_name, data.given_name, data.family_reading, data.given_reading),
            (before.family, before.given, before.family_reading, before.given_reading),
            strict=True,
        )
        renamed = any(new and new.strip() != old for new, old in typed_names)
        new_points = (set(typed.emails) - set(before.emails)) | (
            set(typed.phones) - set(before.phones)
        )
        if not renamed and not new_points:
            return []
        edited = replace(
            before,
            family=typed.family,
            given=typed.given,
            family_reading=typed.family_reading,
            given_reading=typed.given_reading,
            reading_inferred=typed.reading_inferred,
            emails=tuple(dict.fromkeys(before.emails + typed.emails)),
            phones=tuple(dict.fromkeys(before.phones + typed.phones)),
            companies=tuple(dict.fromkeys(typed.companies + before.companies)),
        )
        found = similar_to(conn, edited, limit=limit + 5)
        different = different_pairs(conn)
    kept = [c for c in found if (min(person_id, c.b.id), max(person_id, c.b.id)) not in different]
    return kept[:limit]

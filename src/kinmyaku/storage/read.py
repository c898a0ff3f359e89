"""Read side: summaries and profiles of people in a handful of queries (no N+1)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Integer,
    bindparam,
    func,
    or_,
    select,
    union,
    union_all,
)

from kinmyaku.domain.people import PersonProfile, PersonSummary, display_name
from kinmyaku.domain.validate import format_phone
from kinmyaku.storage.schema import (
    affiliations,
    contact_points,
    encounters,
    events,
    exchanges,
    extra_fields,
    interaction_people,
    interactions,
    links,
    organizations,
    people,
    person_tags,
    purposes,
    requests,
)

IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_CURRENT_JOBS = (
    select(affiliations.c.person_id, organizations.c.name, affiliations.c.title)
    .join(organizations, organizations.c.id == affiliations.c.organization_id)
    .where(affiliations.c.person_id.in_(IDS), affiliations.c.is_current.is_(True))
    .order_by(affiliations.c.id.desc())
)
_SUMMARY_ROWS = select(
    people.c.id,
    people.c.family_name,
    people.c.given_name,
    people.c.family_reading,
    people.c.given_reading,
    people.c.reading_inferred,
    people.c.photo,
    people.c.met,
).where(people.c.id.in_(IDS))


def current_jobs(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """(organisation, title) of these people's current job (the latest one they hold)."""
    rows = conn.execute(_CURRENT_JOBS, {"ids": list(ids)}).all()
    jobs: dict[int, tuple[str, str]] = {}
    for pid, org, title in rows:
        jobs.setdefault(pid, (org, title))
    return jobs


_ANY_TOUCH = union_all(
    select(interaction_people.c.person_id.label("pid"), interactions.c.date.label("d"))
    .join(interactions, interactions.c.id == interaction_people.c.interaction_id)
    .where(interaction_people.c.person_id.in_(IDS)),
    select(exchanges.c.person_id, exchanges.c.date).where(exchanges.c.person_id.in_(IDS)),
    select(encounters.c.person_id, encounters.c.date).where(encounters.c.person_id.in_(IDS)),
    select(requests.c.person_id, requests.c.asked_on).where(requests.c.person_id.in_(IDS)),
).subquery()
_LAST_CONTACTS = select(_ANY_TOUCH.c.pid, func.max(_ANY_TOUCH.c.d)).group_by(_ANY_TOUCH.c.pid)
"""Built once, the ids bound at each call: built a call, with the ids as literals, the
statement cost more CPU than the people list's other work together."""


def last_contacts(conn: Connection, ids: Sequence[int]) -> dict[int, Any]:
    """The latest touch (interaction, exchange, encounter, request) of each person."""
    rows = conn.execute(_LAST_CONTACTS, {"ids": list(ids)})
    return {pid: d for pid, d in rows}


def summaries(
    conn: Connection, ids: Sequence[int], *, with_last_contact: bool = False
) -> list[PersonSummary]:
    """Summaries of these people, in the order of ``ids``."""
    if not ids:
        return []
    ids = list(ids)
    rows = {r.id: r for r in conn.execute(_SUMMARY_ROWS, {"ids": ids})}
    jobs = current_jobs(conn, ids)
    contacts: dict[int, Any] = {}
    if with_last_contact:
        for start in range(0, len(ids), 500):
            contacts.update(last_contacts(conn, ids[start : start + 500]))
    result = []
    for pid in ids:
        r = rows.get(pid)
        if r is None:
            continue
        org, title = jobs.get(pid, ("", ""))
        result.append(
            PersonSummary(
                id=r.id,
                name=display_name(r.family_name, r.given_name),
                reading=" ".join(p for p in (r.family_reading, r.given_reading) if p),
                company=org,
                title=title,
                family_name=r.family_name,
                given_name=r.given_name,
                reading_inferred=bool(r.reading_inferred),
                photo=r.photo,
                met=bool(r.met),
                last_contact=contacts.get(pid),
            )
        )
    return result


def _rows(conn: Connection, stmt: Any, person_id: int) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(stmt, {"pid": person_id}).mappings()]


# The profile's statements are built once: SQLAlchemy then reuses their cache keys and
# compiled forms, and a person page costs the queries, not their construction (about a
# third of the time it took when each was built per call).
PID: BindParameter[int] = bindparam("pid", type_=Integer)
_PERSON = select(people).where(people.c.id == PID)
_NAMES = select(people.c.id, people.c.family_name, people.c.given_name).where(
    people.c.id.in_(
        union(
            select(links.c.person_a).where(links.c.person_b == PID),
            select(links.c.person_b).where(links.c.person_a == PID),
            select(encounters.c.introducer_id).where(encounters.c.person_id == PID),
        )
    )
)
_CONTACTS = (
    select(
        contact_points.c.id,
        contact_points.c.kind,
        contact_points.c.label,
        contact_points.c.value,
        contact_points.c.normalized,
    )
    .where(contact_points.c.person_id == PID)
    .order_by(contact_points.c.id)
)
_JOBS = (
    select(
        affiliations.c.id,
        organizations.c.name.label("organization"),
        organizations.c.reading.label("organization_reading"),
        organizations.c.industry,
        organizations.c.website,
        affiliations.c.department,
        affiliations.c.title,
        affiliations.c.start_date,
        affiliations.c.end_date,
        affiliations.c.is_current,
    )
    .join(organizations, organizations.c.id == affiliations.c.organization_id)
    .where(affiliations.c.person_id == PID)
    .order_by(affiliations.c.is_current.desc(), affiliations.c.id.desc())
)
_MET = (
    select(
        encounters.c.id,
        encounters.c.date,
        encounters.c.channel,
        encounters.c.introducer_id,
        encounters.c.event_id,
        events.c.name.label("event"),
        encounters.c.place,
        encounters.c.memory_cue,
    )
    .outerjoin(events, events.c.id == encounters.c.event_id)
    .where(encounters.c.person_id == PID)
    .order_by(encounters.c.date)
)
_TOUCHES = (
    select(
        interactions.c.id,
        interactions.c.date,
        interactions.c.kind,
        interactions.c.summary,
        interactions.c.follow_up_on,
        interactions.c.follow_up_done,
    )
    .join(interaction_people, interaction_people.c.interaction_id == interactions.c.id)
    .where(interaction_people.c.person_id == PID)
    .order_by(interactions.c.date.desc(), interactions.c.id.desc())
)
_LEDGER = (
    select(
        exchanges.c.id,
        exchanges.c.date,
        exchanges.c.direction,
        exchanges.c.kind,
        exchanges.c.weight,
        exchanges.c.note,
    )
    .where(exchanges.c.person_id == PID)
    .order_by(exchanges.c.date.desc(), exchanges.c.id.desc())
)
_ASKS = (
    select(
        requests.c.id,
        requests.c.side,
        requests.c.what,
        requests.c.asked_on,
        requests.c.due_on,
        requests.c.status,
        requests.c.outcome,
        requests.c.closed_on,
    )
    .where(requests.c.person_id == PID)
    .order_by(requests.c.asked_on.desc())
)
_PURPOSE = select(
    purposes.c.category, purposes.c.goal, purposes.c.offer, purposes.c.cadence_days
).where(purposes.c.person_id == PID)
_LINKS = select(
    links.c.id,
    links.c.person_a,
    links.c.person_b,
    links.c.kind,
    links.c.date,
    links.c.outcome,
    links.c.note,
).where(or_(links.c.person_a == PID, links.c.person_b == PID))
_TAGS = select(person_tags.c.tag).where(person_tags.c.person_id == PID).order_by(person_tags.c.tag)
_EXTRA = (
    select(extra_fields.c.name, extra_fields.c.value)
    .where(extra_fields.c.person_id == PID)
    .order_by(extra_fields.c.id)
)


def profile(conn: Connection, person_id: int) -> PersonProfile | None:
    """Everything about one person."""
    bound = {"pid": person_id}
    row = conn.execute(_PERSON, bound).mappings().first()
    if row is None:
        return None
    names = {r.id: display_name(r.family_name, r.given_name) for r in conn.execute(_NAMES, bound)}
    contacts = _rows(conn, _CONTACTS, person_id)
    for c in contacts:
        c["display"] = format_phone(c["normalized"]) if c["kind"] == "phone" else c["value"]
    jobs = _rows(conn, _JOBS, person_id)
    met = _rows(conn, _MET, person_id)
    for m in met:
        m["introducer"] = names.get(m["introducer_id"]) if m["introducer_id"] else None
    touches = _rows(conn, _TOUCHES, person_id)
    ledger = _rows(conn, _LEDGER, person_id)
    asks = _rows(conn, _ASKS, person_id)
    purpose = conn.execute(_PURPOSE, bound).mappings().first()
    linked = _rows(conn, _LINKS, person_id)
    for link in linked:
        other = link["person_b"] if link["person_a"] == person_id else link["person_a"]
        link["person_id"] = other
        link["name"] = names.get(other, "")
        del link["person_a"], link["person_b"]
    tags = list(conn.execute(_TAGS, bound).scalars())
    extra = _rows(conn, _EXTRA, person_id)
    current = next((job for job in jobs if job["is_current"]), None)
    dates = [e["date"] for e in met] + [i["date"] for i in touches]
    dates += [x["date"] for x in ledger] + [r["asked_on"] for r in asks]
    summary = PersonSummary(
        id=row["id"],
        name=display_name(row["family_name"], row["given_name"]),
        reading=" ".join(p for p in (row["family_reading"], row["given_reading"]) if p),
        company=current["organization"] if current else "",
        title=current["title"] if current else "",
        family_name=row["family_name"],
        given_name=row["given_name"],
        reading_inferred=bool(row["reading_inferred"]),
        photo=row["photo"],
        met=bool(row["met"]),
        last_contact=max(dates) if dates else None,
    )
    return PersonProfile(
        summary=summary,
        romaji=row["romaji"],
        nickname=row["nickname"],
        birthday=row["birthday"],
        notes=row["notes"],
        offers=row["offers"],
        needs=row["needs"],
        tags=tags,
        contacts=contacts,
        affiliations=jobs,
        encounters=met,
        interactions=touches,
        exchanges=ledger,
        requests=asks,
        purpose=dict(purpose) if purpose else None,
        links=linked,
        extra=extra,
    )


def list_ids(
    conn: Connection,
    *,
    order: str = "reading",
    limit: int | None = None,
    offset: int = 0,
    tag: str | None = None,
) -> list[int]:
    """Ids of people in あいうえお order (or newest first), optionally with a tag."""
    stmt = select(people.c.id)
    if tag:
        stmt = stmt.where(
            people.c.id.in_(select(person_tags.c.person_id).where(person_tags.c.tag == tag))
        )
    if order == "recent":
        stmt = stmt.order_by(people.c.id.desc())
    else:
        stmt = stmt.order_by(people.c.sort_key, people.c.id)
    stmt = stmt.offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [int(i) for i in conn.execute(stmt).scalars()]

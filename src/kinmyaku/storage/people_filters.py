"""Read-side query for the people list: search, filters, sort and one page, in two queries.

Every filter is an ``EXISTS``/``IN`` on an indexed column, so a page of 100,000 people
costs an index walk, never a query per person.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    exists,
    func,
    or_,
    select,
    union_all,
)

from kinmyaku.domain.search_keys import query_keys
from kinmyaku.storage.schema import (
    affiliations,
    encounters,
    exchanges,
    interaction_people,
    interactions,
    organization_terms,
    organizations,
    people,
    person_tags,
    requests,
)
from kinmyaku.storage.search import TOP, matching_people

SORTS = ("reading", "recent", "last_contact")


@dataclass(frozen=True)
class PeopleQuery:
    """What the people list shows: a search, filters and an order."""

    q: str = ""
    tag: str = ""
    company: str = ""
    industry: str = ""
    channel: str = ""
    event_id: int | None = None
    sort: str = "reading"

    def is_filtered(self) -> bool:
        """True when anything narrows the list."""
        return bool(
            self.q or self.tag or self.company or self.industry or self.channel or self.event_id
        )


def _company_ids(name: str) -> Select[tuple[int]]:
    keys = query_keys(name) or [name]
    ot = organization_terms
    ranges = [and_(ot.c.term >= key, ot.c.term < key + TOP) for key in keys]
    org_ids = select(ot.c.organization_id).where(or_(*ranges))
    return select(affiliations.c.person_id).where(
        affiliations.c.organization_id.in_(org_ids), affiliations.c.is_current.is_(True)
    )


def _conditions(query: PeopleQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    pid = people.c.id
    if query.tag:
        where.append(
            exists().where(person_tags.c.person_id == pid, person_tags.c.tag == query.tag.strip())
        )
    if query.company:
        where.append(pid.in_(_company_ids(query.company.strip())))
    if query.industry:
        where.append(
            pid.in_(
                select(affiliations.c.person_id)
                .join(organizations, organizations.c.id == affiliations.c.organization_id)
                .where(
                    organizations.c.industry == query.industry,
                    affiliations.c.is_current.is_(True),
                )
            )
        )
    if query.channel:
        where.append(
            exists().where(encounters.c.person_id == pid, encounters.c.channel == query.channel)
        )
    if query.event_id is not None:
        where.append(
            exists().where(encounters.c.person_id == pid, encounters.c.event_id == query.event_id)
        )
    return where


def _last_touch() -> Select[tuple[int, object]]:
    touches = union_all(
        select(interaction_people.c.person_id.label("pid"), interactions.c.date.label("d")).join(
            interactions, interactions.c.id == interaction_people.c.interaction_id
        ),
        select(exchanges.c.person_id, exchanges.c.date),
        select(encounters.c.person_id, encounters.c.date),
        select(requests.c.person_id, requests.c.asked_on),
    ).subquery()
    return select(touches.c.pid, func.max(touches.c.d).label("last")).group_by(touches.c.pid)


def page_ids(
    conn: Connection, query: PeopleQuery, *, limit: int, offset: int
) -> tuple[list[int], int]:
    """One page of person ids in the asked order, and how many people match in all."""
    where = _conditions(query)
    stmt = select(people.c.id).where(*where)
    order: list[ColumnElement[object]] = []
    if query.q:
        matches = matching_people(conn, query.q).subquery()
        stmt = stmt.join(matches, matches.c.person_id == people.c.id)
        if query.sort == "reading":
            order.append(matches.c.tier)
    if query.sort == "last_contact":
        last = _last_touch().subquery()
        stmt = stmt.outerjoin(last, last.c.pid == people.c.id)
        order += [
            last.c.last.desc().nulls_last(),
            people.c.sort_key,
            people.c.id,
        ]
    elif query.sort == "recent":
        order.append(people.c.id.desc())
    else:
        order += [people.c.sort_key, people.c.id]
    ids = [
        int(i) for i in conn.execute(stmt.order_by(*order).limit(limit).offset(offset)).scalars()
    ]
    if not query.is_filtered():
        total = int(conn.execute(select(func.count()).select_from(people)).scalar_one())
    elif offset == 0 and len(ids) < limit:
        total = len(ids)
    else:
        counted = select(people.c.id).where(*where)
        if query.q:
            matches = matching_people(conn, query.q).subquery()
            counted = counted.join(matches, matches.c.person_id == people.c.id)
        total = int(conn.execute(select(func.count()).select_from(counted.subquery())).scalar_one())
    return ids, total

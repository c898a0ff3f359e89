"""Read-side query for the people list: search, filters, sort and one page, fast at 100,000.

Two strategies, chosen by how many people the search and filters leave:

* few (at most ``CAP``): their ids are read once, then that short list is ordered (by
  reading, newest or last contact) and cut into pages; the count is exact;
* many: the ``people`` index is walked in order and each row is checked against the
  filters until the page is full (``EXISTS`` on indexed columns); last-contact order walks
  the most recent touches instead of grouping every touch; the count says "more than CAP".

Either way a page costs a few index walks, never a query per person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    exists,
    func,
    intersect,
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
from kinmyaku.storage.search import (
    TOP,
    count_matches_capped,
    matching_people,
    search_people,
)

SORTS = ("reading", "recent", "last_contact")
CAP = 2000  # up to this many matches, the count is exact and the list is ordered in full
SEARCH_COUNT_CAP = 500
"""A plain search (as you type) counts its matches exactly up to here, then says "more than
500": counting every 佐藤 (1,517 at 100,000 people) costs ten times the page itself."""
BATCH = 500


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


@dataclass(frozen=True)
class PageIds:
    """One page of ids, how many match, and whether that count is exact."""

    ids: list[int]
    total: int
    exact: bool
    has_more: bool


def _company_ids(name: str) -> Select[tuple[int]]:
    keys = query_keys(name) or [name]
    ot = organization_terms
    org_ids = select(ot.c.organization_id).where(
        or_(*(and_(ot.c.term >= key, ot.c.term < key + TOP) for key in keys))
    )
    return select(affiliations.c.person_id).where(
        affiliations.c.organization_id.in_(org_ids), affiliations.c.is_current.is_(True)
    )


def _filter_sets(conn: Connection, query: PeopleQuery) -> list[Select[Any]]:
    """One ``SELECT person_id`` per search or filter; a person must be in all of them."""
    sets: list[Select[Any]] = []
    if query.q:
        matches = matching_people(conn, query.q).subquery()
        sets.append(select(matches.c.person_id))
    if query.tag:
        sets.append(select(person_tags.c.person_id).where(person_tags.c.tag == query.tag))
    if query.company:
        sets.append(_company_ids(query.company))
    if query.industry:
        sets.append(
            select(affiliations.c.person_id)
            .join(organizations, organizations.c.id == affiliations.c.organization_id)
            .where(organizations.c.industry == query.industry, affiliations.c.is_current.is_(True))
        )
    if query.channel:
        sets.append(select(encounters.c.person_id).where(encounters.c.channel == query.channel))
    if query.event_id is not None:
        sets.append(select(encounters.c.person_id).where(encounters.c.event_id == query.event_id))
    return sets


def _conditions(conn: Connection, query: PeopleQuery) -> list[ColumnElement[bool]]:
    """The filters as conditions on ``people.id``, for walking the people index."""
    pid = people.c.id
    where: list[ColumnElement[bool]] = []
    if query.tag:
        where.append(exists().where(person_tags.c.person_id == pid, person_tags.c.tag == query.tag))
    if query.company:
        where.append(pid.in_(_company_ids(query.company)))
    if query.industry:
        where.append(
            exists()
            .where(affiliations.c.person_id == pid, affiliations.c.is_current.is_(True))
            .where(organizations.c.id == affiliations.c.organization_id)
            .where(organizations.c.industry == query.industry)
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


def _touches(ids: list[int] | None = None, top: int | None = None) -> list[Select[Any]]:
    """(person id, date) of every touch: interactions, exchanges, encounters, requests."""
    arms: list[Select[Any]] = [
        select(interaction_people.c.person_id.label("pid"), interactions.c.date.label("d")).join(
            interactions, interactions.c.id == interaction_people.c.interaction_id
        ),
        select(exchanges.c.person_id.label("pid"), exchanges.c.date.label("d")),
        select(encounters.c.person_id.label("pid"), encounters.c.date.label("d")),
        select(requests.c.person_id.label("pid"), requests.c.asked_on.label("d")),
    ]
    dates = [interactions.c.date, exchanges.c.date, encounters.c.date, requests.c.asked_on]
    owners = [
        interaction_people.c.person_id,
        exchanges.c.person_id,
        encounters.c.person_id,
        requests.c.person_id,
    ]
    if ids is not None:
        arms = [arm.where(owner.in_(ids)) for arm, owner in zip(arms, owners, strict=True)]
    if top is not None:
        arms = [arm.order_by(d.desc()).limit(top) for arm, d in zip(arms, dates, strict=True)]
    return arms


def _order_few(
    conn: Connection, query: PeopleQuery, ids: list[int], *, limit: int, offset: int
) -> list[int]:
    stmt = select(people.c.id).where(people.c.id.in_(ids))
    if query.sort == "last_contact":
        touches = union_all(*_touches(ids)).subquery()
        last = (
            select(touches.c.pid, func.max(touches.c.d).label("last"))
            .group_by(touches.c.pid)
            .subquery()
        )
        stmt = stmt.outerjoin(last, last.c.pid == people.c.id).order_by(
            last.c.last.desc().nulls_last(), people.c.sort_key, people.c.id
        )
    elif query.sort == "recent":
        stmt = stmt.order_by(people.c.id.desc())
    else:
        if query.q:
            matches = matching_people(conn, query.q).subquery()
            stmt = stmt.join(matches, matches.c.person_id == people.c.id).order_by(matches.c.tier)
        stmt = stmt.order_by(people.c.sort_key, people.c.id)
    return [int(i) for i in conn.execute(stmt.limit(limit).offset(offset)).scalars()]


def _keep(conn: Connection, query: PeopleQuery, ids: list[int]) -> set[int]:
    """Which of these ids pass the search and filters."""
    stmt = select(people.c.id).where(people.c.id.in_(ids), *_conditions(conn, query))
    if query.q:
        matches = matching_people(conn, query.q).subquery()
        stmt = stmt.where(people.c.id.in_(select(matches.c.person_id)))
    return {int(i) for i in conn.execute(stmt).scalars()}


def _walk_recent(conn: Connection, query: PeopleQuery, *, limit: int, offset: int) -> list[int]:
    """Last-contact order without grouping every touch: read the latest touches of each
    kind, widen until the page is certain, keep the people that pass the filters."""
    wanted = offset + limit + 1
    top = max(2048, 8 * wanted)
    while True:
        arms = _touches(top=top)
        rows: list[tuple[int, date]] = []
        horizon: date | None = None
        for arm in arms:
            found = [(int(p), d) for p, d in conn.execute(arm)]
            rows += found
            if len(found) == top:  # this kind has older touches not read yet
                oldest = found[-1][1]
                horizon = oldest if horizon is None or oldest > horizon else horizon
        rows.sort(key=lambda r: (r[1], -r[0]), reverse=True)
        order: dict[int, date] = {}
        for pid, day in rows:
            if horizon is not None and day <= horizon:
                break
            order.setdefault(pid, day)
        candidates = list(order)
        kept: list[int] = []
        for start in range(0, len(candidates), BATCH):
            batch = candidates[start : start + BATCH]
            passing = _keep(conn, query, batch) if query.is_filtered() else set(batch)
            kept += [pid for pid in batch if pid in passing]
            if len(kept) >= wanted:
                return kept[offset : offset + limit + 1]
        if horizon is None:  # every touch was read: people never touched come last
            rest = select(people.c.id).where(
                people.c.id.not_in(candidates) if candidates else people.c.id.is_not(None),
                *_conditions(conn, query),
            )
            if query.q:
                matches = matching_people(conn, query.q).subquery()
                rest = rest.where(people.c.id.in_(select(matches.c.person_id)))
            rest = rest.order_by(people.c.sort_key, people.c.id).limit(wanted - len(kept))
            kept += [int(i) for i in conn.execute(rest).scalars()]
            return kept[offset : offset + limit + 1]
        top *= 4


def _walk_index(conn: Connection, query: PeopleQuery, *, limit: int, offset: int) -> list[int]:
    """Walk the people index in order, checking each row against the filters."""
    stmt = select(people.c.id).where(*_conditions(conn, query))
    if query.q:
        matches = matching_people(conn, query.q).subquery()
        stmt = stmt.join(matches, matches.c.person_id == people.c.id)
        if query.sort == "reading":
            stmt = stmt.order_by(matches.c.tier)
    if query.sort == "recent":
        stmt = stmt.order_by(people.c.id.desc())
    else:
        stmt = stmt.order_by(people.c.sort_key, people.c.id)
    return [int(i) for i in conn.execute(stmt.limit(limit + 1).offset(offset)).scalars()]


def _searched(conn: Connection, query: PeopleQuery, others: list[Select[Any]]) -> list[int]:
    """Up to CAP + 1 people a search finds (and the filters keep), best match first."""
    matches = matching_people(conn, query.q).subquery()
    stmt = select(people.c.id).join(matches, matches.c.person_id == people.c.id)
    for other in others:
        stmt = stmt.where(people.c.id.in_(other))
    if query.sort == "recent":
        stmt = stmt.order_by(people.c.id.desc())
    else:
        stmt = stmt.order_by(matches.c.tier, people.c.sort_key, people.c.id)
    return [int(i) for i in conn.execute(stmt.limit(CAP + 1)).scalars()]


def page_ids(conn: Connection, query: PeopleQuery, *, limit: int, offset: int) -> PageIds:
    """One page of person ids in the asked order, and how many people match."""
    plain = PeopleQuery(q=query.q, sort=query.sort)
    if query.q and query == plain and query.sort == "reading":
        # A plain search: the page comes tier by tier from the index in reading order, the
        # count stops at SEARCH_COUNT_CAP (the search's full union of tiers is never built).
        found = [pid for pid, _ in search_people(conn, query.q, limit=limit + 1, offset=offset)]
        total, exact = count_matches_capped(conn, query.q, cap=SEARCH_COUNT_CAP)
        return PageIds(found[:limit], total, exact=exact, has_more=len(found) > limit)
    sets = _filter_sets(conn, query)
    if query.q and query.sort != "last_contact":
        # One search, already in order: the page and the count come from the same rows.
        ordered = _searched(conn, query, sets[1:])
        if len(ordered) <= CAP:
            page = ordered[offset : offset + limit]
            return PageIds(page, len(ordered), exact=True, has_more=offset + limit < len(ordered))
        if offset + limit < CAP:
            return PageIds(ordered[offset : offset + limit], CAP, exact=False, has_more=True)
        found = _walk_index(conn, query, limit=limit, offset=offset)
        return PageIds(found[:limit], CAP, exact=False, has_more=len(found) > limit)
    if sets:
        both = intersect(*sets).subquery() if len(sets) > 1 else sets[0].subquery()
        probe = [int(i) for i in conn.execute(select(both.c[0]).limit(CAP + 1)).scalars()]
        if len(probe) <= CAP:
            if not probe:
                return PageIds([], 0, exact=True, has_more=False)
            ids = _order_few(conn, query, probe, limit=limit, offset=offset)
            return PageIds(ids, len(probe), exact=True, has_more=offset + limit < len(probe))
        total, exact = CAP, False
    else:
        total = int(conn.execute(select(func.count()).select_from(people)).scalar_one())
        exact = True
    if query.sort == "last_contact":
        found = _walk_recent(conn, query, limit=limit, offset=offset)
    else:
        found = _walk_index(conn, query, limit=limit, offset=offset)
    has_more = len(found) > limit
    return PageIds(found[:limit], total, exact=exact, has_more=has_more)

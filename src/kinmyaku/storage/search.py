"""The people search query: index range look-ups, ranked, never a scan of every person.

Each query token is folded (:func:`kinmyaku.domain.search_keys.query_keys`) and looked up
as a byte-wise prefix range in ``search_terms`` and ``organization_terms``; notes are
searched through the FTS5 trigram table (SQLite) or the pg_trgm index (PostgreSQL).  Tiers:
0 exact name, 1 name/reading/romaji prefix, 2 company/e-mail/phone/tag prefix, 3
substring, 4 notes.  Several tokens must all match; their tiers add up.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Select,
    and_,
    case,
    column,
    func,
    literal,
    select,
    table,
    union_all,
)

from kinmyaku.domain.search_keys import NAME_FIELDS, query_keys, split_query
from kinmyaku.storage.database import is_sqlite
from kinmyaku.storage.schema import affiliations, organization_terms, people, search_terms

TOP = "\U0010ffff"
NOTES_MIN = 3
notes_fts = table("notes_fts", column("rowid"), column("notes"))

TIER_EXACT, TIER_NAME, TIER_OTHER, TIER_SUBSTRING, TIER_NOTES = range(5)


def _notes_token(token: str) -> str:
    text = unicodedata.normalize("NFKC", token).replace("%", "").replace("_", "")
    return text.replace('"', "").strip()


def _token_matches(conn: Connection, token: str, *, notes: bool) -> Select[tuple[int, int]]:
    st, ot, af = search_terms, organization_terms, affiliations
    names = [int(f) for f in NAME_FIELDS]
    parts: list[Select[tuple[int, int]]] = []
    for key in query_keys(token):
        tier = case(
            (and_(st.c.term == key, st.c.whole.is_(True), st.c.field.in_(names)), TIER_EXACT),
            (and_(st.c.pos == 0, st.c.field.in_(names)), TIER_NAME),
            (st.c.pos == 0, TIER_OTHER),
            else_=TIER_SUBSTRING,
        )
        parts.append(
            select(st.c.person_id.label("person_id"), tier.label("tier")).where(
                st.c.term >= key, st.c.term < key + TOP
            )
        )
        org_tier = case((ot.c.pos == 0, TIER_OTHER), else_=TIER_SUBSTRING)
        parts.append(
            select(af.c.person_id.label("person_id"), org_tier.label("tier"))
            .select_from(ot.join(af, af.c.organization_id == ot.c.organization_id))
            .where(ot.c.term >= key, ot.c.term < key + TOP, af.c.is_current.is_(True))
        )
    words = _notes_token(token)
    if notes and len(words) >= NOTES_MIN:
        if is_sqlite(conn.engine):
            parts.append(
                select(
                    notes_fts.c.rowid.label("person_id"), literal(TIER_NOTES).label("tier")
                ).where(notes_fts.c.notes.like(f"%{words}%"))
            )
        else:
            parts.append(
                select(people.c.id.label("person_id"), literal(TIER_NOTES).label("tier")).where(
                    people.c.notes.ilike(f"%{words}%")
                )
            )
    if not parts:
        return select(people.c.id.label("person_id"), literal(0).label("tier")).where(
            literal(False)
        )
    matches = union_all(*parts).subquery()
    return select(
        matches.c.person_id.label("person_id"), func.min(matches.c.tier).label("tier")
    ).group_by(matches.c.person_id)


def matching_people(conn: Connection, query: str, *, notes: bool = True) -> Select[tuple[int, int]]:
    """A select of (person_id, tier) for everyone the query matches."""
    tokens = split_query(query)
    if not tokens:
        return select(people.c.id.label("person_id"), literal(0).label("tier")).where(
            literal(False)
        )
    first = _token_matches(conn, tokens[0], notes=notes).subquery()
    joined = first
    tier: ColumnElement[int] = first.c.tier
    from_clause: FromClause = first
    for token in tokens[1:]:
        nxt = _token_matches(conn, token, notes=notes).subquery()
        from_clause = from_clause.join(nxt, nxt.c.person_id == first.c.person_id)
        tier = tier + nxt.c.tier
    return select(joined.c.person_id.label("person_id"), tier.label("tier")).select_from(
        from_clause
    )


def _exact_page(conn: Connection, token: str, *, limit: int, offset: int) -> list[int]:
    """Ids of people whose whole name, reading or romaji equals the token, in reading order."""
    st = search_terms
    exact = select(st.c.person_id).where(
        st.c.term.in_(query_keys(token)),
        st.c.whole.is_(True),
        st.c.field.in_([int(f) for f in NAME_FIELDS]),
    )
    stmt = (
        select(people.c.id)
        .where(people.c.id.in_(exact))
        .order_by(people.c.sort_key, people.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [int(pid) for pid in conn.execute(stmt).scalars()]


def search_people(
    conn: Connection, query: str, *, limit: int | None = 50, offset: int = 0
) -> list[tuple[int, int]]:
    """(person_id, tier) of the people a query finds, best first, then by reading.

    A common name ("高橋", "たかはし", "takahashi") fills the page with exact matches alone:
    those come straight from the index in reading order, without ranking every match.
    """
    tokens = split_query(query)
    if len(tokens) == 1 and limit is not None:
        page = _exact_page(conn, tokens[0], limit=limit, offset=offset)
        if len(page) == limit:
            return [(pid, TIER_EXACT) for pid in page]
    matches = matching_people(conn, query).subquery()
    stmt = (
        select(matches.c.person_id, matches.c.tier)
        .join(people, people.c.id == matches.c.person_id)
        .order_by(matches.c.tier, people.c.sort_key, people.c.id)
        .offset(offset)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [(int(pid), int(tier)) for pid, tier in conn.execute(stmt).all()]


def count_matches(conn: Connection, query: str) -> int:
    """How many people a query finds."""
    matches = matching_people(conn, query).subquery()
    return int(conn.execute(select(func.count()).select_from(matches)).scalar_one())

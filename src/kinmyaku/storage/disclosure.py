"""Reads for a disclosure request: what is held about one person beyond their profile.

The profile (names, contacts, jobs, how we met, interactions, give and take, requests,
purpose, links, extra fields) comes from ``storage.read.profile``; these are the other
places that hold the person (storage/forget.py removes the same places).
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, or_, select

from kinmyaku.domain.people import display_name
from kinmyaku.storage.forget import Traces, merge_mentions, provenance_of, traces_of
from kinmyaku.storage.schema import (
    drill_cards,
    encounters,
    import_queue,
    imports,
    introductions,
    keep_in_touch,
    merges,
    not_duplicates,
    people,
    person_aliases,
    photos,
    provenance,
    touch_summary,
)


def plain(value: Any) -> Any:
    """A JSON-ready value: dates and times as ISO text, containers converted throughout."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _rows(conn: Connection, query: Any) -> list[dict[str, Any]]:
    return [plain(dict(row)) for row in conn.execute(query).mappings()]


def _name_of(conn: Connection, person_id: int) -> dict[str, Any]:
    row = conn.execute(
        select(people.c.family_name, people.c.given_name).where(people.c.id == person_id)
    ).first()
    return {"id": person_id, "name": display_name(row[0], row[1]) if row else ""}


def held_about(conn: Connection, person_id: int) -> dict[str, Any]:
    """Everything held about a person outside the profile, as JSON-ready data."""
    traces = traces_of(conn, person_id)
    record = conn.execute(
        select(people.c.created_at, people.c.updated_at, people.c.photo).where(
            people.c.id == person_id
        )
    ).one()
    return {
        "record": {"created_at": plain(record.created_at), "updated_at": plain(record.updated_at)},
        "other_names": _rows(
            conn,
            select(
                person_aliases.c.family_name,
                person_aliases.c.given_name,
                person_aliases.c.family_reading,
                person_aliases.c.given_reading,
                person_aliases.c.source,
            ).where(person_aliases.c.person_id == person_id),
        ),
        "photo": _photo(conn, record.photo),
        "introductions": _introductions(conn, person_id),
        "introduced_by_them": [
            {"date": plain(r.date), "person": _name_of(conn, r.person_id)}
            for r in conn.execute(
                select(encounters.c.date, encounters.c.person_id)
                .where(encounters.c.introducer_id == person_id)
                .order_by(encounters.c.date)
            )
        ],
        "said_different_from": [
            _name_of(conn, b if a == person_id else a)
            for a, b in conn.execute(
                select(not_duplicates.c.person_a, not_duplicates.c.person_b).where(
                    or_(
                        not_duplicates.c.person_a == person_id,
                        not_duplicates.c.person_b == person_id,
                    )
                )
            )
        ],
        "drill_card": _one(conn, select(drill_cards).where(drill_cards.c.person_id == person_id)),
        "keep_in_touch": _one(
            conn, select(keep_in_touch).where(keep_in_touch.c.person_id == person_id)
        ),
        "summary": _one(conn, select(touch_summary).where(touch_summary.c.person_id == person_id)),
        "import_history": _import_history(conn, traces),
        "merges": _merges(conn, traces),
        "review_queue": _queued(conn, traces),
    }


def _one(conn: Connection, query: Any) -> dict[str, Any] | None:
    found = _rows(conn, query)
    if not found:
        return None
    found[0].pop("person_id", None)
    return found[0]


def _photo(conn: Connection, name: str | None) -> dict[str, Any] | None:
    if not name:
        return None
    row = conn.execute(select(photos.c.mime, photos.c.data).where(photos.c.name == name)).first()
    if row is None:
        return None
    return {
        "name": name,
        "mime": row.mime,
        "size": len(row.data),
        "data_base64": base64.b64encode(row.data).decode("ascii"),
    }


def _introductions(conn: Connection, person_id: int) -> list[dict[str, Any]]:
    found = []
    query = (
        select(introductions)
        .where(or_(introductions.c.person_a == person_id, introductions.c.person_b == person_id))
        .order_by(introductions.c.date, introductions.c.id)
    )
    for row in conn.execute(query).mappings():
        other = row["person_b"] if row["person_a"] == person_id else row["person_a"]
        found.append(
            {
                "id": row["id"],
                "date": plain(row["date"]),
                "with": _name_of(conn, other),
                "why": row["why"],
                "state": row["state"],
                "outcome": row["outcome"],
            }
        )
    return found


def _import_history(conn: Connection, traces: Traces) -> list[dict[str, Any]]:
    """Which import brought or changed what, with the values an import overwrote."""
    query = (
        select(
            provenance.c.import_id,
            imports.c.created_at,
            imports.c.format,
            provenance.c.file,
            provenance.c.line,
            provenance.c.entity,
            provenance.c.action,
            provenance.c.before,
        )
        .join(imports, imports.c.id == provenance.c.import_id)
        .where(provenance_of(traces))
        .order_by(provenance.c.import_id, provenance.c.id)
    )
    found = _rows(conn, query)
    for row in found:
        row["before"] = json.loads(row["before"]) if row["before"] else None
    return found


def _merges(conn: Connection, traces: Traces) -> list[dict[str, Any]]:
    found = []
    query = select(
        merges.c.id,
        merges.c.created_at,
        merges.c.kind,
        merges.c.pairs,
        merges.c.snapshot,
        merges.c.undone_at,
    )
    for row in conn.execute(query.order_by(merges.c.id)):
        if merge_mentions(row.pairs, row.snapshot, traces):
            pairs = [
                {k: p.get(k) for k in ("a", "b", "keep", "probability")}
                for p in json.loads(row.pairs)
            ]
            found.append(
                {
                    "id": row.id,
                    "date": plain(row.created_at),
                    "kind": row.kind,
                    "undone": row.undone_at is not None,
                    "pairs": pairs,
                }
            )
    return found


def _queued(conn: Connection, traces: Traces) -> list[dict[str, Any]]:
    found = []
    query = select(import_queue).order_by(import_queue.c.id)
    for row in conn.execute(query).mappings():
        held = any(value in row["record"] for value in traces.values)
        if row["candidate_id"] == traces.person_id or held:
            found.append(
                {
                    "id": row["id"],
                    "import_id": row["import_id"],
                    "file": row["file"],
                    "line": row["line"],
                    "name": row["name"],
                    "record": json.loads(row["record"]),
                    "probability": row["probability"],
                }
            )
    return found

"""The review queue: records an import with ``--review`` neither created nor merged.

A record whose best match is uncertain (``REVIEW`` <= p < ``AUTO_MERGE``) is kept here as
the import prepared it, with the person it may be, how likely and why.  The user decides:
"same person" writes it into that person (or another one) exactly as an import's sure match
would (``ImportWriter.join``); "a new person" creates it exactly as an import would
(``ImportWriter.create``) and remembers the pair as different people.  Either is one
transaction, recorded as part of the import that queued the record, so that undoing the
import undoes the decision too; undoing the import before a decision drops its records.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from kinmyaku.domain.errors import NotFound
from kinmyaku.domain.identity.candidates import Reason
from kinmyaku.domain.identity.profile import features
from kinmyaku.domain.names import fold_text
from kinmyaku.formats.records import RecordSource
from kinmyaku.services.identity.finding import reason_text
from kinmyaku.services.identity.matching import Match
from kinmyaku.services.identity.profiles import load_profiles
from kinmyaku.services.import_match import CurrentJob, MatchIndex
from kinmyaku.services.import_prepare import PreparedRecord
from kinmyaku.services.import_write import ImportWriter, Outcome, source_of
from kinmyaku.storage import people as store
from kinmyaku.storage import read
from kinmyaku.storage.schema import (
    affiliations,
    contact_points,
    encounters,
    extra_fields,
    import_queue,
    not_duplicates,
    organizations,
    person_tags,
)
from kinmyaku.storage.uow import UnitOfWork

# The record as JSON: every field the writer reads, nothing it recomputes (search rows and
# matching features are made again from these).


def record_json(prepared: PreparedRecord) -> str:
    """A prepared record as JSON, losslessly (``record_from_json`` gives it back)."""
    columns = prepared.columns
    src = prepared.source
    data = {
        "columns": {k: v.isoformat() if isinstance(v, date) else v for k, v in columns.items()},
        "dates": sorted(k for k, v in columns.items() if isinstance(v, date)),
        "source": [src.file, src.record_no, src.line] if src else None,
        "name": prepared.name,
        "photo": base64.b64encode(prepared.photo).decode("ascii") if prepared.photo else None,
        "points": [list(point) for point in prepared.points],
        "tags": prepared.tags,
        "company": prepared.company,
        "company_reading": prepared.company_reading,
        "department": prepared.department,
        "title": prepared.title,
        "met_on": prepared.met_on.isoformat() if prepared.met_on else None,
        "channel": prepared.channel,
        "extra": [list(pair) for pair in prepared.extra],
        "warnings": prepared.warnings,
    }
    return json.dumps(data, ensure_ascii=False)


def record_from_json(text: str) -> PreparedRecord:
    """The prepared record ``record_json`` wrote."""
    data = json.loads(text)
    columns: dict[str, Any] = dict(data["columns"])
    for key in data["dates"]:
        columns[key] = date.fromisoformat(columns[key])
    src = data["source"]
    return PreparedRecord(
        columns,
        source=RecordSource(src[0], int(src[1]), int(src[2])) if src else None,
        name=data["name"],
        photo=base64.b64decode(data["photo"]) if data["photo"] is not None else None,
        points=[(p[0], p[1], p[2], p[3]) for p in data["points"]],
        tags=list(data["tags"]),
        company=data["company"],
        company_reading=data["company_reading"],
        department=data["department"],
        title=data["title"],
        met_on=date.fromisoformat(data["met_on"]) if data["met_on"] else None,
        channel=data["channel"],
        extra=[(n, v) for n, v in data["extra"]],
        warnings=list(data["warnings"]),
    )


def _reasons_json(reasons: tuple[Reason, ...]) -> str:
    return json.dumps(
        [{"msgid": r.msgid, "params": dict(r.params)} for r in reasons if r.weight > 0],
        ensure_ascii=False,
    )


def _reasons_of(text: str) -> tuple[Reason, ...]:
    return tuple(
        Reason(item["msgid"], tuple(sorted(item.get("params", {}).items())), 1.0)
        for item in json.loads(text or "[]")
    )


def queue_record(conn: Connection, import_id: int, prepared: PreparedRecord, match: Match) -> None:
    """Keep a record of the import ``import_id`` for the user to decide (in its transaction)."""
    file, line = source_of(prepared)
    conn.execute(
        insert(import_queue).values(
            import_id=import_id,
            file=file[:300],
            line=line or None,
            name=(prepared.name or prepared.columns["family_name"])[:300],
            record=record_json(prepared),
            candidate_id=match.person_id,
            probability=match.probability,
            reasons=_reasons_json(match.reasons),
            created_at=store.now(),
        )
    )


@dataclass(frozen=True)
class QueuedRecord:
    """A record waiting for a decision, with the person it may be."""

    id: int
    import_id: int
    file: str
    line: int
    name: str
    record: PreparedRecord
    candidate_id: int | None
    candidate_name: str
    """'' when the candidate is no longer stored (merged away or deleted)."""
    probability: float
    reasons: tuple[Reason, ...]
    created_at: datetime

    def reason_texts(self, lang: str) -> list[str]:
        """The reasons in the user's language, strongest first."""
        return [reason_text(reason, lang) for reason in self.reasons]

    @property
    def where(self) -> str:
        """``file:line``."""
        return f"{self.file}:{self.line}"

    def values(self, kind: str) -> list[str]:
        """The record's contact values of one kind (phone, email, url, address)."""
        return [value for k, value, _, _ in self.record.points if k == kind]


def _row(conn: Connection, queue_id: int) -> Any:
    row = conn.execute(select(import_queue).where(import_queue.c.id == queue_id)).first()
    if row is None:
        raise NotFound("No queued record with id {id}", id=queue_id)
    return row


def list_queue(uow: UnitOfWork, *, limit: int | None = None) -> list[QueuedRecord]:
    """The queued records, oldest first, with their candidates' names."""
    with uow as conn:
        query = select(import_queue).order_by(import_queue.c.id)
        rows = conn.execute(query if limit is None else query.limit(limit)).all()
        ids = sorted({r.candidate_id for r in rows if r.candidate_id is not None})
        names = {s.id: s.name for s in read.summaries(conn, ids)}
    return [
        QueuedRecord(
            id=row.id,
            import_id=row.import_id,
            file=row.file,
            line=row.line or 0,
            name=row.name,
            record=record_from_json(row.record),
            candidate_id=row.candidate_id,
            candidate_name=names.get(row.candidate_id, "") if row.candidate_id else "",
            probability=float(row.probability),
            reasons=_reasons_of(row.reasons),
            created_at=row.created_at,
        )
        for row in rows
    ]


def count_queue(uow: UnitOfWork) -> int:
    """How many records wait for a decision."""
    with uow as conn:
        return int(conn.execute(select(func.count()).select_from(import_queue)).scalar_one())


def index_for(conn: Connection, pid: int | None, prepared: PreparedRecord) -> MatchIndex:
    """What ``load_index`` reads, for one person and the record's company only: all that
    the writer looks at when it joins the record to ``pid`` or creates it."""
    index = MatchIndex()
    keys = {fold_text(prepared.company)} if prepared.company else set()
    if pid is None:
        index.orgs = _orgs(conn, keys)
        return index
    for profile in load_profiles(conn, [pid], digests=True):
        index.identity.add(features(profile))
    points = select(contact_points.c.kind, contact_points.c.normalized)
    for kind, normal in conn.execute(points.where(contact_points.c.person_id == pid)):
        index.points.add((pid, kind, normal))
    jobs = conn.execute(
        select(
            affiliations.c.id,
            affiliations.c.department,
            affiliations.c.title,
            affiliations.c.is_current,
            organizations.c.name_key,
        )
        .join(organizations, organizations.c.id == affiliations.c.organization_id)
        .where(affiliations.c.person_id == pid)
        .order_by(affiliations.c.id)
    ).all()
    for job in jobs:
        index.worked_at.add((pid, job.name_key))
        keys.add(job.name_key)
        if job.is_current:
            index.jobs[pid] = CurrentJob(job.id, job.name_key, job.department, job.title)
    index.orgs = _orgs(conn, keys)
    tags = select(person_tags.c.tag).where(person_tags.c.person_id == pid)
    index.tags = {(pid, tag) for tag in conn.execute(tags).scalars()}
    met = select(encounters.c.date).where(encounters.c.person_id == pid)
    index.met = {(pid, day) for day in conn.execute(met).scalars()}
    extra = select(extra_fields.c.name, extra_fields.c.value)
    index.extra = {
        (pid, name, value)
        for name, value in conn.execute(extra.where(extra_fields.c.person_id == pid))
    }
    return index


def _orgs(conn: Connection, keys: set[str]) -> dict[str, int]:
    if not keys:
        return {}
    query = select(organizations.c.name_key, organizations.c.id).order_by(organizations.c.id)
    rows = conn.execute(query.where(organizations.c.name_key.in_(sorted(keys))))
    return {str(key): int(oid) for key, oid in rows}


def merge_queued(
    uow: UnitOfWork, *, queue_id: int, into: int | None = None, lang: str = "en"
) -> Outcome:
    """Same person: write the record into its candidate (or ``into``) as an import's sure
    match would, and take it off the queue; what it did (``updated`` or ``unchanged``)."""
    with uow as conn:
        row = _row(conn, queue_id)
        target = row.candidate_id if into is None else into
        if target is None or store.get_person_row(conn, target) is None:
            if into is None:
                raise NotFound(
                    "Person #{id}, whom queued record {queue} may be, is no longer stored; "
                    "choose a person with --into",
                    id=row.candidate_id,
                    queue=queue_id,
                )
            raise NotFound("No person with id {id}", id=target)
        prepared = record_from_json(row.record)
        reasons = _reasons_of(row.reasons) if target == row.candidate_id else ()
        writer = ImportWriter(conn, row.import_id, index_for(conn, target, prepared), lang=lang)
        outcome = writer.join(target, Match(target, float(row.probability), reasons), prepared)
        for pid in writer.touched:
            store.reindex_person(conn, pid)
        conn.execute(delete(import_queue).where(import_queue.c.id == queue_id))
    return outcome


def add_queued(uow: UnitOfWork, *, queue_id: int, lang: str = "en") -> int:
    """A new person: create the record as an import would, take it off the queue, and
    remember that it is not its candidate (so the pair is never suggested again); the new
    person's id."""
    with uow as conn:
        row = _row(conn, queue_id)
        prepared = record_from_json(row.record)
        writer = ImportWriter(conn, row.import_id, index_for(conn, None, prepared), lang=lang)
        pid = writer.create(prepared)
        other = row.candidate_id
        if other is not None and store.get_person_row(conn, other) is not None:
            # The new person is deleted by the import's undo, and this row with them.
            conn.execute(
                insert(not_duplicates).values(
                    person_a=min(pid, other), person_b=max(pid, other), created_at=store.now()
                )
            )
        conn.execute(delete(import_queue).where(import_queue.c.id == queue_id))
    return pid

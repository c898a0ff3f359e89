"""Write prepared records: new people in batches, matched people updated, provenance kept."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select

from kinmyaku.domain.errors import ValidationError
from kinmyaku.domain.names import fold_text
from kinmyaku.services.demo import bulk_insert
from kinmyaku.services.import_match import CurrentJob, MatchIndex, match_key
from kinmyaku.services.import_prepare import PreparedRecord
from kinmyaku.services.photos import clean_photo
from kinmyaku.storage import people as store
from kinmyaku.storage.schema import (
    affiliations,
    contact_points,
    encounters,
    extra_fields,
    people,
    person_tags,
    photos,
    provenance,
)
from kinmyaku.storage.search_index import insert_index

CHUNK = 2000
_PERSON_DEFAULTS: dict[str, Any] = {"nickname": "", "notes": "", "birthday": None, "photo": None}


REASONS = {
    "match:email": "same e-mail",
    "match:phone": "same phone",
    "match:name": "same name, reading and company",
    "nickname": "nickname added",
    "notes": "notes added",
    "birthday": "birthday added",
    "photo": "photo added",
    "email": "e-mail added",
    "phone": "phone added",
    "url": "URL added",
    "address": "address added",
    "tag": "tags added",
    "company": "new company (the old one kept as history)",
    "title": "department or title added",
    "encounter": "how we met added",
    "extra": "other fields added",
}
"""Why a record updated (or left unchanged) a person: reason code -> message id (CLI and web)."""


@dataclass
class Outcome:
    """What happened to one record: created, updated, unchanged or skipped, and why."""

    action: str
    name: str
    file: str
    line: int
    person_id: int | None = None
    why: list[str] = field(default_factory=list)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=lambda v: v.isoformat())


@dataclass
class ImportWriter:
    """Applies records to the database inside the caller's transaction."""

    conn: Connection
    import_id: int
    index: MatchIndex
    pending: list[tuple[int, PreparedRecord]] = field(default_factory=list)
    provenance_rows: list[dict[str, Any]] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)
    outcomes: list[Outcome] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0}
    )
    keep_details: int = 500
    _next_temp: int = -1

    def add(self, prepared: PreparedRecord) -> None:
        """Create the record's person or update the one it matches."""
        found = self.index.find(prepared)
        if found is not None and found[0] < 0:
            self.flush()
            found = self.index.find(prepared)
        if found is None:
            temp = self._next_temp
            self._next_temp -= 1
            self.pending.append((temp, prepared))
            self.index.remember(temp, prepared)
            if len(self.pending) >= CHUNK:
                self.flush()
            return
        self._update(found[0], found[1], prepared)

    def _note(self, outcome: Outcome) -> None:
        self.counts[outcome.action] = self.counts.get(outcome.action, 0) + 1
        if len(self.outcomes) < self.keep_details:
            self.outcomes.append(outcome)

    def _prov(
        self, prepared: PreparedRecord, entity: str, entity_id: int, action: str, before: Any = None
    ) -> None:
        src = prepared.record.source
        self.provenance_rows.append(
            {
                "import_id": self.import_id,
                "entity": entity,
                "entity_id": entity_id,
                "action": action,
                "file": (src.file if src else "")[:300],
                "record_no": src.record_no if src else 0,
                "line": src.line if src else None,
                "before": None if before is None else _json(before),
            }
        )

    def _photo(self, prepared: PreparedRecord) -> str | None:
        data = prepared.record.photo
        if not data:
            return None
        try:
            cleaned = clean_photo(data)
        except ValidationError:
            prepared.warnings.append("photo")
            return None
        name = secrets.token_urlsafe(18) + (".png" if cleaned.mime == "image/png" else ".jpg")
        self.conn.execute(insert(photos).values(name=name, mime=cleaned.mime, data=cleaned.data))
        return name

    def _org(self, prepared: PreparedRecord) -> int:
        key = fold_text(prepared.company)
        org = self.index.orgs.get(key)
        if org is None:
            org = store.organization_id(
                self.conn, prepared.company, reading=prepared.company_reading
            )
            self.index.orgs[key] = org
            self._prov(prepared, "organization", org, "create")
        return org

    def flush(self) -> None:
        """Insert the people waiting to be created, with everything they hold."""
        if not self.pending:
            self._write_provenance()
            return
        batch, self.pending = self.pending, []
        stamp = store.now()
        rows = []
        for _, prepared in batch:
            row = {**_PERSON_DEFAULTS, **prepared.columns, "created_at": stamp}
            row["updated_at"] = stamp
            row["photo"] = self._photo(prepared)
            rows.append(row)
        ids = new_person_ids(self.conn, len(rows))
        for row, pid in zip(rows, ids, strict=True):
            row["id"] = pid
        _insert_dicts(self.conn, people, rows)
        points: list[dict[str, Any]] = []
        tags: list[dict[str, Any]] = []
        jobs: list[dict[str, Any]] = []
        met: list[dict[str, Any]] = []
        extra: list[dict[str, Any]] = []
        keys = {}
        for (temp, prepared), pid, row in zip(batch, ids, rows, strict=True):
            self._relabel(temp, pid, prepared)
            self._prov(prepared, "person", pid, "create")
            if row["photo"]:
                self._prov(prepared, "photo", pid, "create", row["photo"])
            points += [
                {"person_id": pid, "kind": p.kind, "value": p.value, "label": p.label}
                | {"normalized": p.normalized}
                for p in prepared.points
            ]
            tags += [{"person_id": pid, "tag": t} for t in prepared.tags]
            if prepared.company:
                org = self._org(prepared)
                jobs.append(
                    {
                        "person_id": pid,
                        "organization_id": org,
                        "department": prepared.department,
                        "title": prepared.title,
                        "start_date": None,
                        "is_current": True,
                    }
                )
            if prepared.met_on is not None:
                met.append({"person_id": pid, "date": prepared.met_on, "channel": prepared.channel})
            extra += [{"person_id": pid, "name": n, "value": v} for n, v in prepared.extra]
            keys[pid] = store.keys_from_row(
                row,
                emails=[p.value for p in prepared.points if p.kind == "email"],
                phones=[p.value for p in prepared.points if p.kind == "phone"],
                tags=prepared.tags,
            )
            self._note(
                Outcome(
                    "created",
                    prepared.record.display_name() or row["family_name"],
                    *_at(prepared),
                    pid,
                )
            )
        for table, values in (
            (contact_points, points),
            (person_tags, tags),
            (affiliations, jobs),
            (encounters, met),
            (extra_fields, extra),
        ):
            if values:
                _insert_dicts(self.conn, table, values)
        if jobs:
            self._load_jobs([j["person_id"] for j in jobs])
        insert_index(self.conn, keys)
        self._write_provenance()

    def _load_jobs(self, person_ids: list[int]) -> None:
        org_keys = {oid: key for key, oid in self.index.orgs.items()}
        for start in range(0, len(person_ids), 500):
            chunk = person_ids[start : start + 500]
            for row in self.conn.execute(
                select(affiliations).where(
                    affiliations.c.person_id.in_(chunk), affiliations.c.is_current.is_(True)
                )
            ).mappings():
                key = org_keys.get(row["organization_id"], "")
                self.index.worked_at.add((row["person_id"], key))
                self.index.jobs[row["person_id"]] = CurrentJob(
                    row["id"],
                    org_keys.get(row["organization_id"], ""),
                    row["department"],
                    row["title"],
                )

    def _relabel(self, temp: int, pid: int, prepared: PreparedRecord) -> None:
        for point in prepared.points:
            key = match_key(point.kind, point.normalized)
            if self.index.by_point.get(key) == temp:
                self.index.by_point[key] = pid
        if self.index.by_name.get(prepared.name_key) == temp:
            self.index.by_name[prepared.name_key] = pid
        self.index.remember(pid, prepared)

    def _write_provenance(self) -> None:
        if self.provenance_rows:
            _insert_dicts(self.conn, provenance, self.provenance_rows)
            self.provenance_rows = []

    def _update(self, pid: int, matched_by: str, prepared: PreparedRecord) -> None:
        conn, index = self.conn, self.index
        why: list[str] = []
        current = store.get_person_row(conn, pid) or {}
        changes: dict[str, Any] = {}
        for column in ("nickname", "notes", "birthday"):
            value = prepared.columns.get(column)
            if value and not current.get(column):
                changes[column] = value
        if prepared.record.photo and not current.get("photo"):
            name = self._photo(prepared)
            if name:
                changes["photo"] = name
                self._prov(prepared, "photo", pid, "create", name)
        if changes:
            self._prov(prepared, "person", pid, "update", {k: current.get(k) for k in changes})
            store.update_person(conn, pid, changes)
            why += sorted(changes)
        for point in prepared.points:
            if (pid, point.kind, point.normalized) in index.points:
                continue
            new_id = conn.execute(
                insert(contact_points)
                .values(
                    person_id=pid,
                    kind=point.kind,
                    value=point.value,
                    label=point.label,
                    normalized=point.normalized,
                )
                .returning(contact_points.c.id)
            ).scalar_one()
            self._prov(prepared, "contact_point", int(new_id), "create")
            index.points.add((pid, point.kind, point.normalized))
            if point.kind in ("email", "phone") and point.normalized:
                index.by_point.setdefault(match_key(point.kind, point.normalized), pid)
            why.append(point.kind)
        for tag in prepared.tags:
            if (pid, tag) not in index.tags:
                conn.execute(insert(person_tags).values(person_id=pid, tag=tag))
                self._prov(prepared, "tag", pid, "create", tag)
                index.tags.add((pid, tag))
                why.append("tag")
        if prepared.company:
            why += self._update_job(pid, prepared)
        if prepared.met_on is not None and (pid, prepared.met_on) not in index.met:
            new_id = conn.execute(
                insert(encounters)
                .values(person_id=pid, date=prepared.met_on, channel=prepared.channel)
                .returning(encounters.c.id)
            ).scalar_one()
            self._prov(prepared, "encounter", int(new_id), "create")
            index.met.add((pid, prepared.met_on))
            why.append("encounter")
        for name, value in prepared.extra:
            if (pid, name, value) not in index.extra:
                new_id = conn.execute(
                    insert(extra_fields)
                    .values(person_id=pid, name=name, value=value)
                    .returning(extra_fields.c.id)
                ).scalar_one()
                self._prov(prepared, "extra_field", int(new_id), "create")
                index.extra.add((pid, name, value))
                why.append("extra")
        label = prepared.record.display_name() or str(current.get("family_name", ""))
        if why:
            self.touched.add(pid)
            reasons = [f"match:{matched_by}", *dict.fromkeys(why)]
            self._note(Outcome("updated", label, *_at(prepared), pid, reasons))
        else:
            self._note(Outcome("unchanged", label, *_at(prepared), pid, [f"match:{matched_by}"]))

    def _update_job(self, pid: int, prepared: PreparedRecord) -> list[str]:
        job = self.index.jobs.get(pid)
        key = fold_text(prepared.company)
        if (job is None or job.org_key != key) and (pid, key) in self.index.worked_at:
            return []
        if job is not None and job.org_key == key:
            dept = prepared.department and not job.department
            title = prepared.title and not job.title
            if not (dept or title):
                return []
            before = {"department": job.department, "title": job.title}
            store.set_affiliation(
                self.conn,
                pid,
                self.index.orgs[key],
                department=prepared.department,
                title=prepared.title,
            )
            self._prov(prepared, "affiliation", job.affiliation_id, "update", before)
            job.department = prepared.department or job.department
            job.title = prepared.title or job.title
            return ["title"]
        org = self._org(prepared)
        closed = [job.affiliation_id] if job else []
        store.set_affiliation(
            self.conn, pid, org, department=prepared.department, title=prepared.title
        )
        new_id = int(
            self.conn.execute(
                select(affiliations.c.id)
                .where(affiliations.c.person_id == pid, affiliations.c.is_current.is_(True))
                .order_by(affiliations.c.id.desc())
                .limit(1)
            ).scalar_one()
        )
        self._prov(prepared, "affiliation", new_id, "create", {"closed": closed})
        self.index.jobs[pid] = CurrentJob(new_id, key, prepared.department, prepared.title)
        self.index.worked_at.add((pid, key))
        return ["company"]


def _insert_dicts(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """``conn.execute(insert(table), rows)`` without SQLAlchemy's per-row parameter work."""
    columns = list(rows[0])
    if any(len(row) != len(columns) or row.keys() != rows[0].keys() for row in rows):
        conn.execute(insert(table), rows)
        return
    bulk_insert(conn, table, columns, [tuple(row[c] for c in columns) for row in rows])


def new_person_ids(conn: Connection, count: int) -> list[int]:
    """Ids for ``count`` new people, taken before inserting them in one executemany.

    An ``INSERT ... RETURNING`` that keeps the rows' order runs row by row on SQLite (2 s
    per 100,000 people).  SQLite gives a new row the largest id plus one, and the import
    holds the write lock, so the next ids are known; PostgreSQL draws them from the
    sequence.
    """
    if conn.dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence("people", "id")
        drawn = select(func.nextval(sequence)).select_from(func.generate_series(1, count))
        return [int(pid) for pid in conn.execute(drawn).scalars()]
    largest = conn.execute(select(func.max(people.c.id))).scalar()
    start = int(largest or 0) + 1
    return list(range(start, start + count))


def _at(prepared: PreparedRecord) -> tuple[str, int]:
    src = prepared.record.source
    return (src.file, src.line) if src else ("", 0)


def iso(value: date | None) -> str | None:
    """A date as ISO text (None stays None)."""
    return value.isoformat() if value else None

"""Write prepared records: new people in batches, matched people updated, provenance kept."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select

from kinmyaku.domain.errors import ValidationError
from kinmyaku.domain.identity.candidates import Reason
from kinmyaku.domain.identity.profile import is_named
from kinmyaku.domain.names import fold_joined, fold_text, is_kana, is_latin, to_hiragana
from kinmyaku.services.identity.finding import reason_text
from kinmyaku.services.identity.matching import Match
from kinmyaku.services.import_match import CurrentJob, MatchIndex
from kinmyaku.services.import_prepare import PreparedRecord
from kinmyaku.services.import_rows import BRIEF, LaterRows, PersonBrief, brief_of, new_ids
from kinmyaku.services.people import name_columns
from kinmyaku.services.photos import clean_photo
from kinmyaku.storage import people as store
from kinmyaku.storage.many_rows import bind_processor, bulk_insert
from kinmyaku.storage.schema import (
    affiliations,
    contact_points,
    encounters,
    extra_fields,
    people,
    person_aliases,
    person_tags,
    photos,
    provenance,
)
from kinmyaku.storage.search_index import insert_rows
from kinmyaku.storage.search_memory import write_new_memory

CHUNK = 2000
DEFERRED_INDEX = 20000
"""New people whose search index rows wait at most (``ImportWriter.defer_index``)."""
# A new person's row, in the table's column order (no reordering per row).
_PEOPLE_INSERT = (
    "id",
    "family_name",
    "given_name",
    "family_reading",
    "given_reading",
    "reading_inferred",
    "romaji",
    "nickname",
    "photo",
    "birthday",
    "notes",
    "sort_key",
    "created_at",
    "updated_at",
)
_JOB_COLUMNS = (
    "id",
    "person_id",
    "organization_id",
    "department",
    "title",
    "start_date",
    "is_current",
)
_PROVENANCE_COLUMNS = (
    "import_id",
    "entity",
    "entity_id",
    "action",
    "file",
    "record_no",
    "line",
    "before",
)


_ENTITY_AT = _PROVENANCE_COLUMNS.index("entity_id")
_POINT_COLUMNS = ("person_id", "kind", "label", "value", "normalized")
_EXTRA_COLUMNS = ("person_id", "name", "value")
_ALIAS_COLUMNS = (
    "person_id",
    "family_name",
    "given_name",
    "family_reading",
    "given_reading",
    "source",
)

_NAME_COLUMNS = frozenset(
    (
        "family_name",
        "given_name",
        "family_reading",
        "given_reading",
        "reading_inferred",
        "romaji",
        "sort_key",
    )
)

_SEARCHED = _NAME_COLUMNS | {"nickname"}
"""Person columns whose change changes the person's search keys."""

REASONS = {
    "match:email": "same e-mail",
    "match:phone": "same phone",
    "match:name": "same name, reading and company",
    "nickname": "nickname added",
    "notes": "notes added",
    "alias": "other name kept",
    "name": "name written in kanji (the kana kept as its reading)",
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
    provenance_rows: list[tuple[Any, ...]] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)
    searchable: set[int] = field(default_factory=set)
    """Stored people whose search keys a record changed (names, e-mails, phones, tags,
    other names): the import rebuilds their index at its end."""
    outcomes: list[Outcome] = field(default_factory=list)
    possible: list[Outcome] = field(default_factory=list)
    """Records created as new people who may be stored ones (the duplicates list has them)."""
    review: Callable[[PreparedRecord, Match], None] | None = None
    """Where a record whose best match is uncertain goes instead of being created (``import
    --review``: services/identity/queue.py); None: it is created, and noted as possible."""
    queued: list[Outcome] = field(default_factory=list)
    """Records sent to ``review`` (the first ``keep_details``)."""
    counts: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0}
    )
    keep_details: int = 500
    dry_run: bool = False
    """Nothing the import writes is kept (the preview): what it reports names no new id."""
    lang: str = "en"
    """The language of the match reasons in the report."""
    terms_table: str = "search_terms"
    """Where new people's search terms go: a bulk import stages them (storage.bulk_index)."""
    _ids: list[int] = field(default_factory=list)
    _last_id: int = 0
    _drawn: int = 0
    _waiting: set[int] = field(default_factory=set)
    """The ids of the people in ``pending``."""
    defer_index: bool = False
    """Keep new people's search index rows until ``write_index`` (an import): a person a
    later record joins is indexed once, from what is stored at the end, not twice."""
    _unindexed: dict[int, PreparedRecord] = field(default_factory=dict)
    _memory: dict[int, list[str]] = field(default_factory=dict)
    """The new people's memory keys, by id: ``write_memory`` writes their rows from them
    (the keys only: the records themselves are let go once written)."""
    _made: dict[int, tuple[str, str, int]] = field(default_factory=dict)
    """In a dry run, the new people's names and where their records are (file, line)."""
    _later: LaterRows = field(default_factory=LaterRows)
    """What matched records add, written at the next flush (services/import_rows.py)."""
    _briefs: dict[int, PersonBrief] = field(default_factory=dict)
    """The columns a matched record is compared with, of the people written or read."""

    def add(self, prepared: PreparedRecord) -> None:
        """Create the record's person or update the one it matches."""
        found, maybe = self.index.find(prepared)
        if found is not None and found.person_id in self._waiting:
            self.flush()  # it matches a person not written yet: write them first
        if found is None and maybe and self.review is not None:
            self._queue(maybe[0], prepared)
            return
        if found is None:
            pid = self._take_id()
            self.pending.append((pid, prepared))
            self._waiting.add(pid)
            self._made_from(pid, prepared)
            self.index.remember(pid, prepared)
            if maybe:
                self._possible(pid, maybe[0], prepared)
            if len(self.pending) >= CHUNK:
                self.flush()
            return
        self._update(found.person_id, found, prepared)

    def _reasons(self, reasons: tuple[Reason, ...]) -> list[str]:
        return [reason_text(r, self.lang) for r in reasons if r.weight > 0][:4]

    def _maybe(self, match: Match) -> list[str]:
        """Who a record may be and why: ``#12 (87%)``, then the reasons.

        In a dry run (the preview) a person an earlier record of the import creates has
        no id the user could look up: it is named by that record and where it is,
        ``桜井 雄太（eight.csv:9・83%）``."""
        chance = int(match.probability * 100)
        earlier = self._made.get(match.person_id)
        if earlier is not None:
            name, file, line = earlier
            who = (
                f"{name}（{file}:{line}・{chance}%）"
                if self.lang == "ja"
                else (f"{name} ({file}:{line}, {chance}%)")
            )
        else:
            who = f"#{match.person_id} ({chance}%)"
        return [who, *self._reasons(match.reasons)]

    def _possible(self, pid: int, match: Match, prepared: PreparedRecord) -> None:
        """A record created as a new person who may be a stored one: for the review."""
        if len(self.possible) < self.keep_details:
            name = prepared.name or prepared.columns["family_name"]
            why = self._maybe(match)
            self.possible.append(Outcome("possible", name, *source_of(prepared), pid, why))

    def _queue(self, match: Match, prepared: PreparedRecord) -> None:
        """A record that may be a stored person goes to the review queue, not created."""
        assert self.review is not None
        self.review(prepared, match)
        self.counts["queued"] = self.counts.get("queued", 0) + 1
        if len(self.queued) < self.keep_details:
            name = prepared.name or prepared.columns["family_name"]
            outcome = Outcome("queued", name, *source_of(prepared), match.person_id)
            outcome.why = self._maybe(match)
            self.queued.append(outcome)

    def create(self, prepared: PreparedRecord) -> int:
        """Create the record's person now, as an import creates a new one; its id."""
        if not self._ids:
            self._ids = new_ids(self.conn, people, 1, after=self._last_id)[::-1]
        pid = self._take_id()
        self.pending.append((pid, prepared))
        self._waiting.add(pid)
        self._made_from(pid, prepared)
        self.flush()
        return pid

    def join(self, pid: int, match: Match, prepared: PreparedRecord) -> Outcome:
        """Write the record into the person ``pid`` as an import's sure match does."""
        self._update(pid, match, prepared)
        self.flush()
        return self.outcomes[-1]

    def _take_id(self) -> int:
        """The next new person's id (drawn ahead, so that matching knows it at once).

        Ids are drawn 16 at first, then twice as many each time up to CHUNK: on PostgreSQL
        the ones left unused are gaps in the sequence, never more than the people created.
        """
        if not self._ids:
            size = min(CHUNK, max(16, self._drawn))
            self._drawn += size
            self._ids = new_ids(self.conn, people, size, after=self._last_id)[::-1]
        self._last_id = self._ids.pop()
        return self._last_id

    def _prov(
        self, prepared: PreparedRecord, entity: str, entity_id: int, action: str, before: Any = None
    ) -> int:
        """Note what the record did; the provenance row's index (until it is written)."""
        src = prepared.source
        self.provenance_rows.append(
            (
                self.import_id,
                entity,
                entity_id,
                action,
                (src.file if src else "")[:300],
                src.record_no if src else 0,
                src.line if src else None,
                None if before is None else _json(before),
            )
        )
        return len(self.provenance_rows) - 1

    def _photo(self, prepared: PreparedRecord) -> str | None:
        data = prepared.photo
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
            self._write_later()
            return
        batch, self.pending = self.pending, []
        self._waiting.clear()
        stamp = store.now()
        people_rows: list[tuple[Any, ...]] = []
        points: list[tuple[Any, ...]] = []
        tags: list[tuple[Any, ...]] = []
        jobs: list[list[Any]] = []
        met: list[tuple[Any, ...]] = []
        extra: list[tuple[Any, ...]] = []
        index_rows = {}
        # Values as the driver wants them, converted once (the times) or only when set.
        convert = self._people_converters()
        stamp_value = convert["created_at"](stamp)
        for pid, prepared in batch:
            photo = self._photo(prepared)
            cols = prepared.columns
            birthday = cols.get("birthday")
            people_rows.append(
                (
                    pid,
                    cols["family_name"],
                    cols["given_name"],
                    cols["family_reading"],
                    cols["given_reading"],
                    convert["reading_inferred"](cols["reading_inferred"]),
                    cols["romaji"],
                    cols.get("nickname", ""),
                    photo,
                    None if birthday is None else convert["birthday"](birthday),
                    cols.get("notes", ""),
                    cols["sort_key"],
                    stamp_value,
                    stamp_value,
                )
            )
            self._prov(prepared, "person", pid, "create")
            if photo:
                self._prov(prepared, "photo", pid, "create", photo)
            points += [
                (pid, kind, label, value, normal) for kind, value, label, normal in prepared.points
            ]
            tags += [(pid, tag) for tag in prepared.tags]
            if prepared.company:
                org = self._org(prepared)
                jobs.append([pid, org, prepared.department, prepared.title])
            if prepared.met_on is not None:
                met.append((pid, prepared.met_on, prepared.channel))
            extra += [(pid, name, value) for name, value in prepared.extra]
            if self.defer_index:
                self._unindexed[pid] = prepared
            else:
                index_rows[pid] = prepared.new_person_rows()
            self._briefs[pid] = (
                cols["family_name"],
                cols["given_name"],
                cols.get("nickname", ""),
                cols.get("notes", ""),
                birthday,
                photo,
            )
            self.counts["created"] += 1
            if len(self.outcomes) < self.keep_details:
                name = prepared.name or cols["family_name"]
                self.outcomes.append(Outcome("created", name, *source_of(prepared), pid))
        bulk_insert(self.conn, people, _PEOPLE_INSERT, people_rows, converted=True)
        job_rows = self._current_jobs(jobs)
        bulk_insert(self.conn, affiliations, _JOB_COLUMNS, job_rows, converted=True)
        for table, columns, values in (
            # Columns in the tables' order: the rows need no reordering.
            (contact_points, ("person_id", "kind", "label", "value", "normalized"), points),
            (person_tags, ("person_id", "tag"), tags),
            (encounters, ("person_id", "date", "channel"), met),
            (extra_fields, ("person_id", "name", "value"), extra),
        ):
            bulk_insert(self.conn, table, columns, values)
        insert_rows(self.conn, index_rows, terms_table=self.terms_table)
        if len(self._unindexed) >= DEFERRED_INDEX:
            self.write_index()
        self._write_later()

    def write_index(self) -> None:
        """Index the new people whose index rows wait (``defer_index``), but those records
        changed since: the import's reindex (``searchable``) reads them back whole."""
        rows = {
            pid: prepared.new_person_rows()
            for pid, prepared in self._unindexed.items()
            if pid not in self.searchable
        }
        self._unindexed = {}
        insert_rows(self.conn, rows, terms_table=self.terms_table)

    def write_memory(self) -> None:
        """Write the memory rows (storage.search_memory) of the people this writer created
        from their records' keys, instead of reading everyone back before the commit; a
        person a later record changed (``touched``) is read back as before."""
        texts = {pid: keys for pid, keys in self._memory.items() if pid not in self.touched}
        self._memory = {}
        write_new_memory(self.conn, texts)

    def _made_from(self, pid: int, prepared: PreparedRecord) -> None:
        """Keep what is needed of a new person's record once it is written."""
        self._memory[pid] = prepared.new_person_memory()
        if self.dry_run:
            name = prepared.name or prepared.columns["family_name"]
            self._made[pid] = (name, *source_of(prepared))

    def _people_converters(self) -> dict[str, Callable[[Any], Any]]:
        converters = {}
        for name in ("reading_inferred", "birthday", "created_at"):
            processor = bind_processor(self.conn, people, name)
            converters[name] = processor if processor is not None else _same
        return converters

    def _current_jobs(self, jobs: list[list[Any]]) -> list[tuple[Any, ...]]:
        """Give new people's jobs their ids, and let matching see them as current jobs."""
        if not jobs:
            return []
        org_keys = {oid: key for key, oid in self.index.orgs.items()}
        rows = []
        ids = new_ids(self.conn, affiliations, len(jobs))
        current = bind_processor(self.conn, affiliations, "is_current") or _same
        is_current = current(True)
        for job_id, (pid, org, department, title) in zip(ids, jobs, strict=True):
            key = org_keys.get(org, "")
            self.index.worked_at.add((pid, key))
            self.index.jobs[pid] = CurrentJob(job_id, key, department, title)
            rows.append((job_id, pid, org, department, title, None, is_current))
        return rows

    def _write_later(self) -> None:
        """Write what matched records added, then the provenance rows (with their ids)."""
        self._later.write(self.conn, self.provenance_rows, entity_at=_ENTITY_AT)
        if self.provenance_rows:
            bulk_insert(self.conn, provenance, _PROVENANCE_COLUMNS, self.provenance_rows)
            self.provenance_rows = []

    def _update(self, pid: int, match: Match, prepared: PreparedRecord) -> None:
        index, later = self.index, self._later
        why: list[str] = []
        current = self._current(pid)
        changes: dict[str, Any] = {}
        for column in ("nickname", "notes", "birthday"):
            value = prepared.columns.get(column)
            if value and not current.get(column):
                changes[column] = value
        notes = str(prepared.columns.get("notes") or "")
        old_notes = str(current.get("notes") or "")
        if notes and old_notes and notes not in old_notes:
            changes["notes"] = f"{old_notes}\n\n{notes}"  # a different note is appended
        nickname = str(prepared.columns.get("nickname") or "")
        if nickname and current.get("nickname") and nickname != current.get("nickname"):
            self._extra(pid, prepared, "nickname", nickname, why)
        birthday = prepared.columns.get("birthday")
        if birthday and current.get("birthday") and birthday != current.get("birthday"):
            self._extra(pid, prepared, "birthday", birthday.isoformat(), why)
        changes.update(self._kanji_name(prepared, current))
        if "family_name" not in changes:
            changes.update(self._stated_reading(pid, prepared, current))
            self._alias(pid, prepared, current, why)
        if prepared.photo and not current.get("photo"):
            name = self._photo(prepared)
            if name:
                changes["photo"] = name
                self._prov(prepared, "photo", pid, "create", name)
        if changes:
            if not changes.keys() <= set(BRIEF):  # a kanji name: the whole row's before
                later.write_changes(self.conn)
                current = store.get_person_row(self.conn, pid) or {}
            self._prov(prepared, "person", pid, "update", {k: current.get(k) for k in changes})
            later.change(pid, changes)
            self._briefs[pid] = brief_of({**current, **changes})
            why += sorted({"name" if k in _NAME_COLUMNS else k for k in changes})
            if changes.keys() & _SEARCHED:
                self.searchable.add(pid)
        else:
            # Which records are this person, though it changed no column of theirs: the
            # address books a person is in (identity matching reads them); undo skips it.
            self._prov(prepared, "person", pid, "match")
        for kind, value, label, normalized in prepared.points:
            if (pid, kind, normalized) in index.points:
                continue
            slot = self._prov(prepared, "contact_point", 0, "create")
            later.add(contact_points, _POINT_COLUMNS, (pid, kind, label, value, normalized), slot)
            index.points.add((pid, kind, normalized))
            why.append(kind)
            if kind in ("email", "phone"):
                self.searchable.add(pid)
        for tag in prepared.tags:
            if (pid, tag) not in index.tags:
                later.add_plain(person_tags, ("person_id", "tag"), (pid, tag))
                self._prov(prepared, "tag", pid, "create", tag)
                index.tags.add((pid, tag))
                why.append("tag")
                self.searchable.add(pid)
        if prepared.company:
            why += self._update_job(pid, prepared)
        if prepared.met_on is not None and (pid, prepared.met_on) not in index.met:
            slot = self._prov(prepared, "encounter", 0, "create")
            met = (pid, prepared.met_on, prepared.channel)
            later.add(encounters, ("person_id", "date", "channel"), met, slot)
            index.met.add((pid, prepared.met_on))
            why.append("encounter")
        for name, value in prepared.extra:
            if (pid, name, value) not in index.extra:
                slot = self._prov(prepared, "extra_field", 0, "create")
                later.add(extra_fields, _EXTRA_COLUMNS, (pid, name, value), slot)
                index.extra.add((pid, name, value))
                why.append("extra")
        index.absorb(pid, prepared)
        action = "updated" if why else "unchanged"
        if why:
            self.touched.add(pid)
        self.counts[action] = self.counts.get(action, 0) + 1
        if len(self.outcomes) < self.keep_details:  # the reasons in words only when kept
            label = prepared.name or str(current.get("family_name", ""))
            reasons = [*self._reasons(match.reasons), *dict.fromkeys(why)]
            self.outcomes.append(Outcome(action, label, *source_of(prepared), pid, reasons))

    def _extra(
        self, pid: int, prepared: PreparedRecord, name: str, value: str, why: list[str]
    ) -> None:
        """Keep a value that differs from the person's as an extra field (nothing is dropped)."""
        if (pid, name, value) in self.index.extra:
            return
        slot = self._prov(prepared, "extra_field", 0, "create")
        self._later.add(extra_fields, _EXTRA_COLUMNS, (pid, name, value), slot)
        self.index.extra.add((pid, name, value))
        why.append("extra")

    def _current(self, pid: int) -> dict[str, Any]:
        """The person's columns a record is compared with (read once, then kept)."""
        brief = self._briefs.get(pid)
        if brief is None:
            row = store.get_person_row(self.conn, pid) or {}
            if not row:
                return {}
            brief = self._briefs[pid] = brief_of(row)
        return dict(zip(BRIEF, brief, strict=True))

    def _kanji_name(self, prepared: PreparedRecord, current: dict[str, Any]) -> dict[str, Any]:
        """The record's kanji name for a person known so far only in kana (タカハシ ケンタ
        from a phone, 高橋 健太 from a card): the kana become the reading."""
        family, given = str(current.get("family_name", "")), str(current.get("given_name", ""))
        cols = prepared.columns
        new_family, new_given = cols["family_name"], cols["given_name"]
        if not (family and is_kana(family + given)) or is_kana(new_family + new_given):
            return {}
        if is_latin(new_family + new_given) or not new_given:
            return {}
        kana = fold_joined(family, given)
        if fold_joined(cols["family_reading"], cols["given_reading"]) != kana:
            return {}
        return name_columns(new_family, new_given, to_hiragana(family), to_hiragana(given))

    def _stated_reading(
        self, pid: int, prepared: PreparedRecord, current: dict[str, Any]
    ) -> dict[str, Any]:
        """The reading a record states (a phone's フリガナ, Google's phonetic name) for the
        person's very name, when the person's reading was guessed (an Eight card has
        none): the stated one replaces the guess, as a merge takes it (``merging``), and
        is not lost (熊谷 guessed くまがや, the phone says クマガイ: "Kumagai" must meet it)."""
        cols = prepared.columns
        if cols["reading_inferred"] or not (cols["family_reading"] and cols["given_reading"]):
            return {}
        known = self.index.identity.people.get(pid)
        if known is None or not known.profile.reading_inferred:
            return {}
        family, given = str(current.get("family_name") or ""), str(current.get("given_name") or "")
        if not (family and given):
            return {}
        if (fold_text(family), fold_text(given)) != (
            fold_text(cols["family_name"]),
            fold_text(cols["given_name"]),
        ):
            return {}
        return name_columns(family, given, cols["family_reading"], cols["given_reading"])

    def _alias(
        self, pid: int, prepared: PreparedRecord, current: dict[str, Any], why: list[str]
    ) -> None:
        """Keep the record's name as another name of the person when it is written otherwise."""
        cols = prepared.columns
        family, given = cols["family_name"], cols["given_name"]
        written = fold_joined(family, given)
        if not family or written == fold_joined(
            str(current.get("family_name", "")), str(current.get("given_name", ""))
        ):
            return
        known = self.index.identity.people.get(pid)
        if known is not None and not known.named and not given:
            return
        if not is_named(family, given, ()):
            return  # a contact saved under its number or address: that is no name of hers
        key = (pid, "\x00alias", written)
        if key in self.index.extra:
            return
        readings = (
            ("", "")
            if cols["reading_inferred"]
            else (
                cols["family_reading"],
                cols["given_reading"],
            )
        )
        slot = self._prov(prepared, "alias", 0, "create")
        alias = (pid, family, given, readings[0], readings[1], "import")
        self._later.add(person_aliases, _ALIAS_COLUMNS, alias, slot)
        self.index.extra.add(key)
        self.searchable.add(pid)
        why.append("alias")

    def _update_job(self, pid: int, prepared: PreparedRecord) -> list[str]:
        job = self.index.jobs.get(pid)
        key = fold_text(prepared.company)
        if (job is None or job.org_key != key) and (pid, key) in self.index.worked_at:
            return []
        if job is not None and job.org_key == key:
            dept = prepared.department and not job.department
            title = prepared.title and not job.title
            kept: list[str] = []
            # A different department or title at the same company is kept, not dropped.
            for name, value, known in (
                ("department", prepared.department, job.department),
                ("title", prepared.title, job.title),
            ):
                if value and known and value != known:
                    self._extra(pid, prepared, name, value, kept)
            if not (dept or title):
                return kept
            before = {"department": job.department, "title": job.title}
            # Only what is empty is filled in: a different value stays as the extra field
            # above, and the stored one stays (it was overwritten, and lost, before).
            store.set_affiliation(
                self.conn,
                pid,
                self.index.orgs[key],
                department=prepared.department if dept else "",
                title=prepared.title if title else "",
            )
            self._prov(prepared, "affiliation", job.affiliation_id, "update", before)
            job.department = job.department or prepared.department
            job.title = job.title or prepared.title
            return ["title", *kept]
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


def _same(value: Any) -> Any:
    return value


def source_of(prepared: PreparedRecord) -> tuple[str, int]:
    """The file and line a prepared record came from."""
    src = prepared.source
    return (src.file, src.line) if src else ("", 0)


def iso(value: date | None) -> str | None:
    """A date as ISO text (None stays None)."""
    return value.isoformat() if value else None

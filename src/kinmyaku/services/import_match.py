"""What an import needs to know about the database, loaded once into dictionaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, select

from kinmyaku.services.import_prepare import NameKey, PreparedRecord, person_name_key
from kinmyaku.storage.schema import (
    affiliations,
    contact_points,
    encounters,
    extra_fields,
    organizations,
    people,
    person_tags,
)


def match_key(kind: str, normalized: str) -> tuple[str, str]:
    """The key two contact points match on (e-mail addresses ignore case)."""
    return (kind, normalized.lower() if kind == "email" else normalized)


@dataclass
class CurrentJob:
    """A person's current affiliation, as far as matching needs it."""

    affiliation_id: int
    org_key: str
    department: str
    title: str


@dataclass
class MatchIndex:
    """Existing people by e-mail, phone and name key, and what each already has."""

    by_point: dict[tuple[str, str], int] = field(default_factory=dict)
    by_name: dict[NameKey, int] = field(default_factory=dict)
    points: set[tuple[int, str, str]] = field(default_factory=set)
    tags: set[tuple[int, str]] = field(default_factory=set)
    jobs: dict[int, CurrentJob] = field(default_factory=dict)
    met: set[tuple[int, date]] = field(default_factory=set)
    extra: set[tuple[int, str, str]] = field(default_factory=set)
    orgs: dict[str, int] = field(default_factory=dict)
    worked_at: set[tuple[int, str]] = field(default_factory=set)

    def find(self, prepared: PreparedRecord) -> tuple[int, str] | None:
        """The person this record is, and why (email, phone or name), or None."""
        for kind, _, _, normalized in prepared.points:
            if kind in ("email", "phone") and normalized:
                found = self.by_point.get(match_key(kind, normalized))
                if found is not None:
                    return found, kind
        found = self.by_name.get(prepared.name_key)
        if found is not None:
            return found, "name"
        return None

    def remember(self, person_id: int, prepared: PreparedRecord) -> None:
        """Let later records match this person and see what they now have."""
        for kind, _, _, normalized in prepared.points:
            self.points.add((person_id, kind, normalized))
            if kind in ("email", "phone") and normalized:
                self.by_point.setdefault(match_key(kind, normalized), person_id)
        self.by_name.setdefault(prepared.name_key, person_id)
        if prepared.tags:
            self.tags.update((person_id, tag) for tag in prepared.tags)
        if prepared.met_on is not None:
            self.met.add((person_id, prepared.met_on))
        if prepared.extra:
            self.extra.update((person_id, n, v) for n, v in prepared.extra)


def load_index(conn: Connection) -> MatchIndex:
    """Read every e-mail, phone, name key, tag, job and meeting date once."""
    index = MatchIndex()
    for pid, kind, normal in conn.execute(
        select(contact_points.c.person_id, contact_points.c.kind, contact_points.c.normalized)
    ):
        index.points.add((pid, kind, normal))
        if kind in ("email", "phone") and normal:
            index.by_point.setdefault(match_key(kind, normal), pid)
    org_rows = conn.execute(select(organizations.c.id, organizations.c.name_key)).all()
    index.orgs = {key: oid for oid, key in org_rows}
    org_key = {oid: key for oid, key in org_rows}
    for row in conn.execute(
        select(
            affiliations.c.id,
            affiliations.c.person_id,
            affiliations.c.organization_id,
            affiliations.c.department,
            affiliations.c.title,
            affiliations.c.is_current,
        ).order_by(affiliations.c.id)
    ):
        index.worked_at.add((row.person_id, org_key.get(row.organization_id, "")))
        if not row.is_current:
            continue
        index.jobs[row.person_id] = CurrentJob(
            row.id, org_key.get(row.organization_id, ""), row.department, row.title
        )
    for person in conn.execute(
        select(
            people.c.id,
            people.c.family_name,
            people.c.given_name,
            people.c.family_reading,
            people.c.given_reading,
        ).order_by(people.c.id)
    ):
        job = index.jobs.get(person.id)
        key = person_name_key(
            person.family_name,
            person.given_name,
            person.family_reading,
            person.given_reading,
            job.org_key if job else "",
        )
        index.by_name.setdefault(key, person.id)
    index.tags = {(pid, tag) for pid, tag in conn.execute(select(person_tags))}
    index.met = {
        (pid, day) for pid, day in conn.execute(select(encounters.c.person_id, encounters.c.date))
    }
    index.extra = {
        (pid, name, value)
        for pid, name, value in conn.execute(
            select(extra_fields.c.person_id, extra_fields.c.name, extra_fields.c.value)
        )
    }
    return index

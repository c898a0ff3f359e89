"""What an import needs to know about the database, loaded once into dictionaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, select

from kinmyaku.domain.identity.profile import Features, Profile, holder_key, joined_features
from kinmyaku.domain.names import fold_text
from kinmyaku.services.identity.matching import IdentityIndex, Match, load_identity_index
from kinmyaku.services.import_prepare import PreparedRecord, features_of_record
from kinmyaku.storage.schema import (
    affiliations,
    contact_points,
    encounters,
    extra_fields,
    organizations,
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


def record_features(person_id: int, prepared: PreparedRecord) -> Features:
    """What matching compares of a record (as if it were the person ``person_id``): made
    ahead by the import's helper process (``import_prepare.match_ahead``) when it could."""
    made = prepared.match
    if made is not None:
        made.id = made.profile.id = person_id
        return made
    return features_of_record(prepared, person_id)


@dataclass
class MatchIndex:
    """The identity engine's index of everyone, and what each person already has."""

    identity: IdentityIndex = field(default_factory=IdentityIndex)
    points: set[tuple[int, str, str]] = field(default_factory=set)
    tags: set[tuple[int, str]] = field(default_factory=set)
    jobs: dict[int, CurrentJob] = field(default_factory=dict)
    met: set[tuple[int, date]] = field(default_factory=set)
    extra: set[tuple[int, str, str]] = field(default_factory=set)
    orgs: dict[str, int] = field(default_factory=dict)
    worked_at: set[tuple[int, str]] = field(default_factory=set)
    import_id: int | None = None
    """The import whose records are matched (their address book is its file)."""

    _last: tuple[PreparedRecord, Features] | None = None

    def _features(self, person_id: int, prepared: PreparedRecord) -> Features:
        """record_features, computed once for the record ``find`` was asked about last."""
        if self._last is not None and self._last[0] is prepared:
            found = self._last[1]
            if found.id == person_id:
                return found
            # The features ``find`` made become the new person's: ``find`` is done with them.
            self._last = None
            found.id = found.profile.id = person_id
            if not found.named:
                found.holder = ""
                found.holder = holder_key(found)
            return found
        return record_features(person_id, prepared)

    def find(self, prepared: PreparedRecord) -> tuple[Match | None, list[Match]]:
        """The person this record is (when the engine is sure), and those it may be."""
        feature = record_features(0, prepared)
        if prepared.source is not None and self.import_id is not None:
            # Its address book, as load_profiles names it (two entries of one book that
            # each hold their own e-mail are two people: scoring._apart).
            feature.profile.books = frozenset({f"{self.import_id}:{prepared.source.file[:300]}"})
        self._last = (prepared, feature)
        return self.identity.find(feature)

    def remember(self, person_id: int, prepared: PreparedRecord) -> None:
        """Let later records match this new person and see what they now have."""
        for kind, _, _, normalized in prepared.points:
            self.points.add((person_id, kind, normalized))
        # No fingerprint: two identical cards in one file may be two people (two bare
        # cards of 佐藤 健 at one company); only a card imported again is its person.
        feature = self._features(person_id, prepared)
        feature.digest = ""
        if feature.keys is not None:
            feature.keys = tuple([key for key in feature.keys if key[0] != "d"])
        self.identity.add(feature)
        if prepared.tags:
            self.tags.update((person_id, tag) for tag in prepared.tags)
        if prepared.met_on is not None:
            self.met.add((person_id, prepared.met_on))
        if prepared.extra:
            self.extra.update((person_id, n, v) for n, v in prepared.extra)

    def absorb(self, person_id: int, prepared: PreparedRecord) -> None:
        """A record joined this person: later records see its names and contact points too."""
        known = self.identity.people.get(person_id)
        record = self._features(person_id, prepared)
        if known is None:
            self.identity.add(record)
            return
        profile = known.profile
        readings = (profile.family_reading, profile.given_reading, profile.reading_inferred)
        if _states_reading(profile, record.profile):
            # The import wrote the stated reading over the guess (ImportWriter._stated_reading).
            readings = (record.profile.family_reading, record.profile.given_reading, False)
        merged = type(profile)(
            id=person_id,
            family=profile.family,
            given=profile.given,
            family_reading=readings[0],
            given_reading=readings[1],
            reading_inferred=readings[2],
            named=profile.named or record.named,
            birthday=profile.birthday or record.birthday,
            companies=tuple(dict.fromkeys((*record.profile.companies, *profile.companies))),
            emails=tuple(dict.fromkeys((*profile.emails, *record.profile.emails))),
            phones=tuple(dict.fromkeys((*profile.phones, *record.profile.phones))),
            urls=tuple(dict.fromkeys((*profile.urls, *record.profile.urls))),
            addresses=tuple(dict.fromkeys((*profile.addresses, *record.profile.addresses))),
            aliases=(*profile.aliases, *_record_alias(record)),
            digest=profile.digest,
            books=profile.books | record.profile.books,
        )
        self.identity.add(joined_features(known, record, merged))


def _states_reading(person: Profile, record: Profile) -> bool:
    """Whether a record states a reading for the person's very name, whose reading was
    guessed."""
    return (
        person.reading_inferred
        and not record.reading_inferred
        and bool(record.family_reading and record.given_reading and person.given)
        and (fold_text(person.family), fold_text(person.given))
        == (fold_text(record.family), fold_text(record.given))
    )


def _record_alias(record: Features) -> tuple[tuple[str, str, str, str], ...]:
    p = record.profile
    if not record.named:
        return ()
    return (
        (
            p.family,
            p.given,
            "" if p.reading_inferred else p.family_reading,
            "" if p.reading_inferred else p.given_reading,
        ),
    )


def load_index(conn: Connection) -> MatchIndex:
    """Read every e-mail, phone, name key, tag, job and meeting date once."""
    index = MatchIndex(identity=load_identity_index(conn))
    for pid, kind, normal in conn.execute(
        select(contact_points.c.person_id, contact_points.c.kind, contact_points.c.normalized)
    ):
        index.points.add((pid, kind, normal))
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

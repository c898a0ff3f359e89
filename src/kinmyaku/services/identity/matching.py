"""Which stored person a new record is, as an import asks it record by record.

Everyone already stored is loaded once into blocks (``domain/identity/blocking``); each
record is compared with the people who share a block key with it, and joins the best one
only when the engine is sure (``AUTO_MERGE``).  A record that may be someone (``REVIEW``
and up) is created as a person of its own and reported, so that the duplicates list can
show the pair.  Records the import creates are added to the blocks as it goes, so that a
file's later records find its earlier ones, and a number or address that turns out to be
held by differently named people stops counting as evidence from then on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection

from kinmyaku.domain.identity.blocking import MAX_BLOCK, BlockKey, block_keys
from kinmyaku.domain.identity.candidates import AUTO_MERGE, REVIEW, Reason
from kinmyaku.domain.identity.profile import (
    Features,
    Population,
    Profile,
    features,
    is_named,
)
from kinmyaku.domain.identity.scoring import (
    BELOW_AUTO_MERGE,
    Level,
    Model,
    compare,
    identified,
    learn_company_aliases,
)
from kinmyaku.services.identity.finding import different_pairs
from kinmyaku.services.identity.profiles import load_profiles, record_digest
from kinmyaku.services.identity.u_store import import_model

CANDIDATES = 60
"""At most this many people of one block are compared with a record (the newest)."""


@dataclass(frozen=True, slots=True)
class Match:
    """The person a record is (or may be), how sure the engine is, and why."""

    person_id: int
    probability: float
    reasons: tuple[Reason, ...]

    @property
    def certain(self) -> bool:
        """Sure enough to join the record to the person."""
        return self.probability >= AUTO_MERGE


@dataclass
class IdentityIndex:
    """The people a record may be, in blocks, with the model that scores a pair."""

    model: Model = field(default_factory=Model)
    population: Population = field(default_factory=Population)
    people: dict[int, Features] = field(default_factory=dict)
    blocks: dict[BlockKey, list[int]] = field(default_factory=lambda: defaultdict(list))
    different: set[tuple[int, int]] = field(default_factory=set)

    def add(self, feature: Features) -> None:
        """Let later records find this person (or see what they now hold)."""
        old = self.people.get(feature.id)
        keys = block_keys(feature)
        if old is not None:
            known = set(block_keys(old))
            keys = tuple(k for k in keys if k not in known)
        else:
            self.population.add(feature)
        self.people[feature.id] = feature
        for key in keys:
            self.blocks[key].append(feature.id)

    def candidates(self, feature: Features) -> list[int]:
        """The people who share a block key with ``feature`` (not too common a key)."""
        found: dict[int, None] = {}
        for key in block_keys(feature):
            members = self.blocks.get(key)
            if not members or len(members) > MAX_BLOCK:
                continue
            for pid in members[-CANDIDATES:]:
                found[pid] = None
        found.pop(feature.id, None)
        return list(found)

    def find(self, feature: Features) -> tuple[Match | None, list[Match]]:
        """The person ``feature`` is (when sure), and the ones it may be (for review)."""
        scored = []
        personal: set[int] = set()
        population = self.population
        for pid in self.candidates(feature):
            other = self.people[pid]
            pair = (min(pid, feature.id), max(pid, feature.id))
            if pair in self.different:
                continue
            levels = compare(feature, other, population)
            probability = self.model.probability(levels)
            if probability >= AUTO_MERGE and not identified(levels):
                # A name at a company: the duplicates list, which sees everyone, decides.
                probability = BELOW_AUTO_MERGE
            if probability >= REVIEW:  # the reasons only of a pair that is kept
                scored.append(Match(pid, probability, self.model.reasons(levels)))
                if _personal(levels):
                    personal.add(pid)
        scored.sort(key=lambda m: (-m.probability, m.person_id))
        if not scored or not scored[0].certain:
            return None, scored
        best = scored[0].person_id
        if (best in personal and not personal.intersection(m.person_id for m in scored[1:])) or (
            not self._ambiguous(scored)
        ):
            return scored[0], scored[1:]
        return None, scored

    def _ambiguous(self, scored: list[Match]) -> bool:
        """Whether the record may as well be another person than the best match: two people
        it may be who are not one (namesakes at one company, and a card that names neither)."""
        best = self.people[scored[0].person_id]
        for other in scored[1:]:
            second = self.people[other.person_id]
            probability, _ = self.model.score(compare(best, second, self.population))
            if probability < REVIEW:
                return True
        return False


PERSONAL = frozenset({("email", "same"), ("phone", "same_mobile"), ("url", "same")})
"""Levels of a value that one person holds (an e-mail or a mobile no one else holds, a
profile): a record sharing one with a person is that person, whoever else it resembles."""


def _personal(levels: Iterable[Level]) -> bool:
    return any((level.comparison, level.level) in PERSONAL for level in levels)


def load_identity_index(conn: Connection) -> IdentityIndex:
    """Everyone stored, in blocks, with u estimated from them (one read of each table; the
    estimate is kept in the database for the next imports: services/identity/u_store.py)."""
    index = IdentityIndex(different=different_pairs(conn))
    feats = [features(profile) for profile in load_profiles(conn, digests=True)]
    for feature in feats:
        index.add(feature)
    learn_company_aliases(feats, index.population)
    index.model = import_model(conn, feats, index.population)
    return index


def profile_of(
    person_id: int,
    names: tuple[str, str, str, str],
    *,
    inferred: bool,
    companies: Iterable[str],
    points: Iterable[tuple[str, str, str]],
    birthday: object,
    nickname: str = "",
) -> Profile:
    """A Profile of a record not stored yet: ``points`` are (kind, value, normalized)."""
    jobs = tuple([c for c in companies if c])
    emails: list[str] = []
    phones: list[str] = []
    urls: list[str] = []
    addresses: list[str] = []
    values = {nickname, *jobs}
    held: list[tuple[str, str]] = []
    for kind, value, normal in points:  # one pass (an import's helpers make one a record)
        values.add(value)
        held.append((kind, normal))
        if kind == "email":
            if normal:
                emails.append(normal)
        elif kind == "phone":
            if normal:
                phones.append(normal)
        elif kind == "url":
            urls.append(value)
        elif kind == "address":
            addresses.append(value)
    family, given = names[0], names[1]
    return Profile(
        id=person_id,
        family=family,
        given=given,
        family_reading=names[2],
        given_reading=names[3],
        reading_inferred=inferred,
        named=is_named(family, given, values),
        birthday=birthday,  # type: ignore[arg-type]
        companies=jobs,
        emails=tuple(emails),
        phones=tuple(phones),
        urls=tuple(urls),
        addresses=tuple(addresses),
        digest=record_digest(names, jobs, held, birthday),
    )

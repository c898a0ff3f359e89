"""Everyone's comparable features in little memory: what the duplicates list starts from.

``features`` of 100,000 profiles kept every profile whole, beside its features, and one
object for each of the many values people share (a family name, a company, its sound, a
domain): about half a gigabyte.  Here the profiles are read a few thousand at a time,
each keeps only what a comparison or a candidate's line reads of it, and equal values
are one object.  The features compare exactly as ``features`` of the whole profiles.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Connection, func, select

from kinmyaku.domain.identity.blocking import MAX_BLOCK, fresh_block_keys
from kinmyaku.domain.identity.keys import (
    company_sound,
    email_skeleton,
    is_placeholder_phone,
    is_role_email,
)
from kinmyaku.domain.identity.profile import Features, Profile, features
from kinmyaku.services.identity.company_sounds import start_company_sounds
from kinmyaku.services.identity.profiles import iter_profiles
from kinmyaku.storage.schema import organizations, people

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_T = TypeVar("_T", bound=Hashable)


class Pool:
    """One object for each distinct value (a value seen again is the first one)."""

    def __init__(self) -> None:
        self._seen: dict[object, object] = {}

    def one(self, value: _T) -> _T:
        """The object equal to ``value`` kept first (``value`` itself when new)."""
        return self._seen.setdefault(value, value)  # type: ignore[return-value]


def slim(profile: Profile, pool: Pool) -> Profile:
    """The parts of a profile that comparisons (``scoring``) and a candidate's line
    (``finding.person_ref``) read: names shown, companies, titles, address books, the
    first phone and e-mail."""
    return Profile(
        id=profile.id,
        family=pool.one(profile.family),
        given=pool.one(profile.given),
        named=profile.named,
        companies=pool.one(profile.companies),
        emails=profile.emails[:1],
        phones=profile.phones[:1],
        titles=pool.one(profile.titles),
        books=pool.one(profile.books),
    )


def compact(feature: Features, pool: Pool) -> Features:
    """``feature`` with its profile slimmed and its shared values pooled."""
    feature.names = [pool.one(name) for name in feature.names]
    feature.companies = pool.one(feature.companies)
    feature.current_company = pool.one(feature.current_company)
    feature.domains = pool.one(feature.domains)
    feature.address_words = pool.one(feature.address_words)
    feature.postcodes = pool.one(feature.postcodes)
    feature.holder = pool.one(feature.holder)
    if feature.mobiles == feature.phones:  # a mobile and no other number: one set
        feature.mobiles = feature.phones
    feature.profile = slim(feature.profile, pool)
    return feature


CHUNK = 5000
"""People read at a time."""


def _forget_values() -> None:
    """Empty the caches of functions asked once a person's e-mail or phone: no comparison
    asks them again, and full they hold 20 MB."""
    for cached in (is_role_email, email_skeleton, is_placeholder_phone):
        cached.cache_clear()


def load_features(conn: Connection) -> list[Features]:
    """Every person's features, ordered by id, compacted (``compact``), with the sounds
    of their companies (``profile.company_sounds``) made."""
    size = conn.execute(select(func.count()).select_from(people)).scalar_one()
    names = list(conn.execute(select(organizations.c.name).distinct()).scalars())
    sounds_of = start_company_sounds(names, people=size)  # meanwhile, the people
    pool = Pool()
    feats = []
    for profile in iter_profiles(conn, chunk=CHUNK):
        feats.append(compact(features(profile), pool))
        if len(feats) % CHUNK == 0:
            _forget_values()
    _forget_values()
    sounds = sounds_of()
    for feature in feats:
        found = []
        for company in feature.profile.companies:
            sound = sounds.get(company)
            if sound is None:  # a company added since
                sound = sounds[company] = company_sound(company)
            if sound:
                found.append(sound)
        feature.sounds = pool.one(frozenset(found))
    return feats


def candidate_pair_codes(feats: Sequence[Features]) -> npt.NDArray[np.int64]:
    """``blocking.candidate_pairs`` of ``feats``, sorted, each pair (i, j) as the number
    ``i * len(feats) + j``: the same pairs in a few megabytes (one hash per block key, not
    a dictionary of every key with its people, nor a set of every pair)."""
    import numpy as np

    hashes: array[int] = array("q")
    positions: array[int] = array("q")
    for position, feature in enumerate(feats):
        for key in fresh_block_keys(feature):
            hashes.append(hash(key))
            positions.append(position)
    keys = np.frombuffer(hashes, dtype=np.int64)
    order = np.argsort(keys, kind="stable")  # stable: each block's people in order
    keys, people = keys[order], np.frombuffer(positions, dtype=np.int64)[order]
    del hashes, positions, order
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    sizes = np.diff(np.append(starts, len(keys)))
    count = len(feats)
    found = []
    two = starts[sizes == 2]  # most blocks: one pair each, all at once
    found.append(people[two] * count + people[two + 1])
    for start, size in zip(
        starts[(sizes > 2) & (sizes <= MAX_BLOCK)].tolist(),
        sizes[(sizes > 2) & (sizes <= MAX_BLOCK)].tolist(),
        strict=True,
    ):
        members = people[start : start + size]
        first, second = np.triu_indices(size, 1)
        found.append(members[first] * count + members[second])
    codes: npt.NDArray[np.int64] = np.unique(np.concatenate(found))
    # Two keys of one person with one hash would pair the person with itself.
    distinct: npt.NDArray[np.int64] = codes[codes // count != codes % count]
    return distinct

"""Everyone's comparable features in little memory: what the duplicates list starts from.

``features`` of 100,000 profiles kept every profile whole, beside its features, and one
object for each of the many values people share (a family name, a company, its sound, a
domain): about half a gigabyte.  Here the profiles are read a few thousand at a time,
each keeps only what a comparison or a candidate's line reads of it, and equal values
are one object.  The features compare exactly as ``features`` of the whole profiles.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from array import array
from collections.abc import Hashable, Sequence
from typing import TypeVar

from sqlalchemy import Connection, func, select

from kinmyaku.domain.identity.blocking import MAX_BLOCK, fresh_block_keys
from kinmyaku.domain.identity.keys import (
    company_sound,
    email_skeleton,
    is_placeholder_phone,
    is_role_email,
)
from kinmyaku.domain.identity.profile import Features, NameForm, Profile, features
from kinmyaku.services.identity.company_sounds import start_company_sounds
from kinmyaku.services.identity.profiles import iter_profiles
from kinmyaku.storage.schema import organizations, people

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
        emails=() if profile.phones else profile.emails[:1],  # shown when no phone
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
    profile = slim(feature.profile, pool)
    if profile.emails:  # the address as its set holds it: one string, not two
        shown = profile.emails[0]
        for email in feature.emails:
            if email == shown:
                profile.emails = (email,)
    feature.profile = profile
    return feature


CHUNK = 1000
"""People read at a time (fewer rows and profiles in memory at once, which leave less
room between the features kept: 5,000 took 10 MB more)."""


def _forget_values() -> None:
    """Empty the caches of functions asked once a person's e-mail or phone: no comparison
    asks them again, and full they hold 20 MB."""
    for cached in (is_role_email, email_skeleton, is_placeholder_phone):
        cached.cache_clear()


def free_memory() -> None:
    """Give the C library's free memory back to the system (glibc's ``malloc_trim``; a
    no-op elsewhere): large buffers (block keys, SQLite's), once freed, otherwise stay in
    the process (about 30 MB after ``candidate_pair_codes`` at 100,000 people)."""
    if not sys.platform.startswith("linux"):
        return
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl)
        return
    trim(0)


def forget_unpaired(feats: list[Features], codes: Sequence[int]) -> int:
    """Replace the features of the people in no candidate pair (``candidate_pair_codes``)
    by one empty stand-in: once the population is counted and the model's u estimated, only
    the pairs' people are read again.  Returns how many were dropped."""
    count = len(feats)
    paired = bytearray(count)
    for code in codes:
        first, second = divmod(code, count)
        paired[first] = paired[second] = 1
    alone = [position for position, held in enumerate(paired) if not held]
    if not alone:
        return 0
    stand_in = features(Profile(id=0, family=""))
    for position in alone:
        feats[position] = stand_in
    return len(alone)


def share_names(feats: list[Features]) -> None:
    """One list of names for the people whose names are equal (most share theirs with
    others).  Only once nothing adds a name (``readings.learn_readings`` does)."""
    lists: dict[tuple[NameForm, ...], list[NameForm]] = {}
    for feature in feats:
        feature.names = lists.setdefault(tuple(feature.names), feature.names)


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


BUCKETS = 16
"""Parts the block keys' hashes are sorted in, one at a time (a sixteenth of the keys in
Python numbers at once, not all of them)."""


def candidate_pair_codes(feats: Sequence[Features]) -> array[int]:
    """``blocking.candidate_pairs`` of ``feats``, sorted, each pair (i, j) as the number
    ``i * len(feats) + j``: the same pairs in a few megabytes (one hash per block key, not
    a dictionary of every key with its people).  Plain Python and ``array``: numpy alone
    would cost the command 22 MB."""
    parts = [(array("q"), array("q")) for _ in range(BUCKETS)]
    for position, feature in enumerate(feats):
        for key in fresh_block_keys(feature):
            code = hash(key)
            hashes, positions = parts[code % BUCKETS]
            hashes.append(code)
            positions.append(position)
    count = len(feats)
    found: set[int] = set()
    while parts:
        hashes, positions = parts.pop()
        # Stable: each block's people in the order they were read (ascending positions).
        order = sorted(range(len(hashes)), key=hashes.__getitem__)
        size = len(order)
        begin = 0
        while begin < size:
            code = hashes[order[begin]]
            end = begin + 1
            while end < size and hashes[order[end]] == code:
                end += 1
            if 2 <= end - begin <= MAX_BLOCK:
                members = [positions[k] for k in order[begin:end]]
                for i, first in enumerate(members):
                    base = first * count
                    for second in members[i + 1 :]:
                        # Two keys of one person with one hash would pair the person
                        # with itself.
                        if second != first:
                            found.add(base + second)
            begin = end
        del hashes, positions, order
    codes = array("q", sorted(found))
    del found
    free_memory()
    return codes

"""Find people who may be one person: the duplicates list, and the check before an add."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

from sqlalchemy import Connection, func, or_, select

from kinmyaku.domain.errors import ValidationError
from kinmyaku.domain.identity.absent import learn_expected
from kinmyaku.domain.identity.candidates import AUTO_MERGE, REVIEW, Candidate, PersonRef, Reason
from kinmyaku.domain.identity.namesakes import find_namesakes
from kinmyaku.domain.identity.profile import Features, Population, Profile, features
from kinmyaku.domain.identity.readings import learn_readings
from kinmyaku.domain.identity.scoring import (
    BELOW_AUTO_MERGE,
    Level,
    Model,
    compare,
    estimate_m,
    estimate_u,
    identified,
    learn_company_aliases,
)
from kinmyaku.domain.names import is_latin, shown_romaji
from kinmyaku.domain.search_keys import NAME_FIELDS, PersonKeys, person_index
from kinmyaku.domain.validate import format_phone, normalize_email, parse_phone, phone_digits
from kinmyaku.i18n import translate
from kinmyaku.services.identity.everyone import (
    Pool,
    candidate_pair_codes,
    forget_unpaired,
    free_memory,
    load_features,
    share_names,
)
from kinmyaku.services.identity.profiles import load_profiles
from kinmyaku.services.people import PersonInput, name_columns
from kinmyaku.storage.schema import contact_points, not_duplicates, people, search_terms
from kinmyaku.storage.uow import UnitOfWork

EM_PAIRS = 30000
"""Blocked pairs (at most) that estimate the model's m (scoring.estimate_m)."""

NEIGHBOURS = 40
"""People a name search brings as candidates for one new person (per spelling)."""


def reason_text(reason: Reason, lang: str) -> str:
    """One reason in the user's language."""
    params = dict(reason.params)
    if "phone" in params and params["phone"].startswith("+"):
        params["phone"] = format_phone(params["phone"])
    return translate(lang, reason.msgid, **params)


def reason_texts(candidate: Candidate, lang: str) -> list[str]:
    """A candidate's reasons in the user's language, strongest first."""
    return [reason_text(reason, lang) for reason in candidate.reasons]


def person_ref(profile: Profile) -> PersonRef:
    """How a candidate list shows a person."""
    contact = ""
    if profile.phones:
        phone = profile.phones[0]
        contact = format_phone(phone) if phone.startswith("+") else phone
    elif profile.emails:
        contact = profile.emails[0]
    company = profile.companies[0] if profile.companies else ""
    return PersonRef(profile.id, profile.display_name(), company, contact)


def different_pairs(conn: Connection) -> set[tuple[int, int]]:
    """The pairs the user said are different people (smaller id first)."""
    pairs = select(not_duplicates.c.person_a, not_duplicates.c.person_b)
    return {(a, b) for a, b in conn.execute(pairs)}


def population_of(items: Iterable[Features], size: int | None = None) -> Population:
    """Name counts and shared values over these people (``size``: how many there are)."""
    population = Population()
    for item in items:
        population.add(item)
    if size is not None:
        population.size = max(size, population.size)
    return population


def score_pairs(
    feats: Sequence[Features],
    pairs: Iterable[tuple[int, int]],
    population: Population,
    model: Model,
    *,
    min_probability: float,
    different: set[tuple[int, int]],
    known: Mapping[tuple[int, int], Sequence[Level]] | None = None,
) -> list[Candidate]:
    """The candidates among ``pairs`` (positions in ``feats``) at or above the probability
    (``known``: the levels of pairs compared already, by positions)."""
    found = []
    refs: dict[int, PersonRef] = {}

    def ref(feature: Features) -> PersonRef:
        known = refs.get(feature.id)
        if known is None:
            known = refs[feature.id] = person_ref(feature.profile)
        return known

    for i, j in pairs:
        a, b = feats[i], feats[j]
        if a.id > b.id:
            a, b = b, a
        if (a.id, b.id) in different:
            continue
        levels = known.get((i, j)) if known else None
        if levels is None:
            levels = compare(a, b, population)
        probability = model.probability(levels)
        if probability >= min_probability:
            found.append(Candidate(ref(a), ref(b), probability, model.reasons(levels)))
    found.sort(key=lambda c: (-c.probability, c.a.id, c.b.id))
    return found


AMBIGUOUS = Reason("Could be either of two different people")


def unambiguous(
    found: list[Candidate], by_id: dict[int, Features], population: Population, model: Model
) -> list[Candidate]:
    """The candidates, those of a person who would join two different people lowered below
    AUTO_MERGE: a LinkedIn row "Kenta Takahashi, Sample" with two 高橋 健太 at Sample is
    a question, not an answer (merging it would join the two namesakes through it)."""
    sure: dict[int, list[int]] = {}
    for c in found:
        if c.probability >= AUTO_MERGE:
            sure.setdefault(c.a.id, []).append(c.b.id)
            sure.setdefault(c.b.id, []).append(c.a.id)
    doubtful: set[int] = set()
    for pid, others in sure.items():
        if len(others) < 2:
            continue
        for i, first in enumerate(others):
            for second in others[i + 1 :]:
                p, _ = model.score(compare(by_id[first], by_id[second], population))
                if p < REVIEW:
                    doubtful.add(pid)
    if not doubtful:
        return found

    def in_doubt(c: Candidate) -> bool:
        return c.probability >= AUTO_MERGE and (c.a.id in doubtful or c.b.id in doubtful)

    # Of a doubtful person's sure pairs, those that share a mobile, an e-mail or a profile
    # stay sure (the person is that one); the others, a name at a company, are the doubt.
    # When every pair of the person is of one kind, all of them are the question.
    held: dict[tuple[int, int], bool] = {
        (c.a.id, c.b.id): identified(compare(by_id[c.a.id], by_id[c.b.id], population))
        for c in found
        if in_doubt(c)
    }
    kinds: dict[int, set[bool]] = {}
    for (a, b), sure_pair in held.items():
        for pid in (a, b):
            if pid in doubtful:
                kinds.setdefault(pid, set()).add(sure_pair)

    def lowered_one(c: Candidate) -> bool:
        if not in_doubt(c):
            return False
        if not held[(c.a.id, c.b.id)]:
            return True
        return any(kinds.get(pid) == {True} for pid in (c.a.id, c.b.id) if pid in doubtful)

    lowered = [
        replace(c, probability=BELOW_AUTO_MERGE, reasons=(*c.reasons, AMBIGUOUS))
        if lowered_one(c)
        else c
        for c in found
    ]
    lowered.sort(key=lambda c: (-c.probability, c.a.id, c.b.id))
    return lowered


def find_duplicates(
    uow: UnitOfWork,
    *,
    min_probability: float = REVIEW,
    limit: int | None = None,
    books: dict[str, frozenset[str]] | None = None,
) -> list[Candidate]:
    """Pairs of people who may be one, best first (pairs said to be different left out).

    ``books``: what each address book holds (``absent.learn_expected``) as an earlier
    look learned it, kept and added to: ``merge --auto``'s later rounds see LinkedIn's
    rows mostly merged into other people, too few left alone to show that LinkedIn holds
    titles, yet it still does.
    """
    with uow as conn:
        feats = load_features(conn)  # little memory: read in chunks, shared values pooled
        different = different_pairs(conn)
    learn_readings(feats)
    share_names(feats)
    # The pairs, sorted (one order, whatever the hash seed: one sample), as numbers; made
    # before the population is counted, so that their passing peak meets less memory.
    codes = candidate_pair_codes(feats)
    population = population_of(feats)
    learn_company_aliases(feats, population)
    free_memory()  # each step's passing tables given back before the next (15-20 MB)
    find_namesakes(feats, population)
    free_memory()
    learn_expected(feats, population)
    if books is not None:
        learned = population.expected
        for kind in {*books, *learned}:
            books[kind] = learned[kind] = books.get(kind, frozenset()) | learned.get(
                kind, frozenset()
            )
    model = estimate_u(feats, population)
    forget_unpaired(feats, codes)  # from here on, only the pairs' people are read
    free_memory()
    count = len(feats)

    def pairs() -> Iterator[tuple[int, int]]:
        for start in range(0, len(codes), 65536):
            for code in codes[start : start + 65536].tolist():
                yield divmod(code, count)

    chosen = random.Random(0).sample(range(len(codes)), min(len(codes), EM_PAIRS))
    levels = Pool()  # the sample's levels, each distinct one (and each pair's) kept once
    sampled = [
        levels.one(tuple([levels.one(level) for level in compare(feats[i], feats[j], population)]))
        for i, j in (divmod(int(codes[k]), count) for k in chosen)
    ]
    del levels, chosen
    estimate_m(model, sampled)
    del sampled  # compared again below: kept, they took 10 MB at the peak
    found = score_pairs(
        feats,
        pairs(),
        population,
        model,
        min_probability=min(min_probability, REVIEW),
        different=different,
    )
    # The sure pairs say which records are one person, so that a name is counted once per
    # person (three records of 村田 直樹 are not three namesakes): the pairs whose name
    # counts change are scored again.
    sure = [(c.a.id, c.b.id) for c in found if c.probability >= AUTO_MERGE]
    if sure:
        changed = population.regroup(groups_of(sure))
        again = [
            (i, j)
            for i, j in pairs()
            if _main_name(feats[i]) in changed or _main_name(feats[j]) in changed
        ]
        redone = score_pairs(
            feats,
            again,
            population,
            model,
            min_probability=min(min_probability, REVIEW),
            different=different,
        )
        kept = {(c.a.id, c.b.id): c for c in found}
        for i, j in again:  # scored again: what falls below the threshold goes
            kept.pop((min(feats[i].id, feats[j].id), max(feats[i].id, feats[j].id)), None)
        for c in redone:
            kept[(c.a.id, c.b.id)] = c
        found = [c for c in kept.values() if c.probability >= min(min_probability, REVIEW)]
        found.sort(key=lambda c: (-c.probability, c.a.id, c.b.id))
    found = unambiguous(found, {f.id: f for f in feats}, population, model)
    found = [c for c in found if c.probability >= min_probability]
    return found if limit is None else found[:limit]


def _main_name(feature: Features) -> str:
    name = feature.names[0] if feature.names else None
    return (name.full_sound or name.written) if name else ""


def groups_of(pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Union-find over pairs: each id's group (the smallest id in it)."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: root(x) for x in parent}


def count_duplicates(uow: UnitOfWork, *, min_probability: float = REVIEW) -> int:
    """How many pairs ``find_duplicates`` lists."""
    return len(find_duplicates(uow, min_probability=min_probability))


def _name_terms(profile: Profile) -> set[str]:
    """The whole-name search terms of a profile's names (kanji, kana, romaji, both orders):
    people who share one have the same name in some script."""
    names = [(profile.family, profile.given, profile.family_reading, profile.given_reading)]
    names += list(profile.aliases)
    terms: set[str] = set()
    for family, given, family_r, given_r in names:
        if is_latin(family + given):
            romaji = f"{given} {family}".strip()
        else:
            romaji = shown_romaji(family_r, given_r) if family_r or given_r else ""
        keys = PersonKeys(family, given, family_r, given_r, romaji)
        found, _ = person_index(keys)
        terms |= {t.term for t in found if t.pos == 0 and t.whole and t.field in NAME_FIELDS}
    return terms


def _neighbour_ids(conn: Connection, profile: Profile) -> set[int]:
    """People who share a phone, an e-mail or a URL with ``profile``, or its name in any
    script (two indexed look-ups)."""
    ids: set[int] = set()
    values = [("phone", p) for p in profile.phones] + [("email", e) for e in profile.emails]
    values += [("url", u) for u in profile.urls]
    if values:
        clauses = [
            (contact_points.c.kind == kind) & (contact_points.c.normalized == value)
            for kind, value in values
        ]
        ids.update(conn.execute(select(contact_points.c.person_id).where(or_(*clauses))).scalars())
    terms = _name_terms(profile) if profile.named else set()
    if terms:
        ids.update(
            conn.execute(
                select(search_terms.c.person_id)
                .where(
                    search_terms.c.term.in_(sorted(terms)),
                    search_terms.c.field.in_([int(f) for f in NAME_FIELDS]),
                )
                .limit(NEIGHBOURS * 4)
            ).scalars()
        )
    return ids


def similar_to(
    conn: Connection, profile: Profile, *, min_probability: float = REVIEW, limit: int = 5
) -> list[Candidate]:
    """The people already stored whom ``profile`` (not stored, ``id`` 0) may be, best first."""
    ids = _neighbour_ids(conn, profile)
    ids.discard(profile.id)
    if not ids:
        return []
    stored = load_profiles(conn, ids)
    size = int(conn.execute(select(func.max(people.c.id))).scalar_one() or 0)  # about
    new = features(profile)
    feats = [features(p) for p in stored]
    population = population_of([new, *feats], size)
    model = Model(size=size)
    found = []
    for other in feats:
        probability, reasons = model.score(compare(new, other, population))
        if probability >= min_probability:
            found.append(
                Candidate(person_ref(profile), person_ref(other.profile), probability, reasons)
            )
    found.sort(key=lambda c: (-c.probability, c.b.id))
    return found[:limit]


def similar_people(
    uow: UnitOfWork, profile: Profile, *, min_probability: float = REVIEW, limit: int = 5
) -> list[Candidate]:
    """``similar_to`` in a transaction of its own (the warning before an add)."""
    with uow as conn:
        return similar_to(conn, profile, min_probability=min_probability, limit=limit)


def profile_of_input(data: PersonInput) -> Profile:
    """The profile of a person about to be added (``add``, quick add, the person form)."""
    names = name_columns(data.family_name, data.given_name, data.family_reading, data.given_reading)
    emails = []
    for value in data.emails:
        try:
            emails.append(normalize_email(value))
        except ValidationError:
            continue  # the add itself reports it
    phones = []
    for value in data.phones:
        try:
            phones.append(parse_phone(value))
        except ValidationError:
            phones.append(phone_digits(value))
    return Profile(
        id=0,
        family=names["family_name"],
        given=names["given_name"],
        family_reading=names["family_reading"],
        given_reading=names["given_reading"],
        reading_inferred=bool(names["reading_inferred"]),
        birthday=data.birthday,
        companies=(data.company.strip(),) if data.company and data.company.strip() else (),
        emails=tuple(e.lower() for e in emails),
        phones=tuple(phones),
        urls=tuple(u.strip() for u in data.urls if u.strip()),
        addresses=tuple(a.strip() for a in data.addresses if a.strip()),
    )


def check_new_person(uow: UnitOfWork, data: PersonInput, *, limit: int = 5) -> list[Candidate]:
    """The people already stored whom a person about to be added may be, best first."""
    return similar_people(uow, profile_of_input(data), limit=limit)

"""The faster ways of comparing give the results of the plain ones (scoring.py, profile.py)."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import JaroWinkler

from kinmyaku.domain.identity.profile import Features, Profile, features, joined_features
from kinmyaku.domain.identity.scoring import _word_similarity

from .helpers import person


def _reference_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """The share of words in common, a word with a typo counting too (one JW call a pair)."""
    same = a & b
    matched = len(same)
    for word in a - same:
        if len(word) >= 4 and any(JaroWinkler.similarity(word, o) >= 0.88 for o in b - same):
            matched += 1
    return matched / max(len(a), len(b))


_words = st.frozensets(st.text(alphabet="abcdeｱ1", min_size=1, max_size=7), min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(_words, _words)
def test_address_word_similarity_is_the_plain_one(a: frozenset[str], b: frozenset[str]) -> None:
    assert _word_similarity(a, b) == _reference_similarity(a, b)


def _compared(found: Features) -> dict[str, object]:
    skip = {"profile", "keys", "sounds", "shown"}
    return {f.name: getattr(found, f.name) for f in fields(Features) if f.name not in skip}


def test_a_joined_record_gives_the_features_of_the_merged_profile() -> None:
    known = person(
        "高橋",
        "健太",
        company="株式会社サンプル",
        emails=["kenta@sample.co.jp"],
        phones=["03-1234-5678"],
        addresses=["〒100-0005 東京都千代田区丸の内1-2-3"],
    )
    record = person(
        "Takahashi",
        "Kenta",
        company=["Sample Inc.", "旧社"],
        emails=["kenta.t@gmail.com", "info@sample.co.jp"],
        phones=["090-1234-5678"],
        urls=["https://www.linkedin.com/in/kenta-t"],
        addresses=["1-2-3 Marunouchi, Tokyo 100-0005"],
        birthday=date(1990, 1, 2),
    )
    p, r = known.profile, record.profile
    merged = Profile(
        id=p.id,
        family=p.family,
        given=p.given,
        family_reading=p.family_reading,
        given_reading=p.given_reading,
        reading_inferred=p.reading_inferred,
        named=p.named or r.named,
        birthday=p.birthday or r.birthday,
        companies=tuple(dict.fromkeys((*r.companies, *p.companies))),
        emails=tuple(dict.fromkeys((*p.emails, *r.emails))),
        phones=tuple(dict.fromkeys((*p.phones, *r.phones))),
        urls=tuple(dict.fromkeys((*p.urls, *r.urls))),
        addresses=tuple(dict.fromkeys((*p.addresses, *r.addresses))),
        aliases=(*p.aliases, (r.family, r.given, "", "")),
        digest=p.digest,
    )
    joined = joined_features(known, record, merged)
    assert _compared(joined) == _compared(features(merged))
    assert len(joined.names) == 2 and joined.current_company == features(merged).current_company

"""The fast search keys equal a straightforward reference implementation kept here.

The reference still makes every suffix term (what the index stored before migration
0003); the index keeps its whole keys and phone tails, and every name or reading suffix is
found inside one of the substring keys instead.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from hypothesis import given, settings
from hypothesis import strategies as st

import kinmyaku
from kinmyaku.domain.names import (
    fold_text,
    is_latin,
    joined_romaji,
    kana_to_romaji,
    romaji_key,
    shown_romaji,
    to_hiragana,
)
from kinmyaku.domain.search_keys import (
    MAX_TERM,
    Field,
    PersonKeys,
    Term,
    _fast_romaji_key,
    _joined_key,
    person_index,
    person_terms,
    split_query,
)
from kinmyaku.domain.validate import phone_digits


def _suffixes(key: str, field: Field, *, min_len: int, whole: bool = True) -> Iterator[Term]:
    if not key:
        return
    key = key[:MAX_TERM]
    yield Term(key, field, 0, whole)
    for start in range(1, len(key)):
        if len(key) - start >= min_len:
            yield Term(key[start:], field, start, False)


def _latin_min(key: str) -> int:
    return 2 if key.isascii() else 1


def _name_terms(keys: PersonKeys) -> Iterator[Term]:
    family, given_ = fold_text(keys.family_name), fold_text(keys.given_name)
    full = family + given_
    yield from _suffixes(full, Field.NAME, min_len=_latin_min(full))
    for part in {family, given_, given_ + family} - {full, ""}:
        yield Term(part[:MAX_TERM], Field.NAME, 0, True)
    for word in split_query(f"{keys.family_name} {keys.given_name}"):
        folded = fold_text(word)[:MAX_TERM]
        if folded not in (full, family, given_):
            yield Term(folded, Field.NAME, 0, False)
    family_r, given_r = fold_text(keys.family_reading), fold_text(keys.given_reading)
    reading = family_r + given_r
    if reading and reading != full:
        yield from _suffixes(reading, Field.READING, min_len=1)
        for part in {family_r, given_r, given_r + family_r} - {reading, ""}:
            yield Term(part[:MAX_TERM], Field.READING, 0, True)
    yield from _romaji_terms(keys, family_r, given_r)
    if keys.nickname:
        yield Term(fold_text(keys.nickname)[:MAX_TERM], Field.NICKNAME, 0, True)


def _romaji_terms(keys: PersonKeys, family_r: str, given_r: str) -> Iterator[Term]:
    seen: set[tuple[str, int]] = set()

    def once(term: Term) -> Iterator[Term]:
        if term.term and (term.term, term.pos) not in seen:
            seen.add((term.term, term.pos))
            yield term

    reading = family_r + given_r
    if reading:
        full = romaji_key(kana_to_romaji(reading))
        yield from once(Term(full[:MAX_TERM], Field.ROMAJI, 0, True))
        for start in range(1, len(reading)):
            suffix = romaji_key(kana_to_romaji(reading[start:]))
            if len(suffix) >= 2:
                yield from once(Term(suffix[:MAX_TERM], Field.ROMAJI, start, False))
        given_first = romaji_key(kana_to_romaji(given_r + family_r))
        yield from once(Term(given_first[:MAX_TERM], Field.ROMAJI, 0, True))
        for part in (family_r, given_r):
            if part:
                yield from once(Term(romaji_key(kana_to_romaji(part)), Field.ROMAJI, 0, True))
    latin_sources = [keys.romaji]
    if is_latin(keys.family_name + keys.given_name):
        latin_sources.append(f"{keys.family_name} {keys.given_name}")
        latin_sources.append(f"{keys.given_name} {keys.family_name}")
    for source in latin_sources:
        key = romaji_key(source)
        if key:
            for term in _suffixes(key, Field.ROMAJI, min_len=2):
                yield from once(term)
    if is_latin(keys.given_name):
        yield from once(Term(romaji_key(keys.given_name), Field.ROMAJI, 0, True))


def _contact_terms(keys: PersonKeys) -> Iterator[Term]:
    for email in keys.emails:
        folded = unicodedata.normalize("NFKC", email).strip().lower()
        domain = folded.partition("@")[2]
        for part in dict.fromkeys((folded, domain)):
            if part:
                yield Term(part[:MAX_TERM], Field.EMAIL, 0, part == folded)
    for phone in keys.phones:
        digits = phone_digits(phone)
        national = "0" + digits[2:] if digits.startswith("81") else digits
        if not national:
            continue
        yield Term(national, Field.PHONE, 0, True)
        for tail in (8, 4):
            if len(national) > tail:
                yield Term(national[-tail:], Field.PHONE, len(national) - tail, False)
        if national != digits:
            yield Term(digits, Field.PHONE, 0, True)
    for tag in keys.tags:
        yield Term(fold_text(tag)[:MAX_TERM], Field.TAG, 0, True)


def reference_suffix_terms(keys: PersonKeys) -> list[Term]:
    """The straightforward implementation (one jaconv call per reading suffix)."""
    unique: dict[tuple[str, int, int], Term] = {}
    for term in (*_name_terms(keys), *_contact_terms(keys)):
        unique.setdefault((term.term, int(term.field), term.pos), term)
    return list(unique.values())


def reference_person_terms(keys: PersonKeys) -> list[Term]:
    """The stored terms: whole keys (pos 0) and the phone tails."""
    return [t for t in reference_suffix_terms(keys) if t.pos == 0 or t.field == Field.PHONE]


NAMES = (Field.NAME, Field.READING, Field.ROMAJI, Field.NICKNAME)


def assert_found_as_the_reference(keys: PersonKeys) -> None:
    """The stored terms find the person exactly as the reference's terms do.

    The other fields' terms are the same, in the same order.  A name part may be the cut
    of a joined key instead of a row (domain.search_keys.two_part_keys): in each name field
    the exact keys (whole keys and cuts) are the reference's whole keys, every stored key is
    a reference key (so a prefix search finds nothing new) and every reference key starts a
    stored one (so a prefix search loses nothing).
    """
    fast, reference = person_terms(keys), reference_person_terms(keys)
    assert [t for t in fast if t.field not in NAMES] == [
        t for t in reference if t.field not in NAMES
    ]
    assert len(fast) <= len(reference)
    for field in NAMES:
        ours = [t for t in fast if t.field == field]
        theirs = [t for t in reference if t.field == field]
        exact = {t.term for t in ours if t.whole} | {t.term[: t.cut] for t in ours if t.cut}
        assert exact == {t.term for t in theirs if t.whole}, field
        assert all(t.cut == 0 or (0 < t.cut < len(t.term) and t.whole) for t in ours)
        assert {(t.term, t.pos) for t in ours} <= {(t.term, t.pos) for t in theirs}
        for t in theirs:
            assert any(o.term.startswith(t.term) and o.pos == t.pos for o in ours), t
        assert len({(t.term, t.pos) for t in ours}) == len(ours)  # no row twice


def assert_suffixes_inside(keys: PersonKeys) -> None:
    """Every name, reading and Latin-romaji suffix term is inside a substring key."""
    inside = person_index(keys)[1]
    latin = {romaji_key(keys.romaji)}
    if is_latin(keys.family_name + keys.given_name):
        latin |= {romaji_key(f"{keys.family_name} {keys.given_name}")}
        latin |= {romaji_key(f"{keys.given_name} {keys.family_name}")}
    for term in reference_suffix_terms(keys):
        from_latin = term.field == Field.ROMAJI and any(term.term in k for k in latin if k)
        if term.pos > 0 and (term.field in (Field.NAME, Field.READING) or from_latin):
            assert any(term.term in key for key in inside), term


KANA = st.text(
    alphabet=st.sampled_from(
        "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
        "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴァィゥェォャュョッヮヵヶーゐゑ"
        "ぁゃっんきしち・ｶﾞﾟ\u3099 abc"
    ),
    max_size=14,
)
NAME = st.one_of(KANA, st.text(max_size=12), st.sampled_from(["髙橋", "Satō", "Van Dyke", ""]))


@settings(max_examples=400, deadline=None)
@given(NAME, NAME, KANA, KANA, st.one_of(KANA, st.text(max_size=10)), NAME)
def test_fast_terms_equal_the_reference(
    family: str, given_name: str, family_r: str, given_r: str, romaji: str, nickname: str
) -> None:
    """Property: the same people found the same way as with the reference's terms."""
    keys = PersonKeys(
        family or "x",
        given_name,
        family_r,
        given_r,
        romaji,
        nickname,
        emails=("Kenta@Example.co.jp",),
        phones=("+81 90-1234-5678",),
        tags=(given_name,),
    )
    assert_found_as_the_reference(keys)
    assert_suffixes_inside(keys)


@settings(max_examples=300, deadline=None)
@given(KANA, KANA)
def test_reading_only_people_equal_the_reference(family_r: str, given_r: str) -> None:
    """Property: people known by their kana reading (the import's common case)."""
    keys = PersonKeys("高橋", "健太", family_r, given_r)
    assert_found_as_the_reference(keys)
    assert_suffixes_inside(keys)


@settings(max_examples=300, deadline=None)
@given(NAME, NAME, KANA, KANA)
def test_people_with_the_romaji_of_their_reading_equal_the_reference(
    family: str, given_name: str, family_r: str, given_r: str
) -> None:
    """Property: the romaji as a person is stored from the reading (``Takahashi Kenta``,
    whose key the fast path takes to be the reading's) finds them as the reference does."""
    readings = [to_hiragana(part) for part in (family_r, given_r)]
    keys = PersonKeys(family or "x", given_name, *readings, shown_romaji(*readings))
    assert_found_as_the_reference(keys)
    assert_suffixes_inside(keys)


def test_small_kana_and_sokuon_equal_the_reference() -> None:
    """Readings where romaji depends on the neighbour (ッ, ャ, ヴァ, trailing ッ)."""
    for family_r, given_r in [
        ("キッカワ", "リョウ"),
        ("ッ", "ャ"),
        ("ヴァン", "ッ"),
        ("ハットリ", "ショウ"),
        ("オオノ", "ユウイチ"),
        ("ナンバ", "ジュンペイ"),
    ]:
        keys = PersonKeys("某", "某", family_r, given_r)
        assert_found_as_the_reference(keys)


def _migration_0003() -> ModuleType:
    path = Path(kinmyaku.__file__).parent / "storage/migrations/versions/0003_search_index.py"
    spec = importlib.util.spec_from_file_location("migration_0003", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SUFFIX_TERMS = _migration_0003().suffix_terms


@settings(max_examples=300, deadline=None)
@given(NAME, NAME, KANA, KANA, st.one_of(KANA, st.text(max_size=10)))
def test_downgrade_rebuilds_the_old_suffix_rows(
    family: str, given_name: str, family_r: str, given_r: str, romaji: str
) -> None:
    """Property: migration 0003's downgrade writes the suffix rows revision 0002 stored."""
    keys = PersonKeys(family or "x", given_name, family_r, given_r, romaji)
    expected = {
        (t.term, int(t.field), t.pos)
        for t in reference_suffix_terms(keys)
        if t.pos > 0 and t.field != Field.PHONE
    }
    assert set(SUFFIX_TERMS(family or "x", given_name, family_r, given_r, romaji)) == expected


@settings(max_examples=500)
@given(KANA, KANA)
def test_joined_key_from_the_parts_equals_the_full_key(first: str, second: str) -> None:
    """The romaji key of a full reading, built from its parts' keys, is the full key."""
    folded = fold_text(first), fold_text(second)
    assert _joined_key(*folded) == _fast_romaji_key(joined_romaji(*folded))
    assert _joined_key(*folded) == romaji_key(kana_to_romaji(folded[0] + folded[1]))


def test_joined_key_examples() -> None:
    # Parts' keys joined: a vowel, then neither a vowel nor h.
    assert _joined_key("タカハシ", "タロウ") == "takahashitaro"
    # A long vowel across the join (オ + ウ), o + h, and a small kana: computed in full.
    assert _joined_key("サトオ", "ウタ") == romaji_key("satoouta")
    assert _joined_key("コ", "ホリ") == romaji_key("kohori")
    assert _joined_key("キ", "ョウコ") == romaji_key(kana_to_romaji("キョウコ"))

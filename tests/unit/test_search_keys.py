"""Search keys of a person and of a query (no database)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kinmyaku.domain.search_keys import (
    Field,
    PersonKeys,
    Term,
    _romaji_of_reading,
    name_index,
    organization_terms,
    person_index,
    person_terms,
    query_keys,
    split_query,
    two_part_keys,
)

KENTA = PersonKeys(
    "髙橋",
    "健太",
    "たかはし",
    "けんた",
    emails=("Kenta@Example.co.jp",),
    phones=("+81 90-1234-5678",),
    tags=("ゴルフ",),
)


def exact_keys(terms: list[Term], field: Field) -> set[str]:
    """The keys a person is found under exactly in one field: whole keys and their cuts."""
    found = {t.term for t in terms if t.whole and t.field == field}
    return found | {t.term[: t.cut] for t in terms if t.cut and t.field == field}


def _terms(keys: PersonKeys) -> set[str]:
    return {t.term for t in person_terms(keys)}


def _found(keys: PersonKeys, query: str) -> bool:
    """A query key is a prefix of a term or inside a substring key (as the search looks)."""
    terms, inside = person_index(keys)
    return any(
        t.term.startswith(k) or any(k in key for key in inside)
        for t in terms
        for k in query_keys(query)
    )


def test_every_spelling_of_a_query_hits_a_person_term() -> None:
    for query in [
        "高橋",
        "髙橋",
        "たかはし",
        "タカハシ",
        "ﾀｶﾊｼ",
        "takahashi",
        "Takahashi",
        "Kenta",
        "けんた",
        "健太",
        "ゴルフ",
        "kenta@example.co.jp",
        "090-1234-5678",
        "5678",
        "hashi",
    ]:
        assert _found(KENTA, query), query


def test_substrings_come_from_the_full_keys_not_suffix_terms() -> None:
    terms = person_terms(KENTA)
    assert exact_keys(terms, Field.NAME) == {"高橋健太", "高橋", "健太", "健太高橋"}
    # Only the phone's last 8 and 4 digits are stored from inside a key.
    assert {(t.term, t.field) for t in terms if t.pos > 0} == {
        ("12345678", Field.PHONE),
        ("5678", Field.PHONE),
    }
    assert name_index(KENTA)[1] == ["高橋健太", "タカハシケンタ", "takahashikenta"]


def test_name_parts_are_cuts_of_the_joined_keys() -> None:
    """Family and given name are the starts of the joined keys: no rows of their own."""
    rows = {(t.term, t.field, t.cut) for t in person_terms(KENTA) if t.field <= Field.ROMAJI}
    assert rows == {
        ("高橋健太", Field.NAME, 2),
        ("健太高橋", Field.NAME, 2),
        ("タカハシケンタ", Field.READING, 4),
        ("ケンタタカハシ", Field.READING, 3),
        ("takahashikenta", Field.ROMAJI, 9),
        ("kentatakahashi", Field.ROMAJI, 5),
    }
    assert exact_keys(person_terms(KENTA), Field.ROMAJI) == {
        "takahashikenta",
        "kentatakahashi",
        "takahashi",
        "kenta",
    }


def test_two_part_keys_keep_a_row_for_a_part_no_joined_key_can_carry() -> None:
    assert two_part_keys("高橋健太", "健太高橋", "高橋", "健太") == (
        [("高橋健太", 2), ("健太高橋", 2)],
        ["高橋", "健太"],
    )
    # One joined key for both orders: it carries one cut, the other part keeps its row.
    assert two_part_keys("aaa", "aaa", "a", "aa") == ([("aaa", 1), ("aa", 0)], ["a"])
    assert two_part_keys("abab", "abab", "ab", "ab") == ([("abab", 2)], ["ab", "ab"])
    # A romaji part that does not start the joined key (a long vowel across the parts).
    assert two_part_keys("satomi", "umisato", "sato", "umi") == (
        [("satomi", 4), ("umisato", 3)],
        ["sato", "umi"],
    )
    assert two_part_keys("kotaro", "tarokou", "kou", "taro") == (
        [("kotaro", 0), ("tarokou", 4), ("kou", 0)],
        ["taro"],
    )
    # One part only: the joined key is the part itself.
    assert two_part_keys("高橋", "高橋", "高橋", "") == ([("高橋", 0)], [])


def test_latin_names_index_both_orders() -> None:
    terms = _terms(PersonKeys("Doe", "John"))
    assert "doejohn" in terms and "johndoe" in terms


def test_organization_terms_include_reading_and_romaji() -> None:
    terms = {t.term for t in organization_terms("株式会社サンプル", "さんぷる")}
    assert "サンプル" in terms and "sanpuru" in terms


def test_split_query_handles_ideographic_space() -> None:
    assert split_query("高橋　健太") == ["高橋", "健太"]
    assert split_query("   ") == []


@given(st.text(max_size=30), st.text(max_size=30), st.text(max_size=30))
def test_a_name_always_finds_itself(family: str, given_name: str, noise: str) -> None:
    """Property: any folded name matches one of its own index terms by prefix."""
    keys = PersonKeys(family or "x", given_name)
    terms = _terms(keys)
    for token in split_query(f"{family or 'x'}"):
        assert any(t.startswith(k) for t in terms for k in query_keys(token)) or not query_keys(
            token
        )
    assert isinstance(query_keys(noise), list)


def test_the_romaji_shown_from_the_reading_needs_no_key_of_its_own() -> None:
    """The stored romaji of a reading (how a person is saved) has the reading's key."""
    assert _romaji_of_reading("Takahashi Kenta", "タカハシ", "ケンタ")
    assert _romaji_of_reading("Takahashi", "タカハシ", "")
    assert not _romaji_of_reading("Takahashi Kenji", "タカハシ", "ケンタ")  # typed otherwise
    assert not _romaji_of_reading("", "タカハシ", "ケンタ")
    # The join is no cut of the romaji (ッ before it): the romaji is keyed on its own.
    assert not _romaji_of_reading("Kit Ta", "キッ", "タ")
    kenta = PersonKeys("高橋", "健太", "たかはし", "けんた", "Takahashi Kenta")
    terms = {t.term for t in person_terms(kenta)}
    assert {"takahashikenta", "kentatakahashi"} <= terms

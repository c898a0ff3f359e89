"""Kunrei romaji as query keys, and the keys and hints of what a person is remembered by."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinmyaku.domain.memory_keys import (
    Encounter,
    Memory,
    MemoryField,
    SearchHint,
    excerpt,
    memory_keys,
    search_hint,
)
from kinmyaku.domain.names import kana_to_romaji, romaji_key
from kinmyaku.domain.search_keys import kunrei_to_hepburn, query_keys


@pytest.mark.parametrize(
    ("typed", "hepburn"),
    [
        ("takahasi", "takahashi"),
        ("syouta", "shota"),
        ("syoota", "shota"),
        ("tyou", "cho"),
        ("sinji", "shinji"),
        ("tuyosi", "tsuyoshi"),
        ("hukuda", "fukuda"),
        ("zyun", "jun"),
        ("Takahasi", "takahashi"),
        ("syōta", "shota"),
        ("tutumi", "tsutsumi"),
    ],
)
def test_kunrei_and_nihon_shiki_give_the_hepburn_key(typed: str, hepburn: str) -> None:
    assert query_keys(typed)[-1] == hepburn


@pytest.mark.parametrize(
    "typed", ["takahashi", "kenta", "smith", "xyz", "sy", "nsa", "mary", "anna", "shunsuke"]
)
def test_hepburn_and_non_japanese_words_get_no_extra_key(typed: str) -> None:
    assert kunrei_to_hepburn(romaji_key(typed)) == ""


def test_a_consonant_being_typed_stays_as_typed() -> None:
    assert kunrei_to_hepburn("syout") == "shot"
    assert kunrei_to_hepburn("takahas") == ""


@given(
    st.text(
        alphabet="あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわんじゃゅょっぢ",
        min_size=1,
        max_size=8,
    )
)
def test_the_hepburn_key_of_a_reading_finds_itself(reading: str) -> None:
    """A reading's Hepburn key gets no other key: it is found as it is."""
    assert kunrei_to_hepburn(romaji_key(kana_to_romaji(reading))) == ""


def _memory() -> Memory:
    return Memory(
        encounters=[
            Encounter(date(2026, 10, 1), place="渋谷", cue="青いシャツ"),
            Encounter(date(2026, 11, 20), event="FinTech読書会", cue="赤いメガネ、釣りの話"),
        ],
        titles=["営業部長"],
        departments=["第一営業部"],
        notes="週末は  釣りに\n行く。" + "あ" * 100,
    )


def test_memory_keys_are_folded_distinct_lines() -> None:
    keys = memory_keys(_memory())
    assert keys[:3] == ["青イシャツ", "渋谷", "赤イメガネ、釣リノ話"]
    assert all("\n" not in key and " " not in key for key in keys)
    assert memory_keys(Memory(notes="  ")) == []


def test_the_hint_shows_the_encounter_a_word_was_found_in() -> None:
    hint = search_hint(_memory(), [("メガネ", "メガネ")])
    assert hint == SearchHint(
        date(2026, 11, 20), "FinTech読書会", "赤いメガネ、釣りの話", "cue", "赤いメガネ、釣りの話"
    )
    assert not hint.shows_excerpt


def test_the_hint_of_a_name_match_is_the_first_meeting() -> None:
    hint = search_hint(_memory(), [])
    assert (hint.met_on, hint.met_at, hint.field) == (date(2026, 10, 1), "渋谷", "")


def test_the_hint_of_a_title_or_note_keeps_the_first_meeting() -> None:
    title = search_hint(_memory(), [("部長", "部長")])
    assert (title.field, title.excerpt, title.met_at) == (MemoryField.TITLE, "営業部長", "渋谷")
    assert title.shows_excerpt
    notes = search_hint(Memory(notes="週末は釣りに行く"), [("行く", "行ク")])
    assert (notes.field, notes.met_on, notes.excerpt) == ("notes", None, "週末は釣りに行く")
    assert notes.to_json()["met_on"] is None


def test_an_excerpt_is_cut_around_the_word() -> None:
    text = "あ" * 50 + "釣り" + "い" * 50
    cut = excerpt(text, "釣り")
    assert cut.startswith("…") and cut.endswith("…") and "釣り" in cut
    assert len(cut) <= 42
    assert excerpt("short  text\nhere", "x") == "short text here"

"""The sort key stored with each search term is the person's own (people.sort_key)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kinmyaku.domain.search_keys import PersonKeys, reading_order
from kinmyaku.services.people import name_columns, sort_key
from kinmyaku.storage.search_index import TERM_WIDTH, person_rows

NAMES = st.text(alphabet="高橋健太さとうタカハシｻﾄｳ ABab-ー゛", max_size=12)


@given(NAMES, NAMES, NAMES, NAMES)
def test_reading_order_is_the_people_sort_key(
    family: str, given_name: str, family_r: str, given_r: str
) -> None:
    keys = PersonKeys(family, given_name, family_r, given_r)
    assert reading_order(keys) == sort_key(family, given_name, family_r, given_r)


def test_a_person_added_sorts_as_its_terms_do() -> None:
    columns = name_columns("髙橋", "健太", None, None)
    keys = PersonKeys(
        columns["family_name"],
        columns["given_name"],
        columns["family_reading"],
        columns["given_reading"],
    )
    assert reading_order(keys) == columns["sort_key"] != ""


def test_stored_sort_key_wins_and_every_term_row_carries_it() -> None:
    keys = PersonKeys("高橋", "健太", "たかはし", "けんた", sort_key="ン")
    assert reading_order(keys) == "ン"
    terms, _ = person_rows(keys)
    assert terms and len(terms) % TERM_WIDTH == 0
    assert set(terms[TERM_WIDTH - 1 :: TERM_WIDTH]) == {"ン"}

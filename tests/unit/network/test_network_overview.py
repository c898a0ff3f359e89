"""The map's first view (my strongest ties, the rest in groups) and strength in words."""

from __future__ import annotations

import pytest

from kinmyaku.domain.network.overview import OTHER, group_ties, parse_group_key
from kinmyaku.domain.network.wording import FAIR, STRONG, strength_word


def test_the_strongest_stay_single_the_rest_are_grouped_by_company() -> None:
    ties = list(range(1, 31))  # strongest first
    org_of = {t: 100 for t in range(4, 16)}  # 12 at one big company (3 of them in the top)
    org_of |= {16: 200, 17: 200}  # two at a small firm in IT
    org_of |= {18: 300}  # one at another small IT firm
    org_of |= {19: 400}  # one at a firm of no known industry
    orgs = [org_of.get(t, -1) for t in ties]
    single, groups = group_ties(
        ties, orgs, {200: "it", 300: "it"}, top=3, max_groups=10, min_company=3
    )
    assert single == [1, 2, 3]
    by_key = {g.key: g for g in groups}
    assert list(by_key) == ["org:100", "industry:it", OTHER]  # biggest first, other last
    assert by_key["org:100"].members == tuple(range(4, 16)) and by_key["org:100"].size == 12
    assert by_key["org:100"].kind == "org" and by_key["org:100"].ref == "100"
    assert by_key["industry:it"].members == (16, 17, 18)
    assert by_key[OTHER].members == (19, *range(20, 31))  # strongest first
    assert sum(g.size for g in groups) + len(single) == len(ties)  # nobody lost


def test_past_max_groups_the_smallest_join_the_others() -> None:
    ties = list(range(1, 41))
    org_of = {t: 1 + (t - 1) // 4 for t in ties}  # ten companies of four
    org_of |= {37: 10, 38: 10, 39: 10, 40: 10, 1: 1}
    orgs = [org_of[t] for t in ties]
    single, groups = group_ties(ties, orgs, {}, top=0, max_groups=4, min_company=3)
    assert single == []
    assert len(groups) == 4 and groups[-1].key == OTHER
    assert [g.size for g in groups] == [4, 4, 4, 28]
    assert sum(g.size for g in groups) == 40


def test_few_ties_make_no_groups() -> None:
    assert group_ties([5, 6], [1, -1], {}, top=20, max_groups=16) == ([5, 6], [])


@pytest.mark.parametrize(
    ("key", "parsed"),
    [
        ("org:12", ("org", "12")),
        ("industry:real_estate", ("industry", "real_estate")),
        ("other", ("other", "")),
        ("org:0", None),
        ("org:abc", None),
        ("org:99999999999", None),
        ("industry:<script>", None),
        ("person:3", None),
        ("", None),
    ],
)
def test_group_keys_from_a_url(key: str, parsed: tuple[str, str] | None) -> None:
    assert parse_group_key(key) == parsed


@pytest.mark.parametrize(
    ("value", "word"),
    [(1.0, "Strong"), (STRONG, "Strong"), (0.59, "Fair"), (0.5, "Fair"), (FAIR, "Fair"),
     (0.29, "Weak"), (0.1, "Weak"), (0.0, "Weak")],
)  # fmt: skip
def test_strength_in_words(value: float, word: str) -> None:
    assert strength_word(value) == word

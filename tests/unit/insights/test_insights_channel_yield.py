"""Channel yield: which channels, events and introducers lead to two-way or strong ties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinmyaku.domain.insights import (
    PersonOutcome,
    SourceKind,
    channel_yield,
    rank_yield,
    render,
    wilson_lower_bound,
    yield_row,
)


def test_hand_computed_wilson_bounds() -> None:
    # 8 of 10, z = 1.96: p = 0.8, centre = 0.8 + 3.8415/20 = 0.992073,
    # margin = 1.96 * sqrt(0.016 + 3.8415/400) = 0.313643, / (1 + 0.38415) -> 0.490162
    assert wilson_lower_bound(8, 10) == pytest.approx(0.490162, abs=1e-5)
    # 1 of 1: centre = 1 + 1.92073 = 2.92073, margin = 1.96 * sqrt(3.8415/4) = 1.92073,
    # (2.92073 - 1.92073) / 4.8415 = 0.206549
    assert wilson_lower_bound(1, 1) == pytest.approx(0.206549, abs=1e-5)
    assert wilson_lower_bound(0, 0) == 0.0
    assert wilson_lower_bound(0, 5) == 0.0


def test_yield_by_channel_event_and_introducer() -> None:
    outcomes = [
        PersonOutcome(1, two_way=True, strong=True, channel="event", event_ids=(10,)),
        PersonOutcome(2, two_way=True, strong=False, channel="event", event_ids=(10, 10)),
        PersonOutcome(3, two_way=False, strong=False, channel="event", event_ids=(11,)),
        PersonOutcome(4, two_way=False, strong=True, channel="introduction", introducer_id=7),
        PersonOutcome(5, two_way=False, strong=False, channel=None),
    ]
    rows = {(r.kind, r.key): r for r in channel_yield(outcomes)}
    event = rows[(SourceKind.CHANNEL, "event")]
    assert (event.met, event.two_way, event.strong, event.converted) == (3, 2, 1, 2)
    assert event.rate == pytest.approx(2 / 3)
    assert render(event.explanation, "en") == "2 of 3 became two-way, 1 strong tie (67%)"
    assert render(event.explanation) == "3人中2人が双方向、1人が強い関係に（67%）"
    meetup = rows[(SourceKind.EVENT, "10")]
    assert (meetup.met, meetup.converted) == (2, 2)  # person 2 counted once for event 10
    assert rows[(SourceKind.EVENT, "11")].converted == 0
    intro = rows[(SourceKind.INTRODUCER, "7")]
    assert (intro.met, intro.strong, intro.converted) == (1, 1, 1)
    assert (SourceKind.CHANNEL, "None") not in rows


def test_ranking_prefers_evidence_over_a_lucky_single() -> None:
    lucky = yield_row(SourceKind.EVENT, "a", met=1, two_way=1, strong=0, converted=1)
    steady = yield_row(SourceKind.EVENT, "b", met=10, two_way=8, strong=3, converted=8)
    assert [r.key for r in rank_yield([lucky, steady])] == ["b", "a"]


def test_inconsistent_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="inconsistent yield counts for event 'x'"):
        yield_row(SourceKind.EVENT, "x", met=2, two_way=3, strong=0, converted=3)


@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.sampled_from("abc")), max_size=30))
def test_rates_and_bounds_are_proportions(data: list[tuple[bool, bool, str]]) -> None:
    outcomes = [
        PersonOutcome(i, two_way=t, strong=s, channel=c) for i, (t, s, c) in enumerate(data)
    ]
    rows = channel_yield(outcomes)
    assert sum(r.met for r in rows) == len(data)
    for r in rows:
        assert 0.0 <= r.lower_bound <= r.rate <= 1.0
        assert r.converted == sum(1 for t, s, c in data if c == r.key and (t or s))

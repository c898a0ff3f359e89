"""Two-way relationships (the north star) and their count over time."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kinmyaku.domain.insights import (
    DEFAULT_PARAMS,
    Direction,
    ExchangeFact,
    RequestFact,
    Touch,
    TouchKind,
    aggregate_touches,
    monthly_dates,
    render,
    touches_from,
    two_way_count_from_aggregates,
    two_way_status,
    two_way_timeline,
)

TODAY = date(2024, 6, 1)


def gave(days_ago: int) -> Touch:
    return Touch(TODAY - timedelta(days=days_ago), TouchKind.EXCHANGE, 1.0, Direction.GAVE)


def received(days_ago: int) -> Touch:
    return Touch(TODAY - timedelta(days=days_ago), TouchKind.EXCHANGE, 1.0, Direction.RECEIVED)


def test_both_ways_in_the_window_is_two_way() -> None:
    status = two_way_status([gave(10), gave(20), received(300)], today=TODAY)
    assert status.two_way
    assert (status.gave, status.received) == (2, 1)
    assert render(status.explanation, "en") == ("Two-way: you gave 2 and received 1 in 12 months")
    assert render(status.explanation) == "双方向：直近12か月でギブ2回・テイク1回"


def test_only_giving_is_not_two_way_and_explains_why() -> None:
    status = two_way_status([gave(1), gave(2), gave(3)], today=TODAY)
    assert not status.two_way
    assert render(status.explanation, "en") == (
        "Not two-way yet: you gave 3, received 0 in 12 months"
    )


def test_window_edge_age_364_in_age_365_out() -> None:
    assert two_way_status([gave(0), received(364)], today=TODAY).two_way
    assert not two_way_status([gave(0), received(365)], today=TODAY).two_way


def test_completing_requests_for_each_other_is_two_way() -> None:
    d = TODAY - timedelta(days=30)
    touches = touches_from(
        params=DEFAULT_PARAMS,
        requests=[
            RequestFact(d, asked_by_me=True, completed_on=d + timedelta(days=1)),
            RequestFact(d, asked_by_me=False, completed_on=d + timedelta(days=2)),
        ],
    )
    assert two_way_status(touches, today=TODAY).two_way


def test_an_open_request_is_not_a_give() -> None:
    touches = touches_from(
        params=DEFAULT_PARAMS,
        requests=[RequestFact(TODAY, asked_by_me=False)],
        exchanges=[ExchangeFact(TODAY, Direction.RECEIVED)],
    )
    assert not two_way_status(touches, today=TODAY).two_way


def test_future_and_no_touches_are_not_two_way() -> None:
    assert not two_way_status([], today=TODAY).two_way
    assert not two_way_status([gave(-5), received(-5)], today=TODAY).two_way


def test_monthly_dates_end_with_today_and_month_ends_before() -> None:
    assert monthly_dates(today=date(2024, 3, 15), months=3) == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 15),
    ]
    assert monthly_dates(today=TODAY, months=1) == [TODAY]


def test_timeline_counts_each_date_with_its_own_window() -> None:
    people = {
        1: [gave(100), received(100)],
        2: [gave(10), received(400)],
        3: [gave(5), received(2)],
    }
    points = two_way_timeline(
        people, dates=[TODAY, TODAY - timedelta(days=3), TODAY - timedelta(days=200)]
    )
    # 200 days ago: 1's touches had not happened; 2 had received (age 200) but not given
    # (gave(10) was still to come); 3 nothing yet -> 0.
    # 3 days ago: 1 both at age 97 -> yes; 2 gave at age 7 but received at age 397 (out);
    # 3 gave at age 2, received still to come -> 1.
    # today: 1 yes; 2 received at age 400 (out); 3 yes -> 2.
    assert [(p.on, p.count) for p in points] == [
        (TODAY - timedelta(days=200), 0),
        (TODAY - timedelta(days=3), 1),
        (TODAY, 2),
    ]


@given(st.lists(st.tuples(st.integers(-10, 800), st.booleans()), max_size=10))
def test_two_way_iff_a_give_and_a_take_within_the_window(events: list[tuple[int, bool]]) -> None:
    touches = [gave(days) if is_give else received(days) for days, is_give in events]
    in_window = [(d, g) for d, g in events if 0 <= d < 365]
    expected = any(g for _, g in in_window) and any(not g for _, g in in_window)
    assert two_way_status(touches, today=TODAY).two_way == expected
    agg = aggregate_touches(touches, today=TODAY, params=DEFAULT_PARAMS)
    assert two_way_count_from_aggregates([agg, agg]) == 2 * expected

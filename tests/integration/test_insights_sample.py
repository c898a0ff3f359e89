"""Insights on a generated 1,000-person network: plausible, not degenerate, and equal to the
phase-1 Python reference computed from the raw rows (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time

import pytest
from sqlalchemy import select

from kinmyaku.bootstrap import App
from kinmyaku.domain.insights import (
    DEFAULT_PARAMS,
    Direction,
    EncounterFact,
    ExchangeFact,
    InteractionFact,
    RequestFact,
    TouchAggregates,
    aggregate_touches,
    strength_from_aggregates,
    touches_from,
)
from kinmyaku.services import insights
from kinmyaku.services.insights_sample import build_sample_network
from kinmyaku.storage.schema import (
    encounters,
    exchanges,
    interaction_people,
    interactions,
    requests,
)

TODAY = datetime(2026, 11, 26).date()
PEOPLE = 1000


@pytest.fixture
def sample(app: App) -> App:
    build_sample_network(app.uow(), people_count=PEOPLE, interaction_count=5_000, today=TODAY)
    return app


def _reference(app: App) -> dict[int, TouchAggregates]:
    met: dict[int, list[EncounterFact]] = defaultdict(list)
    seen: dict[int, list[InteractionFact]] = defaultdict(list)
    given: dict[int, list[ExchangeFact]] = defaultdict(list)
    asked: dict[int, list[RequestFact]] = defaultdict(list)
    with app.uow() as conn:
        for pid, on in conn.execute(
            select(interaction_people.c.person_id, interactions.c.date).join(
                interactions, interactions.c.id == interaction_people.c.interaction_id
            )
        ):
            seen[pid].append(InteractionFact(on))
        for pid, on in conn.execute(select(encounters.c.person_id, encounters.c.date)):
            met[pid].append(EncounterFact(on))
        for pid, on, d, w in conn.execute(
            select(
                exchanges.c.person_id, exchanges.c.date, exchanges.c.direction, exchanges.c.weight
            )
        ):
            given[pid].append(ExchangeFact(on, Direction(d), float(w)))
        for r in conn.execute(select(requests)):
            done = r.closed_on if r.status == "done" else None
            asked[r.person_id].append(RequestFact(r.asked_on, r.side == "mine", done))
    ids = set(met) | set(seen) | set(given) | set(asked)
    return {
        pid: aggregate_touches(
            touches_from(
                params=DEFAULT_PARAMS,
                interactions=seen[pid],
                encounters=met[pid],
                exchanges=given[pid],
                requests=asked[pid],
            ),
            today=TODAY,
            params=DEFAULT_PARAMS,
        )
        for pid in ids
    }


def test_sql_equals_python_reference_for_everyone(sample: App) -> None:
    got = insights.aggregates_for(sample.uow(), today=TODAY)
    ref = _reference(sample)
    assert set(got) == set(ref)
    for pid, expected in ref.items():
        mine = got[pid]
        assert mine.last_touch_on == expected.last_touch_on
        assert mine.touch_count == expected.touch_count
        assert (mine.gave_count, mine.received_count) == (
            expected.gave_count,
            expected.received_count,
        )
        assert mine.decayed_weight == pytest.approx(expected.decayed_weight)
        s1 = strength_from_aggregates(mine, today=TODAY).value
        s2 = strength_from_aggregates(expected, today=TODAY).value
        assert s1 == pytest.approx(s2, abs=1e-9)


def test_figures_are_plausible_not_degenerate(sample: App) -> None:
    review = insights.network_review(
        sample.uow(), today=TODAY, now=datetime.combine(TODAY, time(12))
    )
    s = review.stats
    assert s.people == PEOPLE
    assert 0 < s.two_way < PEOPLE // 2
    assert 0 < s.one_sided_taking + s.one_sided_giving < s.people // 2
    assert s.one_sided_taking > 0 and s.one_sided_giving > 0
    assert 0 < s.overdue < PEOPLE
    assert 0 < s.strong < PEOPLE // 2
    assert 0 < s.forgotten < PEOPLE
    assert 0 < s.open_requests < PEOPLE
    assert 1.5 < s.diversity_index < 3.1  # 22 industries at most: ln 22 = 3.09
    assert s.balance is not None and -0.5 < s.balance < 0.5
    assert sum(1 for _, _, n in review.strength_histogram if n) >= 3
    assert sum(n for _, _, n in review.strength_histogram) == PEOPLE
    rates = {round(y.row.rate, 3) for y in review.yields}
    assert len(rates) > 1 and all(0 <= r <= 1 for r in rates)
    assert review.timeline[-1].count == s.two_way
    assert any(p.count != review.timeline[0].count for p in review.timeline)
    assert review.drill_due == DEFAULT_PARAMS.drill_new_per_day
    assert len(review.overdue) == 10 and len(review.forgotten) == 10

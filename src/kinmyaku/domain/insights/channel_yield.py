"""Channel yield: how many of the people met through a source became two-way or strong.

A source is a channel (how we met: an event, an introduction, social media ...), one
event, or one introducer. For each: met = people met through it, two_way = those now
two-way, strong = those with strength >= strong_threshold, converted = two-way or
strong, rate = converted / met. Sources are ranked by the Wilson lower bound of the rate
(95%), so 8 of 10 ranks above 1 of 1.

Aggregates: per source, COUNT(*), SUM(two_way), SUM(strong), SUM(two_way OR strong) over
people (GROUP BY channel / event_id / introducer_id), with two_way and strong computed
per person from the touch aggregates.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from kinmyaku.domain.insights.explain import Explanation, explain


class SourceKind(StrEnum):
    """What a yield row is about."""

    CHANNEL = "channel"
    EVENT = "event"
    INTRODUCER = "introducer"


@dataclass(frozen=True, slots=True)
class PersonOutcome:
    """How a person was met and what the relationship became."""

    person_id: int
    two_way: bool
    strong: bool
    channel: str | None = None
    event_ids: tuple[int, ...] = field(default=())
    introducer_id: int | None = None


@dataclass(frozen=True, slots=True)
class YieldRow:
    """The yield of one source."""

    kind: SourceKind
    key: str
    met: int
    two_way: int
    strong: int
    converted: int
    rate: float
    lower_bound: float
    explanation: Explanation


def wilson_lower_bound(successes: int, trials: int, *, z: float = 1.959963984540054) -> float:
    """The lower end of the Wilson score interval (0 when there are no trials)."""
    if trials <= 0:
        return 0.0
    if not 0 <= successes <= trials:
        raise ValueError(f"successes must be within 0..{trials}, got {successes}")
    if successes == 0:
        return 0.0
    p = successes / trials
    z2 = z * z
    centre = p + z2 / (2 * trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return min(p, max(0.0, (centre - margin) / (1 + z2 / trials)))


def yield_row(
    kind: SourceKind, key: str, *, met: int, two_way: int, strong: int, converted: int
) -> YieldRow:
    """One source's yield from its counts (as SQL GROUP BY returns them)."""
    if met < 0 or not 0 <= converted <= met or two_way > converted or strong > converted:
        raise ValueError(
            f"inconsistent yield counts for {kind} {key!r}: met={met} two_way={two_way}"
            f" strong={strong} converted={converted}"
        )
    rate = converted / met if met else 0.0
    return YieldRow(
        kind=kind,
        key=key,
        met=met,
        two_way=two_way,
        strong=strong,
        converted=converted,
        rate=rate,
        lower_bound=wilson_lower_bound(converted, met),
        explanation=explain("yield", met=met, two_way=two_way, strong=strong, rate=rate),
    )


def rank_yield(rows: Iterable[YieldRow]) -> list[YieldRow]:
    """Best sources first: Wilson lower bound, then people met, then kind and key."""
    return sorted(rows, key=lambda r: (-r.lower_bound, -r.met, r.kind, r.key))


def channel_yield(outcomes: Iterable[PersonOutcome], *, limit: int | None = None) -> list[YieldRow]:
    """The yield of every channel, event and introducer, ranked (the first ``limit``).

    With ``limit``, the rows (and their explanations) are built for the best only.
    """
    tally: dict[tuple[SourceKind, str], list[int]] = {}

    def add(kind: SourceKind, key: str, outcome: PersonOutcome) -> None:
        counts = tally.setdefault((kind, key), [0, 0, 0, 0])
        counts[0] += 1
        counts[1] += outcome.two_way
        counts[2] += outcome.strong
        counts[3] += outcome.two_way or outcome.strong

    for outcome in outcomes:
        if outcome.channel:
            add(SourceKind.CHANNEL, outcome.channel, outcome)
        for event_id in set(outcome.event_ids):
            add(SourceKind.EVENT, str(event_id), outcome)
        if outcome.introducer_id is not None:
            add(SourceKind.INTRODUCER, str(outcome.introducer_id), outcome)
    if limit is not None:

        def order(item: tuple[tuple[SourceKind, str], list[int]]) -> tuple[float, int, str, str]:
            (kind, key), c = item
            return (-wilson_lower_bound(c[3], c[0]), -c[0], kind, key)

        chosen = heapq.nsmallest(limit, tally.items(), key=order)
    else:
        chosen = list(tally.items())
    rows = (
        yield_row(kind, key, met=c[0], two_way=c[1], strong=c[2], converted=c[3])
        for (kind, key), c in chosen
    )
    return rank_yield(rows)

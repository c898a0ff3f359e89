"""Diversity of the people met: distinct industries, job functions and organisations.

Over the people first met in the window (default 12 months), per dimension:

    entropy  H = -sum_i p_i ln p_i   with p_i = c_i / N   (Shannon, in nats)
             = ln N - (1/N) sum_i c_i ln c_i           (the form SQL computes)
    evenness J = H / ln k   for k >= 2 distinct values, 0 for k < 2   (Pielou)

People with no value for the dimension are counted as unknown and left out of H. The
trend is H now minus H over the previous window. Gaps are the reference industries
(kinmyaku's Industry list, without "other") with nobody in the counts.

Aggregates: per dimension, COUNT(*) GROUP BY value over people whose first_met_on is in
the window, the same for the previous window, and the count of unknowns.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from kinmyaku.domain.insights.explain import Explanation, LocalText, explain
from kinmyaku.domain.insights.industries import INDUSTRY_NAMES, UNCLASSIFIABLE, industry_label
from kinmyaku.domain.insights.params import DEFAULT_PARAMS, InsightParams


class Dimension(StrEnum):
    """A way people differ that diversity is measured on."""

    INDUSTRY = "industry"
    JOB_FUNCTION = "job_function"
    ORGANIZATION = "organization"


DIMENSION_LABELS: Mapping[Dimension, LocalText] = MappingProxyType(
    {
        Dimension.INDUSTRY: LocalText("業種", "industries"),
        Dimension.JOB_FUNCTION: LocalText("職種", "job functions"),
        Dimension.ORGANIZATION: LocalText("所属組織", "organisations"),
    }
)

# English needs the singular after a count of one ("span 1 organisation").
SINGULAR_EN: Mapping[Dimension, str] = MappingProxyType(
    {
        Dimension.INDUSTRY: "industry",
        Dimension.JOB_FUNCTION: "job function",
        Dimension.ORGANIZATION: "organisation",
    }
)

DEFAULT_REFERENCE_INDUSTRIES: tuple[str, ...] = tuple(
    code for code in INDUSTRY_NAMES if code != UNCLASSIFIABLE
)


@dataclass(frozen=True, slots=True)
class MetPerson:
    """A person as diversity sees them: when first met, and the three dimensions."""

    person_id: int
    first_met_on: date
    industry: str | None = None
    job_function: str | None = None
    organization: str | None = None

    def value(self, dimension: Dimension) -> str | None:
        """The person's value on a dimension, None when blank."""
        raw = getattr(self, dimension.value)
        return (raw.strip() or None) if isinstance(raw, str) else None


class DiversityTrend(StrEnum):
    """Whether diversity rose, fell or held since the previous window."""

    UP = "up"
    DOWN = "down"
    STEADY = "steady"


@dataclass(frozen=True, slots=True)
class DimensionDiversity:
    """Diversity on one dimension: counts, entropy, evenness and trend."""

    dimension: Dimension
    people: int
    unknown: int
    distinct: int
    entropy: float
    evenness: float
    counts: tuple[tuple[str, int], ...]
    previous_entropy: float | None
    change: float | None
    trend: DiversityTrend | None
    explanation: Explanation
    trend_explanation: Explanation | None


@dataclass(frozen=True, slots=True)
class DiversityReport:
    """Diversity on every dimension, and the industries with nobody."""

    dimensions: Mapping[Dimension, DimensionDiversity]
    gaps: tuple[str, ...]
    gaps_explanation: Explanation


def shannon_entropy(counts: Iterable[int]) -> float:
    """-sum p ln p over the positive counts (0 for none or one category)."""
    positive = [c for c in counts if c > 0]
    total = sum(positive)
    if total == 0:
        return 0.0
    entropy = -sum((c / total) * math.log(c / total) for c in positive)
    return max(0.0, entropy)


def evenness(counts: Iterable[int]) -> float:
    """Pielou's evenness H / ln k, in 0..1; 0 when fewer than two categories."""
    positive = [c for c in counts if c > 0]
    if len(positive) < 2:
        return 0.0
    return min(1.0, shannon_entropy(positive) / math.log(len(positive)))


def _trend(change: float | None, params: InsightParams) -> DiversityTrend | None:
    if change is None:
        return None
    if change > params.trend_epsilon:
        return DiversityTrend.UP
    if change < -params.trend_epsilon:
        return DiversityTrend.DOWN
    return DiversityTrend.STEADY


def dimension_diversity(
    dimension: Dimension,
    counts: Mapping[str, int],
    *,
    previous_counts: Mapping[str, int] | None = None,
    unknown: int = 0,
    params: InsightParams = DEFAULT_PARAMS,
) -> DimensionDiversity:
    """Diversity on one dimension from GROUP BY counts (now, and the previous window)."""
    positive = {k: c for k, c in counts.items() if c > 0}
    entropy = shannon_entropy(positive.values())
    previous = None
    if previous_counts is not None and any(c > 0 for c in previous_counts.values()):
        previous = shannon_entropy(previous_counts.values())
    change = None if previous is None else entropy - previous
    trend = _trend(change, params)
    people = sum(positive.values()) + unknown
    label = DIMENSION_LABELS[dimension]
    months = params.window_months
    if positive:
        explanation = explain(
            "diversity",
            dimension=label if len(positive) != 1 else LocalText(label.ja, SINGULAR_EN[dimension]),
            people=people,
            months=months,
            distinct=len(positive),
            entropy=entropy,
            evenness=evenness(positive.values()),
        )
    else:
        explanation = explain("diversity.none", dimension=label, months=months)
    trend_explanation = None
    if trend is not None and change is not None:
        trend_explanation = explain(f"diversity.trend.{trend}", delta=change, months=months)
    return DimensionDiversity(
        dimension=dimension,
        people=people,
        unknown=unknown,
        distinct=len(positive),
        entropy=entropy,
        evenness=evenness(positive.values()),
        counts=tuple(sorted(positive.items(), key=lambda kv: (-kv[1], kv[0]))),
        previous_entropy=previous,
        change=change,
        trend=trend,
        explanation=explanation,
        trend_explanation=trend_explanation,
    )


def industry_gaps(
    counts: Mapping[str, int], reference: Sequence[str] = DEFAULT_REFERENCE_INDUSTRIES
) -> tuple[str, ...]:
    """The reference industries with nobody in the counts, in reference order."""
    return tuple(code for code in reference if counts.get(code, 0) <= 0)


def gaps_explanation(gaps: Sequence[str]) -> Explanation:
    """Why these are gaps: the industries with nobody, by label."""
    return explain("diversity.gaps", count=len(gaps), gaps=tuple(industry_label(g) for g in gaps))


def diversity_report(
    people: Iterable[MetPerson],
    *,
    today: date,
    params: InsightParams = DEFAULT_PARAMS,
    reference_industries: Sequence[str] = DEFAULT_REFERENCE_INDUSTRIES,
) -> DiversityReport:
    """Diversity of the people first met in the window, per dimension, with the gaps."""
    window = params.window_days
    current: dict[Dimension, Counter[str]] = {d: Counter() for d in Dimension}
    previous: dict[Dimension, Counter[str]] = {d: Counter() for d in Dimension}
    unknown: Counter[Dimension] = Counter()
    for person in people:
        age = (today - person.first_met_on).days
        if age < 0 or age >= 2 * window:
            continue
        for dimension in Dimension:
            value = person.value(dimension)
            if age < window:
                if value is None:
                    unknown[dimension] += 1
                else:
                    current[dimension][value] += 1
            elif value is not None:
                previous[dimension][value] += 1
    dimensions = {
        d: dimension_diversity(
            d, current[d], previous_counts=previous[d], unknown=unknown[d], params=params
        )
        for d in Dimension
    }
    gaps = industry_gaps(current[Dimension.INDUSTRY], reference_industries)
    return DiversityReport(MappingProxyType(dimensions), gaps, gaps_explanation(gaps))


def industry_entropy(
    people: Iterable[MetPerson], *, today: date, params: InsightParams = DEFAULT_PARAMS
) -> float:
    """The industry entropy alone of ``diversity_report`` (for a timeline of many days)."""
    counts: Counter[str] = Counter()
    for person in people:
        age = (today - person.first_met_on).days
        if 0 <= age < params.window_days:
            value = person.value(Dimension.INDUSTRY)
            if value is not None:
                counts[value] += 1
    return shannon_entropy(counts.values())

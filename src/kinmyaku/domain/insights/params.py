"""Tunable parameters of every insight formula, with the documented defaults.

docs/concepts.md explains each default; change them here and there together.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from kinmyaku.domain.insights.facts import TouchKind

AVERAGE_MONTH_DAYS = 30.4375


def _frozen(mapping: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class StrengthWeights:
    """How much each component counts in relationship strength (they sum to 1)."""

    recency: float = 0.30
    frequency: float = 0.20
    depth: float = 0.30
    reciprocity: float = 0.20

    def __post_init__(self) -> None:
        parts = (self.recency, self.frequency, self.depth, self.reciprocity)
        if any(not math.isfinite(p) or p < 0 for p in parts):
            raise ValueError("StrengthWeights: every weight must be a finite number >= 0")
        if not math.isclose(sum(parts), 1.0, abs_tol=1e-9):
            raise ValueError(
                f"StrengthWeights: the weights must sum to 1, they sum to {sum(parts)}"
            )


@dataclass(frozen=True, slots=True)
class InsightParams:
    """Every parameter of the insight formulas; the defaults are the documented ones."""

    window_days: int = 365
    """The window of "recent": two-way, balance, frequency, diversity (12 months)."""
    half_life_days: float = 90.0
    """A touch counts half as much after this many days (recency, depth, reciprocity)."""
    strong_threshold: float = 60.0
    """Strength (0-100) from which a tie counts as strong."""
    frequency_target: float = 12.0
    """Touches per window that give full marks for frequency (monthly)."""
    depth_scale: float = 4.0
    """Decayed touch weight that gives half marks for depth."""
    strength_weights: StrengthWeights = field(default_factory=StrengthWeights)
    default_weights: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {
                TouchKind.INTERACTION: 1.0,
                TouchKind.ENCOUNTER: 2.0,
                TouchKind.EXCHANGE: 2.0,
                TouchKind.REQUEST: 2.0,
            }
        )
    )
    """Weight of a touch whose fact gives none, by kind."""
    cadence_days_by_tier: Mapping[str, float] = field(
        default_factory=lambda: _frozen({"A": 30, "B": 90, "C": 180})
    )
    """Keep-in-touch cadence by tier; the order of the keys is the order of importance."""
    default_cadence_days: int = 180
    """Cadence of a person with neither a purpose cadence nor a known tier."""
    followup_hours: int = 48
    """Hours after meeting at an event within which a follow-up is due."""
    one_sided_threshold: float = 0.8
    """|balance| from which a relationship is flagged one-sided (0.8: 9 to 1)."""
    one_sided_min_exchanges: int = 2
    """Gives plus takes in the window needed before flagging one-sidedness."""
    trend_epsilon: float = 0.1
    """A change smaller than this (balance, diversity) is reported as steady."""
    drill_new_per_day: int = 10
    """New cards a recall drill introduces per day."""
    sm2_initial_ease: float = 2.5
    sm2_minimum_ease: float = 1.3
    suggestion_limit: int = 10
    """Giving suggestions returned per person."""

    def __post_init__(self) -> None:
        positive = {
            "window_days": self.window_days,
            "half_life_days": self.half_life_days,
            "frequency_target": self.frequency_target,
            "depth_scale": self.depth_scale,
            "default_cadence_days": self.default_cadence_days,
            "followup_hours": self.followup_hours,
            "sm2_minimum_ease": self.sm2_minimum_ease,
        }
        for name, value in positive.items():
            if not math.isfinite(value) or value <= 0:
                raise ValueError(f"InsightParams.{name} must be a number > 0, got {value!r}")
        if not 0 <= self.strong_threshold <= 100:
            raise ValueError("InsightParams.strong_threshold must be between 0 and 100")
        if not 0 < self.one_sided_threshold <= 1:
            raise ValueError("InsightParams.one_sided_threshold must be in (0, 1]")
        if self.sm2_initial_ease < self.sm2_minimum_ease:
            raise ValueError("InsightParams.sm2_initial_ease must be >= sm2_minimum_ease")
        for kind, weight in self.default_weights.items():
            if not math.isfinite(weight) or weight < 0:
                raise ValueError(f"InsightParams.default_weights[{kind!r}] must be >= 0")
        for tier, days in self.cadence_days_by_tier.items():
            if not math.isfinite(days) or days <= 0:
                raise ValueError(f"InsightParams.cadence_days_by_tier[{tier!r}] must be > 0")
        for count_name in ("one_sided_min_exchanges", "drill_new_per_day", "suggestion_limit"):
            if getattr(self, count_name) < 0:
                raise ValueError(f"InsightParams.{count_name} must be >= 0")

    @property
    def window_months(self) -> int:
        """The window in whole months, for explanations (365 days -> 12)."""
        return max(1, round(self.window_days / AVERAGE_MONTH_DAYS))

    def weight_for(self, kind: str) -> float:
        """The default weight of a touch of this kind (1.0 for an unknown kind)."""
        return self.default_weights.get(kind, 1.0)


DEFAULT_PARAMS = InsightParams()

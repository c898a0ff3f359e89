"""Fast weighted draws and text filling for the demo generator (only ``random.Random``)."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from typing import Generic, TypeVar

from kinmyaku.domain.demo.phrases import AREAS, SKILLS, TOPICS

T = TypeVar("T")


class Weighted(Generic[T]):
    """Items drawn in proportion to their weights, in O(log n) per draw."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if len(items) != len(weights) or not items:
            raise ValueError("items and weights must be non-empty and of equal length")
        self.items = list(items)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]

    @classmethod
    def of(cls, pairs: Sequence[tuple[T, float]]) -> Weighted[T]:
        """From (item, weight) pairs."""
        return cls([p[0] for p in pairs], [p[1] for p in pairs])

    def draw(self, rng: random.Random) -> T:
        """One item."""
        index = bisect(self.cumulative, rng.random() * self.total)
        return self.items[min(index, len(self.items) - 1)]


def below(rng: random.Random, n: int) -> int:
    """A whole number from 0 to n - 1 (faster than ``rng.randrange``)."""
    return int(rng.random() * n)


def randint(rng: random.Random, low: int, high: int) -> int:
    """A whole number from low to high inclusive (faster than ``rng.randint``)."""
    return low + int(rng.random() * (high - low + 1))


def choose(rng: random.Random, options: Sequence[T]) -> T:
    """One of the options (faster than ``rng.choice``)."""
    return options[int(rng.random() * len(options))]


def sample(rng: random.Random, options: Sequence[T], count: int) -> list[T]:
    """``count`` different options, in the order drawn."""
    picked: dict[int, None] = {}
    while len(picked) < min(count, len(options)):
        picked[int(rng.random() * len(options))] = None
    return [options[i] for i in picked]


def fill(rng: random.Random, template: str, **values: str) -> str:
    """A template with {topic}, {skill} and {area} drawn at random (others given)."""
    if "{topic}" in template:
        values.setdefault("topic", choose(rng, TOPICS))
    if "{skill}" in template:
        values.setdefault("skill", choose(rng, SKILLS))
    if "{area}" in template:
        values.setdefault("area", choose(rng, AREAS))
    return template.format(**values) if values or "{" in template else template


def pick(rng: random.Random, options: Sequence[str], **values: str) -> str:
    """One of the templates, filled."""
    return fill(rng, choose(rng, options), **values)


def between(rng: random.Random, first: int, last: int) -> int:
    """A day (ordinal) from first to last inclusive; first when the range is empty."""
    return first + int(rng.random() * (last - first + 1)) if last > first else first

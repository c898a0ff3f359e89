"""Pure helpers that shape read models for templates (no I/O, easy to test)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Balance:
    """The give/take ledger of one person: summed weights of what I gave and received."""

    gave: int
    received: int

    @property
    def total(self) -> int:
        """Both sides together."""
        return self.gave + self.received

    @property
    def gave_percent(self) -> int:
        """My share of the giving, 0-100 (50 when nothing is recorded)."""
        return round(100 * self.gave / self.total) if self.total else 50

    @property
    def leaning(self) -> str:
        """``giving`` (I gave more), ``taking`` (I received more) or ``even``."""
        if self.gave > self.received:
            return "giving"
        if self.received > self.gave:
            return "taking"
        return "even"


def ledger_balance(entries: Iterable[Mapping[str, Any]]) -> Balance:
    """Sum the weights of a person's exchanges by direction."""
    gave = received = 0
    for entry in entries:
        weight = int(entry.get("weight") or 0)
        if entry.get("direction") == "gave":
            gave += weight
        elif entry.get("direction") == "received":
            received += weight
    return Balance(gave=gave, received=received)


def goal_progress(met: int, goal: int | None) -> int | None:
    """Percent of an event goal reached (capped at 100), or None without a goal."""
    if not goal:
        return None
    return min(100, round(100 * met / goal))

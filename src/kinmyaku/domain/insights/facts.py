"""The plain facts the insight formulas read: touches and the records they come from.

A *touch* is any contact with a person: an interaction (接点), an exchange (ギブ/テイク),
an encounter (出会い) or a request (依頼). Give and take are touches whose direction is
GAVE (I gave them something) or RECEIVED (they gave me something).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kinmyaku.domain.insights.params import InsightParams


class TouchKind(StrEnum):
    """What kind of contact a touch is."""

    INTERACTION = "interaction"
    EXCHANGE = "exchange"
    ENCOUNTER = "encounter"
    REQUEST = "request"


class Direction(StrEnum):
    """Who gave: GAVE is me to them, RECEIVED is them to me, NONE is neither."""

    GAVE = "gave"
    RECEIVED = "received"
    NONE = "none"


def _check_weight(owner: str, weight: float | None) -> None:
    if weight is not None and (not math.isfinite(weight) or weight < 0):
        raise ValueError(f"{owner}.weight must be a finite number >= 0, got {weight!r}")


@dataclass(frozen=True, slots=True)
class Touch:
    """One contact with a person on a day, with its depth (weight) and direction."""

    on: date
    kind: TouchKind
    weight: float = 1.0
    direction: Direction = Direction.NONE

    def __post_init__(self) -> None:
        _check_weight("Touch", self.weight)


@dataclass(frozen=True, slots=True)
class InteractionFact:
    """An interaction (接点): a meeting, call or message; weight None takes the default."""

    on: date
    weight: float | None = None

    def __post_init__(self) -> None:
        _check_weight("InteractionFact", self.weight)


@dataclass(frozen=True, slots=True)
class EncounterFact:
    """An encounter (出会い): meeting the person, at an event or otherwise."""

    on: date
    weight: float | None = None

    def __post_init__(self) -> None:
        _check_weight("EncounterFact", self.weight)


@dataclass(frozen=True, slots=True)
class ExchangeFact:
    """An exchange (ギブ/テイク): something I gave them (GAVE) or received (RECEIVED)."""

    on: date
    direction: Direction
    weight: float | None = None
    what: str = ""

    def __post_init__(self) -> None:
        _check_weight("ExchangeFact", self.weight)
        if self.direction is Direction.NONE:
            raise ValueError("ExchangeFact.direction must be GAVE or RECEIVED, not NONE")


@dataclass(frozen=True, slots=True)
class RequestFact:
    """A request (依頼): asking is a touch; completing it is a give or a take."""

    asked_on: date
    asked_by_me: bool
    completed_on: date | None = None
    weight: float | None = None

    def __post_init__(self) -> None:
        _check_weight("RequestFact", self.weight)
        if self.completed_on is not None and self.completed_on < self.asked_on:
            raise ValueError("RequestFact.completed_on must not be before asked_on")


def touches_from(
    *,
    params: InsightParams,
    interactions: Iterable[InteractionFact] = (),
    encounters: Iterable[EncounterFact] = (),
    exchanges: Iterable[ExchangeFact] = (),
    requests: Iterable[RequestFact] = (),
) -> list[Touch]:
    """Turn one person's facts into touches, filling missing weights from the params."""
    return list(_iter_touches(params, interactions, encounters, exchanges, requests))


def _iter_touches(
    params: InsightParams,
    interactions: Iterable[InteractionFact],
    encounters: Iterable[EncounterFact],
    exchanges: Iterable[ExchangeFact],
    requests: Iterable[RequestFact],
) -> Iterator[Touch]:
    def weight(kind: TouchKind, given: float | None) -> float:
        return params.weight_for(kind) if given is None else given

    for i in interactions:
        yield Touch(i.on, TouchKind.INTERACTION, weight(TouchKind.INTERACTION, i.weight))
    for e in encounters:
        yield Touch(e.on, TouchKind.ENCOUNTER, weight(TouchKind.ENCOUNTER, e.weight))
    for x in exchanges:
        yield Touch(x.on, TouchKind.EXCHANGE, weight(TouchKind.EXCHANGE, x.weight), x.direction)
    for r in requests:
        w = weight(TouchKind.REQUEST, r.weight)
        yield Touch(r.asked_on, TouchKind.REQUEST, w)
        if r.completed_on is not None:
            # They completed my request: I received. I completed theirs: I gave.
            direction = Direction.RECEIVED if r.asked_by_me else Direction.GAVE
            yield Touch(r.completed_on, TouchKind.REQUEST, w, direction)

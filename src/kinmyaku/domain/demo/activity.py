"""Touches of the demo network: interactions, give and take, requests, introductions.

Each tier of tie gets its own rhythm (see :mod:`.shape`): strong ties are touched every
few weeks and give and take both ways, regular ties a handful of times, one-sided ties
exchange in one direction only, weak ties get at most a thank-you message or two, and
forgotten cards nothing at all after the first meeting.  Dates are day ordinals between
the first meeting and today.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from kinmyaku.domain.demo import phrases as ph
from kinmyaku.domain.demo.draw import Weighted, below, between, choose, fill, pick, randint
from kinmyaku.domain.demo.shape import DemoPerson, IdStart, Tier
from kinmyaku.domain.model import (
    Direction,
    ExchangeKind,
    InteractionKind,
    RequestSide,
    RequestStatus,
)

Rows = dict[str, list[tuple[Any, ...]]]
K = InteractionKind

INTERACTION_KINDS: dict[Tier, Weighted[InteractionKind]] = {
    Tier.STRONG: Weighted.of(
        [(K.MEAL, 30), (K.MEETING, 25), (K.MESSAGE, 20), (K.CALL, 12), (K.EMAIL, 5), (K.EVENT, 8)]
    ),
    Tier.REGULAR: Weighted.of(
        [(K.MEETING, 25), (K.MEAL, 15), (K.MESSAGE, 30), (K.CALL, 10), (K.EMAIL, 12), (K.EVENT, 8)]
    ),
    Tier.ONE_SIDED: Weighted.of([(K.MESSAGE, 35), (K.EMAIL, 30), (K.MEETING, 20), (K.CALL, 15)]),
    Tier.WEAK: Weighted.of([(K.MESSAGE, 50), (K.EMAIL, 35), (K.EVENT, 15)]),
}
EXCHANGE_KINDS: Weighted[ExchangeKind] = Weighted.of(
    [
        (ExchangeKind.INFORMATION, 25),
        (ExchangeKind.ADVICE, 20),
        (ExchangeKind.HELP, 12),
        (ExchangeKind.INTRODUCTION, 8),
        (ExchangeKind.REFERRAL, 8),
        (ExchangeKind.LEAD, 8),
        (ExchangeKind.GIFT, 10),
        (ExchangeKind.OTHER, 9),
    ]
)
WEIGHTS: Weighted[int] = Weighted.of([(1, 40), (2, 30), (3, 18), (4, 8), (5, 4)])
RECENT_STATUS: Weighted[RequestStatus] = Weighted.of(
    [
        (RequestStatus.OPEN, 5),
        (RequestStatus.IN_PROGRESS, 3.5),
        (RequestStatus.DONE, 1),
        (RequestStatus.DECLINED, 0.5),
    ]
)
OLD_STATUS: Weighted[RequestStatus] = Weighted.of(
    [
        (RequestStatus.DONE, 6.5),
        (RequestStatus.DECLINED, 1.5),
        (RequestStatus.IN_PROGRESS, 0.8),
        (RequestStatus.OPEN, 1.2),
    ]
)
INTRODUCTION_STATES: Weighted[str] = Weighted.of(list(ph.INTRODUCTION_STATES))

FOLLOW_UP_SHARE = 0.2  # interactions that set a follow-up date
GROUP_SHARE = 0.1  # meals, meetings and events with one or two more people I know


class Activity:
    """Writes the touches of each person into the row lists, assigning interaction ids."""

    def __init__(self, rng: random.Random, today: date, rows: Rows, first: IdStart) -> None:
        self.rng = rng
        self.today = today.toordinal()
        self.rows = rows
        self.next_interaction = first.interaction
        self.next_introduction = first.introduction

    # -- interactions ---------------------------------------------------------------

    def interactions(self, person: DemoPerson, hubs: list[DemoPerson]) -> None:
        """Touch points (接点) with a person I have met, by the tier of the tie."""
        rng, tier = self.rng, person.tier
        known = self.today - person.met_on
        if tier is Tier.STRONG:
            count = max(3, round(known / 365 * rng.uniform(10, 24)))
        elif tier is Tier.REGULAR:
            count = min(randint(rng, 2, 12), known // 7 + 2)
        elif tier is Tier.ONE_SIDED:
            count = randint(rng, 1, 5)
        elif tier is Tier.WEAK:
            count = (0, 0, 0, 1, 1, 1, 1, 2, 2, 2)[below(rng, 10)]
        else:
            return
        days = sorted(between(rng, person.met_on, self.today) for _ in range(count))
        if days and rng.random() < 0.7:
            # A thank-you within two days of meeting (the event follow-up).
            days[0] = min(person.met_on + below(rng, 3), self.today)
            self._interaction(person, days[0], choose(rng, (K.MESSAGE, K.EMAIL)), ph.THANK_YOU)
            days = days[1:]
        kinds = INTERACTION_KINDS[tier]
        for day in days:
            kind = kinds.draw(rng)
            others: list[DemoPerson] = []
            if hubs and kind in (K.MEAL, K.MEETING, K.EVENT) and rng.random() < GROUP_SHARE:
                others = [choose(rng, hubs) for _ in range(randint(rng, 1, 2))]
            self._interaction(person, day, kind, ph.INTERACTION_SUMMARIES[kind], others)

    def _interaction(
        self,
        person: DemoPerson,
        day: int,
        kind: InteractionKind,
        summaries: tuple[str, ...],
        others: list[DemoPerson] | None = None,
    ) -> None:
        rng = self.rng
        follow_up: date | None = None
        done = False
        if rng.random() < FOLLOW_UP_SHARE:
            due = day + randint(rng, 1, 14)
            follow_up = date.fromordinal(due)
            done = due <= self.today - 2 and rng.random() < 0.9
        interaction_id = self.next_interaction
        self.next_interaction += 1
        self.rows["interactions"].append(
            (
                interaction_id,
                date.fromordinal(day),
                kind.value,
                pick(rng, summaries),
                follow_up,
                done,
            )
        )
        members = self.rows["interaction_people"]
        members.append((interaction_id, person.id))
        seen = {person.id}
        for other in others or ():
            if other.id not in seen:
                seen.add(other.id)
                members.append((interaction_id, other.id))

    # -- give and take --------------------------------------------------------------

    def exchanges(self, person: DemoPerson) -> Direction | None:
        """Give and take (ギブ/テイク) with a person; returns the direction of a one-sided tie."""
        rng, tier = self.rng, person.tier
        known = self.today - person.met_on
        if tier is Tier.STRONG:
            count = max(2, round(known / 365 * rng.uniform(6, 16)))
            directions = [Direction.GAVE, Direction.RECEIVED] + [
                choose(rng, (Direction.GAVE, Direction.RECEIVED)) for _ in range(count - 2)
            ]
        elif tier is Tier.REGULAR:
            count = randint(rng, 1, 6)
            directions = [Direction.GAVE, Direction.RECEIVED][: min(count, 2)] + [
                choose(rng, (Direction.GAVE, Direction.RECEIVED)) for _ in range(count - 2)
            ]
        elif tier is Tier.ONE_SIDED:
            one_way = choose(rng, (Direction.GAVE, Direction.RECEIVED))
            directions = [one_way] * randint(rng, 2, 8)
        elif tier is Tier.WEAK and rng.random() < 0.03:
            directions = [Direction.GAVE]
        else:
            return None
        for direction in directions:
            kind = EXCHANGE_KINDS.draw(rng)
            self.exchange(
                person.id,
                between(rng, person.met_on, self.today),
                direction,
                kind,
                pick(rng, ph.EXCHANGE_NOTES[kind]),
            )
        return directions[0] if tier is Tier.ONE_SIDED else None

    def exchange(
        self,
        person_id: int,
        day: int,
        direction: Direction,
        kind: ExchangeKind,
        note: str,
        introduction_id: int | None = None,
    ) -> None:
        """One exchange row."""
        self.rows["exchanges"].append(
            (
                person_id,
                date.fromordinal(day),
                direction.value,
                kind.value,
                WEIGHTS.draw(self.rng),
                note,
                introduction_id,
            )
        )

    # -- requests -------------------------------------------------------------------

    def requests(self, person: DemoPerson, taker: bool | None) -> None:
        """Requests (依頼) between us; ``taker`` says which side a one-sided tie asks from."""
        rng, tier = self.rng, person.tier
        if tier is Tier.STRONG:
            count = randint(rng, 0, 3)
        elif tier in (Tier.REGULAR, Tier.ONE_SIDED):
            count = 1 if rng.random() < 0.4 else 0
        elif tier is Tier.WEAK:
            count = 1 if rng.random() < 0.03 else 0
        else:
            return
        for _ in range(count):
            if taker is None:
                side = choose(rng, (RequestSide.MINE, RequestSide.THEIRS))
            else:
                side = RequestSide.MINE if taker else RequestSide.THEIRS
            texts = ph.REQUESTS_MINE if side is RequestSide.MINE else ph.REQUESTS_THEIRS
            self.request(person.id, side, pick(rng, texts), between(rng, person.met_on, self.today))

    def request(self, person_id: int, side: RequestSide, what: str, asked: int) -> None:
        """One request row, its status drawn by how long ago it was asked."""
        rng = self.rng
        age = self.today - asked
        status = (RECENT_STATUS if age < 30 else OLD_STATUS).draw(rng)
        due = date.fromordinal(asked + randint(rng, 7, 45)) if rng.random() < 0.7 else None
        closed: date | None = None
        outcome = ""
        if status in (RequestStatus.DONE, RequestStatus.DECLINED):
            closed = date.fromordinal(asked + randint(rng, 0, max(0, min(age, 60))))
            texts = ph.OUTCOMES_DONE if status is RequestStatus.DONE else ph.OUTCOMES_DECLINED
            outcome = choose(rng, texts)
        self.rows["requests"].append(
            (
                person_id,
                side.value,
                what,
                date.fromordinal(asked),
                due,
                status.value,
                outcome,
                closed,
            )
        )

    # -- introductions --------------------------------------------------------------

    def introduced_to_me(self, person: DemoPerson, introducer: DemoPerson) -> None:
        """Someone I know introduced this person to me (紹介); sometimes noted as received.

        Introductions made to me are the encounter's introducer; the introductions
        table holds only the ones I make.
        """
        if self.rng.random() < 0.4:
            self.exchange(
                introducer.id,
                person.met_on,
                Direction.RECEIVED,
                ExchangeKind.INTRODUCTION,
                f"{person.name}さんを紹介してもらった",
            )

    def introduce(self, a: DemoPerson, b: DemoPerson) -> tuple[int, str, str]:
        """An introduction I made between two people I know; (day, state, outcome).

        When it was made (``introduced``) it counts as giving to both, as the
        introductions service records it.
        """
        rng = self.rng
        day = between(rng, max(a.met_on, b.met_on), self.today)
        state = INTRODUCTION_STATES.draw(rng)
        why = fill(rng, choose(rng, ph.INTRODUCTION_WHY))
        outcome = ""
        if state == "introduced":
            outcome = choose(rng, ph.INTRODUCTION_OUTCOMES)
        elif state == "declined":
            outcome = choose(rng, ph.OUTCOMES_DECLINED)
        introduction_id = self.next_introduction
        self.next_introduction += 1
        self.rows["introductions"].append(
            (introduction_id, None, a.id, b.id, date.fromordinal(day), why, state, outcome)
        )
        if state == "introduced":
            for person in (a, b):
                self.exchange(
                    person.id, day, Direction.GAVE, ExchangeKind.INTRODUCTION, why, introduction_id
                )
        return day, state, outcome

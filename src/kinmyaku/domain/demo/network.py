"""The demo network generator: a size, a seed and today in, the rows of a network out.

Pure and deterministic: the same arguments give the same rows, drawn from one
``random.Random(seed)``.  The network grows over the three years up to today: events
(one per 50 people), people met at them, through introductions by people already
known, at work, school or online; then their touches (see :mod:`.activity`), links
between colleagues and between people who know each other, introductions I made, and
people I have not met yet, linked to the people who know them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from kinmyaku.domain.demo import phrases as ph
from kinmyaku.domain.demo.activity import Activity, Rows
from kinmyaku.domain.demo.companies import COMPANIES
from kinmyaku.domain.demo.draw import Weighted, between, choose, pick, randint
from kinmyaku.domain.demo.people import PersonRows, draw_name
from kinmyaku.domain.demo.shape import (
    CHANNEL_SHARES,
    COLUMNS,
    HUB_TIERS,
    INTRODUCTIONS_MADE_PER_PERSON,
    PEOPLE_PER_EVENT,
    SPAN_DAYS,
    TIER_SHARES,
    DemoPerson,
    IdStart,
    Tier,
)
from kinmyaku.domain.model import Channel, Direction, LinkKind, RequestSide
from kinmyaku.domain.search_keys import PersonKeys

TIERS: Weighted[Tier] = Weighted.of(list(TIER_SHARES.items()))
CHANNELS: Weighted[Channel] = Weighted.of(list(CHANNEL_SHARES.items()))
COLLEAGUE_LINK_SHARE = 0.4
HUB_LINK_SHARE = 0.3


@dataclass
class DemoNetwork:
    """Rows per table (columns as in :data:`COLUMNS`) and the search keys of each person."""

    rows: Rows
    keys: dict[int, PersonKeys]

    def count(self, table: str) -> int:
        """How many rows a table gets."""
        return len(self.rows[table])

    def companies(self) -> list[int]:
        """The companies people work or worked at (indexes into COMPANIES), in order."""
        return sorted({row[1] for row in self.rows["affiliations"]})

    def set_organization_ids(self, ids: dict[int, int]) -> None:
        """Replace the company indexes in the affiliations by database ids."""
        self.rows["affiliations"] = [
            (row[0], ids[row[1]], *row[2:]) for row in self.rows["affiliations"]
        ]


def generate_network(
    *,
    people: int,
    seed: int,
    today: date,
    first: IdStart | None = None,
) -> DemoNetwork:
    """The rows of a demo network of ``people`` people; the same arguments, the same rows.

    Affiliations name their organisation by its index in :data:`COMPANIES` until the
    writer gives the database ids (:meth:`DemoNetwork.set_organization_ids`).
    """
    return _Builder(people, seed, today, first or IdStart()).build()


class _Builder:
    def __init__(self, size: int, seed: int, today: date, first: IdStart) -> None:
        self.rng = random.Random(seed)
        self.size = size
        self.today = today.toordinal()
        self.start = self.today - SPAN_DAYS
        self.first = first
        self.rows: Rows = {table: [] for table in COLUMNS}
        self.activity = Activity(self.rng, today, self.rows, first)
        self.person_rows = PersonRows(self.rng, today, self.rows)
        self.links: dict[tuple[int, int, str], None] = {}

    def build(self) -> DemoNetwork:
        events = self._events()
        companies = self._company_weights()
        people = [self._person(i, companies, events) for i in range(self.size)]
        met = sorted((p for p in people if p.tier is not Tier.NOT_MET), key=lambda p: p.met_on)
        hubs = self._meet(met)
        self._not_met([p for p in people if p.tier is Tier.NOT_MET], hubs)
        keys = {p.id: self.person_rows.write(p) for p in people}
        self._colleagues(people)
        self._introductions_made(hubs)
        return DemoNetwork(self.rows, keys)

    # -- events and people ----------------------------------------------------------

    def _events(self) -> Weighted[tuple[int, int, str]]:
        rng = self.rng
        count = max(2, round(self.size / PEOPLE_PER_EVENT))
        days = sorted(between(rng, self.start, self.today - 1) for _ in range(count))
        found: list[tuple[int, int, str]] = []
        sizes: list[float] = []
        for offset, day in enumerate(days):
            event_id = self.first.event + offset
            template, kind = choose(rng, ph.EVENT_NAMES)
            area = choose(rng, ph.AREAS)
            place = "オンライン" if rng.random() < 0.1 else area + choose(rng, ph.VENUES)
            goal_count = randint(rng, 3, 12)
            goal = pick(rng, ph.EVENT_GOALS, count=str(goal_count))
            self.rows["events"].append(
                (
                    event_id,
                    pick(rng, (template,), area=area),
                    kind.value,
                    date.fromordinal(day),
                    place,
                    goal,
                    goal_count if rng.random() < 0.8 else None,
                )
            )
            found.append((event_id, day, place))
            sizes.append(rng.uniform(0.3, 1.7))
        return Weighted(found, sizes)

    def _company_weights(self) -> Weighted[int]:
        order = list(range(len(COMPANIES)))
        self.rng.shuffle(order)
        weights = [0.0] * len(order)
        for rank, index in enumerate(order):
            weights[index] = 1 / (rank + 1) ** 0.6
        return Weighted(list(range(len(order))), weights)

    def _person(
        self, index: int, companies: Weighted[int], events: Weighted[tuple[int, int, str]]
    ) -> DemoPerson:
        rng = self.rng
        tier = TIERS.draw(rng)
        family, given, family_reading, given_reading, latin = draw_name(rng)
        person = DemoPerson(
            id=self.first.person + index,
            tier=tier,
            family=family,
            given=given,
            family_reading=family_reading,
            given_reading=given_reading,
            latin=latin,
            company=companies.draw(rng),
            met_on=self.start + int(SPAN_DAYS * rng.random() ** 0.8),
        )
        if tier is not Tier.NOT_MET:
            person.channel = CHANNELS.draw(rng)
            if person.channel is Channel.EVENT:
                event_id, day, _place = events.draw(rng)
                person.event_id, person.met_on = event_id, day
        return person

    # -- meeting people, in the order I met them ------------------------------------

    def _meet(self, met: list[DemoPerson]) -> list[DemoPerson]:
        """Encounters and touches of everyone I met; returns the hubs (strong ties thrice)."""
        rng = self.rng
        hubs: list[DemoPerson] = []
        event_places = {row[0]: row[4] for row in self.rows["events"]}
        for person in met:
            if person.channel is Channel.INTRODUCTION:
                if hubs:
                    person.introducer = choose(rng, hubs)
                else:
                    person.channel = Channel.WORK
            place = event_places.get(person.event_id or 0, "")
            self.person_rows.encounter(person, place)
            if person.introducer is not None:
                self.activity.introduced_to_me(person, person.introducer)
                self.link(person.introducer.id, person.id, LinkKind.KNOWS, person.met_on)
            self.activity.interactions(person, hubs)
            one_way = self.activity.exchanges(person)
            taker = None if one_way is None else one_way is Direction.RECEIVED
            self.activity.requests(person, taker)
            if person.tier in HUB_TIERS:
                if hubs and rng.random() < HUB_LINK_SHARE:
                    self.link(choose(rng, hubs).id, person.id, LinkKind.KNOWS, person.met_on)
                hubs.extend([person] * (3 if person.tier is Tier.STRONG else 1))
        return hubs

    def _not_met(self, waiting: list[DemoPerson], hubs: list[DemoPerson]) -> None:
        """People I have not met yet, linked to people I know who could introduce them.

        Each is noted (``met_on``) on the day I first heard of them.
        """
        rng = self.rng
        if not hubs:
            return
        for person in waiting:
            for link in range(randint(rng, 1, 2)):
                hub = choose(rng, hubs)
                day = between(rng, hub.met_on, self.today)
                person.met_on = day if link == 0 else min(person.met_on, day)
                self.link(hub.id, person.id, LinkKind.KNOWS, day, choose(rng, ph.LINK_NOTES))
                if rng.random() < 0.15:
                    what = ph.INTRODUCTION_REQUEST.format(name=person.name)
                    self.activity.request(hub.id, RequestSide.MINE, what, day)

    def _colleagues(self, people: list[DemoPerson]) -> None:
        rng = self.rng
        by_company: dict[int, list[int]] = {}
        for person in people:
            staff = by_company.setdefault(person.company, [])
            if staff and rng.random() < COLLEAGUE_LINK_SHARE:
                self.link(choose(rng, staff[-30:]), person.id, LinkKind.COLLEAGUE, None)
            staff.append(person.id)

    def _introductions_made(self, hubs: list[DemoPerson]) -> None:
        rng = self.rng
        if len(hubs) < 2:
            return
        for _ in range(round(self.size * INTRODUCTIONS_MADE_PER_PERSON)):
            a, b = choose(rng, hubs), choose(rng, hubs)
            if a.id == b.id:
                continue
            day, state, outcome = self.activity.introduce(a, b)
            if state == "introduced":
                self.link(a.id, b.id, LinkKind.INTRODUCED, day, outcome=outcome)

    def link(
        self,
        a: int,
        b: int,
        kind: LinkKind,
        day: int | None,
        note: str = "",
        *,
        outcome: str = "",
    ) -> None:
        """A link between two people (stored once per pair and kind, smaller id first)."""
        low, high = (a, b) if a < b else (b, a)
        key = (low, high, kind.value)
        if low == high or key in self.links:
            return
        self.links[key] = None
        when = date.fromordinal(day) if day is not None else None
        self.rows["links"].append((low, high, kind.value, when, outcome, note))


__all__ = ["COLUMNS", "DemoNetwork", "IdStart", "generate_network"]

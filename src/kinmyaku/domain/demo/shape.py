"""The shape of the demo network: tiers of ties, their shares, and the rows' columns.

A young professional's network has a few strong ties, many weak ones, some one-sided
relationships, forgotten business cards, and people they have not met yet but know of
through others.  Each demo person belongs to one tier, drawn with these shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from kinmyaku.domain.model import Channel
from kinmyaku.domain.people import display_name


class Tier(IntEnum):
    """How close a demo person is to me."""

    NOT_MET = 0  # known of through people I know (met=False), linked to them
    STRONG = 1  # frequent touches, two-way give and take, a purpose with a cadence
    REGULAR = 2  # a handful of touches and exchanges both ways
    ONE_SIDED = 3  # exchanges in one direction only (I only take, or only give)
    FORGOTTEN = 4  # a card: no memory cue, no photo, no touch after the first meeting
    WEAK = 5  # met once, maybe a thank-you message


TIER_SHARES: dict[Tier, float] = {
    Tier.NOT_MET: 0.10,
    Tier.STRONG: 0.03,
    Tier.REGULAR: 0.17,
    Tier.ONE_SIDED: 0.10,
    Tier.FORGOTTEN: 0.15,
    Tier.WEAK: 0.45,
}

HUB_TIERS = (Tier.STRONG, Tier.REGULAR)

# How we met (出会いの経路), for people I have met.
CHANNEL_SHARES: dict[Channel, float] = {
    Channel.EVENT: 0.35,
    Channel.INTRODUCTION: 0.20,
    Channel.WORK: 0.25,
    Channel.SOCIAL: 0.08,
    Channel.SCHOOL: 0.05,
    Channel.OTHER: 0.07,
}

SPAN_DAYS = 3 * 365  # the network grows over the three years up to today
PEOPLE_PER_EVENT = 50  # one event per 50 people (2,000 events for 100,000 people)
INTRODUCTIONS_MADE_PER_PERSON = 0.02  # introductions I made between two people I know

# Columns of each table the generator fills, in the order rows are written (parents
# before children).  Tables with an ``id`` column get ids from :class:`IdStart`.
COLUMNS: dict[str, tuple[str, ...]] = {
    "people": (
        "id",
        "family_name",
        "given_name",
        "family_reading",
        "given_reading",
        "reading_inferred",
        "romaji",
        "nickname",
        "photo",
        "birthday",
        "notes",
        "offers",
        "needs",
        "met",
        "sort_key",
        "created_at",
        "updated_at",
    ),
    "person_tags": ("person_id", "tag"),
    "contact_points": ("person_id", "kind", "label", "value", "normalized"),
    "affiliations": (
        "person_id",
        "organization_id",
        "department",
        "title",
        "start_date",
        "end_date",
        "is_current",
    ),
    "events": ("id", "name", "kind", "date", "place", "goal", "goal_count"),
    "encounters": (
        "person_id",
        "date",
        "channel",
        "introducer_id",
        "event_id",
        "place",
        "memory_cue",
    ),
    "interactions": ("id", "date", "kind", "summary", "follow_up_on", "follow_up_done"),
    "interaction_people": ("interaction_id", "person_id"),
    "introductions": (
        "id",
        "introducer_id",
        "person_a",
        "person_b",
        "date",
        "why",
        "state",
        "outcome",
    ),
    "exchanges": (
        "person_id",
        "date",
        "direction",
        "kind",
        "weight",
        "note",
        "introduction_id",
    ),
    "requests": (
        "person_id",
        "side",
        "what",
        "asked_on",
        "due_on",
        "status",
        "outcome",
        "closed_on",
    ),
    "purposes": ("person_id", "category", "goal", "offer", "cadence_days"),
    "links": ("person_a", "person_b", "kind", "date", "outcome", "note"),
}


@dataclass(frozen=True)
class IdStart:
    """The first free id of each table whose ids the generator assigns."""

    person: int = 1
    event: int = 1
    interaction: int = 1
    introduction: int = 1


@dataclass(slots=True)
class DemoPerson:
    """What the generator decides about one person before writing rows."""

    id: int
    tier: Tier
    family: str
    given: str
    family_reading: str
    given_reading: str
    latin: bool
    company: int  # index into COMPANIES
    met_on: int  # day ordinal of the first meeting (not met: when I first heard of them)
    channel: Channel | None = None
    event_id: int | None = None
    introducer: DemoPerson | None = None

    @property
    def name(self) -> str:
        """The name as displayed (family first, or given first for Latin names)."""
        return display_name(self.family, self.given)

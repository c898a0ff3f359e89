"""Event follow-up: the queue of people met at events and not followed up yet, and
the thank-you draft for a queue item (the drafts themselves are in drafts.py).

An encounter at an event is followed up once any touch other than an encounter (an
interaction, exchange or request, by either side) happens at or after the moment of
meeting. Until then it stays on the queue: "due" for the first ``followup_hours`` (48),
"late" from then on. Follow-up works in hours, so it takes ``now: datetime`` (naive or
aware, but the same kind throughout) instead of ``today``.

Aggregates: per person, last_followup_at = MAX(at) of non-encounter touches up to now.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kinmyaku.domain.insights.drafts import DraftPerson as DraftPerson
from kinmyaku.domain.insights.drafts import DraftSender as DraftSender
from kinmyaku.domain.insights.drafts import ThankYouDraft as ThankYouDraft
from kinmyaku.domain.insights.drafts import thank_you_draft as thank_you_draft
from kinmyaku.domain.insights.explain import Explanation, day_text, explain
from kinmyaku.domain.insights.params import DEFAULT_PARAMS, InsightParams

_HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class EventEncounter:
    """Meeting a person at an event, with what we talked about."""

    person_id: int
    event_id: int
    event_name: str
    met_at: datetime
    topic: str = ""


@dataclass(frozen=True, slots=True)
class FollowUp:
    """An encounter waiting for a follow-up."""

    encounter: EventEncounter
    due_at: datetime
    late: bool
    hours_waiting: int
    explanation: Explanation


def is_followed_up(encounter: EventEncounter, last_followup_at: datetime | None) -> bool:
    """True once a follow-up touch happened at or after the meeting."""
    return last_followup_at is not None and last_followup_at >= encounter.met_at


def followup_queue(
    encounters: Iterable[EventEncounter],
    *,
    last_followup_at: Mapping[int, datetime],
    now: datetime,
    params: InsightParams = DEFAULT_PARAMS,
) -> list[FollowUp]:
    """Encounters not followed up yet, oldest due first; late after followup_hours."""
    window = timedelta(hours=params.followup_hours)
    queue = []
    for encounter in encounters:
        if encounter.met_at > now:
            continue
        followed = last_followup_at.get(encounter.person_id)
        if followed is not None and followed > now:
            followed = None  # a follow-up dated in the future is not done yet
        if is_followed_up(encounter, followed):
            continue
        due_at = encounter.met_at + window
        late = now >= due_at
        hours_waiting = math.floor((now - encounter.met_at) / _HOUR)
        if late:
            explanation = explain(
                "followup.late",
                event=encounter.event_name,
                met_on=day_text(encounter.met_at.date(), now.date()),
                days=max(1, hours_waiting // 24),
            )
        else:
            hours_left = math.ceil((due_at - now) / _HOUR)
            if hours_left > 24:  # a wait of a day or more reads in days, as people say it
                explanation = explain(
                    "followup.due_days", event=encounter.event_name, days=math.ceil(hours_left / 24)
                )
            else:
                explanation = explain(
                    "followup.due", event=encounter.event_name, hours_left=hours_left
                )
        queue.append(FollowUp(encounter, due_at, late, hours_waiting, explanation))
    queue.sort(key=lambda f: (f.due_at, f.encounter.person_id, f.encounter.event_id))
    return queue


def followup_queue_from_touches(
    encounters: Iterable[EventEncounter],
    *,
    followups: Iterable[tuple[int, datetime]],
    now: datetime,
    params: InsightParams = DEFAULT_PARAMS,
) -> list[FollowUp]:
    """The queue from raw follow-up touches given as (person_id, at) pairs."""
    latest: dict[int, datetime] = {}
    for person_id, at in followups:
        if at <= now and (person_id not in latest or at > latest[person_id]):
            latest[person_id] = at
    return followup_queue(encounters, last_followup_at=latest, now=now, params=params)


def thank_you_for(
    item: FollowUp,
    *,
    person: DraftPerson,
    sender: DraftSender,
    today: date,
    language: str | None = None,
) -> ThankYouDraft:
    """The thank-you draft for a follow-up queue item (in the person's language by default)."""
    e = item.encounter
    return thank_you_draft(
        person=person,
        sender=sender,
        event_name=e.event_name,
        met_on=e.met_at.date(),
        today=today,
        topic=e.topic,
        language=language,
    )

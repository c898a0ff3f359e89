"""Event follow-up: the queue of people met at events and not followed up yet, and
the thank-you message drafts (お礼メール) in Japanese business style and in English.

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

from kinmyaku.domain.insights.explain import Explanation, explain, language_of
from kinmyaku.domain.insights.params import DEFAULT_PARAMS, InsightParams

_HOUR = timedelta(hours=1)
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


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
                met_on=encounter.met_at.date().isoformat(),
                hours=hours_waiting,
            )
        else:
            hours_left = math.ceil((due_at - now) / _HOUR)
            explanation = explain("followup.due", event=encounter.event_name, hours_left=hours_left)
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


@dataclass(frozen=True, slots=True)
class DraftPerson:
    """The person to thank; name_en is how to address them in English."""

    family_name: str
    given_name: str = ""
    organization: str = ""
    name_en: str = ""


@dataclass(frozen=True, slots=True)
class DraftSender:
    """Me, as I sign the message."""

    name: str
    organization: str = ""
    name_en: str = ""
    organization_en: str = ""


@dataclass(frozen=True, slots=True)
class ThankYouDraft:
    """A thank-you message ready to copy: subject and body."""

    language: str
    subject: str
    body: str

    def as_text(self) -> str:
        """Subject line, a blank line, then the body."""
        label = "件名" if self.language == "ja" else "Subject"
        colon = "：" if self.language == "ja" else ": "
        return f"{label}{colon}{self.subject}\n\n{self.body}"


def thank_you_draft(
    *,
    person: DraftPerson,
    sender: DraftSender,
    event_name: str,
    met_on: date,
    today: date,
    topic: str = "",
    locale: str = "ja",
) -> ThankYouDraft:
    """A thank-you message (お礼メール) for meeting a person at an event."""
    if language_of(locale) == "ja":
        return _draft_ja(person, sender, event_name, met_on, today, topic.strip())
    return _draft_en(person, sender, event_name, met_on, today, topic.strip())


def thank_you_for(
    item: FollowUp,
    *,
    person: DraftPerson,
    sender: DraftSender,
    today: date,
    locale: str = "ja",
) -> ThankYouDraft:
    """The thank-you draft for a follow-up queue item."""
    e = item.encounter
    return thank_you_draft(
        person=person,
        sender=sender,
        event_name=e.event_name,
        met_on=e.met_at.date(),
        today=today,
        topic=e.topic,
        locale=locale,
    )


def _join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p.strip())


def _draft_ja(
    person: DraftPerson, sender: DraftSender, event: str, met_on: date, today: date, topic: str
) -> ThankYouDraft:
    days = (today - met_on).days
    when = "本日" if days == 0 else "昨日" if days == 1 else "先日"
    name = _join(person.family_name, person.given_name)
    signature = f"{sender.organization}の{sender.name}" if sender.organization else sender.name
    lines = [person.organization] if person.organization else []
    lines += [
        f"{name} 様",
        "",
        f"{when}は{event}にてお話しさせていただき、誠にありがとうございました。",
        f"{signature}です。",
        "",
    ]
    if topic:
        lines.append(f"{topic}についてのお話、大変勉強になりました。")
    lines += [
        "何かお役に立てることがございましたら、お気軽にお声がけください。",
        "今後ともどうぞよろしくお願いいたします。",
        "",
        "――――――――――",
        sender.name,
    ]
    if sender.organization:
        lines.append(sender.organization)
    subject_name = _join(sender.organization, sender.name)
    subject = f"【御礼】{event}でのご挨拶（{subject_name}）"
    return ThankYouDraft("ja", subject, "\n".join(lines) + "\n")


def _draft_en(
    person: DraftPerson, sender: DraftSender, event: str, met_on: date, today: date, topic: str
) -> ThankYouDraft:
    days = (today - met_on).days
    if days == 0:
        when = "today"
    elif days == 1:
        when = "yesterday"
    else:
        when = f"on {_MONTHS_EN[met_on.month - 1]} {met_on.day}"
    name = person.name_en or _join(person.family_name, person.given_name)
    lines = [
        f"Dear {name},",
        "",
        f"Thank you for taking the time to talk with me at {event} {when}.",
    ]
    if topic:
        lines.append(f"I especially enjoyed our conversation about {topic}.")
    lines += [
        "",
        "I would be glad to stay in touch, and please let me know if there is anything"
        " I can help you with.",
        "",
        "Best regards,",
        sender.name_en or sender.name,
    ]
    organization = sender.organization_en or sender.organization
    if organization:
        lines.append(organization)
    subject = f"Thank you for the conversation at {event}"
    return ThankYouDraft("en", subject, "\n".join(lines) + "\n")

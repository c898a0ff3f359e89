"""Forgotten cards and the recall drill (spaced repetition with SM-2).

A card is *forgotten* when the person has no memory cue, no photo, and no touch after
the day we first met (last_touch_on <= first_met_on, or no touch at all).

The drill shows a face (photo) or the memory cue and asks for the name, the company and
where we met; the answers grade the recall 0-5 and SM-2 schedules the next review:

    quality >= 3: interval 1, then 6, then ceil(previous * ease); repetitions + 1
    quality <  3: repetitions 0, interval 1
    ease' = max(1.3, ease + 0.1 - (5 - q) * (0.08 + (5 - q) * 0.02))   (start 2.5)

SM-2 is a dozen lines with its state in four columns, so it is written here rather than
taken from a library (FSRS, the maintained alternative, needs fitted parameters).

Aggregates: has_memory_cue, has_photo, first_met_on (MIN encounter date, else
first_touch_on), last_touch_on; the review state is stored per person.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kinmyaku.domain.insights.explain import Explanation, explain
from kinmyaku.domain.insights.params import DEFAULT_PARAMS, InsightParams
from kinmyaku.domain.insights.text import keyword_match, normalise_keyword


@dataclass(frozen=True, slots=True)
class CardFacts:
    """What decides whether a business card (名刺) is forgotten."""

    person_id: int
    first_met_on: date | None
    last_touch_on: date | None
    has_memory_cue: bool = False
    has_photo: bool = False


@dataclass(frozen=True, slots=True)
class ForgottenCard:
    """A person I am likely to have forgotten."""

    person_id: int
    first_met_on: date | None
    days_since_met: int | None
    explanation: Explanation


def is_forgotten(facts: CardFacts) -> bool:
    """No memory cue, no photo, and no touch after the first meeting."""
    if facts.has_memory_cue or facts.has_photo:
        return False
    if facts.last_touch_on is None:
        return True
    return facts.first_met_on is not None and facts.last_touch_on <= facts.first_met_on


def forgotten_cards(
    facts: Iterable[CardFacts], *, today: date, limit: int | None = None
) -> list[ForgottenCard]:
    """The forgotten cards, met longest ago first (undated ones last); the first ``limit``."""

    def order(f: CardFacts) -> tuple[bool, date, int]:
        return (f.first_met_on is None, f.first_met_on or date.max, f.person_id)

    found = [f for f in facts if is_forgotten(f)]
    chosen = sorted(found, key=order) if limit is None else heapq.nsmallest(limit, found, key=order)
    cards = []
    for f in chosen:
        if f.first_met_on is None:
            cards.append(ForgottenCard(f.person_id, None, None, explain("forgotten.undated")))
            continue
        days = max(0, (today - f.first_met_on).days)
        explanation = explain("forgotten", met_on=f.first_met_on.isoformat(), days=days)
        cards.append(ForgottenCard(f.person_id, f.first_met_on, days, explanation))
    return cards


@dataclass(frozen=True, slots=True)
class ReviewState:
    """SM-2 state of one person's card; due_on None means never reviewed (new)."""

    person_id: int
    repetitions: int = 0
    interval_days: int = 0
    ease: float = DEFAULT_PARAMS.sm2_initial_ease
    due_on: date | None = None


@dataclass(frozen=True, slots=True)
class Reviewed:
    """The state after a review and when the next one is."""

    state: ReviewState
    explanation: Explanation


def review(
    state: ReviewState, *, quality: int, today: date, params: InsightParams = DEFAULT_PARAMS
) -> Reviewed:
    """Apply one graded recall (quality 0-5) to a card with SM-2."""
    if not 0 <= quality <= 5:
        raise ValueError(f"recall quality must be 0 to 5, got {quality}")
    if quality >= 3:
        if state.repetitions == 0:
            interval = 1
        elif state.repetitions == 1:
            interval = 6
        else:
            interval = math.ceil(max(1, state.interval_days) * state.ease)
        repetitions = state.repetitions + 1
    else:
        interval, repetitions = 1, 0
    miss = 5 - quality
    ease = max(params.sm2_minimum_ease, state.ease + 0.1 - miss * (0.08 + miss * 0.02))
    due_on = today + timedelta(days=interval)
    new = ReviewState(state.person_id, repetitions, interval, ease, due_on)
    return Reviewed(new, explain("drill.next", due_on=due_on.isoformat(), interval=interval))


def quality_from_answers(
    *, name_ok: bool, company_ok: bool, place_ok: bool, hesitated: bool = False
) -> int:
    """Recall quality 1-5 from the three answers (all right: 5, or 4 when hesitant)."""
    right = name_ok + company_ok + place_ok
    if right == 3:
        return 4 if hesitated else 5
    return {2: 3, 1: 2, 0: 1}[right]


_COMPANY_FORMS = re.compile(
    r"\(株\)|\(有\)|株式会社|有限会社|合同会社|合資会社|一般社団法人|一般財団法人"
    r"|\b(?:inc|co|ltd|llc|corp|corporation|company|k\.k)\b\.?"
)
_NOT_WORD = re.compile(r"[\s・,.]+")


def _squash(text: str) -> str:
    return _NOT_WORD.sub("", normalise_keyword(text))


def name_answer_ok(answer: str, *, accepted: Iterable[str]) -> bool:
    """True when the answer equals one accepted form, ignoring width, case, kana and spaces."""
    wanted = _squash(answer)
    return bool(wanted) and any(wanted == _squash(a) for a in accepted if a)


def name_forms(
    family_name: str, given_name: str = "", family_reading: str = "", given_reading: str = ""
) -> tuple[str, ...]:
    """Accepted answers for a name: full name, family name, and the same in kana."""
    forms = (
        family_name + given_name,
        family_name,
        family_reading + given_reading,
        family_reading,
    )
    return tuple(dict.fromkeys(f for f in forms if f))


def company_answer_ok(answer: str, *, organization: str) -> bool:
    """True when the answer names the organisation, with or without 株式会社, Inc. and such."""

    def core(text: str) -> str:
        folded = unicodedata.normalize("NFKC", text).casefold()
        return _squash(_COMPANY_FORMS.sub("", folded))

    wanted = core(answer)
    return bool(wanted) and wanted == core(organization)


def place_answer_ok(answer: str, *, accepted: Iterable[str]) -> bool:
    """True when the answer matches or is part of where we met (event name, place)."""
    wanted = normalise_keyword(answer)
    return any(keyword_match(wanted, normalise_keyword(a)) > 0 for a in accepted if a)


class Prompt(StrEnum):
    """What the drill shows: the face, or the memory cue."""

    PHOTO = "photo"
    CUE = "cue"


@dataclass(frozen=True, slots=True)
class DrillSubject:
    """A person who can be drilled: a photo or a memory cue, and the review state."""

    person_id: int
    has_photo: bool
    memory_cue: str = ""
    state: ReviewState | None = None


@dataclass(frozen=True, slots=True)
class DrillCard:
    """One card to show today."""

    person_id: int
    prompt: Prompt
    memory_cue: str
    state: ReviewState


def due_cards(
    subjects: Iterable[DrillSubject], *, today: date, params: InsightParams = DEFAULT_PARAMS
) -> list[DrillCard]:
    """Today's cards: due reviews (most overdue first), then up to drill_new_per_day new."""
    due: list[DrillCard] = []
    new: list[DrillCard] = []
    for s in subjects:
        cue = s.memory_cue.strip()
        if not s.has_photo and not cue:
            continue
        prompt = Prompt.PHOTO if s.has_photo else Prompt.CUE
        state = s.state or ReviewState(s.person_id, ease=params.sm2_initial_ease)
        if state.due_on is None:
            new.append(DrillCard(s.person_id, prompt, cue, state))
        elif state.due_on <= today:
            due.append(DrillCard(s.person_id, prompt, cue, state))
    due.sort(key=lambda c: (c.state.due_on or today, c.person_id))
    new.sort(key=lambda c: c.person_id)
    return due + new[: params.drill_new_per_day]

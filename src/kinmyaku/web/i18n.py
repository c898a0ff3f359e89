"""Language of a web request (cookie, then Accept-Language) and Japanese-style formatting."""

from __future__ import annotations

import copy
from datetime import date
from functools import lru_cache
from typing import Any

from babel.dates import format_date

from kinmyaku.config import LANGUAGES
from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.domain.model import industry_label
from kinmyaku.i18n import gettext_for, translate

LANG_COOKIE = "kinmyaku_lang"

# English labels of the codes stored in the database (channels, kinds, states ...); the
# catalogs translate the labels.
LABELS = {
    "introduction": "Introduction",
    "event": "Event",
    "social": "Social media",
    "work": "Work",
    "school": "School",
    "other": "Other",
    "meetup": "Networking meetup",
    "party": "Party",
    "seminar": "Seminar",
    "conference": "Conference",
    "study": "Study group",
    "meeting": "Meeting",
    "meal": "Meal",
    "call": "Call",
    "message": "Message",
    "email": "E-mail",
    "phone": "Phone",
    "address": "Address",
    "url": "Web",
    "gave": "Gave",
    "received": "Received",
    "advice": "Advice",
    # Give/take kinds, named so that none reads like another: introducing two people
    # (introduction), putting someone forward for a job or role (referral), passing on work
    # or a deal (lead).
    "referral": "Recommendation",
    "lead": "Business lead",
    "help": "Help",
    "information": "Information",
    "gift": "Gift",
    "mine": "My request",
    "theirs": "Their request",
    "open": "Open",
    "in_progress": "In progress",
    "done": "Done",
    "declined": "Declined",
    "learn": "Learn from them",
    "partner": "Business partner",
    "client": "Client",
    "mentor": "Mentor",
    "peer": "Peer",
    "friend": "Friend",
    "hire": "Hire",
    "knows": "Knows",
    "colleague": "Colleague",
    "introduced": "Introduced by me",
    "reading": "Reading (あいうえお)",
    "recent": "Newest first",
    "last_contact": "Last contact",
    "pending": "Follow-up planned",
    "none": "Not yet",
}


# What a give/take weight means, where it is chosen (1 = a small favour ... 5 = life-changing).
WEIGHTS = {
    1: "1 · small favour",
    2: "2 · helpful",
    3: "3 · real help",
    4: "4 · big help",
    5: "5 · life-changing",
}


# Messages that name a command-line flag, in the words of the web page instead.
WEB_WORDING = {
    "Nothing was imported. {reason} (use --skip-bad to skip bad records)": (
        "Nothing was imported. {reason} (tick “Skip records that cannot be read” "
        "to import the rest)"
    ),
    "Person #{id}, whom queued record {queue} may be, is no longer stored; "
    "choose a person with --into": (
        "Person #{id}, whom queued record {queue} may be, is no longer stored; "
        "choose “A different person” to add the record as a new person"
    ),
}


def web_wording(error: KinmyakuError) -> KinmyakuError:
    """The error as a web page says it (no command-line flags); the same one otherwise."""
    msgid = WEB_WORDING.get(error.msgid)
    if msgid is None:
        return error
    worded = copy.copy(error)
    worded.msgid = msgid
    return worded


def parse_accept_language(header: str) -> list[str]:
    """Language codes of an Accept-Language header, best first (``ja-JP;q=0.8`` -> ``ja``)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        piece = part.strip()
        if not piece:
            continue
        code, _, params = piece.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, code.strip().lower().split("-")[0]))
    return [code for _, _, code in sorted(ranked)]


def choose_language(cookie: str | None, accept: str | None, default: str) -> str:
    """``ja`` or ``en``: the remembered choice, else the browser's preference, else the default."""
    if cookie in LANGUAGES:
        return str(cookie)
    for code in parse_accept_language(accept or ""):
        if code in LANGUAGES:
            return code
    return default if default in LANGUAGES else "ja"


@lru_cache(maxsize=4096)
def long_date(value: date, lang: str) -> str:
    """2024年3月15日 in Japanese, Mar 15, 2024 in English."""
    return format_date(value, format="long" if lang == "ja" else "medium", locale=lang)


def format_day(value: date | str | None, lang: str) -> str:
    """A date for display (empty for none); ISO text is accepted too."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            return long_date(date.fromisoformat(value), lang)
        except ValueError:
            return value
    return long_date(value, lang)


class Texts:
    """What templates use to speak the request's language: ``_``, dates, labels of codes."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.gettext = gettext_for(lang)

    def day(self, value: date | str | None) -> str:
        """A date the local way."""
        return format_day(value, self.lang)

    def days(self, n: int) -> str:
        """A duration in days: 「3日」, "1 day", "3 days"."""
        if n == 1:
            return translate(self.lang, "{n} day", n=n)
        return translate(self.lang, "{n} days", n=n)

    def weights(self) -> list[tuple[str, str]]:
        """(value, label) pairs of the give/take weight, each saying what it means."""
        return [(str(n), translate(self.lang, text)) for n, text in WEIGHTS.items()]

    def label(self, code: str | None) -> str:
        """The label of a code (channel, kind, status ...), via the catalog."""
        return translate(self.lang, LABELS.get(code, code)) if code else ""

    def choices(self, codes: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
        """(code, label) pairs for a select."""
        return [(code, self.label(code)) for code in codes]

    def industry(self, code: str | None) -> str:
        """The label of an industry code (an unknown value as it is)."""
        if not code:
            return ""
        try:
            return industry_label(code, self.lang)
        except ValueError:
            return code

    def context(self) -> dict[str, Any]:
        """Names every template can use."""
        return {
            "_": self.gettext,
            "lang": self.lang,
            "day": self.day,
            "days": self.days,
            "weights": self.weights,
            "label": self.label,
            "choices": self.choices,
            "industry": self.industry,
        }

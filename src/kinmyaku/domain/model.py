"""The vocabulary of the networking method: enumerations and plain value types.

Glossary (see docs/concepts.md): Person (人), Organization (会社), Affiliation (所属),
Encounter (出会い), Event (異業種交流会・イベント), Interaction (接点), Exchange (ギブ/テイク),
Request (依頼), Purpose (目的), Link (つながり), Introduction (紹介).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Channel(StrEnum):
    """How we met (出会いの経路)."""

    INTRODUCTION = "introduction"
    EVENT = "event"
    SOCIAL = "social"
    WORK = "work"
    SCHOOL = "school"
    OTHER = "other"


class EventKind(StrEnum):
    """Kind of gathering."""

    MEETUP = "meetup"  # 異業種交流会
    PARTY = "party"
    SEMINAR = "seminar"
    CONFERENCE = "conference"
    STUDY = "study"  # 勉強会
    OTHER = "other"


class InteractionKind(StrEnum):
    """Kind of touch point (接点)."""

    MEETING = "meeting"
    MEAL = "meal"
    CALL = "call"
    MESSAGE = "message"
    EMAIL = "email"
    EVENT = "event"


class Direction(StrEnum):
    """Side of the give/take ledger, seen from me."""

    GAVE = "gave"
    RECEIVED = "received"


class ExchangeKind(StrEnum):
    """What was given or received."""

    INTRODUCTION = "introduction"
    ADVICE = "advice"
    REFERRAL = "referral"
    LEAD = "lead"
    HELP = "help"
    INFORMATION = "information"
    GIFT = "gift"
    OTHER = "other"


class RequestSide(StrEnum):
    """Who asked: ``mine`` is a request I made of them, ``theirs`` one they made of me."""

    MINE = "mine"
    THEIRS = "theirs"


class RequestStatus(StrEnum):
    """Where a request stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DECLINED = "declined"


class PurposeCategory(StrEnum):
    """Why this relationship (関係の目的)."""

    LEARN = "learn"
    PARTNER = "partner"
    CLIENT = "client"
    MENTOR = "mentor"
    PEER = "peer"
    FRIEND = "friend"
    HIRE = "hire"
    OTHER = "other"


class LinkKind(StrEnum):
    """How two people I know are connected."""

    KNOWS = "knows"
    COLLEAGUE = "colleague"
    INTRODUCED = "introduced"  # introduced by me


class ContactKind(StrEnum):
    """Kind of contact point."""

    EMAIL = "email"
    PHONE = "phone"
    ADDRESS = "address"
    URL = "url"
    SOCIAL = "social"


class Industry(StrEnum):
    """Industries (業種): a fixed list so that diversity can be measured."""

    IT = "it"
    FINANCE = "finance"
    CONSULTING = "consulting"
    MANUFACTURING = "manufacturing"
    TRADING = "trading"  # 商社
    RETAIL = "retail"
    REAL_ESTATE = "real_estate"
    CONSTRUCTION = "construction"
    MEDIA = "media"
    ADVERTISING = "advertising"
    HEALTHCARE = "healthcare"
    EDUCATION = "education"
    GOVERNMENT = "government"
    LEGAL = "legal"
    ENERGY = "energy"
    LOGISTICS = "logistics"
    FOOD = "food"
    HOSPITALITY = "hospitality"
    ENTERTAINMENT = "entertainment"
    NONPROFIT = "nonprofit"
    STARTUP = "startup"
    OTHER = "other"


INDUSTRY_LABELS: dict[Industry, tuple[str, str]] = {
    Industry.IT: ("IT・通信", "IT & telecom"),
    Industry.FINANCE: ("金融・保険", "Finance & insurance"),
    Industry.CONSULTING: ("コンサルティング", "Consulting"),
    Industry.MANUFACTURING: ("メーカー", "Manufacturing"),
    Industry.TRADING: ("商社", "Trading"),
    Industry.RETAIL: ("小売・流通", "Retail"),
    Industry.REAL_ESTATE: ("不動産", "Real estate"),
    Industry.CONSTRUCTION: ("建設", "Construction"),
    Industry.MEDIA: ("マスコミ・出版", "Media & publishing"),
    Industry.ADVERTISING: ("広告・PR", "Advertising & PR"),
    Industry.HEALTHCARE: ("医療・福祉", "Healthcare"),
    Industry.EDUCATION: ("教育", "Education"),
    Industry.GOVERNMENT: ("官公庁・自治体", "Government"),
    Industry.LEGAL: ("士業・法律", "Legal & professional"),
    Industry.ENERGY: ("エネルギー", "Energy"),
    Industry.LOGISTICS: ("運輸・物流", "Logistics"),
    Industry.FOOD: ("食品・飲料", "Food & beverage"),
    Industry.HOSPITALITY: ("ホテル・旅行", "Hospitality & travel"),
    Industry.ENTERTAINMENT: ("エンタメ", "Entertainment"),
    Industry.NONPROFIT: ("NPO・団体", "Non-profit"),
    Industry.STARTUP: ("スタートアップ", "Start-up"),
    Industry.OTHER: ("その他", "Other"),
}


def industry_label(industry: Industry | str | None, lang: str) -> str:
    """Label of an industry in Japanese (``ja``) or English."""
    if not industry:
        return ""
    ja, en = INDUSTRY_LABELS[Industry(industry)]
    return ja if lang == "ja" else en


@dataclass(frozen=True)
class PersonName:
    """A name, family first, with readings in kana and romaji."""

    family: str
    given: str = ""
    family_reading: str = ""
    given_reading: str = ""

    def full(self) -> str:
        """Family then given, separated by a space when both exist."""
        return " ".join(part for part in (self.family, self.given) if part)

    def reading(self) -> str:
        """Full reading, family first."""
        return " ".join(p for p in (self.family_reading, self.given_reading) if p)


@dataclass
class ContactPoint:
    """An e-mail, phone, address, URL or social profile of a person."""

    kind: ContactKind
    value: str
    label: str = ""
    normalized: str = ""


@dataclass
class Touch:
    """Anything that resets the keep-in-touch clock for one person."""

    person_id: int
    on: date
    kind: str
    weight: int = 1
    extra: dict[str, str] = field(default_factory=dict)

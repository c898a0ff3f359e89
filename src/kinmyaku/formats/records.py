"""The plain record every importer yields and every exporter accepts.

A ``ContactRecord`` is format-neutral: the vCard and CSV readers fill it, the vCard
and CSV writers read it, and the import service (outside this package) turns it
into a Person. Text fields are never ``None``: an absent value is ``""``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kinmyaku.formats.errors import FormatWarning
from kinmyaku.formats.names import join_name

HANDLE_FIELDS = (
    "IMPP",
    "X-JABBER",
    "X-SKYPE",
    "X-SKYPE-USERNAME",
    "X-GOOGLE-TALK",
    "X-GTALK",
    "X-AIM",
    "X-ICQ",
    "X-MSN",
    "X-YAHOO",
    "X-QQ",
    "X-TWITTER",
    "X-LINE",
)
"""Extra fields that hold an instant-messaging handle (a card's last choice of a name)."""

EMAIL_NAME = "e-mail display name"
"""The extra field that keeps the name in ``"John Doe" <john@example.com>``."""


@dataclass(frozen=True, slots=True)
class RecordSource:
    """Where a record came from: file name, 1-based record number and starting line."""

    file: str
    record_no: int
    line: int

    def describe(self) -> str:
        """Return a short location such as ``contacts.vcf:12``."""
        return f"{self.file}:{self.line}"

    def __reduce__(self) -> tuple[type[RecordSource], tuple[str, int, int]]:
        # Pickled as its three values (an import's helpers send one a record): a slots
        # dataclass's own state functions cost twice as much.
        return RecordSource, (self.file, self.record_no, self.line)


@dataclass(slots=True)
class ContactPoint:
    """A labelled value: an e-mail address, a phone number or a URL."""

    label: str
    value: str


@dataclass(slots=True)
class PostalAddress:
    """A postal address split the Japanese way (region = 都道府県, locality = 市区町村)."""

    label: str = ""
    postal_code: str = ""
    region: str = ""
    locality: str = ""
    street: str = ""
    country: str = ""

    def is_empty(self) -> bool:
        """Return True when no part of the address is filled in."""
        return not (self.postal_code or self.region or self.locality or self.street or self.country)


@dataclass(slots=True)
class ContactRecord:
    """One contact read from (or written to) an import/export file."""

    family_name: str = ""
    given_name: str = ""
    family_reading: str = ""
    given_reading: str = ""
    nickname: str = ""
    emails: list[ContactPoint] = field(default_factory=list)
    phones: list[ContactPoint] = field(default_factory=list)
    addresses: list[PostalAddress] = field(default_factory=list)
    urls: list[ContactPoint] = field(default_factory=list)
    organization: str = ""
    organization_reading: str = ""
    department: str = ""
    title: str = ""
    birthday: date | None = None
    notes: str = ""
    photo: bytes | None = None
    photo_mime: str = ""
    tags: list[str] = field(default_factory=list)
    met_on: date | None = None
    channel: str | None = None
    extra: dict[str, list[str]] = field(default_factory=dict)
    source: RecordSource | None = None
    warnings: list[FormatWarning] = field(default_factory=list)
    """What a lenient reader got round in this record (each value was kept, see extra)."""
    reading_guessed: bool = False
    """The readings are kinmyaku's guess from the kanji, not typed by anyone (a vCard's
    ``X-KINMYAKU-READING-GUESSED``): an import keeps them marked as guessed."""

    def add_extra(self, key: str, value: str) -> None:
        """Keep an unmapped field's value under ``key`` (values accumulate in order)."""
        self.extra.setdefault(key, []).append(value)

    def display_name(self) -> str:
        """Return the name as a person would write it (family first for Japanese names)."""
        return join_name(self.family_name, self.given_name)

    def has_content(self) -> bool:
        """Return True when the record holds anything worth importing."""
        return bool(
            self.family_name
            or self.given_name
            or self.nickname
            or self.organization
            or self.emails
            or self.phones
            or self.urls
            or self.addresses
            or self.notes
            or self.photo
            or self.extra
        )

"""Turn one ContactRecord into validated database values (no database access)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from typing import Any

from kinmyaku.domain.errors import ValidationError
from kinmyaku.domain.model import Channel
from kinmyaku.domain.names import fold_joined, fold_text, is_kana
from kinmyaku.domain.search_keys import PersonKeys
from kinmyaku.domain.validate import normalize_email, parse_phone, phone_digits
from kinmyaku.formats.records import ContactRecord, PostalAddress, RecordSource
from kinmyaku.services.people import name_columns
from kinmyaku.storage.people import keys_from_row
from kinmyaku.storage.search_index import IndexRows, person_rows

NameKey = tuple[str, str, str]


def person_name_key(
    family: str, given: str, family_reading: str, given_reading: str, org_key: str
) -> NameKey:
    """Name and reading folded, with the folded company: how a record matches a person by
    name (records and the people already stored must be keyed by this one function)."""
    return (fold_joined(family, given), fold_joined(family_reading, given_reading), org_key)


PreparedPoint = tuple[str, str, str, str]
"""A contact point ready to store: (kind, value as typed, label, comparable form).

A plain tuple, not a class: a helper process sends two or three a record, and tuples
travel (pickle) at a third of the cost of objects."""


@dataclass
class PreparedRecord:
    """A record's values, validated: people columns, contact points, job, meeting, extras.

    It holds only what the import writes and reports (not the ContactRecord): an import's
    helper processes send it back to the writer, and the less it holds, the faster.
    """

    columns: dict[str, Any]
    source: RecordSource | None = None
    name: str = ""
    """The record's name as written in the file (for the report)."""
    photo: bytes | None = None
    points: list[PreparedPoint] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    company: str = ""
    company_reading: str = ""
    department: str = ""
    title: str = ""
    met_on: date | None = None
    channel: str = "other"
    extra: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    index_rows: IndexRows | None = None
    """The person's search index rows, when built ahead (by an import's helper process)."""

    def person_keys(self) -> PersonKeys:
        """What of the person, once created from this record, is searchable."""
        return keys_from_row(
            self.columns,
            emails=[value for kind, value, _, _ in self.points if kind == "email"],
            phones=[value for kind, value, _, _ in self.points if kind == "phone"],
            tags=self.tags,
        )

    def new_person_rows(self) -> IndexRows:
        """The search index rows of the person this record creates."""
        if self.index_rows is None:
            self.index_rows = person_rows(self.person_keys())
        return self.index_rows

    @cached_property
    def name_key(self) -> NameKey:
        """Name, reading and company folded: the last way a record matches a person."""
        cols = self.columns
        return person_name_key(
            cols["family_name"],
            cols["given_name"],
            cols["family_reading"],
            cols["given_reading"],
            fold_text(self.company),
        )


@lru_cache(maxsize=65536)
def _names(family: str, given: str, family_r: str, given_r: str) -> tuple[tuple[str, Any], ...]:
    return tuple(name_columns(family, given, family_r or None, given_r or None).items())


def _address_text(address: PostalAddress) -> str:
    parts = [address.region, address.locality, address.street, address.country]
    text = " ".join(p.strip() for p in parts if p.strip())
    if address.postal_code.strip():
        text = f"〒{address.postal_code.strip()} {text}".strip()
    return text


def _limit(value: str, size: int, field_name: str) -> str:
    if len(value) > size:
        raise ValidationError(
            field_name,
            "'{field}' is too long ({length} > {limit} characters)",
            length=len(value),
            limit=size,
        )
    return value


def _fallback_name(record: ContactRecord) -> tuple[str, str]:
    family, given = record.family_name.strip(), record.given_name.strip()
    if family:
        return family, given
    if given:
        return given, ""
    for candidate in (record.nickname, record.organization):
        if candidate.strip():
            return candidate.strip(), ""
    for point in record.emails + record.phones + record.urls:
        if point.value.strip():
            return point.value.strip(), ""
    return "", ""


def prepare_record(record: ContactRecord) -> PreparedRecord:
    """Validate a record (names, e-mails, phones ...); raises ValidationError when bad."""
    family, given = _fallback_name(record)
    family = _limit(family, 100, "family_name")
    readings = [record.family_reading.strip(), record.given_reading.strip()]
    dropped = [r for r in readings if r and not is_kana(r)]
    readings = ["" if r in dropped else r for r in readings]
    columns = dict(_names(family, given[:100], readings[0], readings[1]))
    for name, value in (("nickname", record.nickname), ("notes", record.notes)):
        if value.strip():
            columns[name] = value.strip()[:100] if name == "nickname" else value.strip()
    if record.birthday is not None:
        columns["birthday"] = record.birthday
    prepared = PreparedRecord(columns, record.source, record.display_name(), record.photo or None)
    prepared.warnings += dropped
    many = len(record.emails) > 1
    for i, point in enumerate(record.emails):
        value = point.value.strip()
        if not value:
            continue
        normal = normalize_email(value, field=f"emails[{i}]" if many else "email")
        prepared.points.append(("email", _limit(value, 300, "email"), point.label[:40], normal))
    for point in record.phones:
        value = point.value.strip()
        if not value:
            continue
        try:
            normal = parse_phone(value)
        except ValidationError:
            normal = phone_digits(value)
            prepared.warnings.append(value)
        prepared.points.append(("phone", _limit(value, 300, "phone"), point.label[:40], normal))
    for point in record.urls:
        value = point.value.strip()
        if value:
            value = _limit(value, 300, "url")
            prepared.points.append(("url", value, point.label[:40], value))
    for address in record.addresses:
        text = _address_text(address)
        if text:
            text = _limit(text, 300, "address")
            prepared.points.append(("address", text, address.label[:40], fold_text(text)))
    prepared.tags = list(dict.fromkeys(t.strip()[:60] for t in record.tags if t.strip()))
    prepared.company = _limit(record.organization.strip(), 200, "company")
    prepared.company_reading = record.organization_reading.strip()[:200]
    prepared.department = record.department.strip()[:200]
    prepared.title = record.title.strip()[:200]
    prepared.met_on = record.met_on
    if record.channel:
        try:
            prepared.channel = Channel(record.channel.strip().lower()).value
        except ValueError:
            prepared.channel = Channel.OTHER.value
    prepared.extra = [
        (name[:100], value) for name, values in record.extra.items() for value in values if value
    ]
    return prepared

"""Turn one CSV row into a ContactRecord, given what each column means (its Target).

Every CSV source (LinkedIn, Google, Outlook, Eight, or a user's own mapping) is a table
from column header to Target; this module does the rest the same way for all of them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kinmyaku.formats.dates import is_empty_date, parse_date
from kinmyaku.formats.errors import FormatError, FormatWarning, snippet
from kinmyaku.formats.names import clean_reading, split_full_name, split_reading
from kinmyaku.formats.records import ContactPoint, ContactRecord, PostalAddress

TEXT_FIELDS = (
    "family_name",
    "given_name",
    "nickname",
    "organization",
    "department",
    "title",
    "notes",
    "channel",
)
READING_FIELDS = ("family_reading", "given_reading", "organization_reading")
POINT_FIELDS = ("email", "phone", "url")
ADDRESS_PARTS = (
    "postal_code",
    "region",
    "locality",
    "street",
    "extended",
    "po_box",
    "country",
    "address",
)
OTHER_FIELDS = ("full_name", "full_reading", "birthday", "met_on", "tags", "tag", "extra", "ignore")
MAPPING_FIELDS = TEXT_FIELDS + READING_FIELDS + POINT_FIELDS + ADDRESS_PARTS + OTHER_FIELDS
"""Field names a user's column mapping may use (``phone:mobile`` adds a label)."""

_LABEL_PARTS = ("email_label", "phone_label", "url_label", "address_label")
# Separators without the whitespace around them: ``\s*:::\s*`` backtracks over a long run
# of spaces at every position (quadratic time: 20,000 spaces took 8 s); parts are stripped.
_TAG_SPLIT = re.compile(r":::|[,;、]")
_TRUE = {"1", "○", "◯", "true", "yes", "y", "x", "✓"}
_FALSE = {"0", "×", "false", "no", "n", "-"}
_NO_YEAR = re.compile(r"--\d{2}-?\d{2}")
_PREFECTURE = re.compile(r"(東京都|北海道|(?:京都|大阪)府|[^\s\d]{2,3}県)")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Target:
    """What a column means: a record field, the group it belongs to, a fixed label."""

    field: str
    group: str = ""
    label: str = ""


def header_key(header: str) -> str:
    """Normalise a header for lookup: NFKC, lower case, no whitespace."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", header)).lower().lstrip("\ufeff")


def parse_target(text: str, header: str) -> Target:
    """Parse a mapping value such as ``email``, ``phone:mobile`` or ``street:work``."""
    field, _, label = text.strip().partition(":")
    field = field.strip()
    if field not in MAPPING_FIELDS:
        raise FormatError(
            "bad_mapping", field=header, target=text, allowed=", ".join(MAPPING_FIELDS)
        )
    label = label.strip()
    if field in ADDRESS_PARTS:
        return Target(field, group=label, label=label)
    if field in POINT_FIELDS:
        return Target(field, group=header, label=label)
    return Target(field, label=label)


def normalise_label(label: str) -> str:
    """Normalise a CSV label: Google's ``* Work`` and ``Mobile`` become ``work`` and ``mobile``."""
    label = label.strip().lstrip("*").strip()
    lowered = label.lower()
    if lowered in ("work", "home", "mobile", "other", "main", "pager", "homepage"):
        return lowered
    if lowered in ("work fax", "home fax", "fax"):
        return "fax"
    return label


def split_prefecture(address: str) -> tuple[str, str]:
    """Split ``東京都千代田区…`` into (``東京都``, ``千代田区…``); (``""``, address) otherwise."""
    match = _PREFECTURE.match(address.strip())
    if match is None:
        return "", address.strip()
    return match.group(1), address.strip()[match.end() :].strip()


# A date cell that is not a date: the extra field it is kept in, and the warning.
_BAD_DATES = {
    "birthday": ("invalid birthday", "bad_birthday_kept"),
    "met_on": ("invalid date met", "bad_met_on_kept"),
}


def _split_multi(value: str) -> list[str]:
    if ":::" not in value:
        return [value]
    return [part for part in (piece.strip() for piece in value.split(":::")) if part]


class RowBuilder:
    """Collects the cells of one row and builds the ContactRecord."""

    def __init__(self, *, lenient: bool = False) -> None:
        self.lenient = lenient
        """Keep a date that is not one as an extra field with a warning, not an error."""
        self.record = ContactRecord()
        self.points: dict[tuple[str, str], list[str]] = {}
        self.point_labels: dict[tuple[str, str], str] = {}
        self.addresses: dict[str, dict[str, str]] = {}
        self.full_name = ""
        self.full_reading = ""

    def add(self, target: Target, header: str, value: str) -> None:
        """Apply one non-empty cell."""
        field = target.field
        record = self.record
        if field in TEXT_FIELDS:
            current = getattr(record, field)
            setattr(record, field, f"{current} {value}" if current else value)
        elif field in READING_FIELDS:
            setattr(record, field, clean_reading(value))
        elif field in POINT_FIELDS:
            key = (field, target.group or header)
            self.points.setdefault(key, []).extend(_split_multi(value))
            if target.label:
                self.point_labels.setdefault(key, target.label)
        elif field in _LABEL_PARTS:
            kind = field.removesuffix("_label")
            if kind == "address":
                self.addresses.setdefault(target.group, {})["label"] = normalise_label(value)
            else:
                self.point_labels[(kind, target.group)] = value
        elif field in ADDRESS_PARTS:
            parts = self.addresses.setdefault(target.group, {})
            if target.label:
                parts.setdefault("label", target.label)
            parts[field] = f"{parts[field]} {value}" if field in parts else value
        else:
            self._other(target, header, value)

    def _other(self, target: Target, header: str, value: str) -> None:
        field = target.field
        record = self.record
        if field == "full_name":
            self.full_name = value
        elif field == "full_reading":
            self.full_reading = value
        elif field in ("birthday", "met_on"):
            if is_empty_date(value):
                return
            parsed = parse_date(value)
            if parsed is None:
                if field == "birthday" and _NO_YEAR.fullmatch(value):
                    record.add_extra(header, value)
                    return
                if not self.lenient:
                    raise FormatError("bad_date", field=header, value=value)
                name, key = _BAD_DATES[field]
                record.add_extra(name, value)
                record.warnings.append(FormatWarning(key, field=header, value=snippet(value, 80)))
                return
            setattr(record, field, parsed)
        elif field == "tags":
            for tag in _TAG_SPLIT.split(value):
                tag = tag.strip()
                if tag.startswith("*"):
                    tag = tag[1:].strip()
                    tag = "" if header_key(tag) == "mycontacts" else tag
                if tag and tag not in record.tags:
                    record.tags.append(tag)
        elif field == "tag":
            name = target.label or header
            flag = value.strip().lower()
            if flag in _TRUE:
                if name not in record.tags:
                    record.tags.append(name)
            elif flag not in _FALSE:
                record.add_extra(header, value)  # not a yes/no cell: keep it
        elif field != "ignore":
            for part in _split_multi(value):
                record.add_extra(header, part)

    def build(self) -> ContactRecord:
        """Finish the record: points, addresses, and name/reading fallbacks."""
        record = self.record
        for (kind, group), values in self.points.items():
            labels = _split_multi(self.point_labels.get((kind, group), "")) or [""]
            for index, value in enumerate(values):
                label = normalise_label(labels[min(index, len(labels) - 1)])
                point = ContactPoint(label, value)
                {"email": record.emails, "phone": record.phones, "url": record.urls}[kind].append(
                    point
                )
        for parts in self.addresses.values():
            address = _address(parts)
            if not address.is_empty():
                record.addresses.append(address)
        if not (record.family_name or record.given_name) and self.full_name:
            record.family_name, record.given_name = split_full_name(self.full_name)
        if not (record.family_reading or record.given_reading) and self.full_reading:
            record.family_reading, record.given_reading = split_reading(self.full_reading)
        return record


def _address(parts: dict[str, str]) -> PostalAddress:
    street = " ".join(parts[key] for key in ("street", "extended", "po_box") if parts.get(key))
    region = parts.get("region", "")
    one_line = parts.get("address", "")
    if one_line and not (street or region or parts.get("locality")):
        region, street = split_prefecture(one_line)
    return PostalAddress(
        label=parts.get("label", ""),
        postal_code=parts.get("postal_code", ""),
        region=region,
        locality=parts.get("locality", ""),
        street=street,
        country=parts.get("country", ""),
    )

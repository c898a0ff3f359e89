"""Map the properties of one vCard to a ContactRecord, in a fixed order per property.

One small handler per property (N, ORG, TEL ...), as in Monica's per-field mappers; what
no handler knows is kept in ``record.extra`` under the property name. Readings come from,
best first: X-PHONETIC-*, SORT-AS on N/ORG, SOUND;X-IRMC-N, SORT-STRING.

Our own export adds what a vCard has no place for: ``X-KINMYAKU-READING-GUESSED`` (the
readings kinmyaku guessed from the kanji; they stay guessed only while the card's readings
are still those) and an ``FN`` that says more than ``N`` (kept as the extra field ``FN``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import jaconv

from kinmyaku.formats.dates import parse_date
from kinmyaku.formats.errors import FormatWarning, snippet
from kinmyaku.formats.labels import STANDARD, label_from_ablabel, label_from_types
from kinmyaku.formats.names import clean_reading, split_full_name, split_reading
from kinmyaku.formats.records import (
    EMAIL_NAME,
    ContactPoint,
    ContactRecord,
    PostalAddress,
    RecordSource,
)
from kinmyaku.formats.vcard_syntax import (
    Property,
    components,
    decode_base64,
    list_values,
    raw_text,
    text_value,
    type_values,
)

NAME_PARTS = {"NAME-MIDDLE": 2, "NAME-PREFIX": 3, "NAME-SUFFIX": 4}
MET_ON = "X-KINMYAKU-MET-ON"
CHANNEL = "X-KINMYAKU-CHANNEL"
READING_GUESSED = "X-KINMYAKU-READING-GUESSED"
"""The readings kinmyaku guessed, ``family;given`` (other apps ignore an X- property)."""
FORMATTED_NAME = "FN"
"""The extra field that keeps a card's FN when it is not just the name in N."""
INVALID_BIRTHDAY = "invalid birthday"
"""The extra field a birthday that is not a date is kept in."""
# "John Doe" <john@example.com>, the name and the address (the value may have been folded)
_ADDRESS = re.compile(r"[^<>\s]+@[^<>\s]+")


def _named_address(value: str) -> tuple[str, str] | None:
    """``"Name" <a@b>`` as (name, address); None when the value is not of that shape.

    Found from the last ``<`` (an address holds none), in linear time: a regular
    expression over the whole value backtracked over long runs of spaces.
    """
    text = value.strip()
    if not text.endswith(">"):
        return None
    at = text.rfind("<")
    if at < 0:
        return None
    address = text[at + 1 : -1].strip()
    if not _ADDRESS.fullmatch(address):
        return None
    return text[:at].strip(), address


_IGNORED = {"VERSION", "PRODID", "BEGIN", "END", "X-ABLABEL"}
_IMAGE_TYPES = {
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "webp": "image/webp",
    "heic": "image/heic",
    "tiff": "image/tiff",
}


@dataclass(slots=True)
class _Card:
    """What one card said, before the final choices (readings, name fallback)."""

    record: ContactRecord
    labels: dict[str, str]
    used_groups: set[str] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)
    formatted_name: str = ""
    # reading candidates as (priority, family, given); a lower priority wins
    name_readings: list[tuple[int, str, str]] = field(default_factory=list)
    org_readings: list[tuple[int, str]] = field(default_factory=list)
    guessed: tuple[str, str] | None = None
    """The readings X-KINMYAKU-READING-GUESSED says kinmyaku guessed."""
    name_parts: list[str] = field(default_factory=list)
    """Every part of N (prefixes, middle names ...): what an FN may repeat."""

    def first(self, name: str) -> bool:
        """Return True the first time property ``name`` is seen on this card."""
        if name in self.seen:
            return False
        self.seen.add(name)
        return True

    def label(self, prop: Property) -> str:
        """Return the label of a TEL/EMAIL/ADR/URL: its group's X-ABLabel, else its TYPE."""
        if prop.group and prop.group in self.labels:
            self.used_groups.add(prop.group)
            return self.labels[prop.group]
        return _types_label(tuple(prop.params.get("TYPE", ())))


@lru_cache(maxsize=1024)
def _types_label(values: tuple[str, ...]) -> str:
    """The label of a TYPE parameter's values (a file repeats a few; cached).

    ``TYPE="work,cell"``, ``TYPE=work,cell``, ``TYPE=work;TYPE=cell`` and vCard 2.1's
    ``WORK;CELL`` are the same list; a known type is read in any case (the best one is the
    label), and types no vocabulary knows are kept as written, all of them (``A,B``).
    """
    label = label_from_types(type_values(values))
    if not label or label in STANDARD:
        return label
    custom = [part.strip() for value in values for part in value.split(",") if part.strip()]
    return ",".join(dict.fromkeys(part for part in custom if _is_custom(part))) or label


def _is_custom(type_value: str) -> bool:
    """Whether a TYPE value is a label of its own (``Assistant``), not a known type."""
    label = label_from_types([type_value.lower()])
    return bool(label) and label not in STANDARD


def _sniff_image(data: bytes) -> str:
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"GIF8"):
        return "image/gif"
    return "application/octet-stream"


def _photo(prop: Property) -> tuple[bytes, str] | None:
    """Decode an embedded photo; None for a URL or undecodable data."""
    value = prop.value.strip()
    declared = prop.param("MEDIATYPE") or next(
        (t for t in prop.types() if t in _IMAGE_TYPES or t.startswith("image/")), ""
    )
    data: bytes | None
    if prop.is_binary():
        data = decode_base64(value, strict=True)  # else kept as it is, with a warning
    elif value[:5].lower() == b"data:":
        header, _, payload = value[5:].partition(b",")
        if b";base64" not in header.lower():
            return None
        data = decode_base64(payload, strict=True)
        declared = header.split(b";")[0].decode("ascii", "backslashreplace").strip() or declared
    else:
        return None
    if not data:
        return None
    mime = _IMAGE_TYPES.get(declared.lower(), declared.lower())
    return data, mime if "/" in mime else _sniff_image(data)


def _on_name(card: _Card, prop: Property) -> None:
    if not card.first("N"):
        card.record.add_extra("N", text_value(prop))
        return
    parts = [*components(prop), "", "", "", "", ""]
    card.record.family_name, card.record.given_name = parts[0], parts[1]
    card.name_parts = [name for part in parts[:5] for name in part.split(",") if name.strip()]
    for key, index in NAME_PARTS.items():
        if parts[index]:
            card.record.add_extra(key, parts[index])
    values = prop.params.get("SORT-AS", [])
    if len(values) == 1:
        values = values[0].replace(";", ",").split(",")
    if values:
        card.name_readings.append((1, values[0], values[1] if len(values) > 1 else ""))


def _on_org(card: _Card, prop: Property) -> None:
    if not card.first("ORG"):
        card.record.add_extra("ORG", text_value(prop))
        return
    parts = components(prop)
    card.record.organization = parts[0]
    card.record.department = " ".join(part for part in parts[1:] if part)
    sort_as = prop.param("SORT-AS")
    if sort_as:
        card.org_readings.append((1, sort_as.replace(";", ",").split(",")[0]))


def _single(attr: str) -> Callable[[_Card, Property], None]:
    def handle(card: _Card, prop: Property) -> None:
        value = text_value(prop)
        if card.first(prop.name) and value:
            setattr(card.record, attr, value)
        elif value:
            card.record.add_extra(prop.name, value)

    return handle


def _point(kind: str) -> Callable[[_Card, Property], None]:
    def handle(card: _Card, prop: Property) -> None:
        value = text_value(prop)
        if kind == "phones" and value[:4].lower() == "tel:":
            value = value[4:]
        elif kind == "emails" and value[:7].lower() == "mailto:":
            value = value[7:]
        elif kind == "emails" and value.endswith(">"):
            named = _named_address(value)
            if named is not None:
                name, value = named[0].strip('"').strip(), named[1]
                if name:
                    card.record.add_extra(EMAIL_NAME, name)
        if value:
            getattr(card.record, kind).append(ContactPoint(card.label(prop), value))

    return handle


def _on_adr(card: _Card, prop: Property) -> None:
    parts = [*components(prop), "", "", "", "", "", "", ""]
    pobox, extended, street, locality, region, code, country = parts[:7]
    address = PostalAddress(
        label=card.label(prop),
        postal_code=code,
        region=region,
        locality=locality,
        street=" ".join(p for p in (street, extended, pobox) if p),
        country=country,
    )
    if not address.is_empty():
        card.record.addresses.append(address)


def _on_bday(card: _Card, prop: Property) -> None:
    value = text_value(prop)
    no_year = "X-APPLE-OMIT-YEAR" in prop.params or value.startswith("--")
    parsed = None if no_year else parse_date(value)
    if parsed is not None and card.record.birthday is None:
        card.record.birthday = parsed
    elif value and (parsed is not None or no_year):
        card.record.add_extra("BDAY", value)  # a second birthday, or one without a year
    elif value:
        card.record.add_extra(INVALID_BIRTHDAY, value)
        card.record.warnings.append(
            FormatWarning("bad_birthday_kept", line=prop.line, value=snippet(value, 80))
        )


def _on_note(card: _Card, prop: Property) -> None:
    value = text_value(prop)
    if value:
        record = card.record
        record.notes = f"{record.notes}\n{value}" if record.notes else value


def _on_photo(card: _Card, prop: Property) -> None:
    photo = _photo(prop) if card.record.photo is None else None
    if photo is not None:
        card.record.photo, card.record.photo_mime = photo
        return
    value = (
        raw_text(prop).strip()
        if not prop.is_binary()
        else prop.value.strip().decode("ascii", "backslashreplace")
    )
    if value:
        card.record.add_extra("PHOTO", value)
        if prop.is_binary() or value[:5].lower() == "data:":
            card.record.warnings.append(FormatWarning("bad_photo_kept", line=prop.line))


def _on_categories(card: _Card, prop: Property) -> None:
    for tag in list_values(prop):
        if tag not in card.record.tags:
            card.record.tags.append(tag)


def _reading(priority: int, side: str) -> Callable[[_Card, Property], None]:
    def handle(card: _Card, prop: Property) -> None:
        value = text_value(prop)
        if side == "family":
            card.name_readings.append((priority, value, ""))
        elif side == "given":
            card.name_readings.append((priority, "", value))
        else:
            card.org_readings.append((priority, value))

    return handle


def _on_sound(card: _Card, prop: Property) -> None:
    if "X-IRMC-N" in (t.upper() for t in prop.params.get("TYPE", ())) or "X-IRMC-N" in prop.params:
        parts = [*components(prop), "", ""]
        card.name_readings.append((2, parts[0], parts[1]))
    else:
        card.record.add_extra("SOUND", text_value(prop))


def _on_sort_string(card: _Card, prop: Property) -> None:
    family, given = split_reading(text_value(prop))
    card.name_readings.append((3, family, given))


def _on_met_on(card: _Card, prop: Property) -> None:
    value = text_value(prop)
    parsed = parse_date(value)
    if parsed is not None and card.record.met_on is None:
        card.record.met_on = parsed
    elif value:
        card.record.add_extra(prop.name, value)


def _on_channel(card: _Card, prop: Property) -> None:
    value = text_value(prop)
    if value and card.record.channel is None:
        card.record.channel = value
    elif value:
        card.record.add_extra(prop.name, value)


def _on_fn(card: _Card, prop: Property) -> None:
    if card.first("FN"):
        card.formatted_name = text_value(prop)
    elif text_value(prop):
        card.record.add_extra(FORMATTED_NAME, text_value(prop))


def _on_guessed(card: _Card, prop: Property) -> None:
    parts = [*components(prop), ""]
    if card.guessed is None:
        card.guessed = (_kana(parts[0]), _kana(parts[1]))


def _kana(reading: str) -> str:
    """A reading to compare: cleaned, katakana as hiragana (たかしま = タカシマ)."""
    folded: str = jaconv.kata2hira(clean_reading(reading))
    return folded


_NAME_SEPARATORS = re.compile(r"[\s,.・･]+")


def _says_more(formatted: str, parts: list[str]) -> bool:
    """Whether an FN holds more than the parts of N, in any order and spacing."""
    rest = unicodedata.normalize("NFKC", formatted).casefold()
    folded = (unicodedata.normalize("NFKC", p).casefold() for p in parts)
    for part in sorted(folded, key=len, reverse=True):
        rest = rest.replace(part.strip(), " ", 1) if part.strip() else rest
    return bool(_NAME_SEPARATORS.sub("", rest))


_HANDLERS: dict[str, Callable[[_Card, Property], None]] = {
    "N": _on_name,
    "FN": _on_fn,
    "ORG": _on_org,
    "NICKNAME": _single("nickname"),
    "TITLE": _single("title"),
    "EMAIL": _point("emails"),
    "TEL": _point("phones"),
    "URL": _point("urls"),
    "ADR": _on_adr,
    "BDAY": _on_bday,
    "NOTE": _on_note,
    "PHOTO": _on_photo,
    "CATEGORIES": _on_categories,
    "X-PHONETIC-LAST-NAME": _reading(0, "family"),
    "X-PHONETIC-FIRST-NAME": _reading(0, "given"),
    "X-PHONETIC-ORG": _reading(0, "org"),
    "SOUND": _on_sound,
    "SORT-STRING": _on_sort_string,
    MET_ON: _on_met_on,
    CHANNEL: _on_channel,
    READING_GUESSED: _on_guessed,
}


def _finish(card: _Card) -> ContactRecord:
    record = card.record
    for _, family, given in sorted(card.name_readings, key=lambda item: item[0]):
        if family and not record.family_reading:
            record.family_reading = clean_reading(family)
        if given and not record.given_reading:
            record.given_reading = clean_reading(given)
    for _, reading in sorted(card.org_readings, key=lambda item: item[0]):
        if reading and not record.organization_reading:
            record.organization_reading = clean_reading(reading)
    fn = card.formatted_name
    not_a_name = {record.organization, record.nickname, *(e.value for e in record.emails)}
    if not (record.family_name or record.given_name) and fn and fn not in not_a_name:
        record.family_name, record.given_name = split_full_name(fn)
    elif (record.family_name or record.given_name) and _says_more(fn, card.name_parts):
        record.extra.setdefault(FORMATTED_NAME, []).insert(0, fn)
    if card.guessed is not None and any(card.guessed):
        readings = (_kana(record.family_reading), _kana(record.given_reading))
        record.reading_guessed = card.guessed == readings
    if not (record.family_name or record.given_name) and record.organization:
        # A company card (Apple's X-ABShowAs:COMPANY): its reading is the company's.
        reading = " ".join(r for r in (record.family_reading, record.given_reading) if r)
        record.organization_reading = record.organization_reading or reading
        record.family_reading = record.given_reading = ""
    for group, label in card.labels.items():
        if group not in card.used_groups:
            record.add_extra("X-ABLABEL", label)
    return record


def card_to_record(props: list[Property], source: RecordSource | None = None) -> ContactRecord:
    """Map the properties of one card to a ContactRecord."""
    labels: dict[str, str] = {}
    for prop in props:
        if prop.name == "X-ABLABEL" and prop.group:
            labels[prop.group] = label_from_ablabel(text_value(prop))
    card = _Card(ContactRecord(source=source), labels)
    for prop in props:
        handler = _HANDLERS.get(prop.name)
        if handler is not None:
            handler(card, prop)
        elif prop.name not in _IGNORED or (prop.name == "X-ABLABEL" and not prop.group):
            value = (
                b"".join(prop.value.split()).decode("ascii", "backslashreplace")
                if prop.is_binary()
                else text_value(prop)
            )
            card.record.add_extra(prop.name, value)
        if prop.bad_bytes:
            card.record.warnings.append(
                FormatWarning(
                    "charset_guessed" if prop.read_as else "bad_bytes",
                    line=prop.line,
                    field=prop.name,
                    encoding=prop.bad_bytes,
                    read_as=prop.read_as,
                    text=snippet(raw_text(prop), 80),
                )
            )
    return _finish(card)

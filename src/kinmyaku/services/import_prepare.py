"""Turn one ContactRecord into validated database values (no database access)."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from typing import Any

from PIL import Image

from kinmyaku.domain.errors import ValidationError
from kinmyaku.domain.identity.blocking import block_keys
from kinmyaku.domain.identity.profile import UNNAMED, Features, features
from kinmyaku.domain.memory_keys import Memory, memory_keys
from kinmyaku.domain.model import Channel
from kinmyaku.domain.names import fold_joined, fold_text, is_kana
from kinmyaku.domain.search_keys import PersonKeys
from kinmyaku.domain.validate import normalize_email, parse_phone, phone_digits
from kinmyaku.formats.errors import FormatWarning, render_message
from kinmyaku.formats.postal import address_text
from kinmyaku.formats.records import (
    EMAIL_NAME,
    HANDLE_FIELDS,
    ContactRecord,
    RecordSource,
)
from kinmyaku.i18n import translate
from kinmyaku.services.identity.matching import profile_of
from kinmyaku.services.people import name_columns
from kinmyaku.services.photos import FORMATS as PHOTO_FORMATS
from kinmyaku.services.photos import MAX_BYTES as PHOTO_BYTES
from kinmyaku.storage.people import keys_from_row
from kinmyaku.storage.search_index import IndexRows, person_rows

NameKey = tuple[str, str, str]

# UNNAMED (domain/identity/profile.py) is the family name of a person imported from a record
# with nothing to name them by; matching never takes it for a name.
UNNAMED_FIELD = "unnamed"
"""The extra field that marks such a person (its value: the file and line it came from)."""
INVALID_EMAIL = "invalid e-mail"
"""The extra field an e-mail address that is not one is kept in, as it was written."""
NOT_KANA = {"family": "family reading (not kana)", "given": "given reading (not kana)"}
"""The extra fields a reading that is not kana is kept in."""
FULL_TEXT = "{field} (full text)"
"""The extra field a value longer than its column is kept in, whole."""


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
    """What was kept and why, each a sentence in the import's language."""
    index_rows: IndexRows | None = None
    """The person's search index rows, when built ahead (by an import's helper process)."""
    memory: list[str] | None = None
    """The keys of what the person it creates is remembered by, when made ahead (by an
    import's helper process): ``new_person_memory``."""
    match: Features | None = None
    """What matching compares of the record, made ahead (by an import's helper process,
    while the writer writes; ``match_ahead``)."""

    def unnamed_at(self) -> str:
        """The value of an unnamed record's ``unnamed`` extra field: where it came from."""
        src = self.source
        return f"{src.file}:{src.line}" if src else "?"

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

    def new_person_memory(self) -> list[str]:
        """The memory keys (storage.search_memory) of the person this record creates, as
        they would be read back from what the import stores of it: its job's title and
        department (a job only with a company) and its notes (the import's encounters
        hold a date and a channel, which are not remembered words)."""
        if self.memory is None:
            job = bool(self.company)
            self.memory = memory_keys(
                Memory(
                    titles=[self.title] if job and self.title else [],
                    departments=[self.department] if job and self.department else [],
                    notes=str(self.columns.get("notes") or ""),
                )
            )
        return self.memory

    @cached_property
    def name_key(self) -> NameKey:
        """Name, reading and company folded: the last way a record matches a person.

        An unnamed person's key is its own (file and record number): unnamed records
        never match each other by name."""
        cols = self.columns
        if self.extra and (UNNAMED_FIELD, self.unnamed_at()) in self.extra:
            return ("\x00" + UNNAMED_FIELD, self.unnamed_at(), "")
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


# Values longer than this many characters were refused before lenient imports (--strict
# still refuses them); the others were cut short without a word (now kept whole as well).
_REFUSED = {"family name", "e-mail", "phone", "URL", "address", "company"}


@dataclass
class _Keeper:
    """What a record keeps beside its columns (extra fields) and says about it (warnings)."""

    strict: bool
    lang: str
    extra: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def say(self, msgid: str, **params: Any) -> None:
        """Add a warning, in the import's language."""
        self.warnings.append(translate(self.lang, msgid, **params))

    def limit(self, value: str, size: int, what: str) -> str:
        """``value`` cut to ``size`` characters; the whole value is kept as an extra field."""
        if len(value) <= size:
            return value
        if self.strict and what in _REFUSED:
            raise ValidationError(
                what,
                "'{field}' is too long ({length} > {limit} characters)",
                length=len(value),
                limit=size,
            )
        name = FULL_TEXT.format(field=what)
        self.extra.append((name, value))
        shown = translate(self.lang, "{field} (full text)", field=translate(self.lang, what))
        self.say(
            "The {field} is longer than {limit} characters, so the whole text is kept as '{name}'",
            field=translate(self.lang, what),
            limit=size,
            name=shown,
        )
        return value[:size]


def _handle(value: str) -> str:
    """An instant-messaging handle without its scheme (``xmpp:jo@example.com``)."""
    scheme, colon, rest = value.partition(":")
    return rest.strip() if colon and scheme.isalpha() and rest.strip() else value


def _fallback_name(record: ContactRecord) -> tuple[str, str, str]:
    """The name of a record: its own, else its nickname, company, the name with its e-mail,
    an e-mail, phone, URL or handle; and what it was taken from ("" for a name or nothing)."""
    family, given = record.family_name.strip(), record.given_name.strip()
    if family:
        return family, given, ""
    if given:
        return given, "", ""
    for candidate in (record.nickname, record.organization):
        if candidate.strip():
            return candidate.strip(), "", ""
    for value in record.extra.get(EMAIL_NAME, ()):
        if value.strip():
            return value.strip(), "", "e-mail display name"
    for what, points in (("e-mail", record.emails), ("phone", record.phones), ("URL", record.urls)):
        for point in points:
            if point.value.strip():
                return point.value.strip(), "", what
    for key in HANDLE_FIELDS:
        for value in record.extra.get(key, ()):
            if _handle(value.strip()):
                return _handle(value.strip()), "", "handle"
    return "", "", ""


def _reader_warning(warning: FormatWarning, record_line: int, lang: str) -> str:
    """A reader's warning as a sentence; its line when it is not the record's first."""
    text = render_message(warning.key, warning.params, lang)
    if warning.line is not None and warning.line != record_line:
        where = translate(lang, "line {line}", line=warning.line)
        if warning.field:
            where = translate(lang, "line {line}, {field}", line=warning.line, field=warning.field)
        return f"{where}: {text}"
    return text


def _photo_problem(data: bytes) -> bool:
    """Whether ``data`` is not a photo the import can store (checked by its header only)."""
    if len(data) > PHOTO_BYTES:
        return True
    try:
        with Image.open(io.BytesIO(data)) as probe:
            return probe.format not in PHOTO_FORMATS
    except Exception:  # PIL raises many kinds for bytes that are not an image
        return True


def _name(record: ContactRecord, keep: _Keeper) -> tuple[str, str, bool]:
    """The family and given name of a record, with warnings; True when it has none."""
    family, given, source = _fallback_name(record)
    if source:
        keep.say(
            "No name: the {source} '{value}' was taken as the name",
            source=translate(keep.lang, source),
            value=family,
        )
    if not family and not keep.strict:
        keep.say(
            "No name and nothing to name the person by: imported as an unnamed person "
            "('{name}', extra field 'unnamed')",
            name=UNNAMED,
        )
        return UNNAMED, "", True
    return keep.limit(family, 100, "family name"), keep.limit(given, 100, "given name"), False


def _readings(record: ContactRecord, keep: _Keeper) -> tuple[str, str]:
    """The record's readings; one that is not kana is kept as an extra field instead."""
    readings = []
    for side, value in (("family", record.family_reading), ("given", record.given_reading)):
        value = value.strip()
        if value and not is_kana(value):
            keep.extra.append((NOT_KANA[side], value))
            keep.say(
                "The reading '{value}' is not in kana, so it is kept as '{name}'",
                value=value,
                name=translate(keep.lang, NOT_KANA[side]),
            )
            value = ""
        readings.append(keep.limit(value, 100, f"{side} name reading"))
    return readings[0], readings[1]


def prepare_record(
    record: ContactRecord, *, strict: bool = False, lang: str = "en"
) -> PreparedRecord:
    """Validate a record (names, e-mails, phones ...) and say what was kept and why.

    A value that is not valid (an e-mail address, a reading, a date, a photo, one too long)
    never loses the record: it is kept, as written, in an extra field, with a warning in
    ``lang``.  ``strict`` raises ValidationError for what imports refused before lenient
    imports: an e-mail that is not one, a value too long, a record without any name.
    """
    keep = _Keeper(strict, lang)
    family, given, unnamed = _name(record, keep)
    family_reading, given_reading = _readings(record, keep)
    columns = dict(_names(family, given, family_reading, given_reading))
    if record.reading_guessed and not is_kana(family + given):
        columns["reading_inferred"] = True  # our own export's guess stays a guess
    # Derived from the names, never longer than their columns.
    for column, size in (("family_reading", 100), ("given_reading", 100), ("romaji", 200)):
        columns[column] = columns[column][:size]
    nickname = keep.limit(record.nickname.strip(), 100, "nickname")
    if nickname:
        columns["nickname"] = nickname
    if record.notes.strip():
        columns["notes"] = record.notes.strip()
    if record.birthday is not None:
        columns["birthday"] = record.birthday
    prepared = PreparedRecord(columns, record.source, record.display_name(), record.photo or None)
    if unnamed:
        keep.extra.append((UNNAMED_FIELD, prepared.unnamed_at()))
    src = record.source
    keep.warnings += [_reader_warning(w, src.line if src else 0, lang) for w in record.warnings]
    _points(record, prepared, keep)
    if prepared.photo is not None and _photo_problem(prepared.photo):
        keep.extra.append(("PHOTO", base64.b64encode(prepared.photo).decode("ascii")))
        keep.say("The photo is not a picture that can be read, so its data is kept as 'PHOTO'")
        prepared.photo = None
    prepared.tags = list(
        dict.fromkeys(keep.limit(t.strip(), 60, "tag") for t in record.tags if t.strip())
    )
    prepared.company = keep.limit(record.organization.strip(), 200, "company")
    prepared.company_reading = keep.limit(
        record.organization_reading.strip(), 200, "company reading"
    )
    prepared.department = keep.limit(record.department.strip(), 200, "department")
    prepared.title = keep.limit(record.title.strip(), 200, "title")
    prepared.met_on = record.met_on
    if record.channel:
        try:
            prepared.channel = Channel(record.channel.strip().lower()).value
        except ValueError:
            prepared.channel = Channel.OTHER.value
    extra = [
        (name[:100], value) for name, values in record.extra.items() for value in values if value
    ]
    prepared.extra = extra + keep.extra
    prepared.warnings = keep.warnings
    match_ahead(prepared)
    return prepared


def _points(record: ContactRecord, prepared: PreparedRecord, keep: _Keeper) -> None:
    """The record's e-mails, phones, URLs and addresses, checked (bad ones kept as they are)."""
    many = len(record.emails) > 1
    for i, point in enumerate(record.emails):
        value = point.value.strip()
        if not value:
            continue
        try:
            normal = normalize_email(value, field=f"emails[{i}]" if many else "email")
        except ValidationError:
            if keep.strict:
                raise
            keep.extra.append((INVALID_EMAIL, point.value))
            keep.say(
                "The e-mail address '{value}' is not valid, so it is kept unchanged as '{name}'",
                value=point.value,
                name=translate(keep.lang, INVALID_EMAIL),
            )
            continue
        label = keep.limit(point.label, 40, "label")
        prepared.points.append(("email", keep.limit(value, 300, "e-mail"), label, normal))
    for point in record.phones:
        value = point.value.strip()
        if not value:
            continue
        try:
            normal = parse_phone(value)
        except ValidationError:
            normal = phone_digits(value)[:300]
            keep.say(
                "'{value}' does not look like a phone number; it is kept unchanged", value=value
            )
        label = keep.limit(point.label, 40, "label")
        prepared.points.append(("phone", keep.limit(value, 300, "phone"), label, normal))
    for point in record.urls:
        value = point.value.strip()
        if value:
            value = keep.limit(value, 300, "URL")
            prepared.points.append(("url", value, keep.limit(point.label, 40, "label"), value))
    for address in record.addresses:
        text = address_text(address)
        if text:
            text = keep.limit(text, 300, "address")
            label = keep.limit(address.label, 40, "label")
            prepared.points.append(("address", text, label, fold_text(text)))


def features_of_record(prepared: PreparedRecord, person_id: int = 0) -> Features:
    """What matching compares of a record (as if it were the person ``person_id``)."""
    cols = prepared.columns
    names = (cols["family_name"], cols["given_name"], cols["family_reading"], cols["given_reading"])
    return features(
        profile_of(
            person_id,
            names,
            inferred=bool(cols["reading_inferred"]),
            companies=[prepared.company],
            points=[(kind, value, normal) for kind, value, _, normal in prepared.points],
            birthday=cols.get("birthday"),
            nickname=str(cols.get("nickname") or ""),
        )
    )


def match_ahead(prepared: PreparedRecord) -> None:
    """Make what matching compares of a record ahead (in an import's helper process, while
    the writer writes): its features, with the sounds of its name and its fingerprint."""
    prepared.match = features_of_record(prepared)
    block_keys(prepared.match)

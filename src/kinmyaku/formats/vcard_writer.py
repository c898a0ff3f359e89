"""Write ContactRecords as vCard 4.0 (RFC 6350) with readings phones understand.

Readings go both into ``SORT-AS`` on N and ORG (the standard place) and into
``X-PHONETIC-FIRST-NAME`` / ``X-PHONETIC-LAST-NAME`` / ``X-PHONETIC-ORG``, which is what
the iPhone and Android contacts apps read. The photo is embedded as a ``data:`` URI.
Readings kinmyaku guessed are named in ``X-KINMYAKU-READING-GUESSED`` (an import keeps
them marked as guessed), and an ``FN`` a card came with that says more than its name
(the extra field ``FN``) is written back as the FN.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from typing import IO

from kinmyaku.formats.contentlines import escape_param, escape_text, fold
from kinmyaku.formats.labels import types_for_label
from kinmyaku.formats.names import join_name
from kinmyaku.formats.records import ContactPoint, ContactRecord
from kinmyaku.formats.vcard_mapping import (
    CHANNEL,
    FORMATTED_NAME,
    MET_ON,
    NAME_PARTS,
    READING_GUESSED,
)

PRODID = "-//kinmyaku//kinmyaku//JA"
_PROPERTY_NAME = re.compile(r"[A-Z0-9-]+")
_NEVER_EXTRA = {"BEGIN", "END", "VERSION", "PRODID", "FN"}


def _sort_as(*readings: str) -> str:
    parts = [" ".join(r.replace(",", " ").replace(";", " ").split()) for r in readings]
    if not any(parts):
        return ""
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    return f";SORT-AS={escape_param(','.join(parts))}"


def _points(name: str, points: list[ContactPoint], counter: list[int]) -> list[str]:
    lines = []
    for point in points:
        if not point.value:
            continue
        value = escape_text(point.value)
        types = types_for_label(point.label, name)
        if not point.label:
            lines.append(f"{name}:{value}")
        elif types is not None:
            lines.append(f"{name};TYPE={','.join(types)}:{value}")
        else:
            counter[0] += 1
            group = f"item{counter[0]}"
            lines.append(f"{group}.{name}:{value}")
            lines.append(f"{group}.X-ABLabel:{escape_text(point.label)}")
    return lines


def _formatted_name(record: ContactRecord) -> str:
    kept = [value for value in record.extra.get(FORMATTED_NAME, ()) if value.strip()]
    if kept:
        return kept[0]
    name = join_name(record.family_name, record.given_name)
    if name:
        return name
    if record.organization:
        return record.organization
    if record.nickname:
        return record.nickname
    return record.emails[0].value if record.emails else ""


def vcard_lines(record: ContactRecord) -> list[str]:
    """Return the unfolded content lines of one vCard 4.0 for ``record``."""
    r = record
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"PRODID:{PRODID}"]
    formatted = _formatted_name(r)
    lines.append(f"FN:{escape_text(formatted)}")
    others = [v for v in r.extra.get(FORMATTED_NAME, ()) if v.strip() and v != formatted]
    lines += [f"FN:{escape_text(value)}" for value in others]
    name_parts = [r.family_name, r.given_name, "", "", ""]
    for key, index in NAME_PARTS.items():
        name_parts[index] = ",".join(r.extra.get(key, []))
    n_value = ";".join(escape_text(part) for part in name_parts)
    lines.append(f"N{_sort_as(r.family_reading, r.given_reading)}:{n_value}")
    if r.family_reading:
        lines.append(f"X-PHONETIC-LAST-NAME:{escape_text(r.family_reading)}")
    if r.given_reading:
        lines.append(f"X-PHONETIC-FIRST-NAME:{escape_text(r.given_reading)}")
    if r.reading_guessed and (r.family_reading or r.given_reading):
        guess = f"{escape_text(r.family_reading)};{escape_text(r.given_reading)}"
        lines.append(f"{READING_GUESSED}:{guess}")
    if r.nickname:
        lines.append(f"NICKNAME:{escape_text(r.nickname)}")
    if r.organization or r.department:
        org = escape_text(r.organization)
        if r.department:
            org += f";{escape_text(r.department)}"
        lines.append(f"ORG{_sort_as(r.organization_reading)}:{org}")
    if r.organization_reading:
        lines.append(f"X-PHONETIC-ORG:{escape_text(r.organization_reading)}")
    if r.title:
        lines.append(f"TITLE:{escape_text(r.title)}")
    counter = [0]
    lines += _points("EMAIL", r.emails, counter)
    lines += _points("TEL", r.phones, counter)
    for address in r.addresses:
        parts = ["", "", address.street, address.locality, address.region]
        parts += [address.postal_code, address.country]
        value = ";".join(escape_text(p) for p in parts)
        types = types_for_label(address.label, "ADR")
        if address.label and types is None:
            counter[0] += 1
            lines.append(f"item{counter[0]}.ADR:{value}")
            lines.append(f"item{counter[0]}.X-ABLabel:{escape_text(address.label)}")
        else:
            type_param = f";TYPE={','.join(types)}" if types else ""
            lines.append(f"ADR{type_param}:{value}")
    lines += _points("URL", r.urls, counter)
    if r.birthday is not None:
        lines.append(f"BDAY:{r.birthday:%Y%m%d}")
    if r.notes:
        lines.append(f"NOTE:{escape_text(r.notes)}")
    if r.tags:
        lines.append("CATEGORIES:" + ",".join(escape_text(t) for t in r.tags if t))
    if r.photo:
        mime = r.photo_mime or "application/octet-stream"
        lines.append(f"PHOTO:data:{mime};base64,{base64.b64encode(r.photo).decode('ascii')}")
    if r.met_on is not None:
        lines.append(f"{MET_ON}:{r.met_on.isoformat()}")
    if r.channel:
        lines.append(f"{CHANNEL}:{escape_text(r.channel)}")
    for key, values in r.extra.items():
        name = key.upper()
        if name in NAME_PARTS or name in _NEVER_EXTRA or not _PROPERTY_NAME.fullmatch(name):
            continue
        lines += [f"{name}:{escape_text(value)}" for value in values]
    lines.append("END:VCARD")
    return lines


def vcard_bytes(record: ContactRecord) -> bytes:
    """Return one folded, CRLF-terminated vCard 4.0 for ``record`` as UTF-8 bytes."""
    return b"".join(fold(line) for line in vcard_lines(record))


def write_vcards(records: Iterable[ContactRecord], stream: IO[bytes]) -> int:
    """Write ``records`` to ``stream`` as one vCard 4.0 file; return how many were written."""
    count = 0
    for record in records:
        stream.write(vcard_bytes(record))
        count += 1
    return count

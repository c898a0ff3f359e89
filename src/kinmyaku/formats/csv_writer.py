"""Write CSV that Japanese Excel opens correctly and that cannot inject formulas.

Excel in Japan guesses Shift_JIS unless a UTF-8 file starts with a byte order mark, so
we write UTF-8 with BOM and CRLF line ends. A cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return would be run as a formula (CSV injection), so it gets a
leading single quote; the CSV reader removes that quote again on import.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import IO

from kinmyaku.formats.records import ContactRecord

# Quotes then a dangerous character: such a cell gets one more quote, so that
# unsafe_cell(safe_cell(text)) == text for every text.
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")
MULTI_SEPARATOR = " ::: "


def safe_cell(value: object) -> str:
    """Return ``value`` as CSV cell text, quoted against formula injection."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if _NEEDS_QUOTE.match(text) else text


def unsafe_cell(text: str) -> str:
    """Undo ``safe_cell``'s quote: ``'=1+1`` becomes ``=1+1``; other text is unchanged."""
    return text[1:] if _QUOTED.match(text) else text


def write_csv_rows(rows: Iterable[Sequence[object]], stream: IO[bytes]) -> int:
    """Write ``rows`` (the first is the header) as UTF-8-with-BOM, CRLF CSV; return row count."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        count = 0
        for row in rows:
            writer.writerow([safe_cell(value) for value in row])
            count += 1
        text.flush()
    finally:
        text.detach()
    return count


def _first_address(record: ContactRecord, part: str) -> str:
    return getattr(record.addresses[0], part) if record.addresses else ""


def _join(values: Iterable[str]) -> str:
    return MULTI_SEPARATOR.join(value for value in values if value)


Column = tuple[str, str, str, Callable[[ContactRecord], object]]
# (import mapping target, Japanese header, English header, value)
CONTACT_COLUMNS: tuple[Column, ...] = (
    ("family_name", "姓", "Family name", lambda r: r.family_name),
    ("given_name", "名", "Given name", lambda r: r.given_name),
    ("family_reading", "姓（よみ）", "Family name reading", lambda r: r.family_reading),
    ("given_reading", "名（よみ）", "Given name reading", lambda r: r.given_reading),
    ("nickname", "ニックネーム", "Nickname", lambda r: r.nickname),
    ("organization", "会社名", "Organization", lambda r: r.organization),
    (
        "organization_reading",
        "会社名（よみ）",
        "Organization reading",
        lambda r: r.organization_reading,
    ),
    ("department", "部署", "Department", lambda r: r.department),
    ("title", "役職", "Title", lambda r: r.title),
    ("email", "メール", "E-mail", lambda r: _join(p.value for p in r.emails)),
    ("phone", "電話", "Phone", lambda r: _join(p.value for p in r.phones)),
    ("url", "URL", "URL", lambda r: _join(p.value for p in r.urls)),
    ("postal_code", "郵便番号", "Postal code", lambda r: _first_address(r, "postal_code")),
    ("region", "都道府県", "Region", lambda r: _first_address(r, "region")),
    ("locality", "市区町村", "Locality", lambda r: _first_address(r, "locality")),
    ("street", "番地", "Street", lambda r: _first_address(r, "street")),
    ("country", "国", "Country", lambda r: _first_address(r, "country")),
    ("birthday", "誕生日", "Birthday", lambda r: r.birthday),
    ("met_on", "出会った日", "Met on", lambda r: r.met_on),
    ("channel", "経路", "Channel", lambda r: r.channel),
    ("tags", "タグ", "Tags", lambda r: ", ".join(r.tags)),
    ("notes", "メモ", "Notes", lambda r: r.notes),
)


def export_mapping(lang: str = "ja") -> dict[str, str]:
    """Return the column mapping that re-imports a file written by ``write_contacts_csv``."""
    return {_header(column, lang): column[0] for column in CONTACT_COLUMNS}


def _header(column: Column, lang: str) -> str:
    return column[1] if lang.startswith("ja") else column[2]


def write_contacts_csv(
    records: Iterable[ContactRecord], stream: IO[bytes], *, lang: str = "ja"
) -> int:
    """Write contacts as a spreadsheet-friendly CSV (headers in ``ja`` or ``en``).

    Several e-mails, phones or URLs share one cell, separated by `` ::: ``; only the
    first postal address is written. Returns the number of contacts written.
    """
    header = [_header(column, lang) for column in CONTACT_COLUMNS]
    rows = ([column[3](record) for column in CONTACT_COLUMNS] for record in records)
    return write_csv_rows(_with_header(header, rows), stream) - 1


def _with_header(header: list[str], rows: Iterable[list[object]]) -> Iterable[Sequence[object]]:
    yield header
    yield from rows

"""Dates as contact files write them: ISO, compact, Japanese slashes, LinkedIn, Outlook."""

from __future__ import annotations

import re
from datetime import date

_ISO = re.compile(r"(\d{4})-?(\d{1,2})-?(\d{1,2})(?:$|[T\s])")
_SLASH_YMD = re.compile(r"(\d{4})[/.年](\d{1,2})[/.月](\d{1,2})日?(?:$|\s)")
_SLASH_MDY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:$|\s)")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?,?[\s-]+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
# Outlook writes 0/0/00 (or 1/1/4501 in some versions) for "no date".
_OUTLOOK_EMPTY = {"0/0/00", "0/0/0000", "1/1/4501", "4501/1/1"}


def _make(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """Parse a contact-file date; return None when ``text`` is not a recognisable date.

    Accepted: ``2024-03-15``, ``20240315``, ``2024-03-15T00:00:00Z``, ``2024/3/15``,
    ``2024年3月15日``, ``15 Mar 2024``, ``Mar 15, 2024`` and Outlook's ``3/15/2024``
    (month first unless the first number cannot be a month).
    """
    text = text.strip()
    if not text:
        return None
    match = _ISO.match(text) or _SLASH_YMD.match(text)
    if match:
        return _make(*match.groups())
    match = _SLASH_MDY.match(text)
    if match:
        first, second, year = match.groups()
        if int(first) > 12:
            return _make(year, second, first)
        return _make(year, first, second)
    match = _DAY_MONTH_YEAR.match(text)
    if match:
        day, month_name, year = match.groups()
        month = _MONTHS.get(month_name.lower())
        return _make(year, str(month), day) if month else None
    match = _MONTH_DAY_YEAR.match(text)
    if match:
        month_name, day, year = match.groups()
        month = _MONTHS.get(month_name.lower())
        return _make(year, str(month), day) if month else None
    return None


def is_empty_date(text: str) -> bool:
    """Return True for blank cells and Outlook's placeholders for "no date"."""
    text = text.strip()
    return not text or text in _OUTLOOK_EMPTY

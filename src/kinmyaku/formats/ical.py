"""Write iCalendar (RFC 5545) files: all-day VEVENTs and VTODOs given as plain data.

Used for birthdays (a yearly VEVENT) and follow-up reminders (VTODO with a due date).
Lines are folded at 75 octets without splitting a UTF-8 character, and TEXT values are
escaped. The tests read the output back with vobject to check it.

No iCalendar library is a dependency of kinmyaku, and writing these two components is
a few dozen lines, so this is done by hand.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import IO

from kinmyaku.formats.contentlines import escape_text, fold

PRODID = "-//kinmyaku//kinmyaku//JA"
_RRULE = re.compile(r"[A-Z]+=[A-Z0-9,+\-]+(?:;[A-Z]+=[A-Z0-9,+\-]+)*")


@dataclass(frozen=True, slots=True)
class CalendarItem:
    """One all-day calendar entry: ``kind`` is ``event`` (VEVENT) or ``todo`` (VTODO)."""

    uid: str
    summary: str
    on: date
    kind: str = "event"
    description: str = ""
    rrule: str = ""
    url: str = ""


def yearly_rrule(day: date) -> str:
    """Return the RRULE repeating ``day`` every year (29 February falls on 28 February)."""
    if day.month == 2 and day.day == 29:
        return "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"
    return "FREQ=YEARLY"


def birthday_item(*, uid: str, summary: str, birthday: date, description: str = "") -> CalendarItem:
    """Return a yearly all-day event for a birthday."""
    return CalendarItem(
        uid=uid,
        summary=summary,
        on=birthday,
        description=description,
        rrule=yearly_rrule(birthday),
    )


def _item_lines(item: CalendarItem, stamp: str) -> list[str]:
    if item.kind not in ("event", "todo"):
        raise ValueError(f"calendar item kind must be 'event' or 'todo', not {item.kind!r}")
    if item.rrule and not _RRULE.fullmatch(item.rrule):
        raise ValueError(f"not an RRULE: {item.rrule!r}")
    component = "VEVENT" if item.kind == "event" else "VTODO"
    lines = [f"BEGIN:{component}", f"UID:{escape_text(item.uid)}", f"DTSTAMP:{stamp}"]
    start = f"{item.on:%Y%m%d}"
    if item.kind == "event":
        lines.append(f"DTSTART;VALUE=DATE:{start}")
        lines.append(f"DTEND;VALUE=DATE:{item.on + timedelta(days=1):%Y%m%d}")
        lines.append("TRANSP:TRANSPARENT")
    else:
        if item.rrule:
            lines.append(f"DTSTART;VALUE=DATE:{start}")
        lines.append(f"DUE;VALUE=DATE:{start}")
        lines.append("STATUS:NEEDS-ACTION")
    lines.append(f"SUMMARY:{escape_text(item.summary)}")
    if item.description:
        lines.append(f"DESCRIPTION:{escape_text(item.description)}")
    if item.url:
        lines.append(f"URL:{item.url.replace(chr(13), '').replace(chr(10), '')}")
    if item.rrule:
        lines.append(f"RRULE:{item.rrule}")
    lines.append(f"END:{component}")
    return lines


def _header(name: str) -> list[str]:
    return [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]


def _stamp(stamp: datetime | None) -> str:
    moment = (stamp or datetime.now(UTC)).astimezone(UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}"


def write_calendar(
    items: Iterable[CalendarItem],
    stream: IO[bytes],
    *,
    stamp: datetime | None = None,
    name: str = "kinmyaku",
) -> int:
    """Write ``items`` as an .ics file to ``stream``; return the number of items.

    ``stamp`` (default now) is every item's DTSTAMP; ``name`` becomes X-WR-CALNAME.
    """
    stamp_text = _stamp(stamp)
    stream.write(b"".join(fold(line) for line in _header(name)))
    count = 0
    for item in items:
        stream.write(b"".join(fold(line) for line in _item_lines(item, stamp_text)))
        count += 1
    stream.write(fold("END:VCALENDAR"))
    return count


def calendar_bytes(
    items: Iterable[CalendarItem], *, stamp: datetime | None = None, name: str = "kinmyaku"
) -> bytes:
    """Return a whole VCALENDAR holding ``items`` as bytes (see ``write_calendar``)."""
    buffer = io.BytesIO()
    write_calendar(items, buffer, stamp=stamp, name=name)
    return buffer.getvalue()

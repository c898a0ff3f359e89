"""Dates relative to today as people type them: today, tomorrow, +7, +2w, 3日後, 1週間後."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

_NAMED = {
    "today": 0,
    "今日": 0,
    "きょう": 0,
    "本日": 0,
    "tomorrow": 1,
    "明日": 1,
    "あした": 1,
    "yesterday": -1,
    "昨日": -1,
    "きのう": -1,
}
_UNIT_DAYS = {"": 1, "d": 1, "day": 1, "days": 1, "w": 7, "week": 7, "weeks": 7}
_PLUS = re.compile(r"^([+-])\s*(\d{1,4})\s*(d|days?|w|weeks?)?$")
_JA = re.compile(r"^(\d{1,4})\s*(日|週間)(後|前)$")


def relative_date(text: str, today: date) -> date | None:
    """The date ``text`` names relative to ``today``, or None when it names no relative date."""
    value = unicodedata.normalize("NFKC", text).strip().lower()
    if value in _NAMED:
        return today + timedelta(days=_NAMED[value])
    match = _PLUS.match(value)
    if match:
        sign, count, unit = match.groups()
        days = int(count) * _UNIT_DAYS[unit or ""]
        return today + timedelta(days=days if sign == "+" else -days)
    match = _JA.match(value)
    if match:
        count, unit, direction = match.groups()
        days = int(count) * (7 if unit == "週間" else 1)
        return today + timedelta(days=days if direction == "後" else -days)
    return None

"""Dates typed relative to today: today, tomorrow, +7, +2w, 3日後."""

from __future__ import annotations

from datetime import date

import pytest

from kinmyaku.domain.relative_dates import relative_date

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", date(2026, 12, 7)),
        ("今日", date(2026, 12, 7)),
        ("Tomorrow", date(2026, 12, 8)),
        ("明日", date(2026, 12, 8)),
        ("yesterday", date(2026, 12, 6)),
        ("+7", date(2026, 12, 14)),
        ("＋７", date(2026, 12, 14)),
        ("+14d", date(2026, 12, 21)),
        ("+2w", date(2026, 12, 21)),
        ("+1 week", date(2026, 12, 14)),
        ("-3", date(2026, 12, 4)),
        ("3日後", date(2026, 12, 10)),
        ("１週間後", date(2026, 12, 14)),
        ("2日前", date(2026, 12, 5)),
    ],
)
def test_relative_forms(text: str, expected: date) -> None:
    assert relative_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["2026-12-24", "7", "+", "+7x", "next friday", ""])
def test_other_text_is_not_a_relative_date(text: str) -> None:
    assert relative_date(text, TODAY) is None

"""iCalendar writer: VEVENT/VTODO, yearly birthdays, folding and escaping."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
import vobject
from hypothesis import given
from hypothesis import strategies as st

from kinmyaku.formats import CalendarItem, birthday_item, calendar_bytes, write_calendar
from kinmyaku.formats.ical import yearly_rrule

STAMP = datetime(2024, 3, 15, 9, 30, tzinfo=UTC)


def test_birthday_event_and_follow_up_todo() -> None:
    items = [
        birthday_item(uid="person-1-birthday@kinmyaku", summary="山田 太郎さんの誕生日",
                      birthday=date(1992, 7, 7)),
        CalendarItem(uid="todo-9@kinmyaku", summary="佐藤さんにお礼のメール", on=date(2024, 3, 20),
                     kind="todo", description="紹介のお礼; 資料, 添付\n来週まで"),
    ]  # fmt: skip
    data = calendar_bytes(items, stamp=STAMP)
    text = data.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    unfolded = text.replace("\r\n ", "")
    assert "DTSTART;VALUE=DATE:19920707\r\nDTEND;VALUE=DATE:19920708\r\n" in unfolded
    assert "RRULE:FREQ=YEARLY\r\n" in unfolded
    assert "DTSTAMP:20240315T093000Z\r\n" in unfolded
    assert "DUE;VALUE=DATE:20240320\r\n" in unfolded
    assert "DESCRIPTION:紹介のお礼\\; 資料\\, 添付\\n来週まで\r\n" in unfolded

    calendar = vobject.readOne(text)
    event = calendar.vevent
    assert event.summary.value == "山田 太郎さんの誕生日"
    assert event.dtstart.value == date(1992, 7, 7)
    assert event.rruleset[2] == datetime(1994, 7, 7)  # recurs every year
    todo = calendar.vtodo
    assert todo.description.value == "紹介のお礼; 資料, 添付\n来週まで"
    assert todo.due.value == date(2024, 3, 20)


def test_leap_day_birthday_recurs_every_year() -> None:
    assert yearly_rrule(date(2000, 2, 29)) == "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"
    item = birthday_item(uid="u", summary="s", birthday=date(2000, 2, 29))
    event = vobject.readOne(calendar_bytes([item], stamp=STAMP).decode()).vevent
    assert list(event.rruleset)[1:3] == [datetime(2001, 2, 28), datetime(2002, 2, 28)]


def test_folding_at_75_octets() -> None:
    item = CalendarItem(
        uid="x", summary="金脈" * 100, on=date(2024, 1, 1), url="https://a.example/" + "b" * 200
    )
    data = calendar_bytes([item], stamp=STAMP)
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")
    assert vobject.readOne(data.decode()).vevent.summary.value == "金脈" * 100


def test_bad_items_are_refused() -> None:
    with pytest.raises(ValueError):
        calendar_bytes([CalendarItem(uid="x", summary="s", on=date(2024, 1, 1), kind="journal")])
    with pytest.raises(ValueError):
        calendar_bytes(
            [CalendarItem(uid="x", summary="s", on=date(2024, 1, 1), rrule="FREQ=YEARLY\r\nX:1")]
        )


def test_write_calendar_streams() -> None:
    out = io.BytesIO()
    items = (CalendarItem(uid=f"u{i}", summary=f"s{i}", on=date(2024, 1, i + 1)) for i in range(3))
    assert write_calendar(items, out, stamp=STAMP, name="人脈") == 3
    calendar = vobject.readOne(out.getvalue().decode())
    assert [e.uid.value for e in calendar.vevent_list] == ["u0", "u1", "u2"]


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=200))
def test_any_summary_survives(summary: str) -> None:
    item = CalendarItem(uid="u", summary=summary, on=date(2024, 1, 1), description=summary)
    data = calendar_bytes([item], stamp=STAMP)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    event = vobject.readOne(data.decode()).vevent
    assert event.summary.value == summary

"""Search by memory on the web: each result says where and when we met, the cue, and the
field a word was found in; the API's JSON carries the same."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient

from kinmyaku.bootstrap import App
from kinmyaku.services import events, relations
from kinmyaku.services.people import PersonInput, add_person

HX = {"HX-Request": "true"}


def _rows(html: str) -> list[str]:
    """The text of each result row, tags removed, spaces collapsed."""
    rows = re.findall(r'<a href="/people/\d+" class="person-row">(.*?)</a>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def _two_takahashi(core: App) -> tuple[int, int]:
    kenta = add_person(
        core.uow(),
        PersonInput(
            family_name="高橋", given_name="健太", company="株式会社みらい", title="営業部長"
        ),
    )
    shota = add_person(
        core.uow(),
        PersonInput(
            family_name="高橋", given_name="翔太", notes="娘さんが来春に大学受験。釣りが趣味"
        ),
    )
    party = events.add_event(core.uow(), name="異業種交流会", on=date(2026, 11, 20))
    relations.record_encounter(
        core.uow(), person_id=kenta, on=date(2026, 11, 20), event_id=party, memory_cue="赤いメガネ"
    )
    relations.record_encounter(
        core.uow(), person_id=shota, on=date(2026, 12, 2), place="渋谷", memory_cue="青いシャツ"
    )
    return kenta, shota


def test_results_tell_the_same_names_apart(client: TestClient, core: App) -> None:
    _two_takahashi(core)
    rows = _rows(client.get("/people", params={"q": "高橋"}, headers=HX).text)
    assert len(rows) == 2
    assert any(
        "2026年11月20日に異業種交流会で出会った「赤いメガネ」" in r.replace(" ", "") for r in rows
    )
    assert any("2026年12月2日に渋谷で出会った「青いシャツ」" in r.replace(" ", "") for r in rows)


def test_a_cue_a_title_and_a_note_find_the_person_and_say_where(
    client: TestClient, core: App
) -> None:
    _two_takahashi(core)
    cue = _rows(client.get("/people", params={"q": "メガネ"}, headers=HX).text)
    assert len(cue) == 1 and "高橋 健太" in cue[0] and "赤いメガネ" in cue[0]
    note = _rows(client.get("/people", params={"q": "釣り"}, headers=HX).text)
    assert len(note) == 1 and "高橋 翔太" in note[0]
    assert "メモ: 娘さんが来春に大学受験。釣りが趣味" in note[0]
    title = _rows(client.get("/people", params={"q": "部長"}, headers=HX).text)
    assert len(title) == 1 and "高橋 健太" in title[0]
    assert "役職:" not in title[0]  # the title is on the row already
    kunrei = _rows(client.get("/people", params={"q": "takahasi"}, headers=HX).text)
    assert len(kunrei) == 2


def test_english_results_read_in_english(client: TestClient, core: App) -> None:
    _two_takahashi(core)
    page = client.get("/people", params={"q": "釣り"}, headers={**HX, "Accept-Language": "en"}).text
    row = _rows(page)[0]
    assert "Met at 渋谷 on Dec 2, 2026 “青いシャツ”" in row
    assert "Notes: 娘さんが来春に大学受験。釣りが趣味" in row


def test_the_api_carries_the_hint(api: TestClient, core: App) -> None:
    kenta, shota = _two_takahashi(core)
    found = api.get("/api/search", params={"q": "釣り"}).json()
    assert [p["id"] for p in found] == [shota]
    assert found[0]["hint"] == {
        "met_on": "2026-12-02",
        "met_at": "渋谷",
        "cue": "青いシャツ",
        "field": "notes",
        "excerpt": "娘さんが来春に大学受験。釣りが趣味",
    }
    listed = api.get("/api/people", params={"q": "メガネ"}).json()["people"]
    assert [p["id"] for p in listed] == [kenta]
    assert listed[0]["hint"]["field"] == "cue"
    assert api.get("/api/people").json()["people"][0]["hint"] is None

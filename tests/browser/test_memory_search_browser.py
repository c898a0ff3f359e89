"""Real Chromium: search by what you remember, at 1280 px and 375 px.

Typing a cue (メガネ) finds the person met with red glasses among five 高橋; each result says
where and when we met and the cue, so the 高橋 can be told apart; a word of a note is shown
with the note; Kunrei romaji (takahasi) finds the Hepburn names.  Screenshots for the docs:
search-cue.png and search-cue-phone.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from browser_pages import fits, save_for_docs, serve
from playwright.sync_api import expect

from kinmyaku.bootstrap import App, open_app
from kinmyaku.config import Settings
from kinmyaku.services import events, relations
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.web.app import create_app

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
TODAY = date(2026, 12, 7)

TAKAHASHI = (
    # given, reading, company, title, where (event or place), date, cue, notes
    ("健太", "けんた", "株式会社サンプル", "営業部長", "FinTech読書会", date(2026, 11, 20),
     "赤いメガネ、釣りの話", ""),
    ("翔太", "しょうた", "さくら銀行", "課長", "渋谷", date(2026, 10, 2), "青いシャツ、早口", ""),
    ("美咲", "みさき", "ひかりコンサル", "マネージャー", "異業種交流会", date(2026, 9, 14),
     "関西弁で話す", "週末は釣りに行くらしい。次回は船釣りの話を聞く"),
    ("大輔", "だいすけ", "東西商事", "主任", "異業種交流会", date(2026, 9, 14), "背が高い", ""),
    ("愛", "あい", "東京大学", "研究員", "京都", date(2026, 6, 1), "猫を3匹飼っている", ""),
)  # fmt: skip


def _seed(core: App) -> dict[str, int]:
    uow = core.uow
    ids: dict[str, int] = {}
    made: dict[str, int] = {}
    for given, reading, company, title, where, on, cue, notes in TAKAHASHI:
        pid = add_person(
            uow(),
            PersonInput(family_name="高橋", given_name=given, family_reading="たかはし",
                        given_reading=reading, company=company, title=title, notes=notes),
        )  # fmt: skip
        ids[given] = pid
        if "会" in where:
            if where not in made:
                made[where] = events.add_event(uow(), name=where, on=on)
            relations.record_encounter(
                uow(), person_id=pid, on=on, event_id=made[where], memory_cue=cue
            )
        else:
            relations.record_encounter(uow(), person_id=pid, on=on, place=where, memory_cue=cue)
    return ids


@pytest.fixture(scope="module")
def memory_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    """A server whose five 高橋 were met at different places, each with a cue."""
    path: Path = tmp_path_factory.mktemp("memory") / "kinmyaku.sqlite3"
    core = open_app(
        Settings(database_url=f"sqlite:///{path}", language="ja", today=TODAY.isoformat())
    )
    ids = _seed(core)
    with serve(create_app(core)) as base:
        yield base, ids
    core.close()


def _search(page: Any, base: str, words: str) -> Any:
    page.goto(base + "/people")
    page.locator("#q").fill(words)
    expect(page).to_have_url(re.compile(r"[?&]q="))  # htmx swapped the results in
    return page.locator("#results .person-row")


def test_a_cue_finds_the_person_and_says_where_on_a_desk(
    memory_server: tuple[str, dict[str, int]], page_factory: Any
) -> None:
    base, _ids = memory_server
    page = page_factory(DESKTOP)
    rows = _search(page, base, "メガネ")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("高橋 健太")
    expect(rows.first).to_contain_text("2026年11月20日にFinTech読書会で出会った")
    expect(rows.first).to_contain_text("「赤いメガネ、釣りの話」")
    assert fits(page)
    # 釣り is in 健太's cue and in 美咲's notes: the note is shown with its field.
    rows = _search(page, base, "釣り")
    expect(rows).to_have_count(2)
    misaki = rows.filter(has_text="高橋 美咲")
    expect(misaki).to_contain_text("メモ: 週末は釣りに行くらしい。次回は船釣りの話を聞く")
    expect(misaki).to_contain_text("2026年9月14日に異業種交流会で出会った")
    # Five 高橋, told apart by where and when we met.
    rows = _search(page, base, "takahasi")
    expect(rows).to_have_count(5)
    expect(rows.filter(has_text="2026年10月2日に渋谷で出会った")).to_have_count(1)
    rows = _search(page, base, "釣り")
    expect(rows.filter(has_text="メモ:")).to_have_count(1)
    assert fits(page)
    save_for_docs(page, "search-cue")


def test_a_cue_on_a_phone(memory_server: tuple[str, dict[str, int]], page_factory: Any) -> None:
    base, _ids = memory_server
    page = page_factory(PHONE)
    rows = _search(page, base, "高橋")
    expect(rows).to_have_count(5)
    expect(rows.filter(has_text="「猫を3匹飼っている」")).to_have_count(1)
    assert fits(page)
    rows = _search(page, base, "赤い")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("「赤いメガネ、釣りの話」")
    box = rows.first.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    assert fits(page)
    _search(page, base, "高橋")
    expect(page.locator("#results .person-row")).to_have_count(5)
    expect(page.locator("#results .memory")).to_have_count(5)
    save_for_docs(page, "search-cue-phone")

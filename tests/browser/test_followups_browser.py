"""Today in Chromium at 1280 px and 375 px: the to-do order, acting on rows without a reload."""

from __future__ import annotations

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

PHONE = {"width": 375, "height": 812}
TODAY = date(2024, 3, 15)
pytestmark = pytest.mark.browser


def seed(core: App) -> None:
    """People met at today's event, an overdue lunch follow-up, a request, a cadence."""
    uow = core.uow
    event = events.add_event(uow(), name="渋谷 異業種交流会", on=TODAY)
    ids = {}
    for family, given, company in (
        ("高橋", "健太", "株式会社みらい"),
        ("髙橋", "美咲", "さくら銀行"),
        ("佐藤", "翔", "東西商事"),
        ("田中", "大輔", "株式会社あおぞら"),
        ("伊藤", "愛", "東京大学"),
    ):
        person = PersonInput(family_name=family, given_name=given, company=company)
        ids[family + given] = add_person(uow(), person)
    for name in ("高橋健太", "髙橋美咲", "佐藤翔"):
        relations.record_encounter(
            uow(), person_id=ids[name], on=TODAY, event_id=event, memory_cue="名刺交換"
        )
    relations.log_interaction(
        uow(), person_ids=[ids["高橋健太"]], on=date(2024, 3, 10), kind="meal",
        summary="ランチで転職の相談", follow_up_on=date(2024, 3, 14),
    )  # fmt: skip
    relations.open_request(
        uow(), person_id=ids["田中大輔"], side="theirs", what="エンジニアの紹介",
        asked_on=date(2024, 3, 8), due_on=date(2024, 3, 18),
    )  # fmt: skip
    relations.set_purpose(
        uow(), person_id=ids["伊藤愛"], category="mentor", goal="研究の話を聞く", cadence_days=30
    )


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[str]:
    """A server of its own (the tests change what is due)."""
    core = open_app(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'k.sqlite3'}",
            language="ja",
            today=TODAY.isoformat(),
        )
    )
    seed(core)
    with serve(create_app(core)) as base:
        yield base
    core.close()


def _marker(page: Any) -> None:
    """Mark the document: a full reload would lose the mark."""
    page.evaluate("document.body.dataset.kept = 'yes'")


def test_today_on_a_desktop_done_and_snooze_in_place(fresh: str, page_factory: Any) -> None:
    base = fresh
    page = page_factory()
    page.goto(base + "/")
    main = page.locator("main")
    order = [main.locator(s).bounding_box()["y"] for s in ("#today-q", "#h-met", "#h-overdue")]
    assert order == sorted(order)
    assert page.locator("#n-overdue").inner_text() == "2"  # 高橋's lunch, 伊藤's cadence
    assert page.locator("#n-week").inner_text() != "0"
    assert "期限切れ" in main.inner_text() and "今週期限" in main.inner_text()
    assert fits(page)
    save_for_docs(page, "today")
    _marker(page)
    lunch = page.locator("#h-overdue").locator("xpath=..").locator("li", has_text="ランチ")
    lunch.get_by_role("button", name="完了").click()
    expect(page.locator("#n-overdue")).to_have_text("1")
    expect(page.locator(".fu-note").first).to_contain_text("完了にしました")
    request = page.locator("li.fu-row", has_text="エンジニアの紹介")
    request.get_by_role("button", name="来週へ").click()
    expect(page.locator("li.fu-note", has_text="延期しました")).to_contain_text("2024年3月22日")
    assert page.evaluate("document.body.dataset.kept") == "yes"  # no reload
    page.reload()
    assert "ランチで転職の相談" not in page.locator("#h-overdue").locator("xpath=..").inner_text()


def test_today_on_a_phone_pick_a_date(fresh: str, page_factory: Any) -> None:
    base = fresh
    page = page_factory(PHONE, is_mobile=True, has_touch=True)
    page.goto(base + "/")
    assert fits(page)
    met = page.locator("#h-met").bounding_box()
    assert met is not None and met["y"] < 400  # the people just met, near the top
    assert page.locator("#h-met").locator("xpath=..").get_by_text("高橋 健太").count() >= 1
    save_for_docs(page, "today-phone")
    _marker(page)
    row = page.locator("li.fu-row", has_text="研究の話を聞く")
    row.locator("summary").click()
    row.locator("input[type=date]").fill("2024-04-01")
    row.get_by_role("button", name="日程を変更").click()
    expect(page.locator("li.fu-note", has_text="2024年4月1日")).to_be_visible()
    expect(page.locator("#n-overdue")).to_have_text("1")
    assert page.evaluate("document.body.dataset.kept") == "yes"
    assert fits(page)

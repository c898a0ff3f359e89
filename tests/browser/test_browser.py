"""Real Chromium against a real server: quick add on a phone, search as you type, logging a
touch and a give/take entry in place, switching language; screenshots for the docs."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
Shot = Callable[[Any, str], Path]


# A form with bad input is answered 422 on purpose; the browser logs that status.
EXPECTED_CONSOLE = ("status of 422",)


def no_horizontal_scroll(page: Any) -> bool:
    """True when the page fits the viewport's width."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_quick_add_on_a_phone(
    server: tuple[str, dict[str, int]], page_factory: Any, photo_file: Path, screenshot: Shot
) -> None:
    base, _ids = server
    page = page_factory(PHONE, is_mobile=True, has_touch=True)
    page.goto(base + "/people/new")
    assert no_horizontal_scroll(page)
    selected = page.locator("#f-event option:checked").inner_text()
    assert "渋谷 異業種交流会" in selected  # today's event is pre-selected
    started = time.monotonic()
    page.fill("#f-family_name", "山口")
    page.fill("#f-given_name", "拓也")
    page.fill("#f-family_reading", "やまぐち")
    page.fill("#f-given_reading", "たくや")
    page.fill("#f-company", "株式会社ソラ")
    page.fill("#f-title", "デザイナー")
    page.fill("#f-memory_cue", "赤い眼鏡、福岡出身")
    page.set_input_files("#f-photo", str(photo_file))
    page.wait_for_selector("#photo-preview:not([hidden])")
    screenshot(page, "quick-add-phone")
    page.click("button.primary.big")
    page.wait_for_selector(".notice")
    assert time.monotonic() - started < 30
    assert "山口 拓也さんを追加しました" in page.inner_text(".notice")
    page.click(".notice a")
    page.wait_for_selector("#h-name")
    assert page.inner_text("#h-name") == "山口 拓也"
    assert "渋谷 異業種交流会" in page.inner_text("#sec-met")
    assert "赤い眼鏡、福岡出身" in page.inner_text("#sec-met")
    assert page.locator("#sec-profile img.avatar").count() == 1
    assert no_horizontal_scroll(page)
    screenshot(page, "person-phone")


def test_search_as_you_type(
    server: tuple[str, dict[str, int]], page_factory: Any, screenshot: Shot
) -> None:
    base, _ids = server
    page = page_factory()
    page.goto(base + "/people")
    assert page.evaluate("typeof window.htmx") == "object"
    page.evaluate("window.__same_page = true")
    page.locator("#q").press_sequentially("たかは", delay=80)
    expect(page.locator("#results .name")).to_have_count(2, timeout=5000)
    names = page.locator("#results .name").all_inner_texts()
    assert sorted(names) == sorted(["髙橋 美咲", "高橋 健太"])  # 髙 is found by its reading
    assert page.evaluate("window.__same_page") is True  # a partial swap, not a reload
    assert re.search(r"[?&]q=", page.url)
    screenshot(page, "people-search")
    page.locator("#q").fill("")
    page.locator("#q").press_sequentially("Sato", delay=60)
    expect(page.locator("#results .name")).to_have_count(1)
    assert page.locator("#results .name").inner_text() == "佐藤 翔"


def test_filters_load_when_opened_and_narrow_the_search(
    server: tuple[str, dict[str, int]], page_factory: Any
) -> None:
    base, _ids = server
    page = page_factory()
    page.goto(base + "/people?q=" + "高橋")
    expect(page.locator("#results .name")).to_have_count(2)
    assert page.locator("#f-industry").count() == 0  # not rendered until opened
    page.evaluate("window.__same_page = true")
    page.get_by_text("絞り込みと並び順").click()
    expect(page.locator("#f-industry")).to_be_visible(timeout=5000)
    page.locator("#f-industry").select_option("it")
    expect(page.locator("#results .name")).to_have_count(1, timeout=5000)
    assert page.locator("#results .name").inner_text() == "高橋 健太"
    assert "industry=it" in page.url
    assert page.evaluate("window.__same_page") is True
    page.reload()  # the filter is in the address: the page opens with it shown
    expect(page.locator("#f-industry")).to_have_value("it")
    expect(page.locator("#results .name")).to_have_count(1)


def test_log_an_interaction_and_a_give_in_place(
    server: tuple[str, dict[str, int]], page_factory: Any, screenshot: Shot
) -> None:
    base, ids = server
    page = page_factory()
    page.goto(f"{base}/people/{ids['高橋健太']}")
    assert page.evaluate("typeof window.htmx") == "object"
    page.evaluate("window.__same_page = true")
    timeline = page.locator("#sec-timeline")
    timeline.locator("summary").click()
    timeline.locator("#f-log-summary").fill("カフェで新規事業の壁打ち")
    timeline.locator("select[name=kind]").select_option("meeting")
    timeline.locator("button.primary").click()
    expect(page.locator("#sec-timeline")).to_contain_text("新規事業の壁打ち")
    ledger = page.locator("#sec-ledger")
    ledger.locator("summary").click()
    ledger.locator("input[value=received]").check()
    ledger.locator("select[name=kind]").select_option("referral")
    ledger.locator("select[name=weight]").select_option("3")
    ledger.locator("#f-gt-note").fill("顧客を紹介してもらった")
    ledger.locator("button.primary").click()
    expect(page.locator("#sec-ledger")).to_contain_text("顧客を紹介してもらった")
    balance = page.locator("#sec-ledger .balance").inner_text()
    assert "ギブ 2" in balance.replace("\n", " ") and "テイク 3" in balance.replace("\n", " ")
    assert page.evaluate("window.__same_page") is True  # both were swapped in place
    screenshot(page, "person")


def test_bad_input_shows_a_message_in_place(
    server: tuple[str, dict[str, int]], page_factory: Any
) -> None:
    base, ids = server
    page = page_factory()
    page.goto(f"{base}/people/{ids['佐藤翔']}")
    assert page.evaluate("typeof window.htmx") == "object"
    timeline = page.locator("#sec-timeline")
    timeline.locator("summary").click()
    timeline.locator("#f-log-follow_up_on").fill("2024-01-01")
    timeline.locator("button.primary").click()
    page.wait_for_selector("#sec-timeline #e-log-follow_up_on")
    assert page.locator("#sec-timeline #f-log-follow_up_on").get_attribute("aria-invalid") == "true"


def test_switch_language(
    server: tuple[str, dict[str, int]], page_factory: Any, screenshot: Shot
) -> None:
    base, ids = server
    page = page_factory()
    page.goto(base + "/")
    assert page.get_attribute("html", "lang") == "ja"
    assert "期限が近いフォローアップ" in page.inner_text("main")
    screenshot(page, "home")
    page.click("footer button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert "Follow-ups due" in page.inner_text("main")
    assert "Mar 15, 2024" in page.inner_text("main")
    page.goto(f"{base}/events/{ids['event']}")
    assert page.get_attribute("html", "lang") == "en"  # remembered
    page.click("footer button[value=ja]")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    assert "2024年3月15日" in page.inner_text("main")
    screenshot(page, "event")


def test_keyboard_reaches_the_search(server: tuple[str, dict[str, int]], page_factory: Any) -> None:
    base, _ids = server
    page = page_factory()
    page.goto(base + "/people")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Escape")
    page.locator("main h1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"

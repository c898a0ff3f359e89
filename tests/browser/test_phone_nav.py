"""Navigation on a phone (375 px): a tab bar at the bottom (Today, People, ＋, Review) and a
"More" menu for the other sections, no page scrolling sideways, nothing hidden under the bar;
on a desk, one top bar that fits.  Also the requests page's two lists, and the people search
that keeps keyboard focus when it is left."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_pages import fits, save_for_docs
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESK = {"width": 1280, "height": 900}
PAGES = (
    "/",
    "/people",
    "/people/{person}",
    "/people/new",
    "/events",
    "/events/{event}",
    "/requests",
    "/review",
    "/review/drill",
    "/review/followups",
    "/network",
    "/import",
    "/duplicates",
    "/settings",
    "/login",
)
MORE = ("/events", "/requests", "/network", "/import", "/duplicates", "/settings")


@pytest.fixture(scope="module")
def asked(server: tuple[str, dict[str, int]], browser: Any) -> None:
    """Two requests I made of others (one overdue), added through the JSON API."""
    base, ids = server
    context = browser.new_context()
    try:
        api = context.request
        headers = {"X-CSRF-Token": api.get(base + "/api/session").json()["csrf_token"]}
        for body in (
            {"person_id": ids["伊藤愛"], "side": "mine", "what": "研究室の見学",
             "asked_on": "2024-03-01", "due_on": "2024-03-12"},
            {"person_id": ids["佐藤翔"], "side": "mine", "what": "展示会の招待状",
             "asked_on": "2024-03-14"},
        ):  # fmt: skip
            answer = api.post(base + "/api/requests", data=body, headers=headers)
            assert answer.ok, answer.text()
    finally:
        context.close()


@pytest.fixture(scope="module")
def phone(browser: Any) -> Iterator[Any]:
    """One Japanese phone page, reused."""
    context = browser.new_context(viewport=PHONE, locale="ja-JP", is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def urls(server: tuple[str, dict[str, int]]) -> list[str]:
    """Every page's address on the test server."""
    base, ids = server
    return [base + p.format(person=ids["高橋健太"], event=ids["event"]) for p in PAGES]


def test_every_page_fits_a_phone_above_the_tab_bar(
    server: tuple[str, dict[str, int]], phone: Any
) -> None:
    for url in urls(server):
        assert phone.goto(url).status == 200, url
        assert fits(phone), f"{url} scrolls sideways"
        bar = phone.locator("nav.tabbar")
        expect(bar).to_be_visible()
        expect(phone.locator("nav.desk-nav")).to_be_hidden()
        # the body keeps the tab bar's height free, so the last line of a page can be read
        room = phone.evaluate("parseFloat(getComputedStyle(document.body).paddingBottom)")
        height = bar.bounding_box()["height"]
        assert room >= height - 1, (url, room, height)
        variable = phone.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--tabbar-height')"
        )
        assert variable.strip(), "--tabbar-height is what sticky bottom bars stand on"
        phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        foot = phone.locator("footer.foot").bounding_box()
        top_of_bar = bar.bounding_box()["y"]
        assert foot["y"] + foot["height"] <= top_of_bar + 1, f"{url}: the footer is under the bar"


def test_tab_bar_and_more_menu(server: tuple[str, dict[str, int]], phone: Any) -> None:
    base, _ids = server
    phone.goto(base + "/")
    tabs = phone.locator("nav.tabbar a.tab")
    assert tabs.all_inner_texts() == ["今日", "人脈", "追加", "振り返り"]
    expect(phone.locator("nav.tabbar a.tab[aria-current=page]")).to_have_text("今日")
    phone.locator("nav.tabbar a.tab", has_text="人脈").click()
    expect(phone).to_have_url(base + "/people")
    expect(phone.locator("nav.tabbar a.tab[aria-current=page]")).to_have_text("人脈")
    phone.locator("nav.tabbar a.tab", has_text="追加").click()
    expect(phone).to_have_url(base + "/people/new")
    # More: the other six sections, in a menu that opens above the bar
    menu = phone.locator("details.more-menu")
    links = menu.locator("ul a")
    expect(links.first).to_be_hidden()
    menu.locator("summary").click()
    expect(links).to_have_count(len(MORE))
    assert [links.nth(i).get_attribute("href") for i in range(len(MORE))] == list(MORE)
    for i in range(len(MORE)):
        box = links.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["y"] >= 0 and box["height"] >= 44  # a finger's target
    phone.keyboard.press("Escape")
    expect(links.first).to_be_hidden()
    menu.locator("summary").click()
    menu.locator("ul a", has_text="依頼").click()
    expect(phone).to_have_url(base + "/requests")
    expect(phone.locator("details.more-menu > summary.current")).to_have_count(1)
    menu.locator("summary").click()
    expect(menu.locator("ul a[aria-current=page]")).to_have_text("依頼")
    phone.mouse.click(180, 200)  # a tap elsewhere closes it
    expect(links.first).to_be_hidden()
    menu.locator("summary").click()
    phone.screenshot(path=str(save_for_docs(phone, "nav-phone")))  # the screen, bar and menu


@pytest.mark.parametrize("locale", ["ja-JP", "en-US"])
@pytest.mark.parametrize("width", [1280, 768])
def test_desk_top_bar_fits(
    server: tuple[str, dict[str, int]], browser: Any, locale: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800}, locale=locale)
    try:
        page = context.new_page()
        page.goto(server[0] + "/review")
        expect(page.locator("nav.tabbar")).to_be_hidden()
        links = page.locator("nav.desk-nav a")
        expect(links).to_have_count(9)
        for i in range(9):
            expect(links.nth(i)).to_be_visible()
        current = page.locator("nav.desk-nav a[aria-current=page]")
        expect(current).to_have_attribute("href", "/review")
        assert fits(page)
        padding = page.evaluate("parseFloat(getComputedStyle(document.body).paddingBottom)")
        assert padding == 0
    finally:
        context.close()


def test_requests_in_two_lists(
    server: tuple[str, dict[str, int]], browser: Any, asked: None
) -> None:
    base, _ids = server
    context = browser.new_context(viewport=DESK, locale="ja-JP")
    try:
        page = context.new_page()
        page.goto(base + "/requests")
        owe = page.locator("section", has=page.locator("h2#req-theirs"))
        waiting = page.locator("section", has=page.locator("h2#req-mine"))
        expect(owe.locator("h2")).to_have_text("自分がやること 1件")
        expect(owe.locator("li")).to_have_count(1)
        expect(owe.locator("li")).to_contain_text("エンジニアの紹介")
        expect(owe.locator("li")).to_contain_text("田中 大輔さんから")
        expect(owe.locator("li")).to_contain_text("期限 2024年3月18日")
        expect(waiting.locator("h2")).to_have_text("お願いしたこと 2件")
        expect(waiting.locator("li").first).to_contain_text("伊藤 愛さんへ")
        expect(waiting.locator("li").first).to_contain_text("期限切れ")  # due Mar 12, today Mar 15
        assert "2024-" not in page.inner_text("main")
        save_for_docs(page, "requests")
        # Done in place: the row stays where it is, its state changed
        row = waiting.locator("li").first
        row.locator("select").select_option("done")
        expect(row.locator("select")).to_have_value("done")
        expect(row).not_to_contain_text("期限切れ")
    finally:
        context.close()


def test_leaving_the_search_box_neither_searches_again_nor_drops_focus(
    server: tuple[str, dict[str, int]], browser: Any
) -> None:
    context = browser.new_context(viewport=DESK, locale="ja-JP")
    try:
        page = context.new_page()
        page.goto(server[0] + "/people")
        searches: list[str] = []
        page.on("request", lambda r: searches.append(r.url) if "/people?" in r.url else None)
        page.fill("#q", "たかはし")
        expect(page.locator("#results .name")).to_have_count(2, timeout=5000)
        page.wait_for_timeout(400)
        sent = len(searches)
        page.focus("#q")
        page.keyboard.press("Tab")  # leave the box: focus moves on, towards the results
        page.wait_for_timeout(600)
        assert len(searches) == sent, searches
        assert page.evaluate("document.activeElement.id") != "q"
        assert page.evaluate("document.activeElement !== document.body")
        # a filter still searches at once
        page.locator("details.filters > summary").click()
        page.select_option("#f-sort", "recent")
        page.wait_for_timeout(600)
        assert len(searches) > sent
    finally:
        context.close()

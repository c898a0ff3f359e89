"""Real Chromium: the duplicates page on a desk and a phone (merge a pair, undo it), and the
quick-add warning when the mobile typed belongs to someone already stored ("add anyway").
Screenshots for the docs go to docs/screenshots/."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_pages import fits, save_for_docs
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
MOBILE = "090-1234-5678"


@pytest.fixture(scope="module")
def pairs(server: tuple[str, dict[str, int]], browser: Any) -> dict[str, int]:
    """Two likely duplicates added through the JSON API: 高橋 健太 = Kenta Takahashi (one
    mobile) and 佐藤 翔 twice (one e-mail)."""
    base, ids = server
    context = browser.new_context()
    request = context.request
    token = request.get(base + "/api/session").json()["csrf_token"]
    headers = {"X-CSRF-Token": token}

    def call(method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = request.fetch(base + path, method=method, data=body, headers=headers)
        assert answer.ok, answer.text()
        return dict(answer.json())

    call("PATCH", f"/api/people/{ids['高橋健太']}", {"phones": [MOBILE]})
    kenta = call(
        "POST",
        "/api/people",
        {"family_name": "Takahashi", "given_name": "Kenta", "company": "Mirai Inc.",
         "phones": ["+81 90 1234 5678"], "emails": ["kenta.takahashi@mirai.example"]},
    )  # fmt: skip
    call("PATCH", f"/api/people/{ids['佐藤翔']}", {"emails": ["sho.sato@example.jp"]})
    sho = call(
        "POST",
        "/api/people",
        {"family_name": "佐藤", "given_name": "翔", "family_reading": "さとう",
         "given_reading": "しょう", "company": "東西商事株式会社", "title": "営業部長",
         "emails": ["sho.sato@example.jp"]},
    )  # fmt: skip
    context.close()
    return {
        "kenta": ids["高橋健太"],
        "romaji": int(kenta["id"]),
        "sato": ids["佐藤翔"],
        "sho": int(sho["id"]),
    }


def test_duplicates_on_a_desk_merge_and_undo(
    server: tuple[str, dict[str, int]], pairs: dict[str, int], page_factory: Any
) -> None:
    base, _ids = server
    page = page_factory(DESKTOP)
    page.goto(base + "/duplicates")
    cards = page.locator("article.dup")
    expect(cards).to_have_count(2)
    first = page.locator(f"#pair-{pairs['kenta']}-{pairs['romaji']}")
    expect(first).to_contain_text("高橋 健太")
    expect(first).to_contain_text("Kenta Takahashi")
    expect(first).to_contain_text("同じ携帯 090-1234-5678")
    assert re.search(r"\d+(\.\d)?%", first.locator(".percent").inner_text())
    first.locator("details.merge summary").click()
    expect(first.locator('input[name="field_family_name"]')).to_have_count(2)
    save_for_docs(page, "duplicates")
    assert fits(page)

    # Keep the romaji record, with the kanji names and readings of the other.
    first.locator(f'input[name="keep"][value="{pairs["romaji"]}"]').check()
    for name in ("family_name", "given_name", "family_reading", "given_reading"):
        first.locator(f'input[name="field_{name}"][value="{pairs["kenta"]}"]').check()
    first.locator("details.merge button.primary").click()
    notice = page.locator(".dup-done")
    expect(notice).to_contain_text("高橋 健太さんに統合しました")
    expect(cards).to_have_count(1)
    assert page.url.endswith("/duplicates")  # no reload: htmx swapped the list
    person = page.context.new_page()
    person.goto(base + f"/people/{pairs['romaji']}")
    expect(person.locator("#h-name")).to_have_text("高橋 健太")
    expect(person.locator("#sec-profile")).to_contain_text("kenta.takahashi@mirai.example")
    person.close()

    notice.locator("button.undo").click()
    expect(page.locator("#duplicates .notice")).to_contain_text("統合を元に戻しました")
    expect(cards).to_have_count(2)
    page.goto(base + f"/people/{pairs['romaji']}")
    expect(page.locator("#h-name")).to_have_text("Kenta Takahashi")


def test_duplicates_on_a_phone(
    server: tuple[str, dict[str, int]], pairs: dict[str, int], page_factory: Any
) -> None:
    base, _ids = server
    page = page_factory(PHONE, is_mobile=True, has_touch=True)
    page.goto(base + "/duplicates")
    expect(page.locator("article.dup")).to_have_count(2)
    sho = page.locator(f"#pair-{pairs['sato']}-{pairs['sho']}")
    expect(sho).to_contain_text("sho.sato@example.jp")
    assert fits(page)
    save_for_docs(page, "duplicates-phone")
    sho.locator("details.merge summary").click()
    assert fits(page)


def test_quick_add_warns_about_the_same_mobile_then_adds_anyway(
    server: tuple[str, dict[str, int]], pairs: dict[str, int], page_factory: Any
) -> None:
    base, _ids = server
    page = page_factory(PHONE, is_mobile=True, has_touch=True)
    page.goto(base + "/people/new")
    page.fill("#f-family_name", "たかはし")
    page.fill("#f-given_name", "けんた")
    page.fill("#f-phone", MOBILE)
    page.fill("#f-memory_cue", "名刺を切らしていた")
    page.click("button.primary.big")
    warning = page.locator(".alert.similar")
    expect(warning).to_contain_text("似ている人がいます：")
    expect(warning.locator(f'a[href="/people/{pairs["kenta"]}"]')).to_have_text("高橋 健太")
    expect(warning).to_contain_text(MOBILE)
    assert page.input_value("#f-phone") == MOBILE  # what was typed is kept
    assert fits(page)
    save_for_docs(page, "quick-add-duplicate")
    warning.locator("button.anyway").click()
    expect(page.locator(".notice")).to_contain_text("たかはし けんたさんを追加しました")

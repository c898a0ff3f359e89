"""Real Chromium: set my profile in Settings, open a お礼 draft, copy it, mail it, mark it sent
(1280 px and 375 px). Screenshots for the docs: thanks.png, thanks-phone.png,
settings-profile.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from browser_pages import fits, save_for_docs
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
CLIPBOARD = ["clipboard-read", "clipboard-write"]


@pytest.fixture(scope="module")
def kenta(server: tuple[str, dict[str, int]], browser: Any) -> int:
    """高橋 健太 (met today at 渋谷 異業種交流会) with an e-mail address."""
    base, ids = server
    context = browser.new_context()
    token = context.request.get(base + "/api/session").json()["csrf_token"]
    answer = context.request.fetch(
        f"{base}/api/people/{ids['高橋健太']}",
        method="PATCH",
        data={"emails": ["kenta@mirai.example"]},
        headers={"X-CSRF-Token": token},
    )
    assert answer.ok, answer.text()
    context.close()
    return ids["高橋健太"]


def _set_profile(page: Any, base: str) -> None:
    page.goto(base + "/settings")
    form = page.locator("form.profile-form")
    form.locator("#f-me-name").fill("山田 太郎")
    form.locator("#f-me-reading").fill("やまだ たろう")
    form.locator("#f-me-organization").fill("株式会社ヤマダ")
    form.locator("#f-me-title").fill("営業部 課長")
    form.locator("#f-me-email").fill("taro@yamada.example")
    form.get_by_role("button", name="プロフィールを保存").click()
    expect(page.locator(".my-profile .saved")).to_have_text("プロフィールを保存しました。")
    expect(page.locator("#f-me-title")).to_have_value("営業部 課長")


def test_profile_then_draft_copy_mail_and_sent_on_a_desk(
    server: tuple[str, dict[str, int]], kenta: int, page_factory: Any
) -> None:
    base, _ids = server
    page = page_factory(DESKTOP, permissions=CLIPBOARD)
    _set_profile(page, base)
    page.locator("#profile").scroll_into_view_if_needed()
    save_for_docs(page, "settings-profile")
    assert fits(page)

    page.goto(f"{base}/people/{kenta}")
    page.get_by_role("link", name="お礼を書く").click()
    page.wait_for_url(f"**/people/{kenta}/thanks")
    body = page.locator("#t-body")
    text = body.input_value()
    assert text.startswith("株式会社みらい\nエンジニア\n高橋 健太 様\n")
    assert "本日（3月15日）の渋谷 異業種交流会では" in text
    assert "山田 太郎（やまだ たろう）\n株式会社ヤマダ 営業部 課長" in text
    assert "（）" not in text and "2024-03-15" not in page.content()
    expect(page.locator(".met")).to_contain_text("2024年3月15日")
    expect(page.locator(".met .cue")).to_contain_text("名刺交換")

    page.locator("#f-thanks-topic").fill("転職の話")
    page.get_by_role("button", name="下書きを更新").click()
    expect(body).to_contain_text("転職についてのお話は大変興味深く、勉強になりました。")

    page.get_by_role("button", name="本文をコピー").click()
    expect(page.locator(".actions .status")).to_have_text("コピーしました。")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == body.input_value()

    mailto = page.locator("#mailto").get_attribute("href")
    assert mailto and mailto.startswith("mailto:kenta@mirai.example?subject=")
    subject, _, mail_body = mailto.split("?", 1)[1].partition("&body=")
    assert unquote(subject.removeprefix("subject=")).startswith("【御礼】渋谷 異業種交流会")
    assert unquote(mail_body) == body.input_value().replace("\n", "\r\n")
    save_for_docs(page, "thanks")
    assert fits(page)
    # Edits to the text follow into the mail link.
    body.fill(body.input_value() + "追伸")
    assert unquote(page.locator("#mailto").get_attribute("href") or "").endswith("追伸")

    page.get_by_role("button", name="メールで送った").click()
    page.wait_for_url(f"{base}/people/{kenta}")
    expect(page.locator("#sec-timeline")).to_contain_text("お礼")


def test_draft_on_a_phone_switches_to_english(
    server: tuple[str, dict[str, int]], kenta: int, page_factory: Any
) -> None:
    base, ids = server
    page = page_factory(PHONE, permissions=CLIPBOARD)
    page.goto(f"{base}/people/{ids['髙橋美咲']}/thanks?next=/")
    assert fits(page)
    expect(page.locator('input[name="language"][value="ja"]')).to_be_checked()
    expect(page.locator(".draft-lang")).to_contain_text("（相手の言語）")
    save_for_docs(page, "thanks-phone")
    page.locator('input[name="language"][value="en"]').check()
    page.get_by_role("button", name="下書きを更新").click()
    expect(page.locator("#t-body")).to_contain_text("Thank you for taking the time")
    assert fits(page)
    box = page.get_by_role("button", name="本文をコピー").bounding_box()
    assert box and box["width"] >= 300 and box["height"] >= 44  # easy to tap
    page.get_by_role("button", name="メッセージで送った（LINE・SNS）").click()
    page.wait_for_url(base + "/")
    page.goto(base + "/settings#profile")
    expect(page.locator("#f-me-signature")).to_be_visible()
    assert fits(page)


AXE_RULES = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "rules": {"label-content-name-mismatch": {"enabled": True}},
}


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desk", "phone"])
def test_no_axe_violation_and_long_text_wraps(
    server: tuple[str, dict[str, int]], browser: Any, theme: str, viewport: dict[str, int]
) -> None:
    import axe_playwright_python

    base, ids = server
    axe = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")
    context = browser.new_context(viewport=viewport, locale="ja-JP", color_scheme=theme)
    try:
        page = context.new_page()
        for address in (f"/people/{ids['佐藤翔']}/thanks?topic={'話' * 200}", "/settings/profile"):
            answer = page.goto(base + address)
            assert answer is not None and answer.status == 200
            page.evaluate(axe)
            results = page.evaluate("rules => axe.run(document, rules)", AXE_RULES)
            assert results["passes"]
            assert not results["violations"], [
                (v["id"], [n["target"] for n in v["nodes"]]) for v in results["violations"]
            ]
            assert fits(page), address
    finally:
        context.close()

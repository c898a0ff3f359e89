"""Real Chromium: quick add at a networking party on a phone (375 × 667) and on a desk.

Save stays in reach at the bottom of the screen without covering a field; the introducer
(紹介者) is typed and chosen from a list htmx fills; phone, e-mail and an SNS handle are
kept. Screenshots for the docs: docs/screenshots/quick-add-phone.png and quick-add.png."""

from __future__ import annotations

from typing import Any

import pytest
from browser_pages import DOCS_SHOTS, fits
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 900}
EXPECTED_CONSOLE = ("status of 422",)  # the form answered with its errors on purpose

SAVE_IN_VIEW = """() => {
  const r = document.querySelector('.save-bar button').getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight;
}"""
FIELD_CLEAR = """(id) => {
  const field = document.getElementById(id).getBoundingClientRect();
  const bar = document.querySelector('.save-bar').getBoundingClientRect();
  return field.bottom <= bar.top + 1;
}"""


def test_save_stays_on_screen_and_covers_no_field_on_a_phone(
    server: tuple[str, dict[str, int]], page_factory: Any
) -> None:
    base, _ids = server
    page = page_factory(PHONE, is_mobile=True, has_touch=True)
    page.goto(base + "/people/new")
    assert fits(page)
    assert page.evaluate(SAVE_IN_VIEW)  # before any scrolling
    page.evaluate("document.querySelector('details.more').open = true")
    fields = page.evaluate(
        "[...document.querySelectorAll('form.quick input:not([type=hidden]), form.quick "
        "select, form.quick textarea')].map(e => e.id)"
    )
    assert {"f-phone", "f-email", "f-sns", "f-handle", "f-introducer", "f-event"} <= set(fields)
    for field in fields:
        page.focus(f"#{field}")
        page.evaluate(f"document.getElementById('{field}').scrollIntoView({{block: 'nearest'}})")
        assert page.evaluate(SAVE_IN_VIEW), field
        assert page.evaluate(FIELD_CLEAR, field), f"Save covers {field}"
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert page.evaluate(SAVE_IN_VIEW)
    assert fits(page)


def test_quick_add_with_an_introducer_typed_and_chosen(
    server: tuple[str, dict[str, int]], page_factory: Any
) -> None:
    base, ids = server
    page = page_factory(PHONE, is_mobile=True, has_touch=True)
    page.goto(base + "/people/new")
    assert "渋谷 異業種交流会" in page.locator("#f-event option:checked").inner_text()
    page.fill("#f-family_name", "中村")
    page.fill("#f-given_name", "陽菜")
    page.fill("#f-company", "株式会社ソラ")
    page.fill("#f-phone", "080-2222-3333")
    page.fill("#f-email", "hina@sora.example")
    page.select_option("#f-sns", "linkedin")
    page.fill("#f-handle", "hina-nakamura")
    page.locator("#f-introducer").press_sequentially("たかはし", delay=60)
    options = page.locator("#introducer-list option")
    expect(options).to_have_count(2, timeout=5000)  # 高橋 健太 and 髙橋 美咲
    chosen = f"高橋 健太 #{ids['高橋健太']}"
    assert chosen in [o.get_attribute("value") for o in options.all()]
    page.fill("#f-introducer", chosen)  # what choosing from the list puts in the field
    page.fill("#f-memory_cue", "紹介で名刺交換。登山が趣味")
    # What the phone shows (the tab bar and Save fixed at the bottom): the screen, not the
    # whole page, scrolled to the contact fields and the introducer.
    page.evaluate(
        "window.scrollTo(0, document.getElementById('f-company').getBoundingClientRect().top"
        " + window.scrollY - 70)"
    )
    page.screenshot(path=str(DOCS_SHOTS / "quick-add-phone.png"))
    page.click(".save-bar button")
    page.wait_for_selector(".notice")
    page.click(".notice a")
    met = page.locator("#sec-met")
    expect(met).to_contain_text("高橋 健太")
    assert met.locator(f'a[href="/people/{ids["高橋健太"]}"]').count() == 1
    profile = page.locator("#sec-profile").inner_text()
    assert "hina@sora.example" in profile and "linkedin.com/in/hina-nakamura" in profile
    assert fits(page)


def test_every_error_at_once_next_to_its_field_and_on_a_desk(
    server: tuple[str, dict[str, int]], page_factory: Any
) -> None:
    base, _ids = server
    page = page_factory(DESKTOP)
    page.goto(base + "/people/new")
    assert page.get_attribute("#f-company", "maxlength") == "200"
    page.screenshot(path=str(DOCS_SHOTS / "quick-add.png"))  # the screen: Save at its foot
    page.evaluate(  # what maxlength would stop: as a script or an old browser could send
        "['f-company', 'f-title'].forEach("
        "id => document.getElementById(id).removeAttribute('maxlength'))"
    )
    page.fill("#f-company", "C" * 201)
    page.fill("#f-title", "T" * 101)
    page.fill("#f-email", "nope@")
    page.evaluate("document.querySelector('form.quick').noValidate = true")
    page.click(".save-bar button")
    page.wait_for_selector("#e-company")
    for field in ("family_name", "company", "title", "email"):
        assert page.get_attribute(f"#f-{field}", "aria-invalid") == "true", field
    summary = page.locator("form.quick .alert[role=alert]").first
    assert summary.locator("a").count() == 4
    assert "200文字以内" in summary.inner_text() and "100文字以内" in summary.inner_text()
    assert fits(page)

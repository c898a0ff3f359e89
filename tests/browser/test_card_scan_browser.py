"""Real Chromium and real tesseract: 名刺を撮る on a phone (375 × 667) → review → one tap to save.

The card is a rendered one photographed on a table (tests/generators/cards.py); a person
with its name and phone number but another company is stored first, so the review asks
「転職されましたか？」 and offers to update them.  The same review is then looked at on a
desk in English (posted again without OCR).  Screenshots for the docs:
docs/screenshots/card-review-phone-ja.png and card-review-en.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_pages import DOCS_SHOTS, fits
from playwright.sync_api import expect

from generators.cards import as_photo, make_card

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 900}
OCR_WAIT = 90_000  # ms: the OCR takes seconds, more on a busy CI machine

SAVE_IN_VIEW = """() => {
  const r = document.querySelector('.save-bar button').getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight;
}"""
REPOST = """([fields]) => {
  const form = document.createElement('form');
  form.method = 'post';
  form.action = '/cards/review';
  for (const [name, value] of fields) {
    const input = document.createElement('input');
    input.type = 'hidden'; input.name = name; input.value = value;
    form.appendChild(input);
  }
  form.appendChild(document.querySelector('input[name=csrf_token]').cloneNode());
  document.body.appendChild(form);
  form.submit();
}"""
FIELDS = """() => [...new FormData(document.querySelector('form.card-form')).entries()]
  .filter(([name]) => name !== 'csrf_token')"""


def test_scan_review_save_on_a_phone(
    server: tuple[str, dict[str, int]], page_factory: Any, screenshot: Any, tmp_path: Path
) -> None:
    base, ids = server
    card = next(c for c in map(make_card, range(1, 60)) if c.kind == "left")
    truth = card.truth
    photo = tmp_path / "meishi.jpg"
    as_photo(card.sides[0], 7).convert("RGB").save(photo, quality=90)
    tel = next(p["number"] for p in truth["phones"] if p["kind"] == "tel")

    page = page_factory(PHONE, is_mobile=True, has_touch=True)
    page.goto(base + "/people/new")
    token = page.request.get(base + "/api/session").json()["csrf_token"]
    stored = page.request.post(
        base + "/api/people",
        data={"family_name": truth["family_name"], "given_name": truth["given_name"],
              "company": "株式会社むかし", "phones": [tel]},
        headers={"X-CSRF-Token": token},
    )  # fmt: skip
    assert stored.status == 201, stored.text()
    pid = stored.json()["id"]

    camera = page.locator("#f-front")
    assert camera.get_attribute("capture") == "environment"
    assert camera.get_attribute("accept") == "image/*"
    camera.set_input_files(str(photo))
    expect(page.locator("#front-preview")).to_be_visible()
    page.click(".card-scan button[type=submit]")
    page.wait_for_url("**/cards/scan", timeout=OCR_WAIT)
    expect(page.locator("h1")).to_have_text("名刺の内容を確認")

    assert fits(page)
    assert page.evaluate(SAVE_IN_VIEW)
    expect(page.locator(".card-sides img").first).to_be_visible()
    assert page.evaluate("document.querySelector('.card-sides img').naturalWidth") > 300
    assert page.input_value("#f-family_name") == truth["family_name"]
    assert truth["emails"][0] in page.input_value("#f-e1-email")
    match = page.locator(".card-match")
    expect(match).to_contain_text("転職されましたか？")
    expect(match).to_contain_text("株式会社むかし")
    assert page.is_checked(f"#f-into-{pid}")  # the engine is sure: update them
    assert "渋谷 異業種交流会" in page.locator("#f-event option:checked").inner_text()
    page.fill("#f-memory_cue", "名刺に手書きで新しい携帯番号")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(DOCS_SHOTS / "card-review-phone-ja.png"))
    screenshot(page, "card-review-phone-ja-full")
    fields = page.evaluate(FIELDS)
    desk = page_factory(DESKTOP)
    desk.goto(base + "/people/new")
    desk.click(".lang-switch button[value=en]")
    desk.wait_for_selector("html[lang=en]")
    # As a blurred photo would: the given name's reading marked unsure, to show the highlight.
    desk.evaluate(REPOST, [[*fields, ["uncertain", "given_reading"]]])
    desk.wait_for_url("**/cards/review")
    expect(desk.locator("h1")).to_have_text("Check the card")
    box = desk.locator(".card-sides img").first.bounding_box()
    first_field = desk.locator("#f-family_name").bounding_box()
    assert box is not None and first_field is not None
    assert box["x"] + box["width"] <= first_field["x"]  # the card beside its fields
    assert fits(desk)
    unsure = desk.locator(".slot.unsure #f-given_reading")
    expect(unsure).to_have_attribute("aria-describedby", "h-given_reading")
    expect(desk.locator("#h-given_reading")).to_have_text("Check: the reader was not sure")
    desk.screenshot(path=str(DOCS_SHOTS / "card-review-en.png"))
    desk.set_viewport_size(PHONE)
    screenshot(desk, "card-review-phone-en-full")
    desk.close()

    page.click(".save-bar button")
    page.wait_for_url("**/cards/done**")
    notice = page.locator(".notice")
    expect(notice).to_contain_text("転職されましたか？")
    expect(notice).to_contain_text(truth["company"])
    assert page.locator("form[action^='/import/'] button").count() == 1  # undo
    assert fits(page)
    screenshot(page, "card-done-phone-ja")
    page.click(".notice a")
    expect(page.locator(".card-images img")).to_have_count(1)
    screenshot(page, "card-person-phone-ja")
    assert ids  # the seeded network is there too

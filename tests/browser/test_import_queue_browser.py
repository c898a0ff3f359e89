"""Real Chromium: an import with "review uncertain matches" from the web form, then the
cards it left waiting on the duplicates page ("Same person", "A different person"), on a
desk, on a phone and in English.  Screenshots for the docs go to docs/screenshots/.

The phone and English tests only look, so they come first: the desk test, last, decides
both cards (each xdist worker has its own server and import)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_pages import fits, save_for_docs, serve
from playwright.sync_api import expect

from kinmyaku.bootstrap import open_app
from kinmyaku.config import Settings
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.web.app import create_app

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
MOBILE = "090-2468-1357"


def card(family: str, given: str, org: str, title: str, **points: str) -> str:
    """One vCard 3.0 (``tel``: a mobile, ``email``)."""
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:{family};{given};;;", f"FN:{family} {given}"]
    lines += [f"ORG:{org}", f"TITLE:{title}"]
    if "tel" in points:
        lines.append(f"TEL;TYPE=CELL:{points['tel']}")
    if "email" in points:
        lines.append(f"EMAIL:{points['email']}")
    return "\r\n".join([*lines, "END:VCARD"]) + "\r\n"


CARDS = (
    # Certain: the mobile of 中村 拓也, who is stored.
    card("中村", "拓也", "株式会社ほしぞら", "部長", tel=MOBILE, email="takuya@hoshizora.example")
    # Clearly new.
    + card("山本", "花子", "株式会社ゆうひ", "デザイナー", email="hanako@yuhi.example")
    # Uncertain: the name and company of stored people, no phone or e-mail in common.
    + card("田中", "大輔", "株式会社あおぞら", "代表取締役", email="daisuke@aozora.example")
    + card("鈴木", "優子", "ひかりコンサル", "マネージャー", email="yuko@hikari.example")
)


@pytest.fixture(scope="module")
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, int]]]:
    """The seeded network plus 中村 拓也 (with a mobile), served as ``kinmyaku serve`` does:
    with its lifespan, so the duplicates count on Today is kept in the background."""
    shared = request.config.pluginmanager.get_plugin(str(Path(__file__).with_name("conftest.py")))
    assert shared is not None  # tests/browser/conftest.py, as pytest registered it
    seed, TODAY = shared.seed, shared.TODAY
    path = tmp_path_factory.mktemp("queue") / "kinmyaku.sqlite3"
    settings = Settings(database_url=f"sqlite:///{path}", language="ja", today=TODAY.isoformat())
    core = open_app(settings)
    ids = seed(core)
    ids["中村拓也"] = add_person(
        core.uow(),
        PersonInput(family_name="中村", given_name="拓也", family_reading="なかむら",
                    given_reading="たくや", company="株式会社ほしぞら", phones=[MOBILE]),
    )  # fmt: skip
    with serve(create_app(core), lifespan="on") as base:
        yield base, ids
    core.close()


@pytest.fixture(scope="module")
def vcard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The file to upload, as a phone's export would name it."""
    path = tmp_path_factory.mktemp("upload") / "meishi.vcf"
    path.write_text(CARDS, encoding="utf-8")
    return path


def today_count(page: Any, base: str, *, wait: float = 45.0) -> str:
    """The duplicates line on Today once the background count has seen the import ('' if
    never).  The counter rests ten times as long as its last count took (a second or so
    at the server's start) before it counts again, so this takes some seconds."""
    line = page.locator(".dup-count")
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        page.goto(base + "/")
        if line.count():  # shown once the count is not 0 (no pairs before the import)
            return str(line.inner_text())
        time.sleep(0.25)
    return ""


@pytest.fixture(scope="module")
def imported(server: tuple[str, dict[str, int]], browser: Any, vcard: Path) -> dict[str, Any]:
    """The file imported through the web form with review ticked (the desk test checks each
    step; the other tests need only the cards waiting)."""
    base, ids = server
    context = browser.new_context(viewport=DESKTOP, locale="ja-JP")
    page = context.new_page()
    page.goto(base + "/import")
    page.set_input_files("#f-files", str(vcard))
    page.check("#f-review")
    page.click("form[action='/import/preview'] button.primary")
    preview = page.locator("section.preview-import")
    expect(preview).to_be_visible()
    steps = {"preview": preview.inner_text()}
    page.click("form[action='/import/confirm'] button.primary")
    expect(page.locator("main .notice").first).to_be_visible()
    steps["done"] = page.locator("main .notice").first.inner_text()
    steps["today"] = today_count(page, base)
    context.close()
    return {**steps, "ids": ids}


def test_the_queue_on_a_phone(
    server: tuple[str, dict[str, int]], imported: dict[str, Any], page_factory: Any
) -> None:
    base, _ids = server
    page = page_factory(PHONE, is_mobile=True, has_touch=True)
    page.goto(base + "/duplicates")
    section = page.locator("#import-queue")
    expect(section.locator("article.queued")).to_have_count(2)
    expect(section.get_by_role("button", name="同じ人").first).to_be_visible()
    assert fits(page)
    save_for_docs(page, "import-queue-phone")


def test_the_queue_in_english(
    server: tuple[str, dict[str, int]],
    imported: dict[str, Any],
    page_factory: Any,
    screenshot: Any,
) -> None:
    base, _ids = server
    page = page_factory(DESKTOP)
    page.goto(base + "/duplicates")
    page.click("footer button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    section = page.locator("#import-queue")
    expect(section.locator("h2")).to_have_text("Cards waiting from imports")
    words = section.inner_text()
    assert "Same person" in words and "A different person" in words
    assert "Card from the import" in words and "Already stored" in words
    expect(page.locator("#h-pairs")).to_have_text("People already stored who may be one person")
    assert "Same name 田中 大輔" in words and "Same company 株式会社あおぞら" in words
    found = section.locator("h2, .hint, .count, .likely, .side-label, dt, button")
    labels = found.all_inner_texts()
    assert labels and not [t for t in labels if re.search(r"[ぁ-んァ-ヶ一-龯]", t)], labels
    for reason in section.locator(".reasons li").all_inner_texts():
        assert reason.startswith("Same "), reason
    screenshot(page, "import-queue-en")  # for a look, not for the docs


def test_import_with_review_then_decide_on_a_desk(
    server: tuple[str, dict[str, int]], imported: dict[str, Any], page_factory: Any
) -> None:
    base, ids = server
    preview = imported["preview"]
    assert "追加 1 件、更新 1 件、変更なし 0 件、スキップ 0 件。確認待ち 2 件。" in preview
    by_name = rf"田中 大輔（#{ids['田中大輔']}・\d+(\.\d)?%）と同じ人かもしれません"
    assert re.search(by_name, preview), preview  # the person it may be, by name
    assert "変更なし 0 件。確認待ち 2 件。" in imported["done"], imported["done"]
    assert "確認する重複の候補：2件" in imported["today"], imported["today"]

    page = page_factory(DESKTOP)
    page.goto(base + "/duplicates")
    section = page.locator("#import-queue")
    expect(section.locator("h2")).to_have_text("取り込みから確認待ちの名刺")
    cards = section.locator("article.queued")
    expect(cards).to_have_count(2)
    tanaka = cards.filter(has_text="田中 大輔").first
    expect(tanaka.locator(".side-label")).to_have_text(["取り込んだ名刺", "登録済みの人"])
    expect(tanaka.locator(f'a[href="/people/{ids["田中大輔"]}"]')).to_have_text("田中 大輔")
    expect(tanaka).to_contain_text("daisuke@aozora.example")  # the card's own value
    expect(tanaka.locator(".reasons")).to_contain_text("同じ名前 田中 大輔")
    expect(tanaka.locator(".reasons")).to_contain_text("同じ会社 株式会社あおぞら")
    percent = tanaka.locator(".percent").inner_text()
    assert 50 <= float(percent.rstrip("%")) < 99.5, percent  # uncertain, not sure
    assert fits(page)
    save_for_docs(page, "import-queue")

    tanaka.get_by_role("button", name="同じ人").click()
    expect(section.locator(".notice")).to_contain_text("田中 大輔")
    expect(cards).to_have_count(1)
    assert page.url.endswith("/duplicates")  # htmx swapped the section
    person = page.context.new_page()
    person.goto(base + f"/people/{ids['田中大輔']}")
    expect(person.locator("#sec-profile")).to_contain_text("daisuke@aozora.example")
    person.close()

    suzuki = cards.filter(has_text="鈴木 優子").first
    suzuki.get_by_role("button", name="別の人").click()
    notice = section.locator(".notice")
    expect(notice).to_contain_text("鈴木 優子")
    expect(cards).to_have_count(0)
    new_id = int(notice.locator("a").get_attribute("href").rsplit("/", 1)[1])
    assert new_id not in ids.values()
    page.goto(base + f"/people/{new_id}")
    expect(page.locator("#h-name")).to_have_text("鈴木 優子")
    expect(page.locator("#sec-profile")).to_contain_text("yuko@hikari.example")
    page.goto(base + f"/people/{ids['鈴木優子']}")
    expect(page.locator("#sec-profile")).not_to_contain_text("yuko@hikari.example")

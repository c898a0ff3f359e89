"""Browser tests: a real uvicorn server on a free 127.0.0.1 port and Debian's Chromium.

Chromium is never downloaded: Playwright drives /usr/bin/chromium (``apt-get install
chromium``).  Without it the tests are skipped with that reason.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from browser_pages import serve
from PIL import Image

from kinmyaku.bootstrap import App, open_app
from kinmyaku.config import Settings
from kinmyaku.services import events, relations
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent / "screenshots"
TODAY = date(2024, 3, 15)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


def seed(core: App) -> dict[str, int]:
    """A small, realistic network: an event today, people met, touches, give/take."""
    uow = core.uow
    today_event = events.add_event(
        uow(), name="渋谷 異業種交流会", on=TODAY, goal="IT業界の人と3人話す", goal_count=5
    )
    people = [
        ("高橋", "健太", "たかはし", "けんた", "株式会社みらい", "it", "エンジニア"),
        ("髙橋", "美咲", "たかはし", "みさき", "さくら銀行", "finance", "課長"),
        ("佐藤", "翔", "さとう", "しょう", "東西商事", "trading", "営業"),
        ("鈴木", "優子", "すずき", "ゆうこ", "ひかりコンサル", "consulting", "マネージャー"),
        ("田中", "大輔", "たなか", "だいすけ", "株式会社あおぞら", "startup", "代表取締役"),
        ("伊藤", "愛", "いとう", "あい", "東京大学", "education", "研究員"),
    ]
    ids = {}
    for family, given, fr, gr, company, industry, title in people:
        ids[family + given] = add_person(
            uow(),
            PersonInput(family_name=family, given_name=given, family_reading=fr,
                        given_reading=gr, company=company, industry=industry, title=title,
                        tags=["交流会"] if industry in ("it", "finance") else []),
        )  # fmt: skip
    for name in ("高橋健太", "髙橋美咲", "佐藤翔"):
        relations.record_encounter(
            uow(), person_id=ids[name], on=TODAY, event_id=today_event, memory_cue="名刺交換"
        )
    relations.record_encounter(
        uow(), person_id=ids["鈴木優子"], on=date(2024, 3, 2), introducer_id=ids["佐藤翔"],
        memory_cue="ランニング仲間",
    )  # fmt: skip
    relations.log_interaction(
        uow(), person_ids=[ids["高橋健太"]], on=date(2024, 3, 10), kind="meal",
        summary="ランチで転職の相談", follow_up_on=date(2024, 3, 14),
    )  # fmt: skip
    relations.record_exchange(
        uow(), person_id=ids["高橋健太"], on=date(2024, 3, 10), direction="gave", kind="advice",
        weight=2, note="職務経歴書の添削",
    )  # fmt: skip
    relations.open_request(
        uow(), person_id=ids["田中大輔"], side="theirs", what="エンジニアの紹介",
        asked_on=date(2024, 3, 8), due_on=date(2024, 3, 18),
    )  # fmt: skip
    relations.set_purpose(
        uow(), person_id=ids["伊藤愛"], category="mentor", goal="研究の話を聞く", cadence_days=30
    )
    return {"event": today_event, **{k: v for k, v in ids.items()}}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    """A real uvicorn server on a temp SQLite file; yields its base URL and the seeded ids."""
    path = tmp_path_factory.mktemp("browser") / "kinmyaku.sqlite3"
    core = open_app(
        Settings(database_url=f"sqlite:///{path}", language="ja", today=TODAY.isoformat())
    )
    ids = seed(core)
    with serve(create_app(core)) as base:
        yield base, ids
    core.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (skipped when it is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def photo_file(tmp_path: Path) -> Path:
    """A small JPEG as a phone camera would give."""
    path = tmp_path / "camera.jpg"
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 110, 180)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


def shot(page: object, name: str) -> Path:
    """Save a screenshot under tests/browser/screenshots/."""
    SHOTS.mkdir(exist_ok=True)
    target = SHOTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")  # type: ignore[attr-defined]
    page.screenshot(path=str(target), full_page=True)  # type: ignore[attr-defined]
    return target


@pytest.fixture
def screenshot() -> object:
    """``screenshot(page, name)`` saves a full-page PNG in tests/browser/screenshots/."""
    return shot


DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def page_factory(browser: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """New Japanese pages (own context each) that record script errors and CSP violations.

    A test module may list the console messages it expects (``EXPECTED_CONSOLE``: parts of
    the message, e.g. the 422 status of a form answered with errors on purpose)."""
    contexts: list[Any] = []
    problems: list[str] = []

    def make(viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
        context = browser.new_context(viewport=viewport, locale="ja-JP", **options)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        return page

    yield make
    for context in contexts:
        context.close()
    expected = getattr(request.module, "EXPECTED_CONSOLE", ())
    unexpected = [p for p in problems if not any(part in p for part in expected)]
    assert not unexpected, unexpected  # no script errors, no Content-Security-Policy violations

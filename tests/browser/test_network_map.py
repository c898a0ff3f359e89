"""Real Chromium draws the network map of a 200-person demo, finds a warm path and highlights
it, on a desktop and on a phone; screenshots for the docs."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from browser_pages import serve

from kinmyaku.bootstrap import open_app
from kinmyaku.config import Settings
from kinmyaku.services.demo import generate_demo
from kinmyaku.web.app import create_app
from kinmyaku.web.routes import pages_network, routers

pytestmark = pytest.mark.browser
TODAY = date(2026, 11, 26)
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real uvicorn server over a 200-person demo network; yields its base URL."""
    path = tmp_path_factory.mktemp("network") / "kinmyaku.sqlite3"
    core = open_app(
        Settings(database_url=f"sqlite:///{path}", language="ja", today=TODAY.isoformat())
    )
    generate_demo(core.uow(), people=200, seed=7, today=TODAY)
    web = create_app(core)
    if pages_network.router not in routers():
        web.include_router(pages_network.router)
    with serve(web) as base:
        yield base
    core.close()


def save(page: Any, name: str, *, full: bool = False) -> Path:
    """A PNG in tests/browser/screenshots/."""
    SHOTS.mkdir(exist_ok=True)
    target = SHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=full)
    return target


def drawn(page: Any) -> None:
    """Wait until the map has drawn its canvas."""
    page.wait_for_selector("#network-map[data-ready='true'] canvas", timeout=20_000)


def test_map_and_path_on_a_desktop(demo_server: str, page_factory: Callable[..., Any]) -> None:
    page = page_factory(DESKTOP)
    started = time.monotonic()
    page.goto(demo_server + "/network")
    drawn(page)
    assert time.monotonic() - started < 15
    nodes = int(page.get_attribute("#network-map", "data-nodes"))
    assert 100 < nodes <= 301  # me + the top 150 ties
    assert "人を表示" in page.inner_text("#map-status")
    page.fill("#f-target", "商社")
    page.click(".network-search button.primary")
    drawn(page)
    assert "まず" in page.inner_text(".paths .path")  # whom to ask first
    highlighted = page.evaluate("window.kinmyakuMap.$('node.on-path').length")
    assert highlighted >= 2  # me and the first to ask at least
    first = page.get_attribute(".paths .hops a", "href")
    assert first and first.startswith("/people/")
    save(page, "network-map")
    # Tapping a person on the map opens their page.
    position = page.evaluate(
        "(() => { const n = window.kinmyakuMap.$('node.on-path[person > 0]').first();"
        " const p = n.renderedPosition(); const b = document.getElementById('network-map')"
        ".getBoundingClientRect();"
        " return {x: b.left + p.x, y: b.top + p.y, id: n.data('person')}; })()"
    )
    page.mouse.click(position["x"], position["y"])
    page.wait_for_url(f"**/people/{position['id']}")


def test_map_on_a_phone(demo_server: str, page_factory: Callable[..., Any]) -> None:
    page = page_factory(PHONE, is_mobile=True, has_touch=True)
    page.goto(demo_server + "/network?target=%E5%95%86%E7%A4%BE&people=100")
    drawn(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = page.locator("#network-map").bounding_box()
    assert box["width"] >= 340  # full width
    paths = page.locator(".network-paths").bounding_box()
    assert paths["y"] > box["y"] + box["height"]  # the list below the map
    assert int(page.get_attribute("#network-map", "data-nodes")) <= 101 + 12
    save(page, "network-map-phone", full=True)
    page.click("#path-1 .show-path")  # another path, highlighted in place of the best
    ids = page.evaluate("window.kinmyakuMap.$('node.on-path').map(n => n.id())")
    assert "me" in ids and len(ids) >= 2

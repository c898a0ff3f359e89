"""Real Chromium draws the network map of a 200-person demo, on a desktop and on a phone:
the first view (me, my strongest ties, the rest in labelled groups, every label readable and
none on top of another), opening a group, focusing on a person, a warm path in plain words.
Screenshots for the docs go to docs/screenshots/."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from browser_pages import DOCS_SHOTS, fits, save_for_docs, serve

from kinmyaku.bootstrap import open_app
from kinmyaku.config import Settings
from kinmyaku.services.demo import generate_demo
from kinmyaku.web.app import create_app
from kinmyaku.web.routes import pages_network, routers

pytestmark = pytest.mark.browser
TODAY = date(2026, 11, 26)
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
MIN_FONT_PX = 11  # labels are never drawn smaller than this on the screen

# Every label on the screen: its box, its font size in screen pixels, its text.
LABELS = """(() => {
  const cy = window.kinmyakuMap, z = cy.zoom();
  const shown = cy.nodes(':visible').not('.faded').not('.behind');
  return shown.map(n => {
    const b = n.renderedBoundingBox({includeNodes: false, includeLabels: true});
    return {id: n.id(), text: n.data('label'), px: parseFloat(n.style('font-size')) * z,
            x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2, kind: n.data('kind')};
  });
})()"""


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


def drawn(page: Any, view: str = "overview") -> None:
    """Wait until the map has drawn the view on its canvas."""
    page.wait_for_selector(
        f"#network-map[data-ready='true'][data-view='{view}'] canvas", timeout=20_000
    )


def labels(page: Any) -> list[dict[str, Any]]:
    """The labels drawn on the map, with their boxes on the screen."""
    return list(page.evaluate(LABELS))


def overlaps(found: list[dict[str, Any]], slack: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of labels whose boxes overlap (more than ``slack`` pixels each way)."""
    pairs = []
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            if (
                min(a["x2"], b["x2"]) - max(a["x1"], b["x1"]) > slack
                and min(a["y2"], b["y2"]) - max(a["y1"], b["y1"]) > slack
            ):
                pairs.append((a["text"], b["text"]))
    return pairs


def readable(page: Any) -> list[dict[str, Any]]:
    """Check every label: big enough, inside the map, on top of no other; return them."""
    found = labels(page)
    box = page.locator("#network-map").bounding_box()
    assert found
    for label in found:
        assert label["px"] >= MIN_FONT_PX, label
        assert label["x1"] >= -1 and label["x2"] <= box["width"] + 1, label
        assert label["y1"] >= -1 and label["y2"] <= box["height"] + 1, label
    assert overlaps(found) == []
    return found


def node_at(page: Any, selector: str) -> dict[str, Any]:
    """Screen position of the first node matching a Cytoscape selector."""
    return dict(
        page.evaluate(
            "(sel) => { const n = window.kinmyakuMap.$(sel).first();"
            " const p = n.renderedPosition();"
            " const b = document.getElementById('network-map').getBoundingClientRect();"
            " return {x: b.left + p.x, y: b.top + p.y, id: n.id(), label: n.data('label'),"
            " person: n.data('person')}; }",
            selector,
        )
    )


def first_view(page: Any) -> list[dict[str, Any]]:
    """The first view: me, my strongest ties by name, the rest in labelled groups."""
    found = readable(page)
    kinds = [label["kind"] for label in found]
    assert kinds.count("me") == 1 and kinds.count("person") >= 8
    groups = [label["text"] for label in found if label["kind"] == "group"]
    assert len(groups) >= 6
    # A name, and the count on its own line: 株式会社東都不動産 / 12人
    assert all(text.split("\n")[-1].removesuffix("人").isdigit() for text in groups), groups
    return found


def test_the_first_view_a_group_and_a_focus_on_a_desktop(
    demo_server: str, page_factory: Callable[..., Any]
) -> None:
    page = page_factory(DESKTOP)
    started = time.monotonic()
    page.goto(demo_server + "/network")
    drawn(page)
    assert time.monotonic() - started < 15
    assert int(page.get_attribute("#network-map", "data-nodes")) <= 60  # not 150 dots
    first_view(page)
    assert "グループ" in page.inner_text("#map-status")
    save_for_docs(page, "network-map")
    # A click on a group opens it: its members inside the bubble, readable.
    group = node_at(page, "node.group")
    page.mouse.click(group["x"], group["y"])
    drawn(page, "group")
    inside = page.evaluate(f"window.kinmyakuMap.getElementById('{group['id']}').children().length")
    assert inside >= 3
    opened = [label for label in labels(page) if label["kind"] == "person"]
    assert len(opened) >= 3 and all(label["px"] >= MIN_FONT_PX for label in opened)
    assert overlaps(opened) == []
    assert "すべてを見る" in page.inner_text("#map-focus-card")
    # A click on a person focuses on them; their page is one more click away.
    person = node_at(page, f"#{group['id']} > node")
    page.mouse.click(person["x"], person["y"])
    drawn(page, "focus")
    readable(page)
    centre = page.evaluate("window.kinmyakuMap.$('node.centre').data('person')")
    assert centre == person["person"]
    card = page.inner_text("#map-focus-card")
    assert person["label"] in card and "自分とのつながり" in card
    page.click("#map-back")
    drawn(page)
    assert page.is_hidden("#map-focus-card")
    page.goto(demo_server + f"/network?focus=%23{person['person']}")
    drawn(page, "focus")
    page.click("#focus-open")
    page.wait_for_url(f"**/people/{person['person']}")


def test_a_warm_path_in_plain_words(demo_server: str, page_factory: Callable[..., Any]) -> None:
    page = page_factory(DESKTOP)
    page.goto(demo_server + "/network")
    page.fill("#f-target", "商社")
    page.click(".network-search button.primary")
    drawn(page)
    best = page.inner_text("#path-0")
    assert "に紹介を頼む" in best or "に直接連絡する" in best
    assert "にお勤めです" in best  # the last person works at a trading company
    assert "つながりの強さ：" in best and any(w in best for w in ("強い", "ふつう", "弱い"))
    assert "スコア" not in best  # the number waits in the closed details
    page.click("#path-0 details summary")
    assert "スコア" in page.inner_text("#path-0 details")
    highlighted = page.evaluate("window.kinmyakuMap.$('node.on-path').length")
    assert highlighted >= 2  # me and the first to ask at least


def test_the_first_view_and_a_focus_on_a_phone(
    demo_server: str, page_factory: Callable[..., Any]
) -> None:
    page = page_factory(PHONE, is_mobile=True, has_touch=True)
    page.goto(demo_server + "/network")
    drawn(page)
    assert fits(page)
    box = page.locator("#network-map").bounding_box()
    assert box["width"] >= 340  # full width
    first_view(page)
    assert int(page.get_attribute("#network-map", "data-nodes")) <= 20
    group = node_at(page, "node.group")  # a group opens readable on a phone too
    page.mouse.click(group["x"], group["y"])
    drawn(page, "group")
    opened = [label for label in labels(page) if label["kind"] == "person"]
    assert len(opened) >= 3 and overlaps(opened) == []
    assert all(label["px"] >= MIN_FONT_PX for label in opened)
    page.click("#map-back")
    drawn(page)
    page.locator("#map-focus-form").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, document.getElementById('map-focus-form').offsetTop - 8)")
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_SHOTS / "network-map-phone.png"))  # what the phone shows
    # Focus from the search box above the map.
    name = node_at(page, "node.person")["label"]
    page.fill("#f-focus", name)
    page.click("#map-focus-form button")
    drawn(page, "focus")
    readable(page)
    assert name in page.inner_text("#map-focus-card")
    page.click("#map-back")
    drawn(page)
    first_view(page)

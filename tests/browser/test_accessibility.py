"""axe-core (WCAG 2.1 A and AA) on every page, light and dark theme, 1280 px and 375 px.

axe-core (MPL-2.0) comes bundled in the ``axe-playwright-python`` test dependency; it is
injected into each page with Playwright (``page.evaluate``, which the Content Security Policy
does not govern) and run with only the WCAG 2.0/2.1 A and AA rules.  One Chromium, one page
per theme and width, reused for every address: the 64 checks take well under a minute."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

THEMES = ("light", "dark")
WIDTHS = {"desk": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}
PAGES = (
    "/",
    "/people",
    "/people?q=たかはし",
    "/people/{person}",
    "/people/new",
    "/events",
    "/events/{event}",
    "/requests",
    "/review",
    "/review/drill",
    "/review/followups",
    "/followups",
    "/people/{person}/thanks",
    "/settings/profile",
    "/network",
    "/import",
    "/duplicates",
    "/settings",
    "/login",
)
RULES = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    # WCAG 2.5.3 "label in name": axe marks its rule experimental, so it is asked for by name.
    "rules": {"label-content-name-mismatch": {"enabled": True}},
}


def axe_source() -> str:
    """axe.min.js as the axe-playwright-python package ships it."""
    import axe_playwright_python  # type: ignore[import-untyped]

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")


@pytest.fixture(scope="module")
def axe_pages(browser: Any) -> Iterator[dict[tuple[str, str], Any]]:
    """One page per (theme, width), reused for every address."""
    contexts = []
    pages = {}
    for theme in THEMES:
        for width, viewport in WIDTHS.items():
            context = browser.new_context(viewport=viewport, locale="ja-JP", color_scheme=theme)
            contexts.append(context)
            pages[(theme, width)] = context.new_page()
    yield pages
    for context in contexts:
        context.close()


def describe(violations: list[dict[str, Any]]) -> list[str]:
    """One line per failing element: rule, what axe says, where."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"{violation['id']}: {node['target']} {summary[:240]}")
    return lines


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("address", PAGES)
def test_no_axe_violation(
    server: tuple[str, dict[str, int]],
    axe_pages: dict[tuple[str, str], Any],
    address: str,
    theme: str,
    width: str,
) -> None:
    base, ids = server
    page = axe_pages[(theme, width)]
    url = base + address.format(person=ids["高橋健太"], event=ids["event"])
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (theme == "dark")
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(axe_source())
    results = page.evaluate("rules => axe.run(document, rules)", RULES)
    assert results["passes"], "axe ran no check"
    assert not results["violations"], describe(results["violations"])

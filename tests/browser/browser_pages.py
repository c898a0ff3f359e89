"""What the browser tests share besides fixtures: a real server for an app, and looking at
pages (does it scroll sideways, a screenshot for the docs)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import pytest
import uvicorn

DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(web: Any, *, lifespan: Literal["on", "off"] = "off") -> Iterator[str]:
    """Run ``web`` (the FastAPI app) in a real uvicorn server on a free port; yields its
    base URL.  ``lifespan="on"`` runs the app's startup work (the background duplicates
    count of Today)."""
    config = uvicorn.Config(
        web, host="127.0.0.1", port=free_port(), log_level="warning", lifespan=lifespan
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the uvicorn server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        running.should_exit = True
        thread.join(timeout=10)


def fits(page: Any) -> bool:
    """True when the page does not scroll sideways."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def save_for_docs(page: Any, name: str) -> Path:
    """A full-page screenshot into docs/screenshots/."""
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    target = DOCS_SHOTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(target), full_page=True)
    return target

"""No request blocks the event loop with a synchronous query (issue #15, point 7).

The real server (``kinmyaku serve``: uvicorn, one worker) on PostgreSQL.  Another
connection takes an ACCESS EXCLUSIVE lock on ``people`` (and ``settings``, which the
middleware reads for the password state) and holds it for three seconds: every page that
reads them waits for it.  Meanwhile ``/healthz`` and a static file, which touch no table,
must keep answering within milliseconds: had a page run its query on the event loop, the
whole worker would stand still until the lock went.
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from kinmyaku.bootstrap import open_app
from kinmyaku.config import Settings
from kinmyaku.services.people import PersonInput, add_person

ROOT = Path(__file__).resolve().parents[2]
LOCK_SECONDS = 3.0


def load_soak() -> ModuleType:
    """benchmarks/soak.py, which knows how to start and stop the real server."""
    name = "kinmyaku_benchmarks_soak"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "soak.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def served(database_url: str) -> Iterator[tuple[str, int]]:
    """The server on a database holding one person: (base URL, the person's id)."""
    core = open_app(Settings(database_url=database_url, language="en"))
    person = add_person(
        core.uow(), PersonInput(family_name="高橋", given_name="健太", family_reading="たかはし")
    )
    core.close()
    soak = load_soak()
    server = soak.start_server(database_url, lang="en")
    try:
        yield server.base, person
    finally:
        soak.stop_server(server)


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_query_waiting_on_a_lock_holds_up_no_other_request(
    served: tuple[str, int], database_url: str
) -> None:
    base, person = served
    with httpx.Client(base_url=base, timeout=30) as browser:
        page = browser.get("/people/new")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        time.sleep(3.2)  # the password state goes stale: the middleware reads it again
        slow: list[tuple[str, int, float]] = []
        requests: list[tuple[str, str, dict[str, Any]]] = [
            ("GET", "/people?q=たかはし", {}),
            ("GET", "/people", {"headers": {"HX-Request": "true"}}),
            ("GET", f"/people/{person}", {}),
            ("POST", "/people", {"data": {"csrf_token": token, "family_name": "佐藤",
                                          "given_name": "美咲", "add_anyway": "1"}}),
        ]  # fmt: skip

        def send(method: str, path: str, kwargs: dict[str, Any]) -> None:
            began = time.monotonic()
            answer = browser.request(method, path, **kwargs)
            slow.append((path, answer.status_code, time.monotonic() - began))

        locker = create_engine(database_url)
        with locker.connect() as conn:
            conn.execute(text("LOCK TABLE people, settings IN ACCESS EXCLUSIVE MODE"))
            locked_at = time.monotonic()
            threads = [threading.Thread(target=send, args=r) for r in requests]
            for thread in threads:
                thread.start()
            time.sleep(0.3)  # the pages are in the server, waiting for the lock
            probes = probe(base, until=locked_at + LOCK_SECONDS - 0.2)
            conn.rollback()  # the lock goes
        locker.dispose()
        for thread in threads:
            thread.join(timeout=30)
    assert len(slow) == len(requests)
    assert all(status in (200, 303) for _path, status, _took in slow), slow
    # The pages did wait for the lock (else this test proves nothing) ...
    assert min(took for _path, _status, took in slow) > LOCK_SECONDS - 1.0, slow
    # ... while the worker kept answering everything else at once: a few milliseconds on a
    # quiet machine (the bounds leave room for a loaded CI runner); a blocked event loop
    # would hold each of them until the lock went, seconds.
    assert len(probes) >= 5
    assert statistics.median(probes) < 0.25, probes
    assert max(probes) < 1.0, probes


def probe(base: str, *, until: float) -> list[float]:
    """Seconds taken by /healthz and a static file, asked every 50 ms until ``until``."""
    took: list[float] = []
    with httpx.Client(base_url=base, timeout=LOCK_SECONDS + 2) as client:  # blocked: fails
        for n in range(10_000):
            if time.monotonic() >= until:
                break
            began = time.monotonic()
            answer = client.get("/healthz" if n % 2 else "/static/icon.svg")
            assert answer.status_code == 200
            took.append(time.monotonic() - began)
            time.sleep(0.05)
    return took

"""A short soak (benchmarks/soak.py) in CI: the real server, mixed reads and writes by
several browser sessions at once, on SQLite and PostgreSQL: no error reaches a user, and
no gross leak.

About 15 seconds a database at a low rate; the 10-minute runs and their figures are in
docs/benchmarks.md ("Soak").  Fifteen seconds cannot show a slow growth (the 10-minute
run measures the slope; tests/web/test_memory_trim.py tests the remedy for the heap's
growth): the bound here catches a leak of a few hundred kilobytes a request.
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

from test_event_loop import load_soak

from kinmyaku.bootstrap import open_app
from kinmyaku.config import Settings
from kinmyaku.services.demo import generate_demo

SECONDS = 15.0
RATE = 10.0
WARM = 5.0
"""Seconds after which the server has loaded what the mix uses (its RSS then stays within
5 MB of the end on SQLite and PostgreSQL)."""
LEAK_BOUND = 25 * 2**20
"""Growth of the RSS allowed after WARM: ~100 requests, so ~250 KB a request."""


def test_a_short_soak_has_no_errors(database_url: str, tmp_path: Path) -> None:
    core = open_app(Settings(database_url=database_url, language="ja"))
    generate_demo(core.uow(), people=120, seed=3, today=date(2026, 11, 26))
    core.close()
    soak = load_soak()
    log = tmp_path / "server.log"
    server = soak.start_server(database_url, log=log)
    try:
        samples, memory, ran = asyncio.run(
            soak.drive(
                server,
                rate=RATE,
                seconds=SECONDS,
                writers=3,
                readers=2,
                write_share=0.3,
                in_flight=10,
                import_every=6.0,
                rss_every=1.0,
            )
        )
    finally:
        soak.stop_server(server)
    report = soak.summarise(samples, memory, ran, bucket=5.0)
    assert report["errors"] == 0, (report["error_kinds"], log.read_text()[-3000:])
    assert report["requests"] >= RATE * SECONDS * 0.25
    done = {op for op, row in report["per_op"].items() if row["requests"]}
    assert {"quick_add", "log", "import_preview", "person", "search"} <= done, done
    warm = [rss for at, rss in memory if at >= WARM]
    assert len(warm) >= 5, memory
    assert warm[-1] - warm[0] < LEAK_BOUND, [(round(t), rss // 2**20) for t, rss in memory]

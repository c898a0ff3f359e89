"""PostgreSQL's JIT compiler on and off for `kinmyaku due`'s reads, in the same process.

kinmyaku turns JIT off for its own connections (storage/database.py).  This script
measures why: it runs the reads behind `kinmyaku due` (the agenda and the follow-ups)
on a fresh engine whose connections set ``jit`` on or off, alternating the two so that a
noisy machine weighs on both alike, and prints the medians and their ratio.

    .venv/bin/python benchmarks/pg_jit.py --db postgresql+psycopg://postgres@127.0.0.1:5432/demo100k
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, datetime
from typing import Any

from sqlalchemy import event

from kinmyaku.services import followups, insights
from kinmyaku.storage.database import make_engine
from kinmyaku.storage.uow import UnitOfWork


def _once(url: str, mode: str, today: date) -> float:
    engine = make_engine(url)

    def set_jit(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET jit = {mode}")
        cursor.close()
        dbapi_connection.commit()

    event.listen(engine, "connect", set_jit)
    uow = UnitOfWork(engine)
    now = datetime.combine(today, datetime.min.time()).replace(hour=12)
    with uow:
        pass  # the connection is made (and JIT set) before the clock starts
    started = time.perf_counter()
    insights.due_now(uow, today=today, now=now, limit=50, with_followups=False)
    followups.list_followups(uow, today=today, now=now, limit=50)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed * 1000


def main() -> None:
    """Run the comparison and print medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a PostgreSQL URL with a demo network")
    parser.add_argument("--runs", type=int, default=8, help="runs of each mode")
    parser.add_argument("--today", default=date.today().isoformat())
    args = parser.parse_args()
    today = date.fromisoformat(args.today)
    _once(args.db, "off", today)  # warm the server's caches and the summary
    times: dict[str, list[float]] = {"on": [], "off": []}
    for mode in ("on", "off") * args.runs:
        times[mode].append(_once(args.db, mode, today))
    on, off = statistics.median(times["on"]), statistics.median(times["off"])
    for mode in ("on", "off"):
        runs = ", ".join(f"{value:.0f}" for value in sorted(times[mode]))
        print(f"jit {mode:3}: median {statistics.median(times[mode]):7.1f} ms  ({runs})")
    print(f"JIT on / JIT off: {on / off:.2f}x")


if __name__ == "__main__":
    main()

"""Benchmark: ``kinmyaku stats`` and the /review page against a pure-Python baseline.

Run:  .venv/bin/python benchmarks/review.py                       (5,000 people / 100,000
                                                                   interactions, SQLite)
      .venv/bin/python benchmarks/review.py --people 100000 --interactions 500000 --repeat 5
      .venv/bin/python benchmarks/review.py --db postgresql+psycopg://...   (an EMPTY database)

The network is the seeded synthetic one of ``services/insights_sample.py`` (skewed
attention, 1 exchange per 5 interactions, 1 request per 10 people). Measured in the same
process, median and p95 of ``--repeat`` runs after one warm-up:

- ``network_stats`` (the service behind ``kinmyaku stats --json``);
- ``network_review`` (the service behind ``kinmyaku review`` and /review);
- ``GET /review`` through FastAPI's TestClient (service + template + SVG);
- the touch summary rebuilt from every row (what the first read after an upgrade, with
  other parameters or an earlier day pays once), one new interaction followed by the
  review (the triggers mark three people; only they are recomputed), and the first stats
  and the first review of the next day (yesterday's summary rolled forward, then read);

- ``--days N``: day by day as a user meets them, N days after ``TODAY`` (no rebuild in
  between): on odd days the first ``stats`` of the day (the roll), ``stats`` again, the
  review; on even days the first review of the day (the roll), the review again. Each
  day's stats are checked against the per-person reference (not timed).

CPU is this process's CPU time: on PostgreSQL the server's work is in the wall time only.
- baseline: read every touch row into Python and run the phase-1 reference
  ``aggregate_touches`` per person (what the SQL GROUP BY replaces), plus strengths.

The ratio printed is baseline / service (above 1: the database route is faster).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import partial
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from kinmyaku.bootstrap import App, open_app
from kinmyaku.config import Settings
from kinmyaku.domain.insights import (
    DEFAULT_PARAMS,
    Direction,
    EncounterFact,
    ExchangeFact,
    InteractionFact,
    RequestFact,
    aggregate_touches,
    strength_from_aggregates,
    touches_from,
)
from kinmyaku.services import insights
from kinmyaku.services.insights_sample import build_sample_network
from kinmyaku.services.insights_summary import rebuild_touch_summary
from kinmyaku.services.relations import log_interaction
from kinmyaku.storage.schema import (
    encounters,
    exchanges,
    interaction_people,
    interactions,
    people,
    requests,
)
from kinmyaku.web.app import create_app
from kinmyaku.web.routes import pages_review

TODAY = date(2026, 11, 26)
NOW = datetime.combine(TODAY, clock(12))


def measure(run: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """Median and p95 wall time and median CPU time (ms), after one warm-up run.

    CPU time (this process) shows the cost without waiting for a busy machine's cores.
    """
    run()
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, statistics.median(cpu)


def python_baseline(app: App) -> int:
    """Every touch row read into Python, aggregated per person with the phase-1 reference."""
    met: dict[int, list[EncounterFact]] = defaultdict(list)
    seen: dict[int, list[InteractionFact]] = defaultdict(list)
    given: dict[int, list[ExchangeFact]] = defaultdict(list)
    asked: dict[int, list[RequestFact]] = defaultdict(list)
    with app.uow() as conn:
        for pid, on in conn.execute(
            select(interaction_people.c.person_id, interactions.c.date).join(
                interactions, interactions.c.id == interaction_people.c.interaction_id
            )
        ):
            seen[pid].append(InteractionFact(on))
        for pid, on in conn.execute(select(encounters.c.person_id, encounters.c.date)):
            met[pid].append(EncounterFact(on))
        for pid, on, direction, weight in conn.execute(
            select(
                exchanges.c.person_id, exchanges.c.date, exchanges.c.direction, exchanges.c.weight
            )
        ):
            given[pid].append(ExchangeFact(on, Direction(direction), float(weight)))
        for r in conn.execute(select(requests)):
            done = r.closed_on if r.status == "done" else None
            asked[r.person_id].append(RequestFact(r.asked_on, r.side == "mine", done))
    ids = set(met) | set(seen) | set(given) | set(asked)
    strong = 0
    for pid in ids:
        agg = aggregate_touches(
            touches_from(
                params=DEFAULT_PARAMS,
                interactions=seen[pid],
                encounters=met[pid],
                exchanges=given[pid],
                requests=asked[pid],
            ),
            today=TODAY,
            params=DEFAULT_PARAMS,
        )
        strong += strength_from_aggregates(agg, today=TODAY).strong
    return strong


def rebuild(app: App) -> None:
    """The whole summary recomputed (after an upgrade, other parameters, a day far away)."""
    with app.uow() as conn:
        rebuild_touch_summary(conn, today=TODAY, params=DEFAULT_PARAMS)


def touch_and_review(app: App) -> None:
    """Incremental upkeep: log one interaction with three people, then read the review."""
    with app.uow() as conn:
        ids = list(conn.execute(select(people.c.id).order_by(people.c.id).limit(3)).scalars())
    log_interaction(app.uow(), person_ids=ids, on=TODAY)
    insights.network_review(app.uow(), today=TODAY, now=NOW)


def next_day(app: App, repeat: int, *, stats: bool = False) -> tuple[float, float, float]:
    """The first review (or stats) of a new day: yesterday's summary rolled forward, then read.

    Each run first rebuilds yesterday's summary and reads it (not timed), as a day of use
    leaves it.
    """
    times, cpu = [], []
    yesterday = TODAY - timedelta(days=1)
    for _ in range(repeat):
        with app.uow() as conn:
            rebuild_touch_summary(conn, today=yesterday, params=DEFAULT_PARAMS)
        insights.network_review(app.uow(), today=yesterday, now=NOW - timedelta(days=1))
        start, start_cpu = time.perf_counter(), time.process_time()
        if stats:
            insights.network_stats(app.uow(), today=TODAY)
        else:
            insights.network_review(app.uow(), today=TODAY, now=NOW)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, statistics.median(cpu)


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """One run's wall and CPU time (ms)."""
    start, start_cpu = time.perf_counter(), time.process_time()
    run()
    return (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000


def day_by_day(app: App, days: int, *, check: bool) -> dict[str, list[tuple[float, float]]]:
    """The first call of each new day (the summary rolled forward), and the calls after it.

    The summary is first made current for ``TODAY`` (not timed); with ``check`` the stats
    of every day must equal the per-person reference.
    """
    insights.network_review(app.uow(), today=TODAY, now=NOW)
    found: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for k in range(1, days + 1):
        day = TODAY + timedelta(days=k)
        now = datetime.combine(day, clock(12))
        stats = partial(insights.network_stats, app.uow(), today=day)
        review = partial(insights.network_review, app.uow(), today=day, now=now)
        calls: list[tuple[str, Callable[[], object]]]
        if k % 2:
            calls = [("first stats of a day", stats), ("stats again", stats)]
            calls.append(("review after the day's first stats", review))
        else:
            calls = [("first review of a day", review), ("review again", review)]
        for name, run in calls:
            found[name].append(timed(run))
        if check:
            reference = insights.network_stats_reference(app.uow(), today=day)
            assert insights.network_stats(app.uow(), today=day).to_json() == reference.to_json()
    return found


def machine() -> str:
    """CPU, cores, load, Python and SQLite versions."""
    import sqlite3

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} cores, load {load}; Python {platform.python_version()},"
        f" SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}"
    )


def main() -> None:
    """Build the network, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--db", help="database URL (an empty database); default a temp SQLite")
    parser.add_argument("--no-baseline", action="store_true", help="skip the Python baseline")
    parser.add_argument(
        "--no-reference", action="store_true", help="skip the per-person reference stats (slow)"
    )
    parser.add_argument(
        "--existing", help="measure this database URL as it is (e.g. a copy of the demo)"
    )
    parser.add_argument(
        "--days",
        type=int,
        default=0,
        help="also measure N new days one after another (the first call of each day)",
    )
    parser.add_argument(
        "--days-only", action="store_true", help="measure only the new days (with --days)"
    )
    parser.add_argument(
        "--reads-only",
        action="store_true",
        help="of the same-day rows, only stats, the review and GET /review (no rebuilds)",
    )
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="kinmyaku-review-")
    url = args.existing or args.db or f"sqlite:///{folder}/bench.sqlite3"
    app = open_app(Settings(database_url=url, language="ja", today=TODAY.isoformat()))
    print(f"machine: {machine()}")
    if args.existing:
        print(f"network: {args.existing} as it is ({app.engine.dialect.name})")
    else:
        start = time.perf_counter()
        size = build_sample_network(
            app.uow(), people_count=args.people, interaction_count=args.interactions, today=TODAY
        )
        print(
            f"network: {size.people:,} people, {size.interactions:,} interactions,"
            f" {size.exchanges:,} exchanges, {size.encounters:,} encounters"
            f" ({app.engine.dialect.name}, built in {time.perf_counter() - start:.1f} s)"
        )
    web = create_app(app)
    if not any(getattr(r, "path", "") == "/review" for r in web.routes):
        web.include_router(pages_review.router)
    client = TestClient(web, base_url="http://127.0.0.1")
    assert client.get("/review").status_code == 200
    rows = [
        ("network_stats (SQL counts)", lambda: insights.network_stats(app.uow(), today=TODAY)),
        ("network_review", lambda: insights.network_review(app.uow(), today=TODAY, now=NOW)),
        ("GET /review", lambda: client.get("/review")),
        ("summary rebuilt from every row", lambda: rebuild(app)),
        ("new interaction + network_review", lambda: touch_and_review(app)),
    ]
    if not args.no_reference:
        rows.insert(
            1,
            (
                "network_stats_reference (per person)",
                lambda: insights.network_stats_reference(app.uow(), today=TODAY),
            ),
        )
    if args.days:
        print(f"{args.days} new days from {TODAY + timedelta(days=1)} (median, every run):")
        for name, runs in day_by_day(app, args.days, check=not args.no_reference).items():
            wall, cpu = statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)
            every = " / ".join(f"{w:.0f} ({c:.0f})" for w, c in runs)
            print(f"  {name:36} wall {wall:8.1f} ms  CPU {cpu:8.1f} ms   [{every}]")
        if args.days_only:
            app.close()
            return
    if args.reads_only:
        rows = [row for row in rows if not row[0].startswith(("summary", "new interaction"))]
    results = {name: measure(run, args.repeat) for name, run in rows}
    if not args.reads_only:
        results["next day: roll forward + network_stats"] = next_day(app, args.repeat, stats=True)
        results["next day: roll forward + network_review"] = next_day(app, args.repeat)
    baseline = None
    if not args.no_baseline:
        baseline = measure(lambda: python_baseline(app), max(3, args.repeat // 3))
        results["baseline: Python aggregate_touches"] = baseline
    print(f"{'what':40} {'median ms':>10} {'p95 ms':>9} {'CPU ms':>8} {'ratio':>7}")
    for name, (median, p95, cpu) in results.items():
        ratio = f"{baseline[0] / median:.1f}x" if baseline and not name.startswith("base") else ""
        print(f"{name:40} {median:10.1f} {p95:9.1f} {cpu:8.1f} {ratio:>7}")
    stats = insights.network_stats(app.uow(), today=TODAY)
    reference = insights.network_stats_reference(app.uow(), today=TODAY)
    print(f"stats: {stats.to_json()}")
    print(f"same as the reference: {stats.to_json() == reference.to_json()}")
    app.close()


if __name__ == "__main__":
    main()

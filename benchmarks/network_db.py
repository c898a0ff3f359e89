"""Network on the database: time building the graph and `path` queries end to end.

Usage: .venv/bin/python benchmarks/network_db.py [--people 5000] [--runs 7]

Uses services/demo.py ``generate_demo`` when it exists, else fills a SQLite file with a
synthetic network of the same shape (organisations, events, links, introducers,
interactions).  Also times /tmp/demo100k.sqlite3 when present.  Prints medians and p95;
the baseline is one ``SELECT count(*)`` round trip measured in the same process.
"""

from __future__ import annotations

import argparse
import importlib
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from kinmyaku.bootstrap import App, open_app
from kinmyaku.config import Settings
from kinmyaku.services import network as net
from kinmyaku.storage import schema as s

TODAY = date(2026, 11, 26)


def _synthetic(app: App, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    now = datetime(2026, 11, 26)
    orgs = max(10, n // 25)
    with app.uow() as conn:
        conn.execute(
            insert(s.organizations),
            [
                {
                    "id": i,
                    "name": f"会社{i}",
                    "industry": rng.choice(["it", "finance", "trading"]),
                    "name_key": f"会社{i}",
                }
                for i in range(1, orgs + 1)
            ],
        )
        conn.execute(
            insert(s.people),
            [
                {
                    "id": i,
                    "family_name": f"人{i}",
                    "met": rng.random() < 0.6,
                    "offers": rng.choice(["税務", "採用", "", "営業"]),
                    "needs": rng.choice(["採用", "", ""]),
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(1, n + 1)
            ],
        )
        conn.execute(
            insert(s.affiliations),
            [{"person_id": i, "organization_id": rng.randint(1, orgs)} for i in range(1, n + 1)],
        )
        conn.execute(
            insert(s.events),
            [
                {"id": e, "name": f"交流会{e}", "kind": "meetup", "date": TODAY - timedelta(days=e)}
                for e in range(1, n // 50 + 1)
            ],
        )
        conn.execute(
            insert(s.encounters),
            [
                {
                    "person_id": i,
                    "date": TODAY - timedelta(days=rng.randint(0, 900)),
                    "channel": "event",
                    "event_id": rng.randint(1, n // 50),
                    "introducer_id": rng.randint(1, n) if rng.random() < 0.2 else None,
                }
                for i in range(1, n + 1)
            ],
        )
        pairs = {tuple(sorted(rng.sample(range(1, n + 1), 2))) for _ in range(n * 2)}
        conn.execute(
            insert(s.links), [{"person_a": a, "person_b": b, "kind": "knows"} for a, b in pairs]
        )
        conn.execute(
            insert(s.interactions),
            [
                {"id": k, "date": TODAY - timedelta(days=rng.randint(0, 700)), "kind": "meeting"}
                for k in range(1, n * 3 + 1)
            ],
        )
        conn.execute(
            insert(s.interaction_people),
            [{"interaction_id": k, "person_id": rng.randint(1, n)} for k in range(1, n * 3 + 1)],
        )


def _time(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.95 * len(samples)))]


def bench(app: App, label: str, runs: int) -> None:
    """Print build and path timings on one database."""
    with app.uow() as conn:
        org = conn.execute(select(s.organizations.c.name).limit(1)).scalar()
        count = conn.execute(select(func.count()).select_from(s.people)).scalar_one()
    if org is None or not count:
        print(f"== {label}: no people or organisations yet, skipped")
        return

    def baseline() -> None:
        with app.uow() as conn:
            conn.execute(select(func.count()).select_from(s.people)).scalar_one()

    base, _ = _time(baseline, runs)
    cold, cold95 = _time(lambda: net.build_network(app.uow(), today=TODAY, use_cache=False), runs)
    warm, warm95 = _time(lambda: net.build_network(app.uow(), today=TODAY), runs)
    graph = net.build_network(app.uow(), today=TODAY)
    print(
        f"== {label}: {count} people, {graph.edge_count} edges; baseline query {base * 1e3:.2f} ms"
    )
    print(f"build graph (no cache)   median {cold * 1e3:8.1f} ms  p95 {cold95 * 1e3:8.1f} ms")
    print(
        f"build graph (cached)     median {warm * 1e3:8.1f} ms  p95 {warm95 * 1e3:8.1f} ms"
        f"  ({warm / base:.0f}x baseline)"
    )
    for target in (f"org:{org}", "industry:it", "skill:採用", "#7"):

        def query(t: str = target) -> object:
            return net.find_paths(app.uow(), target=t, today=TODAY, limit=3)

        med, p95 = _time(query, runs)
        print(f"path {target:<18} median {med * 1e3:8.1f} ms  p95 {p95 * 1e3:8.1f} ms")


def main() -> None:
    """Build the databases and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        app = open_app(Settings(database_url=url, language="en", today=TODAY.isoformat()))
        try:
            demo = importlib.import_module("kinmyaku.services.demo")
            demo.generate_demo(app.uow(), people=args.people, seed=1, today=TODAY)
            label = "demo"
        except ImportError:
            _synthetic(app, args.people)
            label = "synthetic (services/demo.py missing)"
        bench(app, f"{label} {args.people}", args.runs)
        app.close()
    big = Path("/tmp/demo100k.sqlite3")
    if big.exists():
        app = open_app(
            Settings(database_url=f"sqlite:///{big}", today=TODAY.isoformat()), migrate=False
        )
        bench(app, "demo100k", max(3, args.runs // 2))
        app.close()


if __name__ == "__main__":
    main()

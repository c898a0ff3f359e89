"""Network on the database: time building the graph and `path` queries end to end.

Usage: .venv/bin/python benchmarks/network_db.py [--people 5000] [--runs 7]
       .venv/bin/python benchmarks/network_db.py --startup [--people 100000] [--db FILE]

``--startup`` times the web server as a user meets it (issue #19): start the app (its
lifespan builds the network graph in the background), then the first warm path, the
median of later ones, and the map's views (JSON size and time), with the background build
and without it.  ``--db`` reuses a SQLite file (a copy is used, the file is not changed).

Uses services/demo.py ``generate_demo`` when it exists, else fills a SQLite file with a
synthetic network of the same shape (organisations, events, links, introducers,
interactions).  Also times /tmp/demo100k.sqlite3 when present.  Prints medians and p95;
the baseline is one ``SELECT count(*)`` round trip measured in the same process.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import shutil
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


def _get(client: object, url: str) -> tuple[float, int]:
    """Seconds and response bytes of one GET."""
    start = time.perf_counter()
    response = client.get(url)  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(response.content)


def _cpu(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds (this thread's) of one call: CPU time hardly depends on what
    else the machine runs, so it is the figure to compare on a busy machine."""
    wall, cpu = time.perf_counter(), time.thread_time()
    fn()
    return time.perf_counter() - wall, time.thread_time() - cpu


def startup(url: str, runs: int, *, warm: bool) -> None:
    """Start the web app on a database and time the first and later paths and map views."""
    from fastapi.testclient import TestClient

    from kinmyaku.web import upkeep
    from kinmyaku.web.app import create_app

    app = open_app(Settings(database_url=url, language="ja", today=TODAY.isoformat()))
    with app.uow() as conn:
        org = conn.execute(select(s.organizations.c.name).limit(1)).scalar()
        count = conn.execute(select(func.count()).select_from(s.people)).scalar_one()
    net._CACHE.clear()  # a server that just started has no graph
    upkeep.WARM_MIN_PEOPLE = 2000 if warm else 10**12
    web = create_app(app)
    web.state.upkeep.network.min_people = upkeep.WARM_MIN_PEOPLE
    label = "with the background build" if warm else "without the background build"
    load = os.getloadavg()[0]
    print(f"== server start, {count} people, {label} (load average {load:.1f},"
          f" {os.cpu_count()} cores)")  # fmt: skip
    started = time.perf_counter()
    with TestClient(web, base_url="http://127.0.0.1") as client:
        print(f"start (lifespan) {time.perf_counter() - started:8.2f} s")
        ready = web.state.upkeep.network.ready
        ready.wait(900)
        print(
            f"graph ready      {time.perf_counter() - started:8.2f} s after the start"
            f" (built in {web.state.upkeep.network.seconds:.2f} s in the background,"
            f" {web.state.upkeep.network.cpu_seconds:.2f} s CPU)"
        )
        from starlette.datastructures import QueryParams

        from kinmyaku.web.routes.pages_network import map_graph

        def in_process(query: str) -> tuple[float, float]:
            return _cpu(lambda: map_graph(app, QueryParams(query), "ja"))

        targets = [f"org:{org}", "industry:it", "skill:採用", "#7", "商社", "industry:finance"]
        wall, cpu = in_process("target=" + targets[0])
        print(f"first path       {wall * 1e3:8.0f} ms wall, {cpu * 1e3:6.0f} ms CPU (in process)")
        first, size = _get(client, "/network/graph.json?target=" + targets[0])
        print(f"first HTTP path  {first * 1e3:8.0f} ms  (graph.json with the paths, {size} bytes)")
        later = [_get(client, "/network/graph.json?target=" + t)[0] for t in targets[1:]]
        later += [_get(client, "/network/graph.json?target=" + targets[0])[0]
                  for _ in range(max(runs - len(later), 0))]  # fmt: skip
        print(
            f"later paths      median {statistics.median(later) * 1e3:6.0f} ms"
            f"  max {max(later) * 1e3:6.0f} ms  ({len(later)} paths)"
        )
        page, page_size = _get(client, "/network?target=" + targets[0])
        print(f"path page        {page * 1e3:8.0f} ms  ({page_size} bytes of HTML)")
        overview = client.get("/network/graph.json").json()
        views = {"overview (desktop)": "/network/graph.json",
                 "overview (phone)": "/network/graph.json?people=10&groups=6"}  # fmt: skip
        group = next((n["group"] for n in overview["nodes"] if n["kind"] == "group"), None)
        person = next((n["person"] for n in overview["nodes"] if n["kind"] == "person"), None)
        if group:
            views["a group opened"] = f"/network/graph.json?group={group}"
        if person:
            views["focus on a person"] = f"/network/graph.json?focus={person}"
        paths = [in_process("target=" + t) for t in targets]
        print(f"paths in process median {statistics.median(w for w, _ in paths) * 1e3:6.0f} ms"
              f" wall, {statistics.median(c for _, c in paths) * 1e3:6.0f} ms CPU")  # fmt: skip
        for name, view in views.items():
            samples = [_get(client, view) for _ in range(runs)]
            median = statistics.median(t for t, _ in samples)
            data = client.get(view).json()
            print(
                f"{name:<19} median {median * 1e3:6.0f} ms  {samples[0][1]:7d} bytes"
                f"  {len(data['nodes'])} nodes, {len(data['edges'])} edges"
            )
    app.close()


def main() -> None:
    """Build the databases and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--startup", action="store_true", help="time the web server's start")
    parser.add_argument("--db", type=Path, help="a SQLite file to use (copied) for --startup")
    args = parser.parse_args()
    if args.startup:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.sqlite3"
            if args.db:
                shutil.copyfile(args.db, path)
            else:
                app = open_app(Settings(database_url=f"sqlite:///{path}", today=TODAY.isoformat()))
                demo = importlib.import_module("kinmyaku.services.demo")
                demo.generate_demo(app.uow(), people=args.people, seed=1, today=TODAY)
                app.close()
            for warm in (True, False):
                startup(f"sqlite:///{path}", args.runs, warm=warm)
        return
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

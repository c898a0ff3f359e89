"""Search latency at 100,000 people: the index against a naive LIKE '%q%', same run.

    .venv/bin/python benchmarks/search.py [--db PATH_OR_URL] [--people 100000] [--rounds 30]

Builds the demo network once (``kinmyaku demo``) when the database is empty, then times
in-process searches (one connection, like a running server) for name, reading and
romaji queries, and the same queries as a naive ``LIKE '%q%'`` over the same tables.
Prints medians and p95 per kind and the ratio naive / indexed.

What is remembered (memory cues, titles) and Kunrei romaji are timed too; their naive
baseline scans the cues, places, event names, titles, departments and notes
(:func:`naive_memory`).  ``--kinds cue,title`` times only those kinds.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, func, or_, select

from kinmyaku.bootstrap import open_app
from kinmyaku.config import Settings, database_url
from kinmyaku.storage import search
from kinmyaku.storage.schema import affiliations, encounters, events, organizations, people

QUERIES = {
    # The three kinds: a name in kanji (variants included), its reading in kana (any
    # width), its romaji (any Hepburn spelling).
    "name": ["高橋", "佐藤", "髙橋", "鈴木", "渡邊", "山﨑", "中村", "小林", "伊藤", "田中"],
    "reading": [
        "たかはし",
        "タカハシ",
        "ﾀｶﾊｼ",
        "さとう",
        "すずき",
        "いとう",
        "なかむら",
        "こばやし",
        "わたなべ",
        "やまもと",
    ],
    "romaji": [
        "takahashi",
        "Takahashi",
        "Satō",
        "Satoh",
        "suzuki",
        "tanaka",
        "Itou",
        "yamamoto",
        "kobayashi",
        "nakamura",
    ],
    # Harder cases, reported too: a two-word full name, and short prefixes as typed.
    "two words": ["田中 美咲", "高橋 健太", "佐藤 翔太", "Kenta Takahashi", "すずき ゆい"],
    "prefix": ["たか", "やまも", "tak", "さと", "こば", "高", "佐"],
    # Search by what you remember (issue #19): words of the demo's memory cues, titles and
    # departments, and names typed in Kunrei or Nihon-shiki romaji.
    "cue": ["メガネ", "赤い", "関西弁", "マラソン", "ワイン", "猫", "サウナ", "キャンプ", "将棋"],
    "title": ["部長", "課長", "マネージャー", "主任", "エンジニア", "営業部", "品質保証"],
    "kunrei": ["takahasi", "syouta", "tyou", "sinji", "tuyosi", "hukuda", "zyun", "sato"],
}
MEMORY_KINDS = frozenset({"cue", "title"})


def machine() -> str:
    """CPU model and core count of this machine."""
    model = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def naive(conn: Connection, query: str, limit: int = 20) -> list[int]:
    """The baseline: LIKE '%q%' over names, readings, romaji and company, no index."""
    pattern = f"%{query}%"
    stmt = (
        select(people.c.id)
        .outerjoin(affiliations, affiliations.c.person_id == people.c.id)
        .outerjoin(organizations, organizations.c.id == affiliations.c.organization_id)
        .where(
            or_(
                (people.c.family_name + people.c.given_name).like(pattern),
                (people.c.family_reading + people.c.given_reading).like(pattern),
                people.c.romaji.like(pattern),
                organizations.c.name.like(pattern),
                people.c.notes.like(pattern),
            )
        )
        .group_by(people.c.id, people.c.sort_key)
        .order_by(people.c.sort_key)
        .limit(limit)
    )
    return list(conn.execute(stmt).scalars())


def naive_memory(conn: Connection, query: str, limit: int = 20) -> list[int]:
    """The baseline of what is remembered: LIKE '%q%' over cues, places, events, titles,
    departments and notes, no index."""
    pattern = f"%{query}%"
    e, a = encounters.c, affiliations.c
    met = (
        select(e.person_id)
        .select_from(encounters.outerjoin(events, events.c.id == e.event_id))
        .where(or_(e.memory_cue.like(pattern), e.place.like(pattern), events.c.name.like(pattern)))
    )
    jobs = select(a.person_id).where(or_(a.title.like(pattern), a.department.like(pattern)))
    stmt = (
        select(people.c.id)
        .where(or_(people.c.id.in_(met), people.c.id.in_(jobs), people.c.notes.like(pattern)))
        .order_by(people.c.sort_key)
        .limit(limit)
    )
    return list(conn.execute(stmt).scalars())


def indexed(conn: Connection, query: str, limit: int = 20) -> list[int]:
    """kinmyaku's search: index range look-ups, ranked."""
    return [pid for pid, _ in search.search_people(conn, query, limit=limit)]


def timings(
    fn: Callable[[Connection, str], list[int]], conn: Connection, queries: list[str], rounds: int
) -> list[float]:
    """Latencies in milliseconds of every query, ``rounds`` times each."""
    samples = []
    for _ in range(rounds):
        for q in queries:
            start = time.perf_counter()
            fn(conn, q)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    """95th percentile."""
    return statistics.quantiles(samples, n=20)[-1]


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="/tmp/kinmyaku-bench-100k.sqlite3")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--naive-rounds", type=int, default=3)
    parser.add_argument("--kinds", default="", help="Comma-separated kinds to time (all).")
    args = parser.parse_args()

    app = open_app(Settings(database_url=database_url(args.db), language="en"))
    with app.uow() as conn:
        count = conn.execute(select(func.count()).select_from(people)).scalar_one()
    if count == 0:
        from kinmyaku.services.demo import generate_demo

        start = time.perf_counter()
        generate_demo(app.uow(), people=args.people, seed=1, today=app.today())
        print(
            f"built the demo network: {args.people} people in {time.perf_counter() - start:.1f} s"
        )
        with app.uow() as conn:
            count = conn.execute(select(func.count()).select_from(people)).scalar_one()

    print(f"machine: {machine()}")
    print(f"database: {app.engine.dialect.name}, {count} people")
    print(
        f"{'kind':9} {'index p50':>10} {'index p95':>10} {'naive p50':>10} "
        f"{'naive p95':>10} {'ratio p50':>10} {'ratio p95':>10}"
    )
    with app.engine.connect() as conn:
        wanted = [k for k in args.kinds.split(",") if k] or list(QUERIES)
        for kind, queries in QUERIES.items():
            if kind not in wanted:
                continue
            indexed(conn, queries[0])  # warm the caches
            fast = timings(indexed, conn, queries, args.rounds)
            baseline = naive_memory if kind in MEMORY_KINDS else naive
            slow = timings(baseline, conn, queries, args.naive_rounds)
            print(
                f"{kind:9} {statistics.median(fast):9.2f}ms {p95(fast):9.2f}ms "
                f"{statistics.median(slow):9.2f}ms {p95(slow):9.2f}ms "
                f"{statistics.median(slow) / statistics.median(fast):9.1f}x "
                f"{p95(slow) / p95(fast):9.1f}x"
            )
    app.close()


if __name__ == "__main__":
    main()

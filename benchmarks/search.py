"""Search latency at 100,000 people: the index against a naive LIKE '%q%', same run.

    .venv/bin/python benchmarks/search.py [--db PATH_OR_URL] [--people 100000] [--rounds 30]
        [--kinds "name,two kanji,prefix"] [--per-query] [--statements] [--cpu] [--server-cpu]

Builds the demo network once (``kinmyaku demo``) when the database is empty, then times
in-process searches (one connection, like a running server) for name, reading and
romaji queries, and the same queries as a naive ``LIKE '%q%'`` over the same tables.
Prints medians and p95 per kind and the ratio naive / indexed.

Two-word names in either order and script, prefixes as typed (kana, romaji, kanji) and
romaji of other systems are timed too; a multi-word query's naive baseline needs every
word to match.  What is remembered (memory cues, titles, notes) and Kunrei romaji are
timed as well; the naive baseline of what is remembered scans the cues, places, event
names, titles, departments and notes (:func:`naive_memory`).  ``--kinds cue,title`` times
only those kinds.  ``--db`` takes a SQLite path or a PostgreSQL URL
(``postgresql+psycopg://postgres@127.0.0.1:5443/demo100k``).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, event, func, or_, select

from kinmyaku.bootstrap import open_app
from kinmyaku.config import Settings, database_url
from kinmyaku.storage import search, search_plans
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
    # Two words, in either order and script (issue #18): family then given name in kanji,
    # given then family, romaji either way, kana, and the scripts mixed.
    "two kanji": ["高橋 健太", "田中 美咲", "佐藤 翔太", "鈴木 直樹", "伊藤 陽菜"],
    "two kanji reversed": ["健太 高橋", "美咲 田中", "翔太 佐藤", "直樹 鈴木", "陽菜 伊藤"],
    "two romaji": [
        "kenta takahashi",
        "Takahashi Kenta",
        "misaki tanaka",
        "Sato Shota",
        "naoki suzuki",
    ],
    "two kana": [
        "すずき ゆい",
        "ゆい すずき",
        "たかはし けんた",
        "けんた たかはし",
        "タナカ ミサキ",
    ],
    "two mixed": ["高橋 kenta", "kenta 高橋", "たかはし 健太", "健太 takahashi", "佐藤 しょうた"],
    # Prefixes as typed: kana, romaji and kanji.
    "prefix": ["たか", "やまも", "tak", "さと", "こば", "高", "佐"],
    "prefix kana": ["た", "たか", "やまも", "さと", "こば", "わたな", "すず"],
    "prefix romaji": ["ta", "tak", "yamam", "sat", "koba", "wata", "suz"],
    "prefix kanji": ["高", "佐", "山", "田", "渡", "小", "中"],
    # Search by what you remember (issue #19): words of the demo's memory cues, titles and
    # departments, and names typed in Kunrei or Nihon-shiki romaji.
    "cue": ["メガネ", "赤い", "関西弁", "マラソン", "ワイン", "猫", "サウナ", "キャンプ", "将棋"],
    "title": ["部長", "課長", "マネージャー", "主任", "エンジニア", "営業部", "品質保証"],
    "kunrei": ["takahasi", "syouta", "tyou", "sinji", "tuyosi", "hukuda", "zyun", "sato"],
    # Words of the notes (the demo's: interests, plans).
    "note": ["ランチ", "セキュリティ", "資金調達", "独立予定", "ブランディング", "生成AI", "SaaS"],
    # Romaji of other systems: long vowels written out, with h, with a macron, wapuro.
    "romaji any": ["Satou", "Satoh", "Satō", "Ohno", "Oono", "Itoh", "Kōno", "shouta", "Yuuki"],
}
MEMORY_KINDS = frozenset({"cue", "title", "note"})


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
    """The baseline: LIKE '%word%' over names, readings, romaji, company and notes for each
    word of the query (all must match), no index."""
    words = [
        or_(
            (people.c.family_name + people.c.given_name).like(pattern),
            (people.c.family_reading + people.c.given_reading).like(pattern),
            people.c.romaji.like(pattern),
            organizations.c.name.like(pattern),
            people.c.notes.like(pattern),
        )
        for pattern in (f"%{word}%" for word in query.split())
    ]
    stmt = (
        select(people.c.id)
        .outerjoin(affiliations, affiliations.c.person_id == people.c.id)
        .outerjoin(organizations, organizations.c.id == affiliations.c.organization_id)
        .where(and_(*words))
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


def server_pid(conn: Connection) -> int | None:
    """The process id of this connection's PostgreSQL backend when the server runs on this
    machine and its /proc entry can be read (None: SQLite, or a remote server)."""
    if conn.dialect.name != "postgresql":
        return None
    pid = int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
    return pid if Path(f"/proc/{pid}/stat").exists() else None


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the backend process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timings(
    fn: Callable[[Connection, str], list[int]],
    conn: Connection,
    queries: list[str],
    rounds: int,
    cpu: list[float] | None = None,
    server: list[float] | None = None,
) -> list[float]:
    """Latencies in milliseconds of every query, ``rounds`` times each (and the CPU time
    this process spent on each in ``cpu``, when given; the PostgreSQL backend's CPU time
    a search, averaged over each round of queries, in ``server``: /proc counts it in
    ticks of 10 ms, too coarse for one search)."""
    samples = []
    pid = server_pid(conn) if server is not None else None
    for _ in range(rounds):
        before = server_cpu(pid) if pid is not None else 0.0
        for q in queries:
            start, used = time.perf_counter(), time.process_time()
            fn(conn, q)
            samples.append((time.perf_counter() - start) * 1000)
            if cpu is not None:
                cpu.append((time.process_time() - used) * 1000)
        if server is not None and pid is not None:
            server.append((server_cpu(pid) - before) * 1000 / len(queries))
    return samples


def statements(conn: Connection, queries: list[str]) -> int:
    """The most statements one search of these queries sends to the database (those sent
    through SQLAlchemy and those sent straight to the driver, search_plans.raw_rows)."""
    sent = [0]
    raw = search_plans.raw_rows

    def count(*_: object) -> None:
        sent[0] += 1

    def counted(conn: Connection, stmt: Any, values: dict[str, Any]) -> list[Any]:
        sent[0] += 1
        return raw(conn, stmt, values)

    engine = conn.engine
    event.listen(engine, "before_cursor_execute", count)
    search_plans.raw_rows = counted
    try:
        most = 0
        for q in queries:
            sent[0] = 0
            indexed(conn, q)
            most = max(most, sent[0])
    finally:
        event.remove(engine, "before_cursor_execute", count)
        search_plans.raw_rows = raw
    return most


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
    parser.add_argument(
        "--per-query", action="store_true", help="Also print each query's median and p95."
    )
    parser.add_argument(
        "--statements",
        action="store_true",
        help="Also print the statements a search sends (max over the kind's queries): on "
        "PostgreSQL each is a round trip.",
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="Also print the CPU time this process spent a search (p50, p95): on a shared "
        "machine, what the search costs without the time it waited for a core (SQLite runs "
        "in this process; PostgreSQL's own work is in the server's).",
    )
    parser.add_argument(
        "--server-cpu",
        action="store_true",
        help="PostgreSQL on this machine: also print the CPU time the server's backend spent "
        "a search (mean over rounds, and the worst round's mean), read from /proc: what the "
        "database costs on a loaded machine, where wall times are mostly waiting for a core.",
    )
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
        f"run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"1-minute load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'kind':18} {'index p50':>10} {'index p95':>10} {'naive p50':>10} "
        f"{'naive p95':>10} {'ratio p50':>10} {'ratio p95':>10}"
        + (f" {'cpu p50':>10} {'cpu p95':>10}" if args.cpu else "")
        + (f" {'statements':>10}" if args.statements else "")
        + (f" {'srv mean':>10} {'srv worst':>10}" if args.server_cpu else "")
    )
    with app.engine.connect() as conn:
        wanted = [k for k in args.kinds.split(",") if k] or list(QUERIES)
        for kind, queries in QUERIES.items():
            if kind not in wanted:
                continue
            indexed(conn, queries[0])  # warm the caches
            cpu: list[float] = []
            server: list[float] | None = [] if args.server_cpu else None
            fast = timings(indexed, conn, queries, args.rounds, cpu, server)
            baseline = naive_memory if kind in MEMORY_KINDS else naive
            slow = timings(baseline, conn, queries, args.naive_rounds)
            print(
                f"{kind:18} {statistics.median(fast):9.2f}ms {p95(fast):9.2f}ms "
                f"{statistics.median(slow):9.2f}ms {p95(slow):9.2f}ms "
                f"{statistics.median(slow) / statistics.median(fast):9.1f}x "
                f"{p95(slow) / p95(fast):9.1f}x"
                + (f" {statistics.median(cpu):8.2f}ms {p95(cpu):8.2f}ms" if args.cpu else "")
                + (f" {statements(conn, queries):10d}" if args.statements else "")
                + (
                    f" {statistics.mean(server):8.2f}ms {max(server):8.2f}ms"
                    if server
                    else (f" {'-':>10} {'-':>10}" if args.server_cpu else "")
                )
            )
            if args.per_query:
                for q in queries:
                    own = timings(indexed, conn, [q], args.rounds)
                    print(f"    {q:22} {statistics.median(own):9.2f}ms {p95(own):9.2f}ms")
    app.close()


if __name__ == "__main__":
    main()

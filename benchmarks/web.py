"""Web benchmark: the person page and the people search under 32 concurrent clients.

Starts ``kinmyaku serve`` (uvicorn, N workers) on a free 127.0.0.1 port against a demo
database, then drives a bounded load on loopback and prints p50/p95 latency and requests/s
for each target, with the static ``/healthz`` route measured in the same run as the baseline
(its ratio shows what the page itself costs over the bare server).

Two load generators: ``wrk`` (Debian's package, if installed; least overhead) or a bounded
asyncio + httpx loop (always available).  Every loop stops by itself: at most ``--requests``
requests or ``--seconds`` seconds per target.

    kinmyaku --db /tmp/web100k.sqlite3 demo --people 100000
    python benchmarks/web.py --db /tmp/web100k.sqlite3
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx

SEARCH_TERMS = [
    "たかはし", "takahashi", "佐藤", "さとう", "suzuki", "タナカ", "いとう", "渡辺", "やまもと",
    "中村", "kobayashi", "かとう", "吉田", "やまだ", "ささき", "yamaguchi", "まつもと", "井上",
    "きむら", "hayashi", "しみず", "山崎", "もり", "あべ", "いけだ", "橋本", "やました", "石川",
    "なかじま", "前田", "ふじた", "ogawa", "ごとう", "岡田", "はせがわ", "村上", "こんどう", "石井",
]  # fmt: skip

WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("KINMYAKU_PATHS")) do paths[#paths + 1] = line end
local n = 0
request = function()
  n = n + 1
  local path = paths[(n % #paths) + 1]
  return wrk.format("GET", path, {["HX-Request"] = os.getenv("KINMYAKU_HX") or "",
                                  ["Cookie"] = os.getenv("KINMYAKU_COOKIE") or ""})
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.3f %.3f %.3f %d\\n", summary.requests,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency.mean / 1000, summary.errors.status + summary.errors.connect
      + summary.errors.read + summary.errors.timeout))
end
"""


# Every client is one browser that has opened the app before: it sends its session
# cookie, as a browser does, so the server does not mint a new session per request.
COOKIE: dict[str, str] = {}


def _headers(hx: bool) -> dict[str, str]:
    headers = {"Cookie": COOKIE["value"]} if COOKIE.get("value") else {}
    if hx:
        headers["HX-Request"] = "true"
    return headers


@dataclass
class Result:
    """Latency and throughput of one target."""

    name: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    mean_ms: float
    errors: int

    @property
    def rps(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def _result(name: str, latencies: list[float], elapsed: float, errors: int) -> Result:
    ordered = sorted(latencies)
    return Result(
        name=name,
        requests=len(ordered),
        seconds=elapsed,
        p50_ms=1000 * ordered[len(ordered) // 2],
        p95_ms=1000 * ordered[int(len(ordered) * 0.95) - 1],
        mean_ms=1000 * statistics.fmean(ordered),
        errors=errors,
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def sample_ids(db: Path, count: int, rng: random.Random) -> list[int]:
    """Random existing person ids (read straight from the SQLite file)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        top = conn.execute("SELECT max(id) FROM people").fetchone()[0] or 0
        total = conn.execute("SELECT count(*) FROM people").fetchone()[0]
    if not total:
        sys.exit(f"{db} has no people: run 'kinmyaku --db {db} demo --people 100000' first")
    return [rng.randint(1, top) for _ in range(count)]


def start_server(db: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    """``kinmyaku serve`` in a child process; returns once /healthz answers."""
    kinmyaku = Path(sys.executable).with_name("kinmyaku")
    command = [str(kinmyaku), "--db", str(db), "--lang", "ja", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers)]  # fmt: skip
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            error = server.stderr.read().decode() if server.stderr else ""
            sys.exit(f"the server stopped: {error}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("the server did not start within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop the server and its workers (the whole process group it leads)."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=15)


async def _httpx_load(
    base: str, name: str, paths: list[str], clients: int, limit: int, seconds: float, hx: bool
) -> Result:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(limit))
    stop_at = time.perf_counter() + seconds
    headers = _headers(hx)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal errors
            for n in counter:
                if time.perf_counter() > stop_at:
                    return
                path = paths[n % len(paths)]
                began = time.perf_counter()
                try:
                    response = await client.get(path, headers=headers)
                except httpx.TransportError:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - began)
                if response.status_code != 200:
                    errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - began
    return _result(name, latencies, elapsed, errors)


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """One keep-alive GET on an open connection; returns the status code."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status


async def _paced_load(
    base: str, name: str, paths: list[str], clients: int, rate: float, seconds: float, hx: bool
) -> Result:
    """Open-loop load: ``clients`` connections together send ``rate`` requests/s on a fixed
    schedule (each client one request every clients/rate seconds, with a random phase).

    Latency counts from the moment a request was due, not from when it was sent, so a slow
    server cannot hide its queue by slowing the clients down (no coordinated omission).
    The client is plain asyncio streams (HTTP/1.1 keep-alive), light enough that it does
    not compete with the server for the two cores the way an HTTP library would.
    """
    latencies: list[float] = []
    errors = 0
    interval = clients / rate
    host, port = base.removeprefix("http://").rsplit(":", 1)
    extra = "".join(f"{k}: {v}\r\n" for k, v in _headers(hx).items())
    rng = random.Random(len(paths))
    start = time.perf_counter() + 0.5
    stop_at = start + seconds

    async def worker(index: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        due = start + rng.random() * interval
        n = index
        while due < stop_at:
            wait = due - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            path = paths[n % len(paths)]
            n += clients
            request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode()
            try:
                if await _get(reader, writer, request) != 200:
                    errors += 1
            except (OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, int(port))
            latencies.append(time.perf_counter() - due)
            due += interval
        writer.close()

    await asyncio.gather(*(worker(i) for i in range(clients)))
    elapsed = max(time.perf_counter(), stop_at) - start
    return _result(name, latencies, elapsed, errors)


def _wrk_load(
    base: str, name: str, paths: list[str], clients: int, seconds: float, hx: bool
) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "paths.lua"
        script.write_text(WRK_SCRIPT)
        listing = Path(folder) / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        env = {**os.environ, "KINMYAKU_PATHS": str(listing), "KINMYAKU_HX": "true" if hx else "",
               "KINMYAKU_COOKIE": COOKIE.get("value", "")}  # fmt: skip
        threads = str(min(2, clients))
        command = ["wrk", "-t", threads, "-c", str(clients), "-d", f"{int(seconds)}s",
                   "--timeout", "10s", "-s", str(script), base]  # fmt: skip
        out = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    found = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)", out)
    if not found:
        sys.exit(f"wrk printed no result:\n{out}")
    requests, micros, p50, p95, mean, errors = found.groups()
    return Result(name, int(requests), int(micros) / 1e6, float(p50), float(p95), float(mean),
                  int(errors))  # fmt: skip


def server_cpu(group: int) -> float:
    """CPU seconds used so far by every process of the server's process group."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp
            total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return total


def run_target(
    args: argparse.Namespace,
    base: str,
    group: int,
    name: str,
    paths: list[str],
    hx: bool = False,
    rate: float | None = None,
) -> tuple[Result, float]:
    """Warm up, then measure one target; also the server's CPU ms per request."""
    warm = httpx.Client(base_url=base, timeout=30)
    for path in paths[:50]:
        warm.get(path, headers=_headers(False))
    warm.close()
    cpu = server_cpu(group)
    if rate:
        began = time.process_time()
        result = asyncio.run(_paced_load(base, name, paths, args.clients, rate, args.seconds, hx))
        client = 1000 * (time.process_time() - began) / max(result.requests, 1)
        print(f"  ({name}: the load generator itself used {client:.2f} ms CPU a request)")
    elif args.tool == "wrk":
        result = _wrk_load(base, name, paths, args.clients, args.seconds, hx)
    else:
        result = asyncio.run(
            _httpx_load(base, name, paths, args.clients, args.requests, args.seconds, hx)
        )
    used = server_cpu(group) - cpu
    return result, 1000 * used / max(result.requests, 1)


def _print(rows: list[tuple[Result, float]], baseline: Result) -> None:
    print(f"{'target':44} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'mean ms':>8} {'errors':>6} {'CPU ms/req':>10} {'p95/base':>9}")  # fmt: skip
    for r, cpu in rows:
        ratio = r.p95_ms / baseline.p95_ms if baseline.p95_ms else 0
        print(f"{r.name:44} {r.requests:9d} {r.rps:8.0f} {r.p50_ms:8.1f} {r.p95_ms:8.1f} "
              f"{r.mean_ms:8.1f} {r.errors:6d} {cpu:10.2f} {ratio:9.1f}")  # fmt: skip


def main() -> None:
    """Run the benchmark and print two tables: at saturation, and at the target rate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/web100k.sqlite3"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rate", type=float, default=200, help="req/s of the paced run")
    parser.add_argument("--requests", type=int, default=4000, help="per target (httpx)")
    parser.add_argument("--seconds", type=float, default=15, help="at most, per target")
    parser.add_argument("--tool", choices=["auto", "wrk", "httpx"], default="auto")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", choices=["person", "search"], help="measure one page only")
    args = parser.parse_args()
    if args.tool == "auto":
        args.tool = "wrk" if shutil.which("wrk") else "httpx"
    rng = random.Random(args.seed)
    people = [f"/people/{i}" for i in sample_ids(args.db, 4000, rng)]
    searches = [f"/people?q={quote(rng.choice(SEARCH_TERMS))}" for _ in range(4000)]
    targets = [
        ("person page /people/{id}", people, False),
        ("people search /people?q= (htmx)", searches, True),
        ("people search /people?q= (full page)", searches, False),
    ]
    if args.only:
        targets = [t for t in targets if args.only in t[0]]
    load_before = os.getloadavg()[0]
    port = free_port()
    server = start_server(args.db, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    group = server.pid
    first = httpx.get(f"{base}/healthz", timeout=30)
    COOKIE["value"] = "; ".join(f"{k}={v}" for k, v in first.cookies.items())
    try:
        baseline = run_target(args, base, group, "baseline /healthz", ["/healthz"])
        saturated = [baseline] + [
            run_target(args, base, group, name, paths, hx) for name, paths, hx in targets
        ]
        paced = [
            run_target(args, base, group, f"{name} @ {args.rate:.0f}/s", paths, hx, args.rate)
            for name, paths, hx in targets
        ]
    finally:
        stop_server(server)
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; {args.clients} clients; "
          f"server: {args.workers} workers; db: {args.db}")  # fmt: skip
    print(f"other load on the machine (1-min load average): {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after")  # fmt: skip
    print(f"\n1. saturation: {args.clients} clients, each sends its next request as soon as "
          f"the last is answered ({args.tool})")  # fmt: skip
    _print(saturated, baseline[0])
    print(f"\n2. paced: {args.clients} clients send {args.rate:.0f} requests/s together on a "
          "fixed schedule; latency counted from when each request was due")  # fmt: skip
    _print(paced, baseline[0])
    ok = all(r.p95_ms <= 50 and r.rps >= 0.99 * args.rate and r.errors == 0 for r, _ in paced)
    print(f"\ntargets at {args.rate:.0f} req/s (p95 <= 50 ms, no errors):",
          "met" if ok else "NOT met")  # fmt: skip


if __name__ == "__main__":
    main()

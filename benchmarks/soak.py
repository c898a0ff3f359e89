"""Soak: the real server under mixed reads and writes at a steady rate, for minutes.

Starts ``kinmyaku serve`` (uvicorn, as a user would) on a free 127.0.0.1 port against a
demo database (a SQLite file or a PostgreSQL URL), then sends requests at ``--rate`` per
second for ``--minutes``: reads (the people list, search as you type, a person's page, the
review, Today, the JSON API) and writes by several browser sessions at once (quick add,
logging an interaction, a small vCard import: preview then confirm), each write a form
post carrying the CSRF token read from the page, as a browser does.  The load is an open
loop (a request every 1/rate seconds, whatever the answers), with at most ``--in-flight``
requests outstanding, so a server that cannot keep up shows as an achieved rate below the
target rather than as a client that politely slows down.

Reported: requests sent, errors (any answer a user would see as a failure: 4xx or 5xx, a
refused or dropped connection, a timeout), p50/p95 latency per minute, the last minute's
p95 over the first's, the server's resident memory (RSS, all its processes) at the start,
after the warm-up minute and at the end, and the achieved rate.  It passes when there is no
error, the RSS at the end is within +10 % of the RSS after the warm-up minute, and the
last minute's p95 is at most twice the first's.

Also reported: the CPU seconds of the server (all its processes) and of this driver a
request, and the slope of the RSS after the warm-up minute (least squares, MB a minute).

    python benchmarks/soak.py --db /tmp/soak.sqlite3 --people 2000 --rate 200 --minutes 10
    python benchmarks/soak.py --db postgresql+psycopg://postgres@127.0.0.1:55447/soak ...
    python benchmarks/soak.py ... --workers 2        # kinmyaku serve --workers 2

With ``--workers 2`` the login throttle is shared through the database (web/security.py);
the server's CPU and RSS are summed over the workers.  A loaded machine may take a minute
to start two workers: ``--start-timeout`` (180 s by default) bounds the wait.

``--cpu-by-kind SECONDS`` sends each kind of request alone instead (four sessions, as fast
as answered) and prints the server's CPU milliseconds a request by kind, and what the
soak's mix costs.  ``--probe DIR`` runs the server under :func:`probed_server`, which
writes its RSS, glibc's heap figures (in use against free) and Python's object count to
``DIR/memory.jsonl`` every 5 s and the object types that grew to ``DIR/growth.txt``
(environment switches in :func:`start_server`): it tells a leak (objects and bytes in use
grow) from a heap that keeps what was freed (only the free part grows).

tests/web/test_soak_short.py runs it for about 15 seconds on SQLite and PostgreSQL in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

SEARCH_TERMS = [
    "たかはし", "takahashi", "佐藤", "さとう", "suzuki", "タナカ", "いとう", "渡辺", "やまもと",
    "中村", "kobayashi", "かとう", "吉田", "やまだ", "ささき", "まつもと", "井上", "きむら",
]  # fmt: skip
FAMILY = ["高橋", "佐藤", "鈴木", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]
KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ALERT = re.compile(r'role="alert"[^>]*>\s*(?:<p>)?([^<]+)<')
UPLOAD = re.compile(r'name="upload" value="([A-Za-z0-9_-]{43})"')
PASS_GROWTH = 0.10
KEEPALIVE = 2.0
"""Seconds the driver keeps an idle connection (uvicorn's keep-alive timeout is 5)."""
PASS_P95_RATIO = 2.0


# ---- the server -----------------------------------------------------------------------


@dataclass
class Server:
    """A ``kinmyaku serve`` child process and its address."""

    process: subprocess.Popen[bytes]
    base: str


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def kinmyaku_command() -> str:
    """The ``kinmyaku`` script next to this Python."""
    return str(Path(sys.executable).with_name("kinmyaku"))


def start_server(
    db: str,
    *,
    workers: int = 1,
    lang: str = "ja",
    wait: float = 180,
    log: Path | None = None,
    probe: Path | None = None,
    env: dict[str, str] | None = None,
    profile: Path | None = None,
    threads: int | None = None,
) -> Server:
    """``kinmyaku serve`` in a child process (its own process group; its errors go to
    ``log``); returns once /healthz answers.

    With ``probe`` (a folder) the server runs under :func:`probed_server`, which writes
    its memory figures there every few seconds (``KINMYAKU_SOAK_TRACE=1``: tracemalloc's
    top growth as well; ``KINMYAKU_SOAK_STACKS=1``: where its threads spend their time;
    ``KINMYAKU_SOAK_NO_TRIM=1``: without web/memory.py's arena limit and trims, to compare).
    """
    port = free_port()
    if profile is not None or threads:
        folder = profile or Path(f"/tmp/kinmyaku-soak-hook-{os.getpid()}")
        wanted = {PROFILE_ENV: str(profile)} if profile else {}
        wanted |= {THREADS_ENV: str(threads)} if threads else {}
        env = {**(env or {}), **hook_env(folder, wanted)}
    command = [kinmyaku_command(), "--db", db, "--lang", lang, "serve", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers)]  # fmt: skip
    if probe is not None:
        probe.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, __file__, PROBE_FLAG, str(probe), "--", *command[1:]]
    with open(log or os.devnull, "wb") as errors:
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
            env={**os.environ, **(env or {})},
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait
    while True:
        if process.poll() is not None:
            error = log.read_text(errors="replace")[-2000:] if log else ""
            raise RuntimeError(f"the server stopped: {error}")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return Server(process, base)
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            stop_server(Server(process, base))
            raise RuntimeError("the server did not answer /healthz")
        time.sleep(0.1)


def stop_server(server: Server) -> None:
    """Stop the server and its workers (SIGTERM to the group, then SIGKILL)."""
    try:
        os.killpg(server.process.pid, signal.SIGTERM)
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=30)
    except ProcessLookupError:
        pass


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(c) for c in task.read_text().split()]
        except OSError:
            continue
    return found


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants (psutil, else /proc)."""
    try:
        import psutil  # type: ignore[import-untyped,unused-ignore]

        root = psutil.Process(pid)
        return int(sum(p.memory_info().rss for p in [root, *root.children(recursive=True)]))
    except ImportError:
        pass
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        total += int(match.group(1)) * 1024 if match else 0
        todo += _children(current)
    return total


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its descendants alive now."""
    total, todo, tick = 0.0, [pid], os.sysconf("SC_CLK_TCK")
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        todo += _children(current)
    return total


# ---- the probe inside the server (benchmark only) -------------------------------------

PROBE_FLAG = "--as-probed-server"
PROBE_EVERY = 5.0
TYPES_EVERY = 30.0


def _mallinfo() -> dict[str, int]:
    """glibc's heap figures (all arenas): bytes in use, free inside the heap, mmapped."""
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost")]  # fmt: skip

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = MallInfo2
        info = libc.mallinfo2()
    except (OSError, AttributeError):
        return {}
    return {"heap": info.arena, "mmapped": info.hblkhd, "in_use": info.uordblks + info.hblkhd,
            "free_in_heap": info.fordblks}  # fmt: skip


def _probe(out: Path, trace: bool) -> None:
    """Every few seconds: RSS, glibc heap, Python objects; tracemalloc's growth if on."""
    import gc
    import tracemalloc

    started = time.monotonic()
    first_types: Counter[str] | None = None
    first_snapshot: tracemalloc.Snapshot | None = None
    next_types = started + TYPES_EVERY
    with open(out / "memory.jsonl", "a") as lines:
        while True:
            time.sleep(PROBE_EVERY)
            now = time.monotonic()
            row: dict[str, Any] = {"t": round(now - started, 1), "rss": rss_bytes(os.getpid())}
            row.update(_mallinfo())
            row["objects"] = len(gc.get_objects())
            if trace:
                row["traced"] = tracemalloc.get_traced_memory()[0]
            lines.write(json.dumps(row) + "\n")
            lines.flush()
            if now < next_types:
                continue
            next_types = now + TYPES_EVERY
            types = Counter(type(o).__name__ for o in gc.get_objects())
            first_types = first_types or types
            grown = Counter({k: v - first_types.get(k, 0) for k, v in types.items()})
            report = [f"== {now - started:.0f} s: object types grown since {TYPES_EVERY:g} s"]
            report += [f"{count:+8d} {name}" for name, count in grown.most_common(15)]
            if trace:
                snapshot = tracemalloc.take_snapshot().filter_traces(
                    [tracemalloc.Filter(False, tracemalloc.__file__)]
                )
                first_snapshot = first_snapshot or snapshot
                report.append("-- tracemalloc: growth since the first snapshot")
                for stat in snapshot.compare_to(first_snapshot, "traceback")[:12]:
                    report.append(f"{stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d}")
                    report += ["      " + line for line in stat.traceback.format()[-8:]]
            with open(out / "growth.txt", "a") as text:
                text.write("\n".join(report) + "\n")


def _sample_stacks(out: Path, every: float = 0.005) -> None:
    """A sampling profiler of every thread (cProfile sees one thread only): inclusive and
    own counts per function, written to ``stacks.txt`` every 30 s."""
    import threading

    me = threading.get_ident()
    idle = {"select", "wait", "_worker", "get", "accept", "_wait_for_tstate_lock", "poll"}
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    samples, next_dump = 0, time.monotonic() + 30
    while True:
        time.sleep(every)
        for ident, frame in sys._current_frames().items():
            if ident == me or frame.f_code.co_name in idle:
                continue
            samples += 1
            seen: set[str] = set()
            leaf = True
            current: Any = frame
            while current is not None:
                code = current.f_code
                name = f"{code.co_filename.split('site-packages/')[-1]}:{code.co_name}"
                if leaf:
                    own[name] += 1
                    leaf = False
                if name not in seen:
                    inclusive[name] += 1
                    seen.add(name)
                current = current.f_back
        if time.monotonic() > next_dump:
            next_dump = time.monotonic() + 30
            lines = [f"{samples} busy samples; inclusive:"]
            lines += [f"{n / samples:6.1%} {k}" for k, n in inclusive.most_common(60)]
            lines += ["own:"] + [f"{n / samples:6.1%} {k}" for k, n in own.most_common(40)]
            (out / "stacks.txt").write_text("\n".join(lines) + "\n")


PROFILE_ENV = "KINMYAKU_SOAK_PROFILE"
THREADS_ENV = "KINMYAKU_SOAK_THREADS"
SITECUSTOMIZE = """import os, sys
if os.environ.get("KINMYAKU_SOAK_PROFILE") or os.environ.get("KINMYAKU_SOAK_THREADS"):
    sys.path.insert(0, {folder!r})
    import soak
    soak.in_server_process()
"""


def hook_env(folder: Path, env: dict[str, str]) -> dict[str, str]:
    """The environment that makes every Python process of the server (each worker too:
    uvicorn spawns them) run :func:`in_server_process` first: ``env`` says what it does."""
    hook = folder / "hook"
    hook.mkdir(parents=True, exist_ok=True)
    here = str(Path(__file__).resolve().parent)
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE.format(folder=here))
    path = os.pathsep.join(p for p in (str(hook), os.environ.get("PYTHONPATH", "")) if p)
    return {**env, "PYTHONPATH": path}


def in_server_process() -> None:
    """In each server process (benchmark only): the stack sampler (``--profile``) and the
    size of the worker-thread pool (``--threads``; anyio's default is 40)."""
    if os.environ.get(PROFILE_ENV):
        start_profile(os.environ[PROFILE_ENV])
    threads = os.environ.get(THREADS_ENV)
    if threads:
        from anyio import CapacityLimiter
        from anyio._backends import _asyncio as backend

        def limiter(cls: Any) -> CapacityLimiter:
            try:
                return backend._default_thread_limiter.get()
            except LookupError:
                made = CapacityLimiter(int(threads))
                backend._default_thread_limiter.set(made)
                return made

        backend.AsyncIOBackend.current_default_thread_limiter = classmethod(limiter)  # type: ignore[method-assign,assignment]


def _thread_cpu() -> dict[str, float]:
    """CPU seconds of this process's threads, by thread name (pool threads summed)."""
    import threading

    names = {t.native_id: re.sub(r"[ _-]*\d+$", "", t.name) for t in threading.enumerate()}
    tick = os.sysconf("SC_CLK_TCK")
    found: Counter[str] = Counter()
    for task in Path("/proc/self/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        name = names.get(int(task.name), "(not Python)")
        found[name] += (int(fields[11]) + int(fields[12])) / tick
    return dict(found)


def start_profile(out: str, every: float = 0.01, dump_every: float = 15.0) -> None:
    """In a server process: sample every thread's stack every ``every`` seconds and write
    ``stacks-PID.txt`` (inclusive and own shares of the busy samples, by function, and the
    CPU of each thread) every ``dump_every`` seconds, leaving out the first ``dump_every``
    seconds (the start).  A benchmark tool, never the app's."""
    import threading

    folder = Path(out)

    def run() -> None:
        me = threading.get_ident()
        idle = {"select", "wait", "_worker", "get", "accept", "_wait_for_tstate_lock", "poll",
                "run_forever", "_run_once", "sleep"}  # fmt: skip
        own: Counter[str] = Counter()
        inclusive: Counter[str] = Counter()
        samples, next_dump = 0, time.monotonic() + dump_every
        first_dump = True
        while True:
            time.sleep(every)
            for ident, frame in sys._current_frames().items():
                if ident == me or frame.f_code.co_name in idle:
                    continue
                samples += 1
                seen: set[str] = set()
                current: Any = frame
                leaf = True
                while current is not None:
                    code = current.f_code
                    where = code.co_filename.split("site-packages/")[-1].split("/src/")[-1]
                    name = f"{where}:{code.co_name}"
                    if leaf:
                        own[name] += 1
                        leaf = False
                    if name not in seen:
                        inclusive[name] += 1
                        seen.add(name)
                    current = current.f_back
            if time.monotonic() > next_dump and samples:
                next_dump = time.monotonic() + dump_every
                if first_dump:  # the start (imports, templates) is no request's work
                    first_dump = False
                    own.clear(), inclusive.clear()
                    samples = 0
                    continue
                cpu = _thread_cpu()
                lines = [f"pid {os.getpid()}; thread CPU seconds:"]
                lines += [f"{v:8.2f} {k}" for k, v in sorted(cpu.items(), key=lambda i: -i[1])]
                lines += [f"{samples} busy samples; inclusive:"]
                lines += [f"{n / samples:6.1%} {k}" for k, n in inclusive.most_common(120)]
                lines += ["own:"] + [f"{n / samples:6.1%} {k}" for k, n in own.most_common(60)]
                (folder / f"stacks-{os.getpid()}.txt").write_text("\n".join(lines) + "\n")

    threading.Thread(target=run, name="soak-profile", daemon=True).start()


def probed_server(argv: list[str]) -> None:
    """Run ``kinmyaku ARGS`` (after ``--``) with the probe threads writing to ``argv[0]``."""
    import threading
    import tracemalloc

    out = Path(argv[0])
    trace = os.environ.get("KINMYAKU_SOAK_TRACE") == "1"
    if trace:
        tracemalloc.start(10)
    threading.Thread(target=_probe, args=(out, trace), daemon=True).start()
    if os.environ.get("KINMYAKU_SOAK_STACKS") == "1":
        threading.Thread(target=_sample_stacks, args=(out,), daemon=True).start()
    if os.environ.get("KINMYAKU_SOAK_NO_TRIM") == "1":  # the "before" of web/memory.py
        from kinmyaku.web.memory import MemoryTrim

        MemoryTrim.start = lambda self: None  # type: ignore[method-assign]
    from kinmyaku.cli.main import run as kinmyaku_main

    sys.argv = ["kinmyaku", *argv[argv.index("--") + 1 :]]
    kinmyaku_main()


def prepare_db(db: str, *, people: int, seed: int = 1) -> None:
    """Fill the database with a demo network of ``people`` (replacing what it held)."""
    subprocess.run(
        [kinmyaku_command(), "--db", db, "--lang", "ja", "demo", "--people", str(people),
         "--seed", str(seed), "--replace"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


# ---- the load -------------------------------------------------------------------------


@dataclass
class Sample:
    """One request: when it started (seconds into the run), what, how long, how it ended."""

    at: float
    op: str
    seconds: float
    status: int  # -1: no answer (connection refused or dropped, timeout)
    error: str = ""


@dataclass
class Visitor:
    """A browser session: its cookie jar and the CSRF token its pages carry."""

    client: httpx.AsyncClient
    csrf: str = ""


@dataclass
class Load:
    """The state of one soak run."""

    base: str
    person_ids: list[int]
    rng: random.Random
    started: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    counter: int = 0

    def record(self, op: str, began: float, status: int, error: str = "") -> None:
        """Keep one request's outcome."""
        now = time.monotonic()
        self.samples.append(Sample(began - self.started, op, now - began, status, error))

    async def call(
        self, visitor: Visitor, op: str, method: str, url: str, **kwargs: Any
    ) -> httpx.Response | None:
        """Send one request and record it; None when no answer came."""
        began = time.monotonic()
        try:
            response = await visitor.client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            self.record(op, began, -1, f"{type(error).__name__}: {error}")
            return None
        text = "" if response.status_code < 400 else _message(response)
        self.record(op, began, response.status_code, text)
        return response

    def person(self) -> int:
        """A random stored person."""
        return self.rng.choice(self.person_ids)

    def new_name(self) -> tuple[str, str]:
        """A family and given name unlike anyone's (so quick add writes, not warns)."""
        self.counter += 1
        given = "".join(self.rng.choice(KANA) for _ in range(3)) + str(self.counter)
        return self.rng.choice(FAMILY), given


def _message(response: httpx.Response) -> str:
    """What an error answer tells the user (the page's alert, or the JSON message)."""
    if response.headers.get("content-type", "").startswith("application/json"):
        return response.text[:200]
    found = ALERT.search(response.text)
    return found.group(1).strip()[:200] if found else response.text[:200]


async def login(base: str) -> Visitor:
    """A new browser session, with the CSRF token taken from the quick-add form."""
    # An idle connection is dropped after 2 s, before uvicorn closes it (5 s): reusing one
    # the server is closing that moment fails with no answer, which a browser would retry.
    limits = httpx.Limits(keepalive_expiry=KEEPALIVE)
    client = httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False, limits=limits)
    visitor = Visitor(client)
    page = await visitor.client.get("/people/new")
    found = CSRF.search(page.text)
    if page.status_code != 200 or not found:
        raise RuntimeError(f"no CSRF token on /people/new ({page.status_code})")
    visitor.csrf = found.group(1)
    return visitor


async def read_people_list(load: Load, v: Visitor) -> None:
    """The people list."""
    await load.call(v, "people", "GET", "/people")


async def read_search(load: Load, v: Visitor) -> None:
    """Search as you type (the htmx fragment)."""
    q = load.rng.choice(SEARCH_TERMS)
    await load.call(v, "search", "GET", "/people", params={"q": q}, headers={"HX-Request": "true"})


async def read_person(load: Load, v: Visitor) -> None:
    """A person's page."""
    await load.call(v, "person", "GET", f"/people/{load.person()}")


async def read_review(load: Load, v: Visitor) -> None:
    """The weekly review."""
    await load.call(v, "review", "GET", "/review")


async def read_today(load: Load, v: Visitor) -> None:
    """Today."""
    await load.call(v, "today", "GET", "/")


async def read_api(load: Load, v: Visitor) -> None:
    """The JSON API: a search, or one person."""
    if load.rng.random() < 0.5:
        await load.call(v, "api", "GET", "/api/people", params={"q": load.rng.choice(SEARCH_TERMS)})
    else:
        await load.call(v, "api", "GET", f"/api/people/{load.person()}")


async def write_quick_add(load: Load, v: Visitor) -> None:
    """Quick add: a new person and where we met."""
    family, given = load.new_name()
    form = {"csrf_token": v.csrf, "family_name": family, "given_name": given,
            "company": "株式会社ソーク", "channel": "event", "memory_cue": "soak",
            "add_anyway": "1" if load.rng.random() < 0.5 else ""}  # fmt: skip
    await load.call(v, "quick_add", "POST", "/people", data=form)


async def write_log(load: Load, v: Visitor) -> None:
    """Log an interaction with someone (and a follow-up date)."""
    form = {"csrf_token": v.csrf, "kind": "meeting", "summary": "ランチ（soak）",
            "follow_up_on": "2031-01-15"}  # fmt: skip
    await load.call(v, "log", "POST", f"/people/{load.person()}/interactions", data=form)


async def write_import(load: Load, v: Visitor) -> None:
    """A small vCard import: upload and preview, then confirm."""
    cards = []
    for _ in range(3):
        family, given = load.new_name()
        cards.append(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:{family};{given};;;\r\nFN:{family} {given}\r\n"
            f"ORG:株式会社インポート\r\nEMAIL:{load.counter}.{load.rng.randrange(10**9)}"
            "@soak.example.jp\r\nEND:VCARD\r\n"
        )
    files = {"files": ("soak.vcf", "".join(cards).encode(), "text/vcard")}
    data = {"csrf_token": v.csrf, "format": "auto"}
    preview = await load.call(
        v, "import_preview", "POST", "/import/preview", data=data, files=files
    )
    token = UPLOAD.search(preview.text) if preview is not None else None
    if preview is None or preview.status_code != 200 or token is None:
        if preview is not None and preview.status_code == 200:  # a page without a token
            load.record("import_preview", time.monotonic(), 599, "no upload token in the preview")
        return
    form = {"csrf_token": v.csrf, "upload": token.group(1)}
    await load.call(v, "import_confirm", "POST", "/import/confirm", data=form)


Op = Callable[[Load, Visitor], Awaitable[None]]
READS: list[tuple[Op, float]] = [
    (read_people_list, 2), (read_search, 5), (read_person, 5), (read_review, 0.5),
    (read_today, 1.5), (read_api, 3),
]  # fmt: skip
WRITES: list[tuple[Op, float]] = [(write_quick_add, 1.0), (write_log, 1.5)]


async def person_ids(base: str, rng: random.Random) -> list[int]:
    """Ids of stored people (a few hundred, from the JSON API's search)."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        ids: set[int] = set()
        for term in SEARCH_TERMS:
            page = await client.get("/api/people", params={"q": term, "per_page": 50})
            page.raise_for_status()
            ids.update(int(p["id"]) for p in page.json()["people"])
        listed = await client.get("/api/people", params={"per_page": 200})
        ids.update(int(p["id"]) for p in listed.json()["people"])
    if not ids:
        raise RuntimeError("the database holds nobody: fill it first (--people)")
    return sorted(ids)


async def drive(
    server: Server,
    *,
    rate: float,
    seconds: float,
    writers: int = 4,
    readers: int = 4,
    write_share: float = 0.2,
    in_flight: int = 64,
    seed: int = 15,
    rss_every: float = 2.0,
    import_every: float = 5.0,
    cpu: dict[str, float] | None = None,
) -> tuple[list[Sample], list[tuple[float, int]], float]:
    """Send the mixed load; returns the samples, (time, RSS) readings and the seconds run.

    Quick adds and logs are drawn at random among the writes; a small import (preview,
    then confirm) is sent every ``import_every`` seconds by one of the writers, as someone
    bringing in a few cards now and then would.  ``cpu``, when given, receives the CPU
    seconds the server and this driver spent during the run.
    """
    rng = random.Random(seed)
    load = Load(server.base, await person_ids(server.base, rng), rng)
    reading = [await login(server.base) for _ in range(readers)]
    writing = [await login(server.base) for _ in range(writers)]
    slots = asyncio.Semaphore(in_flight)
    memory: list[tuple[float, int]] = []
    tasks: set[asyncio.Task[None]] = set()

    async def one(op: Op, visitor: Visitor) -> None:
        try:
            await op(load, visitor)
        finally:
            slots.release()

    async def import_now_and_then() -> None:
        while True:
            await asyncio.sleep(import_every)
            await slots.acquire()
            task = asyncio.create_task(one(write_import, rng.choice(writing)))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    async def watch_memory() -> None:
        while True:
            memory.append((time.monotonic() - load.started, rss_bytes(server.process.pid)))
            await asyncio.sleep(rss_every)

    load.started = time.monotonic()
    server_cpu, driver_cpu = cpu_seconds(server.process.pid), time.process_time()
    watcher = asyncio.create_task(watch_memory())
    importer = asyncio.create_task(import_now_and_then())
    interval, due, end = 1 / rate, load.started, load.started + seconds
    while (now := time.monotonic()) < end:
        if due > now:
            await asyncio.sleep(due - now)
        await slots.acquire()
        if rng.random() < write_share:
            op, visitor = _pick(rng, WRITES), rng.choice(writing)
        else:
            op, visitor = _pick(rng, READS), rng.choice(reading)
        task = asyncio.create_task(one(op, visitor))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        due = max(due + interval, time.monotonic() - 1.0)  # never a burst to catch up
    ran = time.monotonic() - load.started
    importer.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=120)
    watcher.cancel()
    if cpu is not None:
        cpu["server"] = cpu_seconds(server.process.pid) - server_cpu
        cpu["driver"] = time.process_time() - driver_cpu
    memory.append((time.monotonic() - load.started, rss_bytes(server.process.pid)))
    for visitor in reading + writing:
        await visitor.client.aclose()
    return load.samples, memory, ran


KINDS: dict[str, Op] = {
    "people": read_people_list, "search": read_search, "person": read_person,
    "review": read_review, "today": read_today, "api": read_api,
    "quick_add": write_quick_add, "log": write_log, "import": write_import,
}  # fmt: skip


async def cpu_by_kind(
    server: Server,
    *,
    seconds: float = 10.0,
    concurrency: int = 4,
    seed: int = 15,
    kinds: list[str] | None = None,
) -> dict[str, dict[str, float]]:
    """Each kind of request alone, as fast as ``concurrency`` sessions send it, for
    ``seconds``: the server's and this driver's CPU milliseconds per request, and the rate.

    An import counts as its two requests (preview, then confirm).
    """
    rng = random.Random(seed)
    load = Load(server.base, await person_ids(server.base, rng), rng)
    visitors = [await login(server.base) for _ in range(concurrency)]
    found: dict[str, dict[str, float]] = {}
    for name, op in KINDS.items():
        if kinds and name not in kinds:
            continue
        for visitor in visitors:  # warm: templates compiled, statements cached
            await op(load, visitor)
        first = len(load.samples)
        server_cpu, driver_cpu = cpu_seconds(server.process.pid), time.process_time()
        began = time.monotonic()
        end = began + seconds

        async def send(visitor: Visitor, op: Op = op, end: float = end) -> None:
            while time.monotonic() < end:
                await op(load, visitor)

        await asyncio.gather(*(send(v) for v in visitors))
        ran = time.monotonic() - began
        done = load.samples[first:]
        count = max(1, len(done))
        found[name] = {
            "requests": len(done),
            "errors": sum(is_error(s) for s in done),
            "rate": len(done) / ran,
            "server_ms": (cpu_seconds(server.process.pid) - server_cpu) * 1000 / count,
            "driver_ms": (time.process_time() - driver_cpu) * 1000 / count,
            "p50_ms": percentile([s.seconds for s in done], 50) * 1000,
        }
    for visitor in visitors:
        await visitor.client.aclose()
    return found


def print_cpu_by_kind(found: dict[str, dict[str, float]], mix: dict[str, float]) -> None:
    """The per-kind table, and the CPU of the soak's mix a request (weighted)."""
    print(f"{'kind':<10} {'requests':>8} {'errors':>6} {'req/s':>7} {'server CPU ms':>13}"
          f" {'driver CPU ms':>13} {'p50 ms':>7}")  # fmt: skip
    for name, row in found.items():
        print(f"{name:<10} {row['requests']:>8.0f} {row['errors']:>6.0f} {row['rate']:>7.1f}"
              f" {row['server_ms']:>13.2f} {row['driver_ms']:>13.2f}"
              f" {row['p50_ms']:>7.1f}")  # fmt: skip
    weight = sum(mix.values())
    if set(mix) - set(found):
        return
    mixed = sum(found[k]["server_ms"] * w for k, w in mix.items()) / weight
    print(
        f"the soak's mix: {mixed:.2f} ms of server CPU a request: at most "
        f"{1000 / mixed:.0f} req/s a core, {2000 / mixed:.0f} on two idle cores (derived)"
    )


def soak_mix(write_share: float, rate: float, import_every: float) -> dict[str, float]:
    """The share of each kind of request in the soak (the weights of :func:`drive`)."""
    reads = {"people": 2, "search": 5, "person": 5, "review": 0.5, "today": 1.5, "api": 3}
    writes = {"quick_add": 1.0, "log": 1.5}
    mix = {k: (1 - write_share) * w / sum(reads.values()) for k, w in reads.items()}
    mix |= {k: write_share * w / sum(writes.values()) for k, w in writes.items()}
    mix["import"] = 2 / (import_every * rate)
    return mix


def _pick(rng: random.Random, ops: list[tuple[Op, float]]) -> Op:
    return rng.choices([op for op, _ in ops], weights=[w for _, w in ops])[0]


# ---- the report -----------------------------------------------------------------------


def is_error(sample: Sample) -> bool:
    """What a user would see as a failure: no answer, or a 4xx/5xx."""
    return sample.status < 0 or sample.status >= 400


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values, in the values' unit."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def rss_slope(memory: list[tuple[float, int]]) -> float:
    """The least-squares slope of (seconds, RSS bytes) readings, in bytes a second."""
    mean_t = sum(t for t, _ in memory) / len(memory)
    mean_r = sum(r for _, r in memory) / len(memory)
    spread = sum((t - mean_t) ** 2 for t, _ in memory)
    return sum((t - mean_t) * (r - mean_r) for t, r in memory) / spread if spread else 0.0


def summarise(
    samples: list[Sample], memory: list[tuple[float, int]], ran: float, *, bucket: float
) -> dict[str, Any]:
    """The figures of a run, per ``bucket`` seconds ("minute") and overall."""
    buckets: dict[int, list[Sample]] = {}
    for s in samples:
        buckets.setdefault(min(int(s.at // bucket), max(0, int(ran // bucket) - 1)), []).append(s)
    rows = []
    for index in sorted(buckets):
        group = buckets[index]
        times = [s.seconds for s in group if not is_error(s)]
        rss = [r for at, r in memory if at <= (index + 1) * bucket] or [memory[0][1]]
        rows.append(
            {
                "bucket": index,
                "requests": len(group),
                "rate": len(group) / bucket,
                "errors": sum(is_error(s) for s in group),
                "p50_ms": percentile(times, 50) * 1000,
                "p95_ms": percentile(times, 95) * 1000,
                "rss_mb": rss[-1] / 2**20,
            }
        )
    errors = [s for s in samples if is_error(s)]
    warm = [rss for at, rss in memory if at >= bucket] or [memory[-1][1]]
    rss_start, rss_warm, rss_end = memory[0][1], warm[0], memory[-1][1]
    first, last = rows[0]["p95_ms"], rows[-1]["p95_ms"]
    per_op = {
        op: {
            "requests": len(g),
            "p50_ms": percentile([s.seconds for s in g], 50) * 1000,
            "p95_ms": percentile([s.seconds for s in g], 95) * 1000,
        }
        for op in sorted({s.op for s in samples})
        for g in [[s for s in samples if s.op == op]]
    }
    growth = rss_end / rss_warm - 1 if rss_warm else 0.0
    after = [(at, rss) for at, rss in memory if at >= bucket]
    ratio = last / first if first else float("nan")
    return {
        "requests": len(samples),
        "seconds": ran,
        "achieved_rate": len(samples) / ran if ran else 0.0,
        "errors": len(errors),
        "error_kinds": Counter(f"{s.op} {s.status} {s.error[:80]}" for s in errors).most_common(8),
        "buckets": rows,
        "per_op": per_op,
        "p95_ratio_last_first": ratio,
        "rss_mb": {"start": rss_start / 2**20, "warm": rss_warm / 2**20, "end": rss_end / 2**20},
        "rss_growth": growth,
        "rss_slope_mb_per_minute": rss_slope(after) * 60 / 2**20 if len(after) > 2 else None,
        "pass": {
            "no_errors": not errors,
            "no_memory_growth": growth <= PASS_GROWTH,
            "p95_stable": ratio <= PASS_P95_RATIO,
        },
    }


def print_report(report: dict[str, Any], *, target: float, label: str) -> None:
    """The figures as a table, then the pass criteria."""
    print(f"\n== soak: {label}: target {target:g} req/s, {report['seconds']:.0f} s ==")
    print(f"{'minute':>6} {'requests':>9} {'req/s':>7} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8}"
          f" {'RSS MB':>7}")  # fmt: skip
    for row in report["buckets"]:
        print(f"{row['bucket'] + 1:>6} {row['requests']:>9} {row['rate']:>7.1f} "
              f"{row['errors']:>7} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f}"
              f" {row['rss_mb']:>7.1f}")  # fmt: skip
    print("per request kind:")
    for op, row in report["per_op"].items():
        print(f"  {op:<15} {row['requests']:>7}  p50 {row['p50_ms']:7.1f} ms"
              f"  p95 {row['p95_ms']:7.1f} ms")  # fmt: skip
    rss = report["rss_mb"]
    print(f"requests sent {report['requests']}, achieved {report['achieved_rate']:.1f} req/s "
          f"({report['achieved_rate'] / target:.0%} of the target)")  # fmt: skip
    print(f"errors {report['errors']}: {report['error_kinds']}")
    print(f"server RSS: start {rss['start']:.1f} MB, after warm-up {rss['warm']:.1f} MB, "
          f"end {rss['end']:.1f} MB ({report['rss_growth']:+.1%} since warm-up)")  # fmt: skip
    print(f"p95 last minute / first minute: {report['p95_ratio_last_first']:.2f}")
    cpu = report.get("cpu_ms_per_request")
    if cpu:
        print(f"CPU a request: server {cpu['server']:.2f} ms, this driver {cpu['driver']:.2f} ms")
    slope = report.get("rss_slope_mb_per_minute")
    if slope is not None:
        print(f"RSS slope after warm-up: {slope:+.2f} MB a minute")
    checks = report["pass"]
    print(f"PASS no errors: {checks['no_errors']}; "
          f"no memory growth (end <= warm-up + {PASS_GROWTH:.0%}): {checks['no_memory_growth']}; "
          f"p95 last <= {PASS_P95_RATIO:g} x first: {checks['p95_stable']}")  # fmt: skip


def main() -> None:
    """Parse the options, fill the database, serve it, soak it, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLite file or PostgreSQL URL")
    parser.add_argument("--people", type=int, default=2000, help="demo size (0: use as is)")
    parser.add_argument("--rate", type=float, default=200, help="target requests/s")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--bucket", type=float, default=60, help="seconds per report row")
    parser.add_argument("--writers", type=int, default=4, help="browser sessions that write")
    parser.add_argument("--write-share", type=float, default=0.2)
    parser.add_argument("--in-flight", type=int, default=64)
    parser.add_argument("--import-every", type=float, default=5.0, help="seconds")
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (kinmyaku serve --workers)"
    )
    parser.add_argument(
        "--start-timeout", type=float, default=180, help="seconds the server may take to start"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--log", type=Path, help="the server's error output goes here")
    parser.add_argument("--probe", type=Path, help="folder for the server's memory figures")
    parser.add_argument(
        "--profile", type=Path, help="folder: each server process samples its stacks there"
    )
    parser.add_argument("--threads", type=int, help="worker threads a server process (40)")
    parser.add_argument(
        "--cpu-by-kind", type=float, metavar="SECONDS", help="measure each kind alone instead"
    )
    parser.add_argument("--kinds", nargs="*", choices=sorted(KINDS), help="with --cpu-by-kind")
    args = parser.parse_args()
    if args.people:
        print(f"filling {args.db} with a demo of {args.people} people ...", flush=True)
        prepare_db(args.db, people=args.people)
    server = start_server(
        args.db,
        workers=args.workers,
        log=args.log,
        probe=args.probe,
        wait=args.start_timeout,
        profile=args.profile,
        threads=args.threads,
    )
    load_before = os.getloadavg()
    if args.cpu_by_kind:
        try:
            found = asyncio.run(cpu_by_kind(server, seconds=args.cpu_by_kind, kinds=args.kinds))
        finally:
            stop_server(server)
        print_cpu_by_kind(found, soak_mix(args.write_share, args.rate, args.import_every))
        print(f"load average before {load_before}, after {os.getloadavg()}")
        if args.json:
            args.json.write_text(json.dumps(found, indent=2))
        return
    cpu: dict[str, float] = {}
    try:
        samples, memory, ran = asyncio.run(
            drive(
                server,
                rate=args.rate,
                seconds=args.minutes * 60,
                writers=args.writers,
                write_share=args.write_share,
                in_flight=args.in_flight,
                import_every=args.import_every,
                cpu=cpu,
            )
        )
    finally:
        stop_server(server)
    report = summarise(samples, memory, ran, bucket=args.bucket)
    report["cpu_ms_per_request"] = {k: v * 1000 / max(1, len(samples)) for k, v in cpu.items()}
    report["machine"] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "workers": args.workers,
    }
    label = "PostgreSQL" if args.db.startswith("postgresql") else "SQLite"
    print_report(report, target=args.rate, label=label)
    print(f"machine: {report['machine']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))
    sys.exit(0 if all(report["pass"].values()) else 1)


if __name__ == "__main__":
    if sys.argv[1:2] == [PROBE_FLAG]:
        probed_server(sys.argv[2:])
    else:
        main()

"""Benchmark: fuzz every parser for a set time and report what was found.

Run: .venv/bin/python benchmarks/fuzz.py [--seconds-per-target 60] [--target NAME ...]

The targets are those of tests/formats/test_fuzz_parsers.py (``TARGETS``): the vCard reader
(valid cards in 2.1 / 3.0 / 4.0 with Android's quoting, and damaged ones, also read in an
import's blocks), any bytes in every format, each CSV layout (valid and damaged), a user's
column mapping, the iCalendar writer, the JSON restore (valid and damaged backups), photo
uploads (real images in many modes and formats, damaged ones, decompression bombs' headers)
and the web upload endpoints.  CI runs the same targets briefly (25 examples each).

Each target runs in rounds of ``--batch`` examples with a new random seed each, until its
time is up.  Every input runs under Hypothesis' ``deadline`` (``--deadline`` seconds) and a
hard time bound (``--hard`` seconds, SIGALRM: a hang or a runaway regular expression).
A failure is shrunk by Hypothesis to a minimal example, printed, and counted.  An input
over the deadline that is fast when Hypothesis runs it again (a loaded machine, a garbage
collection) is no failure: it is counted as "slow once".

Printed per target: examples run, failures found, inputs slow once, the median and the
slowest input's time and their ratio (the baseline: a typical input of the same target, in
the same process), and the slowest input itself.
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import statistics
import sys
import time
import traceback
import warnings
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis.errors import DeadlineExceeded, FlakyFailure

ROOT = Path(__file__).resolve().parents[1]


def load_targets() -> ModuleType:
    """Import tests/formats/test_fuzz_parsers.py (the targets and their time bound)."""
    path = ROOT / "tests" / "formats" / "test_fuzz_parsers.py"
    spec = importlib.util.spec_from_file_location("fuzz_targets", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def describe(error: BaseException) -> str:
    """The failure's exceptions (a flaky one holds the first run's) and the minimal example."""
    parts = []
    for found in [error, *getattr(error, "exceptions", ())]:
        where = traceback.extract_tb(found.__traceback__)[-1:] if found.__traceback__ else []
        place = f" at {where[0].filename}:{where[0].lineno}" if where else ""
        parts.append(f"{type(found).__name__}: {str(found)[:300]}{place}")
    parts += getattr(error, "__notes__", [])
    return "\n".join(parts)[:4000]


def fuzz(
    module: ModuleType, name: str, *, seconds: float, batch: int, deadline: float, hard: float
) -> dict[str, Any]:
    """Run one target for ``seconds``; return its figures and failures."""
    chosen = module.TARGETS[name]
    if chosen.setup is not None:
        chosen.setup()
    durations: list[float] = []
    failures: list[str] = []
    stop = time.monotonic() + seconds
    rounds = outliers = 0
    slowest: list[Any] = [0.0, None]

    @settings(
        max_examples=batch,
        deadline=timedelta(seconds=deadline),
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(chosen.strategy)
    def run(value: Any) -> None:
        if time.monotonic() > stop:
            return  # the time is up: the rest of the round is skipped
        start = time.perf_counter()
        try:
            with module.time_bound(hard):
                chosen.check(value)
        finally:
            took = time.perf_counter() - start
            durations.append(took)
            if took > slowest[0]:
                slowest[:] = [took, value]

    while time.monotonic() < stop:
        rounds += 1
        try:
            run()
        except FlakyFailure as error:
            if all(isinstance(e, DeadlineExceeded) for e in error.exceptions):
                outliers += 1  # slow once (a loaded machine), fast when run again
            else:
                failures.append(describe(error))
        except Exception as error:  # a failure, shrunk: report it and go on
            failures.append(describe(error))
    return {
        "name": name,
        "examples": len(durations),
        "rounds": rounds,
        "failures": failures,
        "outliers": outliers,
        "slowest_input": repr(slowest[1])[:300],
        "median": statistics.median(durations) if durations else 0.0,
        "slowest": max(durations, default=0.0),
    }


def main() -> None:
    """Parse the options, fuzz each target, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds-per-target", type=float, default=60.0)
    parser.add_argument("--target", action="append", help="only these targets (repeatable)")
    parser.add_argument("--batch", type=int, default=200, help="examples a round")
    parser.add_argument("--deadline", type=float, default=2.0, help="Hypothesis' deadline, s")
    parser.add_argument("--hard", type=float, default=10.0, help="hard bound an input, s")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # Pillow's notes on damaged images, deprecations
    module = load_targets()
    names = args.target or sorted(module.TARGETS)
    print(
        f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"{args.seconds_per_target:g} s a target, deadline {args.deadline:g} s, "
        f"hard bound {args.hard:g} s",
        flush=True,
    )
    results = []
    for name in names:
        result = fuzz(
            module,
            name,
            seconds=args.seconds_per_target,
            batch=args.batch,
            deadline=args.deadline,
            hard=args.hard,
        )
        results.append(result)
        for failure in result["failures"]:
            print(f"--- {name} failed:\n{failure}", flush=True)
        print(f"{name}: {result['examples']} examples, {len(result['failures'])} failures, "
              f"{result['outliers']} unreliable timings; slowest input "
              f"({result['slowest'] * 1000:.0f} ms): {result['slowest_input']}",
              flush=True)  # fmt: skip
    print()
    print(
        "| target | examples | failures | slow once | median input | slowest input |"
        " slowest / median |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        ratio = r["slowest"] / r["median"] if r["median"] else 0.0
        print(
            f"| {r['name']} | {r['examples']:,} | {len(r['failures'])} | {r['outliers']} | "
            f"{r['median'] * 1000:.2f} ms | {r['slowest'] * 1000:.0f} ms | {ratio:.0f}x |"
        )
    total = sum(len(r["failures"]) for r in results)
    print(f"\n{sum(r['examples'] for r in results):,} examples, {total} failures")
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()

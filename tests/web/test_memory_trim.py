"""The server gives freed heap memory back (web/memory.py), so its RSS levels off.

A thread allocates ~120 MB in blocks malloc takes from its heap (not mmap), frees all
but one block in ten so that the free space lies between blocks still in use (nothing
at the top of the heap to give back on its own), then ``trim`` must return most of it.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kinmyaku.web import memory

BLOCK = 4000  # bytes: well under glibc's mmap threshold (128 KiB)
BLOCKS = 30_000
MB = 2**20

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or memory._glibc() is None, reason="glibc only"
)


def rss() -> int:
    """This process's resident memory in bytes."""
    found = re.search(r"^VmRSS:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)
    assert found is not None
    return int(found.group(1)) * 1024


def test_trim_returns_the_free_space_between_blocks_in_use() -> None:
    kept: list[bytes] = []

    def allocate() -> None:
        blocks = [bytes([i % 251]) * BLOCK for i in range(BLOCKS)]
        kept.extend(blocks[::10])  # every tenth block stays: the heap cannot shrink
        del blocks

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    before = rss()
    assert memory.trim() is True
    after = rss()
    assert len(kept) == BLOCKS // 10
    # About 108 MB were freed between the blocks kept; most of it must go back.
    assert before - after > 60 * MB, (before / MB, after / MB)


def test_the_trim_thread_trims_then_stops() -> None:
    trimmer = memory.MemoryTrim(every=0.02)
    trimmer.start()
    deadline = time.monotonic() + 10
    while trimmer.trims < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    trimmer.stop()
    assert trimmer.trims >= 3
    done = trimmer.trims
    time.sleep(0.1)
    assert trimmer.trims == done  # stopped


def test_the_server_trims_while_it_runs(web: FastAPI) -> None:
    def trimming() -> set[threading.Thread]:
        return {t for t in threading.enumerate() if t.name == "kinmyaku-trim"}

    # Another test's server may still run in this process (a session's live server): only
    # the thread this app's lifespan starts is looked at.
    before = trimming()
    with TestClient(web, base_url="http://127.0.0.1") as client:
        assert client.get("/healthz").status_code == 200
        ours = trimming() - before
        assert len(ours) == 1
    assert not any(t.is_alive() for t in ours)

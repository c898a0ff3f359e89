"""Give the memory the server has freed back to the system, so that its size levels off.

Under a long mixed load (benchmarks/soak.py with ``--probe``) the bytes malloc holds in
use stay flat while the heap grows by the free space left between them: each of the
worker threads that run the pages allocates in a glibc arena of its own (up to eight a
core), and glibc keeps what is freed there instead of returning it.  The server's RSS
then grows for many minutes with no leak behind it.  Two remedies, both glibc's own:
fewer arenas (``M_ARENA_MAX``, set before the worker threads start) and
``malloc_trim(0)`` every minute, which returns the free pages of every arena.  Elsewhere
(macOS, musl) both are skipped.
"""

from __future__ import annotations

import ctypes
import logging
import sys
import threading
from typing import Any

log = logging.getLogger(__name__)
M_ARENA_MAX = -8
"""mallopt's parameter number for the most arenas (glibc's malloc.h)."""
ARENAS = 2
TRIM_EVERY = 60.0
"""Seconds between two trims (one takes a few milliseconds)."""


def _glibc() -> Any | None:
    """The C library when it is glibc (it has ``malloc_trim``), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    except (OSError, AttributeError):
        return None
    return libc


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Let the threads started from now on share ``arenas`` malloc arenas; True if set."""
    libc = _glibc()
    return bool(libc is not None and libc.mallopt(M_ARENA_MAX, arenas) == 1)


def trim() -> bool:
    """Return free heap memory to the system now; True when some was returned."""
    libc = _glibc()
    return bool(libc is not None and libc.malloc_trim(0) == 1)


class MemoryTrim:
    """A daemon thread that trims the heap every ``every`` seconds until stopped."""

    def __init__(self, *, every: float = TRIM_EVERY) -> None:
        self.every = every
        self.trims = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Fewer arenas for the worker threads to come, then trim in the background."""
        if _glibc() is None:
            return
        limit_arenas()
        self._thread = threading.Thread(target=self._run, name="kinmyaku-trim", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                trim()
                self.trims += 1
            except Exception:  # upkeep must never take the server down
                log.exception("could not trim the heap")

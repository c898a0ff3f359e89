"""Readers stream: memory stays flat however large the file, and records come out early."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator

import pytest

from kinmyaku.formats import read_records

CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:山田;太郎{n};;;\r\nFN:山田 太郎{n}\r\n"
    "X-PHONETIC-LAST-NAME:やまだ\r\nX-PHONETIC-FIRST-NAME:たろう\r\nORG:金脈商事\r\n"
    "EMAIL;TYPE=WORK:taro{n}@example.jp\r\nTEL;TYPE=CELL:090-0000-{n:04d}\r\nEND:VCARD\r\n"
)
LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
LINKEDIN_ROW = (
    "Taro{n},Yamada,https://www.linkedin.com/in/t{n},t{n}@example.jp,Kinmyaku,CEO,15 Mar 2024\r\n"
)


class GeneratedStream(io.RawIOBase):
    """A read-only binary stream producing text chunks on demand (never all in memory)."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks
        self._buffer = b""
        self.produced = 0

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer = chunk.encode("utf-8")
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        self.produced += size
        return size


def _cards(count: int) -> Iterator[str]:
    return (CARD.format(n=n) for n in range(count))


def _rows(count: int) -> Iterator[str]:
    yield LINKEDIN_HEADER
    yield from (LINKEDIN_ROW.format(n=n) for n in range(count))


def _peak_while_reading(chunks: Iterator[str], expected: int) -> tuple[int, int]:
    raw = GeneratedStream(chunks)
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_records(io.BufferedReader(raw), file_name="big"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == expected
    return peak, raw.produced


@pytest.mark.slow
def test_vcard_memory_is_flat() -> None:
    peak, size = _peak_while_reading(_cards(20_000), 20_000)
    assert size > 4_000_000
    assert peak < 1_000_000, f"peak {peak} bytes for a {size}-byte file"


@pytest.mark.slow
def test_csv_memory_is_flat() -> None:
    peak, size = _peak_while_reading(_rows(30_000), 30_000)
    assert size > 2_500_000
    assert peak < 1_000_000, f"peak {peak} bytes for a {size}-byte file"


def test_first_record_arrives_before_the_file_is_read() -> None:
    raw = GeneratedStream(_cards(100_000))
    records = read_records(io.BufferedReader(raw), file_name="big")
    first = next(records)
    assert first.given_name == "太郎0"
    assert raw.produced < 200_000  # the head (64 KiB) and a little more, not 30 MB

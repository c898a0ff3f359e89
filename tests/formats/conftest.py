"""Fixtures for the format tests: sample files and a helper to parse bytes."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from kinmyaku.formats import ContactRecord, FormatError, read_records

DATA = Path(__file__).resolve().parent.parent / "data"
Parse = Callable[..., list[ContactRecord]]


@pytest.fixture
def data_dir() -> Path:
    """The tests/data folder."""
    return DATA


@pytest.fixture
def parse() -> Parse:
    """Parse bytes with read_records; with ``errors=list`` bad records are collected."""

    def run(
        data: bytes,
        *,
        name: str = "test.vcf",
        format: str = "auto",
        mapping: Mapping[str, str] | None = None,
        errors: list[FormatError] | None = None,
    ) -> list[ContactRecord]:
        handler = errors.append if errors is not None else None
        return list(
            read_records(
                io.BytesIO(data), file_name=name, format=format, mapping=mapping, on_error=handler
            )
        )

    return run

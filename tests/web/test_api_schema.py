"""Schemathesis against the OpenAPI schema: generated requests never cause a server error.

Runs on the ASGI app (no server) with a bounded number of examples per operation, on a real
SQLite file seeded with a small network so that ids like 1 and 2 exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from kinmyaku.bootstrap import App
from kinmyaku.services.auth import set_password
from kinmyaku.web.app import create_app

EXAMPLES = 12
PASSWORD = "correct horse battery"


@pytest.fixture
def open_web(core: App, network: dict[str, int]) -> FastAPI:
    """The app as served to a phone (any Host header, an owner password), with a network."""
    set_password(core.uow(), password=PASSWORD)
    return create_app(core, host="0.0.0.0")  # no real socket is opened


@pytest.fixture
def api_schema(open_web: FastAPI, session_headers: dict[str, str]) -> Any:
    """The app's OpenAPI schema, loaded through ASGI by a logged-in client."""
    return schemathesis.openapi.from_asgi("/api/openapi.json", open_web, headers=session_headers)


@pytest.fixture
def session_headers(open_web: FastAPI) -> Iterator[dict[str, str]]:
    """A session cookie and its CSRF token, as a script using the API would send them."""
    with TestClient(open_web, base_url="http://192.0.2.10:8765") as client:
        token = client.get("/api/session").json()["csrf_token"]
        login = client.post(
            "/api/login", json={"password": PASSWORD}, headers={"X-CSRF-Token": token}
        )
        assert login.status_code == 204, login.text
        token = client.get("/api/session").json()["csrf_token"]
        cookie = client.cookies["kinmyaku_session"]
        yield {"X-CSRF-Token": token, "Cookie": f"kinmyaku_session={cookie}"}


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_never_fails_with_a_server_error(
    api_schema: Any, session_headers: dict[str, str], mode: GenerationMode
) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=session_headers, checks=[not_a_server_error])

        try:
            run()
        except Unsatisfiable:
            # An operation without parameters has no invalid form (negative mode only).
            assert mode is GenerationMode.NEGATIVE, operation.label

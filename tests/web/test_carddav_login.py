"""Logging in to the CardDAV server (web/dav.py): argon2 once per device, not per request.

A phone's first sync makes thousands of requests, a few at once: each would otherwise run
argon2 (64 MB and tens of ms a check).  On SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import httpx
import pytest

from kinmyaku.bootstrap import App
from kinmyaku.services.app_passwords import add_app_password, revoke_app_password
from kinmyaku.web import dav
from kinmyaku.web.app import create_app


def _basic(name: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{name}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every argon2 check the server makes, by the name it checked."""
    checked: list[str] = []
    real = dav.verify_app_password

    def verify(uow: Any, *, name: str, password: str) -> str | None:
        checked.append(name)
        return real(uow, name=name, password=password)

    monkeypatch.setattr(dav, "verify_app_password", verify)
    return checked


async def _propfinds(app: App, headers: dict[str, str], count: int) -> list[int]:
    transport = httpx.ASGITransport(app=create_app(app), client=("127.0.0.1", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        answers = await asyncio.gather(
            *(client.request("PROPFIND", "/dav/", headers=headers) for _ in range(count))
        )
    return [answer.status_code for answer in answers]


def test_requests_arriving_together_make_one_check(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = add_app_password(app.uow(), name="Pixel")
    checked = _counting(monkeypatch)
    assert asyncio.run(_propfinds(app, _basic("Pixel", made.password), 4)) == [207] * 4
    assert checked == ["Pixel"]
    wrong = asyncio.run(_propfinds(app, _basic("Pixel", "wrong"), 2))
    assert wrong == [401, 401] and checked == ["Pixel"] * 3


def test_a_device_checked_lately_is_let_in_by_a_query_until_revoked(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = add_app_password(app.uow(), name="iPhone")
    checked = _counting(monkeypatch)
    monkeypatch.setattr(dav, "AUTH_CACHE_SECONDS", 0.0)  # every request asks the database
    headers = _basic("iPhone", made.password)
    web = create_app(app)

    async def run(*steps: str) -> list[int]:
        transport = httpx.ASGITransport(app=web, client=("127.0.0.1", 5000))
        codes = []
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            for step in steps:
                if step == "revoke":
                    revoke_app_password(app.uow(), name="iPhone")
                    continue
                codes.append(
                    (await client.request("PROPFIND", "/dav/", headers=headers)).status_code
                )
        return codes

    assert asyncio.run(run("get", "get", "get")) == [207, 207, 207]
    assert checked == ["iPhone"]  # argon2 once, then the stored hash compared
    assert asyncio.run(run("revoke", "get")) == [401]
    assert checked == ["iPhone"] * 2  # the query found no password: argon2 refused it too
    again = add_app_password(app.uow(), name="iPhone")
    monkeypatch.setattr(dav, "AUTH_RECHECK_SECONDS", 0.0)  # past the recheck time: argon2
    headers = _basic("iPhone", again.password)
    assert asyncio.run(run("get", "get")) == [207, 207]
    assert checked == ["iPhone"] * 4

"""The login throttles live in the database: two workers of one server count every failure
(the web login's, and CardDAV's, which reads them every few seconds)."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from kinmyaku.bootstrap import App, open_app
from kinmyaku.config import Settings
from kinmyaku.services.app_passwords import add_app_password
from kinmyaku.services.auth import set_password
from kinmyaku.storage.schema import credentials
from kinmyaku.web.app import create_app
from kinmyaku.web.dav import DavServer
from kinmyaku.web.security import (
    DAV_FAILURE_KEY,
    FAILURE_KEY,
    CachedThrottle,
    SharedLoginThrottle,
)

BASE = "http://127.0.0.1"
PASSWORD = "correct horse battery"
LOOPBACK = ("127.0.0.1", 50000)  # CardDAV answers plain HTTP on loopback only


@pytest.fixture
def workers(database_url: str) -> Iterator[list[App]]:
    """Two apps on one database, each with its own engine: two ``--workers`` processes."""
    built = [open_app(Settings(database_url=database_url, language="en")) for _ in range(2)]
    yield built
    for one in built:
        one.close()


def _failure_keys(app: App, prefix: str = FAILURE_KEY) -> list[str]:
    with app.uow() as conn:
        keys = conn.execute(
            select(credentials.c.key).where(credentials.c.key.startswith(prefix + " "))
        ).scalars()
        return [str(key) for key in keys]


def test_failures_in_one_worker_lock_the_other(workers: list[App]) -> None:
    set_password(workers[0].uow(), password=PASSWORD)
    clients = [TestClient(create_app(one), base_url=BASE) for one in workers]
    tokens = [c.get("/api/session").json()["csrf_token"] for c in clients]
    for attempt in range(5):  # five failures, spread over both workers
        which = attempt % 2
        wrong = clients[which].post(
            "/api/login", json={"password": "nope"}, headers={"X-CSRF-Token": tokens[which]}
        )
        assert wrong.status_code == 401
    for client, token in zip(clients, tokens, strict=True):
        refused = client.post(
            "/api/login", json={"password": PASSWORD}, headers={"X-CSRF-Token": token}
        )
        assert refused.status_code == 429
        assert 0 < int(refused.headers["retry-after"]) <= 15 * 60
    keys = _failure_keys(workers[1])
    assert len(keys) == 5
    assert not any("testclient" in key for key in keys)  # a digest, not the address
    assert all(len(key) <= 60 for key in keys)


def test_window_reset_and_old_rows_deleted(app: App) -> None:
    throttle = SharedLoginThrottle(app.uow, per_client=2, overall=3, window=60)
    other = SharedLoginThrottle(app.uow, per_client=2, overall=3, window=60)
    throttle.failed("a", now=1000)
    assert other.wait_seconds("a", now=1001) == 0
    other.failed("a", now=1001)
    assert throttle.wait_seconds("a", now=1002) == 59
    assert other.wait_seconds("b", now=1002) == 0  # another client may still try
    assert throttle.wait_seconds("a", now=1061.5) == 0  # the first failure left the window
    for client in ("b", "c", "e"):
        other.failed(client, now=1062)
    assert throttle.wait_seconds("d", now=1063) > 0  # three failures overall lock everyone
    assert len(_failure_keys(app)) == 3  # a's two failures left the window: deleted
    throttle.succeeded("b")
    assert len(_failure_keys(app)) == 2
    assert throttle.wait_seconds("d", now=1063) == 0
    throttle.failed("x", now=2000)  # everything before 1940 is gone
    assert len(_failure_keys(app)) == 1


def _basic(name: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{name}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def test_carddav_failures_in_one_worker_lock_the_other(workers: list[App]) -> None:
    """CardDAV's login throttle is shared too (its own rows), read every few seconds; a
    device that logs in writes no throttle row and deletes none."""
    made = add_app_password(workers[0].uow(), name="iPhone")
    webs = [create_app(one) for one in workers]
    clients = [TestClient(web, base_url=BASE, client=LOOPBACK) for web in webs]
    good = _basic("iPhone", made.password)
    for client in clients:
        assert client.request("PROPFIND", "/dav/", headers=good).status_code == 207
    for attempt in range(5):  # five failures, spread over both workers
        wrong = clients[attempt % 2].request("PROPFIND", "/dav/", headers=_basic("iPhone", "x"))
        assert wrong.status_code == 401
    keys = _failure_keys(workers[0], DAV_FAILURE_KEY)
    assert len(keys) == 5 and _failure_keys(workers[0]) == []  # not the web login's
    for web in webs:  # the next read of the failures (after the ttl) sees the other's
        throttle = _dav_throttle(web)
        throttle.ttl = 0.0
    for client in clients:
        refused = client.request("PROPFIND", "/dav/", headers=good)
        assert refused.status_code == 429
        assert 0 < int(refused.headers["retry-after"]) <= 15 * 60


def test_carddav_logins_read_the_failures_once_a_while_and_write_nothing(app: App) -> None:
    made = add_app_password(app.uow(), name="iPhone")
    web = create_app(app)
    client = TestClient(web, base_url=BASE, client=LOOPBACK)
    throttle = _dav_throttle(web)
    throttle.ttl = 60.0
    good = _basic("iPhone", made.password)
    for _ in range(20):
        assert client.request("PROPFIND", "/dav/", headers=good).status_code == 207
    assert throttle.reads == 1
    assert _failure_keys(app, DAV_FAILURE_KEY) == []
    assert client.request("PROPFIND", "/dav/", headers=_basic("iPhone", "no")).status_code == 401
    assert len(_failure_keys(app, DAV_FAILURE_KEY)) == 1
    assert client.request("PROPFIND", "/dav/", headers=good).status_code == 207
    assert _failure_keys(app, DAV_FAILURE_KEY) == []  # a good password clears its client's
    assert throttle.reads == 1


def _dav_throttle(web: FastAPI) -> CachedThrottle:
    for route in web.router.routes:
        handler = getattr(getattr(route, "endpoint", None), "handler", None)
        server = getattr(handler, "__self__", None)
        if isinstance(server, DavServer):
            return server.throttle
    raise AssertionError("no CardDAV route")

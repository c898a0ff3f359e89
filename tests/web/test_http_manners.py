"""HTTP manners: HEAD wherever GET works, ``Allow`` on every 405, ``Retry-After`` on 429.

Every registered route is checked (``app.routes``), so a route added later is covered.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route

from kinmyaku.bootstrap import App
from kinmyaku.services import relations
from kinmyaku.services.auth import set_password
from kinmyaku.web.app import create_app
from kinmyaku.web.middleware import flat_routes

BASE = "http://127.0.0.1"
# Headers that must be the same on HEAD as on GET (the date and cookies may differ).
SAME_HEADERS = ("content-type", "content-length", "cache-control", "content-security-policy")


def _fill(path: str, ids: dict[str, int]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        if name == "fmt":
            return "json"
        if name == "token":
            return "not-a-token"
        if name == "name":
            return "no-such-photo"
        return str(ids.get(name, 1))

    return re.sub(r"\{([^}]+)\}", value, path)


def _methods_by_path(web: FastAPI) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for route in flat_routes(web.routes):
        if isinstance(route, Route) and route.methods:
            found[route.path] |= set(route.methods)
    return found


def _ids(network: dict[str, int]) -> dict[str, int]:
    return {"person_id": network["takahashi"], "event_id": network["event"]}


def test_head_answers_like_get_on_every_get_route(
    web: FastAPI, client: TestClient, core: App, network: dict[str, int]
) -> None:
    relations.record_exchange(
        core.uow(), person_id=network["sato"], on=date(2024, 3, 2), direction="gave", kind="advice"
    )
    paths = [
        _fill(path, _ids(network))
        for path, methods in _methods_by_path(web).items()
        if "GET" in methods
    ]
    assert len(paths) >= 35
    ok = 0
    for path in [*paths, "/static/css/app.css"]:
        got = client.get(path)
        head = client.head(path)
        assert head.status_code != 405, path
        assert head.status_code == got.status_code, path
        assert head.content == b"", path
        for name in SAME_HEADERS:
            assert head.headers.get(name) == got.headers.get(name), (path, name)
        ok += got.status_code == 200
    assert ok >= len(paths) - 4  # only the made-up calendar token and photo name are missing


def test_head_needs_no_csrf_token_and_is_refused_where_get_is(client: TestClient) -> None:
    assert client.head("/people").status_code == 200  # no token: HEAD is safe
    refused = client.head("/logout")  # POST only
    assert refused.status_code == 405
    assert refused.headers["allow"] == "POST"
    assert refused.content == b""


def test_every_405_lists_the_methods_of_its_path(
    web: FastAPI, client: TestClient, network: dict[str, int]
) -> None:
    checked = 0
    for path, methods in _methods_by_path(web).items():
        expected = methods | ({"HEAD"} if "GET" in methods else set())
        wrong = next(m for m in ("PUT", "PATCH", "DELETE", "POST", "GET") if m not in methods)
        answer = client.request(wrong, _fill(path, _ids(network)))
        assert answer.status_code == 405, (wrong, path)
        allow = {m.strip() for m in answer.headers["allow"].split(",")}
        # A path may also fit another route's pattern (/export/calendar: /export/{fmt}).
        assert expected <= allow <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}, path
        checked += 1
    assert checked >= 60
    static = client.post("/static/css/app.css")
    assert static.status_code == 405
    assert static.headers["allow"] == "GET, HEAD"


def test_allow_has_every_route_of_a_path_not_only_the_first(client: TestClient) -> None:
    page = client.put("/login")  # GET and POST are two routes
    assert page.status_code == 405
    assert page.headers["allow"] == "GET, HEAD, POST"
    api = client.post("/api/people/1")  # GET, PATCH and DELETE
    assert api.status_code == 405
    assert api.headers["allow"] == "GET, HEAD, PATCH, DELETE"
    assert api.json()["error"]["message"]


def _too_many(client: TestClient, path: str, **kwargs: object) -> None:
    for _ in range(5):
        assert client.post(path, **kwargs).status_code == 401


def test_every_429_says_when_to_retry(core: App) -> None:
    set_password(core.uow(), password="correct horse battery")
    client = TestClient(create_app(core), base_url=BASE)
    token = client.get("/api/session").json()["csrf_token"]
    form = {"csrf_token": token, "password": "wrong", "next": "/"}
    _too_many(client, "/login", data=form)
    page = client.post("/login", data={**form, "password": "correct horse battery"})
    assert page.status_code == 429
    assert 0 < int(page.headers["retry-after"]) <= 15 * 60
    assert "text/html" in page.headers["content-type"]
    api = client.post(
        "/api/login", json={"password": "correct horse battery"}, headers={"X-CSRF-Token": token}
    )
    assert api.status_code == 429
    assert 0 < int(api.headers["retry-after"]) <= 15 * 60


def test_static_mount_is_covered(web: FastAPI) -> None:
    mounts = [route for route in web.routes if isinstance(route, Mount)]
    assert [m.path for m in mounts] == ["/static"]

"""CSRF on every state-changing route, CSP without inline scripts, sessions, login, hosts."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from kinmyaku.bootstrap import App
from kinmyaku.services.auth import check_password, set_password
from kinmyaku.web.app import create_app
from kinmyaku.web.routes import routers
from kinmyaku.web.security import LoginThrottle, Signer

BASE = "http://127.0.0.1"

PAGES = ["/", "/people", "/people/new", "/events", "/requests", "/settings", "/login"]


def unsafe_routes() -> list[tuple[str, str]]:
    """(method, path) of every state-changing route, with ids filled in."""
    found = []
    for route in (r for router in routers() for r in router.routes):
        if isinstance(route, APIRoute):
            for method in sorted(route.methods - {"GET", "HEAD"}):
                found.append((method, re.sub(r"\{[^}]+\}", "1", route.path)))
    return found


def test_every_state_changing_route_refuses_a_missing_or_forged_token(
    web: FastAPI, client: TestClient, network: dict[str, int]
) -> None:
    routes = unsafe_routes()
    assert len(routes) >= 25
    for method, path in routes:
        bare = client.request(method, path, data={"family_name": "x"})
        assert bare.status_code == 403, (method, path)
        forged = client.request(method, path, data={"csrf_token": "forged", "family_name": "x"})
        assert forged.status_code == 403, (method, path)
        header = client.request(method, path, headers={"X-CSRF-Token": "forged"}, json={})
        assert header.status_code == 403, (method, path)


def test_a_token_of_another_session_is_refused(web: FastAPI, client: TestClient) -> None:
    other = TestClient(web, base_url=BASE)
    token = other.get("/api/session").json()["csrf_token"]
    assert client.post("/people", data={"csrf_token": token, "family_name": "x"}).status_code == 403


def test_pages_have_a_strict_csp_and_no_inline_script(
    client: TestClient, network: dict[str, int]
) -> None:
    for path in [*PAGES, f"/people/{network['sato']}", f"/events/{network['event']}"]:
        page = client.get(path)
        assert page.status_code == 200, path
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert page.headers["x-content-type-options"] == "nosniff"
        for tag in re.findall(r"<script[^>]*>", page.text):
            assert "src=" in tag, (path, tag)
        assert not re.search(r"<script[^>]*>[^<]+</script>", page.text), path  # no inline code
        assert not re.search(r"\son[a-z]+=", page.text), path  # no inline handlers
        assert not re.search(r'(src|href)="(https?:)?//', page.text), path  # no CDN


def test_session_cookie_is_httponly_samesite_and_signed(client: TestClient) -> None:
    cookie = client.get("/").headers["set-cookie"]
    assert "kinmyaku_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    signer = Signer("another key")
    forged = signer.dump(signer.load(None))
    fresh = client.get("/", cookies={"kinmyaku_session": forged})
    assert "kinmyaku_session=" in fresh.headers["set-cookie"]  # a forged cookie is replaced


def test_loopback_server_refuses_other_host_names(client: TestClient) -> None:
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost:8765"}).status_code == 200


def test_login_is_required_once_a_password_is_set(core: App) -> None:
    set_password(core.uow(), password="correct horse battery")
    web = create_app(core, host="0.0.0.0")  # the phone case
    client = TestClient(web, base_url="http://192.0.2.10:8765")
    page = client.get("/people?q=x", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Fpeople%3Fq%3Dx"
    assert client.get("/api/people").status_code == 401
    assert client.get("/api/people").json()["error"]["message"].startswith("Log in")
    assert client.get("/static/css/app.css").status_code == 200
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token
    wrong = client.post(
        "/login", data={"csrf_token": token.group(1), "password": "nope", "next": "/people"}
    )
    assert wrong.status_code == 401 and "パスワードが違います" in wrong.text
    before = client.cookies.get("kinmyaku_session")
    right = client.post(
        "/login",
        data={"csrf_token": token.group(1), "password": "correct horse battery", "next": "/people"},
        follow_redirects=False,
    )
    assert right.status_code == 303 and right.headers["location"] == "/people"
    assert client.cookies.get("kinmyaku_session") != before  # a new session id after login
    assert client.get("/people").status_code == 200
    session = client.get("/api/session").json()
    assert session["logged_in"] and session["login_required"]
    out = client.post("/logout", data={"csrf_token": session["csrf_token"]}, follow_redirects=False)
    assert out.headers["location"] == "/login"
    assert client.get("/people", follow_redirects=False).status_code == 303


def test_repeated_failures_are_throttled(core: App) -> None:
    set_password(core.uow(), password="correct horse battery")
    client = TestClient(create_app(core), base_url=BASE)
    token = client.get("/api/session").json()["csrf_token"]
    headers = {"X-CSRF-Token": token}
    for _ in range(5):
        assert client.post("/api/login", json={"password": "x"}, headers=headers).status_code == 401
    locked = client.post("/api/login", json={"password": "correct horse battery"}, headers=headers)
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0


def test_throttle_window_and_reset() -> None:
    throttle = LoginThrottle(per_client=2, overall=3, window=60)
    throttle.failed("a", now=0)
    assert throttle.wait_seconds("a", now=1) == 0
    throttle.failed("a", now=1)
    assert throttle.wait_seconds("a", now=2) == 59
    assert throttle.wait_seconds("a", now=61.5) == 0  # the first failure left the window
    for client in ("b", "c", "e"):
        throttle.failed(client, now=62)
    assert throttle.wait_seconds("d", now=63) > 0  # three failures overall lock everyone
    throttle.succeeded("a")
    assert "a" not in throttle._failures


def test_password_rules_and_argon2(core: App) -> None:
    from kinmyaku.domain.errors import ValidationError

    with pytest.raises(ValidationError) as short:
        set_password(core.uow(), password="short")
    assert short.value.field == "password"
    assert not check_password(core.uow(), password="anything")  # no password set yet
    set_password(core.uow(), password="long enough pass")
    assert check_password(core.uow(), password="long enough pass")
    assert not check_password(core.uow(), password="long enough pas")
    with core.uow() as conn:
        stored = conn.exec_driver_sql("SELECT value FROM credentials WHERE key='owner_password'")
        assert stored.scalar_one().startswith("$argon2id$")


def test_secret_key_is_generated_once(core: App) -> None:
    first = create_app(core).state.signer
    second = create_app(core).state.signer
    session = first.load(None)
    assert second.check_csrf(session, first.csrf_token(session))


def test_open_redirects_are_refused(client: TestClient, csrf: str) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        done = client.post(
            "/language",
            data={"csrf_token": csrf, "lang": "en", "next": target},
            follow_redirects=False,
        )
        assert done.headers["location"] == "/"


def test_huge_bodies_are_refused_before_reading(client: TestClient, csrf: str) -> None:
    big = client.post(
        "/people",
        content=b"x",
        headers={"content-length": str(50 * 1024 * 1024), "X-CSRF-Token": csrf},
    )
    assert big.status_code == 413


def test_network_server_serves_nothing_once_the_password_is_removed(core: App) -> None:
    """Removing the password while bound to the network closes the site, it never opens it."""
    from kinmyaku.services.auth import clear_password

    set_password(core.uow(), password="correct horse battery")
    web = create_app(core, host="0.0.0.0")
    client = TestClient(web, base_url="http://192.0.2.10:8765")
    assert client.get("/people", follow_redirects=False).status_code == 303
    clear_password(core.uow())
    web.state.password.forget()
    closed = client.get("/people", follow_redirects=False)
    assert closed.status_code == 503 and "kinmyaku password" in closed.text
    assert client.get("/api/people").status_code == 503
    assert client.get("/healthz").status_code == 200

"""Server-side sessions: stored at login, checked cheaply, listed, ended one by one or all at once,
and every one ended by a password change or removal (with a new cookie key)."""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_file
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from kinmyaku.bootstrap import App
from kinmyaku.cli.main import app as cli_app
from kinmyaku.i18n import LOCALES, catalog
from kinmyaku.services import sessions
from kinmyaku.services.auth import SECRET_KEY, clear_password, set_password
from kinmyaku.storage.people import now as utc_now
from kinmyaku.storage.schema import credentials
from kinmyaku.storage.schema import sessions as sessions_table
from kinmyaku.web.app import create_app
from kinmyaku.web.security import Session, SessionStore, Signer

PASSWORD = "correct horse battery"
NETWORK = "http://192.0.2.10:8765"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def guarded(core: App) -> FastAPI:
    """The web app on a network address, behind the owner password."""
    set_password(core.uow(), password=PASSWORD)
    return create_app(core, host="0.0.0.0")


def login(web: FastAPI, user_agent: str = FIREFOX_LINUX, base: str = NETWORK) -> TestClient:
    """A new browser that logs in with the password (argon2: slow); its CSRF header set."""
    client = TestClient(web, base_url=base, headers={"User-Agent": user_agent})
    token = client.get("/api/session").json()["csrf_token"]
    done = client.post("/api/login", json={"password": PASSWORD}, headers={"X-CSRF-Token": token})
    assert done.status_code == 204
    client.headers["X-CSRF-Token"] = client.get("/api/session").json()["csrf_token"]
    return client


def logged_in(
    core: App, web: FastAPI, user_agent: str = FIREFOX_LINUX, base: str = NETWORK
) -> TestClient:
    """A browser that logged in earlier: its session stored and its cookie signed, as a login
    leaves them (without argon2's second per login)."""
    sid = secrets.token_urlsafe(18)
    sessions.start_session(core.uow(), sid=sid, user_agent=user_agent, ip="192.0.2.23")
    cookie = Signer(_key(core)).dump(Session(sid=sid, auth=True))
    client = TestClient(
        web,
        base_url=base,
        headers={"User-Agent": user_agent},
        cookies={"kinmyaku_session": cookie},
    )
    session = client.get("/api/session").json()
    assert session["logged_in"]
    client.headers["X-CSRF-Token"] = session["csrf_token"]
    return client


def stored_rows(core: App) -> list[dict[str, object]]:
    with core.uow() as conn:
        return [dict(r) for r in conn.execute(select(sessions_table)).mappings()]


def test_a_login_is_stored_as_a_hash_with_its_device(core: App, guarded: FastAPI) -> None:
    client = login(guarded, IPHONE)
    assert client.get("/api/people").status_code == 200
    cookie = client.cookies["kinmyaku_session"]
    sid = Signer(_key(core)).load(cookie).sid
    [row] = stored_rows(core)
    assert row["sid_hash"] == sessions.hash_sid(sid) != sid
    assert row["device"] == "Safari · iPhone"
    assert row["ip"] == "testclient"
    assert sid not in json.dumps(row, default=str)
    # Logging in again from the same browser replaces its session, it does not add one.
    again = client.post("/api/login", json={"password": PASSWORD})
    assert again.status_code == 204
    [newer] = stored_rows(core)
    assert newer["sid_hash"] != row["sid_hash"]


def test_a_forged_logged_in_cookie_with_the_right_key_is_refused(
    core: App, guarded: FastAPI
) -> None:
    """Even the real key (a stolen copy of the database) signs nothing that counts."""
    logged_in(core, guarded)
    forged = Signer(_key(core)).dump(Session(sid="made-up-session-id", auth=True))
    thief = TestClient(guarded, base_url=NETWORK, cookies={"kinmyaku_session": forged})
    assert thief.get("/api/people").status_code == 401
    assert thief.get("/people", follow_redirects=False).status_code == 303


def test_a_password_change_ends_every_session_and_replaces_the_key(
    core: App, guarded: FastAPI
) -> None:
    phone, laptop = login(guarded, IPHONE), logged_in(core, guarded)
    old_cookie = phone.cookies["kinmyaku_session"]
    old_key = _key(core)
    assert phone.get("/api/people").status_code == laptop.get("/api/people").status_code == 200
    set_password(core.uow(), password="another good password")  # kinmyaku password
    guarded.state.password.forget()  # the server re-reads within 3 seconds; now, in a test
    assert stored_rows(core) == []
    assert _key(core) != old_key
    assert phone.get("/api/people").status_code == 401
    assert laptop.get("/people", follow_redirects=False).status_code == 303
    # The 30-day cookie from before, replayed as is, and re-signed with the old key.
    replay = TestClient(guarded, base_url=NETWORK, cookies={"kinmyaku_session": old_cookie})
    assert replay.get("/api/people").status_code == 401
    resigned = Signer(old_key).dump(Signer(old_key).load(old_cookie))
    again = TestClient(guarded, base_url=NETWORK, cookies={"kinmyaku_session": resigned})
    assert again.get("/api/people").status_code == 401
    # The new password logs in again.
    fresh = TestClient(guarded, base_url=NETWORK)
    token = fresh.get("/api/session").json()["csrf_token"]
    done = fresh.post(
        "/api/login",
        json={"password": "another good password"},
        headers={"X-CSRF-Token": token},
    )
    assert done.status_code == 204 and fresh.get("/api/people").status_code == 200


def test_removing_the_password_ends_every_session(core: App) -> None:
    set_password(core.uow(), password=PASSWORD)
    web = create_app(core)  # loopback: after the removal it stays open, without logins
    client = logged_in(core, web, base="http://127.0.0.1")
    assert len(stored_rows(core)) == 1
    old_key = _key(core)
    clear_password(core.uow())
    web.state.password.forget()
    assert stored_rows(core) == [] and _key(core) != old_key
    assert client.get("/api/session").json()["logged_in"] is False


def test_the_settings_page_lists_sessions_and_logs_one_out(core: App, guarded: FastAPI) -> None:
    phone = logged_in(core, guarded, IPHONE)
    laptop = logged_in(core, guarded, FIREFOX_LINUX)
    page = laptop.get("/settings", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.text)
    assert "Logged-in browsers" in text
    assert "Safari · iPhone" in text and "Firefox · Linux" in text
    # This device first and marked; the last seen time in words.
    assert text.index("Firefox · Linux") < text.index("This device") < text.index("Safari")
    assert "Last seen just now" in text
    japanese = laptop.get("/settings", headers={"Accept-Language": "ja"}).text
    assert "ログイン中のブラウザ" in japanese and "この端末" in japanese
    assert "最終アクセス たった今" in japanese
    phone_id = next(r["id"] for r in stored_rows(core) if r["device"] == "Safari · iPhone")
    token = laptop.headers["X-CSRF-Token"]
    done = laptop.post(
        f"/settings/sessions/{phone_id}/logout",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/settings#sessions"
    assert phone.get("/api/people").status_code == 401
    assert laptop.get("/api/people").status_code == 200
    assert len(stored_rows(core)) == 1


def test_logging_out_this_device_and_everywhere(core: App, guarded: FastAPI) -> None:
    phone, laptop = logged_in(core, guarded, IPHONE), logged_in(core, guarded)
    mine = max(int(str(r["id"])) for r in stored_rows(core))
    bare = laptop.post(f"/settings/sessions/{mine}/logout", headers={"X-CSRF-Token": ""})
    assert bare.status_code == 403  # CSRF
    own = laptop.post(
        f"/settings/sessions/{mine}/logout",
        data={"csrf_token": laptop.headers["X-CSRF-Token"]},
        follow_redirects=False,
    )
    assert own.headers["location"] == "/login"
    assert laptop.get("/api/people").status_code == 401
    assert phone.get("/api/people").status_code == 200
    again = logged_in(core, guarded)
    everywhere = again.post(
        "/settings/sessions/logout",
        data={"csrf_token": again.headers["X-CSRF-Token"]},
        follow_redirects=False,
    )
    assert everywhere.status_code == 303 and everywhere.headers["location"] == "/login"
    assert stored_rows(core) == []
    assert phone.get("/api/people").status_code == again.get("/api/people").status_code == 401


def test_logout_deletes_the_stored_session(core: App, guarded: FastAPI) -> None:
    client = logged_in(core, guarded)
    assert len(stored_rows(core)) == 1
    assert client.post("/api/logout").status_code == 204
    assert stored_rows(core) == []


def test_no_password_no_sessions_and_the_page_says_why(client: TestClient) -> None:
    page = client.get("/settings", headers={"Accept-Language": "en"})
    assert "No owner password is set, so nobody logs in" in page.text
    assert "/settings/sessions/logout" not in page.text


def test_a_logged_in_request_costs_a_query_only_every_few_seconds(
    core: App, guarded: FastAPI, queries: Callable[[], Any]
) -> None:
    client = logged_in(core, guarded)
    client.get("/api/session")
    with queries() as seen:
        for _ in range(20):
            assert client.get("/api/session").status_code == 200
    assert not [q for q in seen if "sessions" in q]  # the login was remembered
    guarded.state.sessions.forget()
    with queries() as seen:
        for _ in range(20):
            client.get("/api/session")
    assert len([q for q in seen if "FROM sessions" in q]) == 1


def test_last_seen_is_written_at_most_once_a_minute(
    core: App, guarded: FastAPI, queries: Callable[[], Any]
) -> None:
    client = logged_in(core, guarded)
    with core.uow() as conn:
        conn.execute(update(sessions_table).values(last_seen=utc_now() - timedelta(minutes=2)))
    guarded.state.sessions.forget()
    client.get("/api/session")
    [row] = stored_rows(core)
    assert utc_now() - row["last_seen"] < timedelta(seconds=30)  # type: ignore[operator]
    with queries() as seen:
        guarded.state.sessions.forget()
        client.get("/api/session")
    assert [q for q in seen if "FROM sessions" in q]  # checked again ...
    assert not [q for q in seen if q.startswith("UPDATE sessions")]  # ... but not written


def test_the_cache_asks_again_after_its_time(core: App) -> None:
    sid = "a-session-id"
    stored_id = sessions.start_session(core.uow(), sid=sid, user_agent="", ip=None)
    store = SessionStore(core.uow, ttl=0.05)
    assert store.cached(sid) is None
    assert store.check(sid, None) == stored_id
    assert store.cached(sid) == stored_id
    sessions.end_session(core.uow(), session_id=stored_id)  # another process logs it out
    assert store.cached(sid) == stored_id  # still remembered for a moment
    time.sleep(0.06)
    assert store.cached(sid) is None and store.check(sid, None) is None


def test_expired_logins_are_not_listed_nor_accepted(core: App) -> None:
    sessions.start_session(core.uow(), sid="old", user_agent="", ip=None)
    with core.uow() as conn:
        conn.execute(update(sessions_table).values(created_at=datetime(2020, 1, 1)))
    assert sessions.list_sessions(core.uow()) == []
    assert sessions.find_session(core.uow(), sid="old") is None
    sessions.start_session(core.uow(), sid="new", user_agent="", ip=None)
    assert [s.device for s in sessions.list_sessions(core.uow())] == [""]  # the old one pruned
    assert len(stored_rows(core)) == 1


def test_cli_lists_and_revokes_sessions(core: App, guarded: FastAPI, tmp_path: Path) -> None:
    phone, laptop = logged_in(core, guarded, IPHONE), logged_in(core, guarded)
    db = core.settings.database_url
    runner = CliRunner()
    listed = runner.invoke(cli_app, ["--db", db, "--lang", "en", "sessions"])
    assert listed.exit_code == 0, listed.output
    assert "Safari · iPhone" in listed.output and "last seen just now" in listed.output
    assert "2 logged in" in listed.output
    data = json.loads(runner.invoke(cli_app, ["--db", db, "sessions", "--json"]).stdout)
    assert {d["device"] for d in data} == {"Safari · iPhone", "Firefox · Linux"}
    assert set(data[0]) == {"id", "device", "ip", "created_at", "last_seen"}
    phone_id = next(d["id"] for d in data if d["device"] == "Safari · iPhone")
    ja = runner.invoke(cli_app, ["--db", db, "--lang", "ja", "sessions", "revoke", f"#{phone_id}"])
    assert ja.exit_code == 0 and f"セッション #{phone_id} をログアウトさせました" in ja.output
    guarded.state.sessions.forget()  # a running server notices within 3 seconds
    assert phone.get("/api/people").status_code == 401
    assert laptop.get("/api/people").status_code == 200
    missing = runner.invoke(cli_app, ["--db", db, "--lang", "en", "sessions", "revoke", "999"])
    assert missing.exit_code == 1 and "No session #999" in missing.output
    both = runner.invoke(cli_app, ["--db", db, "--lang", "en", "sessions", "revoke", "1", "--all"])
    assert both.exit_code == 1 and "either a session id or --all" in both.output
    every = runner.invoke(cli_app, ["--db", db, "--lang", "en", "sessions", "revoke", "--all"])
    assert every.exit_code == 0 and "Logged out 1 browser." in every.output
    guarded.state.sessions.forget()
    assert laptop.get("/api/people").status_code == 401
    empty = runner.invoke(cli_app, ["--db", db, "--lang", "ja", "sessions"])
    assert "ログイン中のブラウザはありません" in empty.output


def test_cli_password_says_every_browser_is_logged_out(core: App) -> None:
    sessions.start_session(core.uow(), sid="s", user_agent="", ip=None)
    done = CliRunner().invoke(
        cli_app,
        ["--db", core.settings.database_url, "--lang", "en", "password"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert done.exit_code == 0, done.output
    assert "Every browser that was logged in is logged out." in done.output
    assert stored_rows(core) == []


@pytest.mark.parametrize(
    ("agent", "device"),
    [
        (IPHONE, "Safari · iPhone"),
        (FIREFOX_LINUX, "Firefox · Linux"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge · Windows",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
            "Samsung Internet · Android",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/126.0.0.0 Safari/537.36",
            "Chrome · macOS",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
            "like Gecko) Mobile/15E148 Safari Line/14.9.0",
            "LINE · iPhone",
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
            "Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
            "Chrome · iPad",
        ),
        ("curl/8.5.0", "curl"),
        ("", ""),
    ],
)
def test_the_device_is_named_from_the_user_agent(agent: str, device: str) -> None:
    assert sessions.describe_device(agent) == device


def test_last_seen_in_words() -> None:
    now = datetime(2026, 12, 7, 12, 0)
    cases = {
        timedelta(seconds=30): ("just now", "たった今"),
        timedelta(minutes=5): ("5 minutes ago", "5分前"),
        timedelta(minutes=70): ("an hour ago", "1時間前"),
        timedelta(hours=5): ("5 hours ago", "5時間前"),
        timedelta(hours=30): ("a day ago", "1日前"),
        timedelta(days=3): ("3 days ago", "3日前"),
        timedelta(days=20): ("on 2026-11-17", "2026-11-17"),
    }
    for ago, (en, ja) in cases.items():
        assert sessions.seen_text("en", now - ago, now) == en
        assert sessions.seen_text("ja", now - ago, now) == ja
    assert sessions.device_text("ja", "") == "不明な端末"


MODULES = ["services/sessions.py", "cli/sessions.py", "services/backup.py", "cli/transfer.py"]
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "translate": (2,),
    "t": None,
    "say": None,
    "fail": None,
    "NotFound": None,
    "KinmyakuError": None,
    "RestoreRefused": None,
}


def test_every_message_of_sessions_and_backups_is_in_japanese() -> None:
    package = LOCALES.parent
    found: set[str] = set()
    for module in MODULES:
        for _line, message, _c, _ctx in extract_from_file(
            "python", str(package / module), keywords=KEYWORDS
        ):
            text = message[0] if isinstance(message, tuple) else message
            if text:
                found.add(text)
    assert {"No session #{id}", "{count} minutes ago", "Logged out {count} browsers."} <= found
    missing = sorted(m for m in found if not catalog("ja").get(m))
    assert missing == []


def _key(core: App) -> str:
    with core.uow() as conn:
        return str(
            conn.execute(
                select(credentials.c.value).where(credentials.c.key == SECRET_KEY)
            ).scalar_one()
        )

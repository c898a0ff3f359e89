"""No credential leaves in a backup or export, and nothing in one opens a password-protected app.

The credentials: the owner password's hash, the key that signs cookies, the calendar token and
the login sessions (their hashed ids).  The exports: the JSON backup (service, CLI and
/export/json), CSV, vCard and iCalendar.  The probe that found the leak signed a cookie with
the key from a backup; here every string of a backup is tried as the key (and as the session
id), and the key of the database the backup came from too.
"""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from kinmyaku.bootstrap import App
from kinmyaku.cli.main import app as cli_app
from kinmyaku.services import exporting, sessions
from kinmyaku.services.auth import PASSWORD_KEY, SECRET_KEY, secret_key, set_password
from kinmyaku.services.backup import (
    backup_tables,
    exportable_setting,
    forget_credentials,
    is_credential,
    restore_backup,
    write_backup,
)
from kinmyaku.services.calendar_token import TOKEN_KEY, create_calendar_token
from kinmyaku.services.insights_people import set_my_profile
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.services.relations import log_interaction
from kinmyaku.storage.schema import credentials, metadata, settings
from kinmyaku.storage.schema import sessions as sessions_table
from kinmyaku.web.app import create_app
from kinmyaku.web.security import SESSION_COOKIE, Session, Signer

PASSWORD = "correct horse battery"
NETWORK = "http://192.0.2.10:8765"
SID = "the-session-id-of-a-logged-in-phone"


def _credentials(app: App) -> dict[str, str]:
    """A database with every kind of credential, and its data; returns the secret values."""
    pid = add_person(
        app.uow(),
        PersonInput(family_name="髙橋", given_name="健太", emails=["k@example.jp"], tags=["VIP"]),
    )
    log_interaction(
        app.uow(), person_ids=[pid], on=date(2026, 11, 1), follow_up_on=date(2026, 11, 30)
    )
    set_my_profile(app.uow(), name="山田 太郎", offers="採用の相談")
    set_password(app.uow(), password=PASSWORD)
    sessions.start_session(app.uow(), sid=SID, user_agent="Firefox/128.0", ip="192.0.2.23")
    found = {
        "key": secret_key(app.uow()),
        "token": create_calendar_token(app.uow()),
        "sid_hash": sessions.hash_sid(SID),
    }
    with app.uow() as conn:
        found["hash"] = str(
            conn.execute(
                select(credentials.c.value).where(credentials.c.key == PASSWORD_KEY)
            ).scalar()
        )
    return found


def _exports(app: App) -> dict[str, bytes]:
    """Every export format, as the services write it."""
    out: dict[str, bytes] = {}
    writers: dict[str, Callable[[io.BytesIO], object]] = {
        "json": lambda s: write_backup(app.uow(), stream=s),
        "csv": lambda s: exporting.export_csv(app.uow(), stream=s),
        "vcard": lambda s: exporting.export_vcard(app.uow(), stream=s),
    }
    for name, write in writers.items():
        buffer = io.BytesIO()
        write(buffer)
        out[name] = buffer.getvalue()
    out["ical"] = exporting.calendar_feed(app.uow(), today=date(2026, 11, 26))
    return out


def test_no_export_holds_a_credential(app: App) -> None:
    """On SQLite and PostgreSQL: JSON, CSV, vCard and iCalendar."""
    found = _credentials(app)
    exports = _exports(app)
    for name, data in exports.items():
        text = data.decode("utf-8")
        for what, secret in found.items():
            assert secret not in text, (name, what)
        for key in (PASSWORD_KEY, SECRET_KEY, TOKEN_KEY, "sid_hash", "argon2"):
            assert key not in text, (name, key)
    assert "髙橋" in exports["csv"].decode("utf-8-sig")  # the data is there
    backup = json.loads(exports["json"])
    assert "sessions" not in backup["tables"]
    assert [row[0] for row in backup["tables"]["settings"]["rows"]] == ["me.name", "me.offers"]


def test_a_restore_starts_without_credentials_even_from_an_old_backup(
    app: App, second_app: App
) -> None:
    """A backup made before this rule held the credentials: the restore drops them, and it
    deletes those of the target database (which is otherwise empty)."""
    found = _credentials(app)
    buffer = io.BytesIO()
    write_backup(app.uow(), stream=buffer)
    document = json.loads(buffer.getvalue())
    document["tables"]["settings"]["rows"] += [
        [PASSWORD_KEY, found["hash"]],
        [SECRET_KEY, found["key"]],
        [TOKEN_KEY, found["token"]],
    ]
    document["tables"]["sessions"] = {
        "columns": ["id", "sid_hash", "created_at", "last_seen", "device", "ip"],
        "rows": [[1, found["sid_hash"], "2026-12-01T00:00:00", "2026-12-01T00:00:00", "", None]],
    }
    set_password(second_app.uow(), password="the target's own password")
    target_key = secret_key(second_app.uow())
    restore_backup(second_app.uow(), stream=io.BytesIO(json.dumps(document).encode()))
    with second_app.uow() as conn:
        keys = set(conn.execute(select(settings.c.key)).scalars())
        assert keys == {"me.name", "me.offers"}
        assert conn.execute(select(sessions_table)).all() == []
        assert conn.execute(select(credentials.c.key)).all() == []  # the target's went too
    assert secret_key(second_app.uow()) not in (found["key"], target_key)  # a fresh key


def test_every_table_is_backed_up_derived_or_a_credential() -> None:
    """A new table holding credential-like columns must be marked, or this fails."""
    suspicious = {"password", "passwd", "secret", "token", "sid", "credential", "apikey"}
    for table in metadata.sorted_tables:
        words = {word for c in table.columns for word in c.name.lower().split("_")}
        if words & suspicious:
            assert is_credential(table), f"mark {table.name} info={{'credential': True}}"
    assert sorted(t.name for t in metadata.sorted_tables if is_credential(t)) == [
        "app_passwords",
        "credentials",
        "sessions",
    ]
    assert all(not is_credential(t) for t in backup_tables())


def test_settings_are_exported_by_an_allow_list() -> None:
    assert exportable_setting("me.name")
    for key in (PASSWORD_KEY, SECRET_KEY, TOKEN_KEY, "app_password.phone", "smtp_password"):
        assert not exportable_setting(key), key
    assert not exportable_setting("me_password")  # a prefix match needs the dot


def test_forget_credentials_empties_a_copy(app: App) -> None:
    """What a copy of the database (a file backup) calls before anyone else keeps it."""
    _credentials(app)
    with app.uow() as conn:
        forget_credentials(conn)
        assert set(conn.execute(select(settings.c.key)).scalars()) == {"me.name", "me.offers"}
        assert conn.execute(select(sessions_table)).all() == []
        assert conn.execute(select(credentials)).all() == []


def test_cli_export_and_restore_say_to_set_the_password_again(
    app: App, second_app: App, tmp_path: Path
) -> None:
    found = _credentials(app)
    runner = CliRunner()
    out = tmp_path / "backup.json"
    done = runner.invoke(
        cli_app, ["--db", app.settings.database_url, "export", "--format", "json", "-o", str(out)]
    )
    assert done.exit_code == 0, done.output
    assert not any(secret in out.read_text(encoding="utf-8") for secret in found.values())
    target = second_app.settings.database_url
    ja = runner.invoke(cli_app, ["--db", target, "--lang", "ja", "restore", str(out)])
    assert ja.exit_code == 0, ja.output
    said = "".join(ja.output.split())  # the console wraps long lines
    assert "オーナーパスワードを設定し直し（kinmyakupassword）" in said
    assert "カレンダーのリンクを作り直して" in said
    with second_app.uow() as conn:
        assert conn.execute(select(settings.c.key).where(~settings.c.key.like("me.%"))).all() == []
        assert conn.execute(select(credentials.c.key)).all() == []


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _forge(key: str, sid: str) -> str:
    return Signer(key).dump(Session(sid=sid, auth=True))


def _refused(web: FastAPI, cookie: str) -> bool:
    client = TestClient(web, base_url=NETWORK, cookies={SESSION_COOKIE: cookie})
    api = client.get("/api/people")
    page = client.get("/people", follow_redirects=False)
    return (
        api.status_code == 401 and page.status_code == 303 and "/login" in page.headers["location"]
    )


@pytest.fixture
def guarded(sqlite_app: App) -> FastAPI:
    """A password-protected server on a network address, a phone logged in (a real SQLite)."""
    _credentials(sqlite_app)
    return create_app(sqlite_app, host="0.0.0.0")


def test_a_cookie_forged_from_a_backup_is_refused(sqlite_app: App, guarded: FastAPI) -> None:
    """The probe of issue #15: take anything in a backup, sign a logged-in cookie with it."""
    phone = TestClient(guarded, base_url=NETWORK)
    token = phone.get("/api/session").json()["csrf_token"]
    assert (
        phone.post(
            "/api/login", json={"password": PASSWORD}, headers={"X-CSRF-Token": token}
        ).status_code
        == 204
    )
    downloaded = phone.get("/export/json")
    assert downloaded.status_code == 200 and "髙橋" in downloaded.text
    strings = sorted(set(_strings(downloaded.json())))
    assert len(strings) > 50
    for candidate in strings:
        assert _refused(guarded, _forge(candidate, candidate)), candidate
        assert _refused(guarded, _forge(candidate, SID)), candidate
    # The real key (say, from a stolen copy of the database) is not enough either: the
    # session id is kept only as a hash, and no backup holds even that.
    real_key = secret_key(sqlite_app.uow())
    assert _refused(guarded, _forge(real_key, secrets.token_urlsafe(18)))
    assert _refused(guarded, _forge(real_key, sessions.hash_sid(SID)))
    assert phone.get("/api/people").status_code == 200  # the real login still works


def test_a_restored_database_refuses_the_old_key_and_old_cookies(
    sqlite_app: App, guarded: FastAPI, tmp_path: Path
) -> None:
    from kinmyaku.bootstrap import open_app
    from kinmyaku.config import Settings

    phone = TestClient(guarded, base_url=NETWORK)
    token = phone.get("/api/session").json()["csrf_token"]
    phone.post("/api/login", json={"password": PASSWORD}, headers={"X-CSRF-Token": token})
    old_cookie = phone.cookies[SESSION_COOKIE]
    old_key = secret_key(sqlite_app.uow())
    backup = phone.get("/export/json").content
    restored = open_app(
        Settings(database_url=f"sqlite:///{tmp_path / 'restored.sqlite3'}", language="en")
    )
    try:
        restore_backup(restored.uow(), stream=io.BytesIO(backup))
        set_password(restored.uow(), password=PASSWORD)  # as the restore asks
        web = create_app(restored, host="0.0.0.0")
        assert _refused(web, old_cookie)
        assert _refused(web, _forge(old_key, SID))
        assert _refused(web, _forge(old_key, Signer(old_key).load(old_cookie).sid))
    finally:
        restored.close()

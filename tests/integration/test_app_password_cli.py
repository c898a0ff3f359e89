"""``kinmyaku app-password add NAME | list | revoke NAME`` (CardDAV app passwords)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from kinmyaku.bootstrap import App
from kinmyaku.cli.main import app as cli_app
from kinmyaku.services.app_passwords import check_app_password

runner = CliRunner()


def run(app: App, *args: str, lang: str = "en", code: int = 0) -> str:
    result = runner.invoke(cli_app, ["--db", app.settings.database_url, "--lang", lang, *args])
    assert result.exit_code == code, result.output
    return result.output


def test_add_list_revoke(app: App) -> None:
    made = json.loads(run(app, "app-password", "add", "iPhone", "--json"))
    assert set(made) == {"name", "username", "password", "url"}
    assert made["name"] == made["username"] == "iPhone"
    assert made["url"] == "http://127.0.0.1:8765/dav/"
    assert check_app_password(app.uow(), name="iPhone", password=made["password"])
    listed = json.loads(run(app, "app-password", "list", "--json"))
    assert [p["name"] for p in listed] == ["iPhone"] and listed[0]["last_used"] is not None
    assert made["password"] not in run(app, "app-password", "list")
    taken = runner.invoke(
        cli_app,
        ["--db", app.settings.database_url, "--lang", "ja", "app-password", "add", "iPhone"],
    )
    assert taken.exit_code != 0
    assert "iPhone という名前のアプリパスワードはすでにあります" in taken.output
    text = run(app, "app-password", "add", "Pad", "--server", "https://k.example.jp/")
    assert "https://k.example.jp/dav/" in text
    assert "無効にしました" in run(app, "app-password", "revoke", "iPhone", lang="ja")
    assert not check_app_password(app.uow(), name="iPhone", password=made["password"])
    assert "revoked" in run(app, "app-password", "list")
    missing = run(app, "app-password", "revoke", "iPhone", lang="ja", code=1)
    assert "iPhone という名前のアプリパスワードはありません" in missing


def test_a_busy_database_lets_the_device_in(
    sqlite_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While another writer holds SQLite (the daily roll, an import), the password is still
    checked (a read) and the device gets in; the time of use is noted on a later request."""
    from kinmyaku.storage import retry

    app = sqlite_app
    made = json.loads(run(app, "app-password", "add", "iPhone", "--json"))
    monkeypatch.setattr(retry, "BUDGET", 0.3)  # how long a writer waits before giving up
    path = app.settings.database_url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        assert check_app_password(app.uow(), name="iPhone", password=made["password"])
        assert not check_app_password(app.uow(), name="iPhone", password="wrong")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert json.loads(run(app, "app-password", "list", "--json"))[0]["last_used"] is None
    assert check_app_password(app.uow(), name="iPhone", password=made["password"])
    assert json.loads(run(app, "app-password", "list", "--json"))[0]["last_used"] is not None

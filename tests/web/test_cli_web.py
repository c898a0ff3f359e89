"""``kinmyaku password`` and the refusal of ``kinmyaku serve`` on a public address."""

from __future__ import annotations

from typer.testing import CliRunner

from kinmyaku.bootstrap import open_app
from kinmyaku.cli.main import app
from kinmyaku.config import Settings
from kinmyaku.services.auth import check_password, has_password


def test_serve_refuses_a_public_address_without_a_password(sqlite_url: str) -> None:
    runner = CliRunner()
    refused = runner.invoke(app, ["--db", sqlite_url, "--lang", "en", "serve", "--host", "0.0.0.0"])
    assert refused.exit_code == 1
    assert "kinmyaku password" in refused.output
    japanese = runner.invoke(app, ["--db", sqlite_url, "--lang", "ja", "serve", "--host", "::"])
    assert japanese.exit_code == 1 and "オーナーパスワード" in japanese.output


def test_password_is_set_changed_and_removed(sqlite_url: str) -> None:
    runner = CliRunner()
    done = runner.invoke(
        app, ["--db", sqlite_url, "--lang", "en", "password"], input="s3cret-pass\ns3cret-pass\n"
    )
    assert done.exit_code == 0, done.output
    core = open_app(Settings(database_url=sqlite_url))
    assert check_password(core.uow(), password="s3cret-pass")
    short = runner.invoke(app, ["--db", sqlite_url, "--lang", "en", "password"], input="abc\nabc\n")
    assert short.exit_code == 1 and "at least 8 characters" in short.output
    assert check_password(core.uow(), password="s3cret-pass")  # unchanged
    removed = runner.invoke(app, ["--db", sqlite_url, "--lang", "en", "password", "--remove"])
    assert removed.exit_code == 0 and not has_password(core.uow())
    core.close()

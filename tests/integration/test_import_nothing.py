"""An import that wrote nothing leaves no import record, and says that nothing was imported."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Table, func, select
from typer.testing import CliRunner

from kinmyaku.bootstrap import App
from kinmyaku.cli.main import app as cli_app
from kinmyaku.services.importing import import_files, list_imports
from kinmyaku.storage.schema import imports, people, provenance
from kinmyaku.web import routes
from kinmyaku.web.app import create_app
from kinmyaku.web.routes import pages_import

BAD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:二;花;;;\r\nEMAIL:not-an-address\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:三;花;;;\r\nEMAIL:also bad\r\nEND:VCARD\r\n"
)
GOOD = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:一;花;;;\r\nEMAIL:ichi@example.jp\r\nEND:VCARD\r\n"
HEADER_ONLY = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"


def _count(app: App, table: Table) -> int:
    with app.uow() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_record_skipped_leaves_no_import(app: App, tmp_path: Path) -> None:
    path = _file(tmp_path, "bad.vcf", BAD)
    report = import_files(app.uow(), paths=[path], skip_bad=True, strict=True)
    assert report.counts["skipped"] == 2 and report.counts["created"] == 0
    assert report.import_id is None
    assert len(report.bad) == 2
    assert list_imports(app.uow()) == []
    assert _count(app, imports) == 0 and _count(app, provenance) == 0


def test_a_file_without_records_leaves_no_import(app: App, tmp_path: Path) -> None:
    path = _file(tmp_path, "Connections.csv", HEADER_ONLY)
    report = import_files(app.uow(), paths=[path])
    assert sum(report.counts.values()) == 0
    assert report.import_id is None
    assert list_imports(app.uow()) == []


def test_an_import_of_unchanged_records_is_kept(app: App, tmp_path: Path) -> None:
    """A record that joins a stored person is history (the address books a person is in)."""
    path = _file(tmp_path, "good.vcf", GOOD)
    first = import_files(app.uow(), paths=[path])
    again = import_files(app.uow(), paths=[path])
    assert again.counts["unchanged"] == 1
    assert first.import_id is not None and again.import_id is not None
    assert [i.id for i in list_imports(app.uow())] == [again.import_id, first.import_id]


def test_one_good_record_among_skipped_ones_is_an_import(app: App, tmp_path: Path) -> None:
    path = _file(tmp_path, "mixed.vcf", BAD + GOOD)
    report = import_files(app.uow(), paths=[path], skip_bad=True, strict=True)
    assert report.counts == {"created": 1, "updated": 0, "unchanged": 0, "skipped": 2}
    assert report.import_id is not None
    assert _count(app, people) == 1


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "Nothing was imported"), ("ja", "何も取り込んでいません")],
)
def test_cli_says_nothing_was_imported(app: App, tmp_path: Path, lang: str, text: str) -> None:
    path = _file(tmp_path, "bad.vcf", BAD)
    url = app.settings.database_url
    result = CliRunner().invoke(
        cli_app, ["--db", url, "--lang", lang, "import", str(path), "--skip-bad", "--strict"]
    )
    assert result.exit_code == 0, result.output
    assert text in result.output
    assert "undo" not in result.output
    assert list_imports(app.uow()) == []


@pytest.fixture
def client(sqlite_app: App, tmp_path: Path) -> Iterator[TestClient]:
    """The web app with the import pages, uploads in the test's temp folder."""
    sqlite_app.settings = dataclasses.replace(sqlite_app.settings, data_dir=tmp_path / "data")
    web = create_app(sqlite_app)
    if pages_import.router not in routes.routers():
        web.include_router(pages_import.router)
    with TestClient(web, base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "Nothing was imported"), ("ja", "何も取り込んでいません")],
)
def test_web_says_nothing_was_imported(
    client: TestClient, sqlite_app: App, lang: str, text: str
) -> None:
    client.cookies.set("kinmyaku_lang", lang)
    csrf = str(client.get("/api/session").json()["csrf_token"])
    preview = client.post(
        "/import/preview",
        data={"csrf_token": csrf},
        files=[("files", ("Connections.csv", HEADER_ONLY.encode(), "text/csv"))],
    )
    assert preview.status_code == 200
    token = preview.text.split('name="upload" value="', 1)[1].split('"', 1)[0]
    done = client.post(
        "/import/confirm", data={"csrf_token": csrf, "upload": token}, follow_redirects=False
    )
    assert done.status_code == 303
    assert "None" not in done.headers["location"]
    page = client.get(done.headers["location"]).text
    assert text in page
    assert list_imports(sqlite_app.uow()) == []

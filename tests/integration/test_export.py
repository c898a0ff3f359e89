"""Export: vCard 4.0 and CSV round trips through the database, and the iCalendar feed."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import vobject
from sqlalchemy import func, select
from typer.testing import CliRunner

from kinmyaku.bootstrap import App, open_app
from kinmyaku.cli.main import app as cli_app
from kinmyaku.config import Settings
from kinmyaku.formats import export_mapping, read_records
from kinmyaku.services.exporting import calendar_feed, export_csv, export_vcard
from kinmyaku.services.importing import import_files
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.services.relations import log_interaction, open_request, set_purpose
from kinmyaku.storage.schema import people

DATA = Path(__file__).parents[1] / "data"
SOURCES = [
    DATA / "vcard" / "japanese-iphone-30.vcf",
    DATA / "vcard" / "japanese-40-sort-as.vcf",
    DATA / "csv" / "linkedin-connections.csv",
    DATA / "csv" / "eight-cards-utf8.csv",
]


@pytest.fixture
def other_app(tmp_path: Path, sqlite_template: Path) -> Iterator[App]:
    """A second, empty SQLite database to import exports into."""
    path = tmp_path / "other.sqlite3"
    shutil.copy(sqlite_template, path)
    built = open_app(Settings(database_url=f"sqlite:///{path}", language="en"))
    yield built
    built.close()


def _people(app: App) -> int:
    with app.uow() as conn:
        return int(conn.execute(select(func.count()).select_from(people)).scalar_one())


def test_vcard_round_trip_is_stable(app: App, other_app: App, tmp_path: Path) -> None:
    import_files(app.uow(), paths=SOURCES)
    first = io.BytesIO()
    assert export_vcard(app.uow(), stream=first) == _people(app)
    text = first.getvalue().decode("utf-8")
    assert "VERSION:4.0" in text and "SORT-AS=" in text
    exported = tmp_path / "all.vcf"
    exported.write_bytes(first.getvalue())
    report = import_files(other_app.uow(), paths=[exported])
    assert report.counts["created"] == _people(app)
    second = io.BytesIO()
    export_vcard(other_app.uow(), stream=second)
    assert second.getvalue() == first.getvalue()
    # And importing the export into the database it came from changes nothing.
    again = import_files(app.uow(), paths=[exported])
    assert again.counts["created"] == 0 and again.counts["updated"] == 0


def test_csv_export_reimports(app: App, other_app: App, tmp_path: Path) -> None:
    import_files(app.uow(), paths=SOURCES)
    out = io.BytesIO()
    assert export_csv(app.uow(), stream=out, lang="ja") == _people(app)
    data = out.getvalue()
    assert data.startswith("\ufeff姓,名,".encode())
    records = list(
        read_records(io.BytesIO(data), file_name="x.csv", format="csv", mapping=export_mapping())
    )
    assert len(records) == _people(app)
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    report = import_files(other_app.uow(), paths=[path], format="csv", mapping=export_mapping())
    assert report.counts["created"] == _people(app)


def test_calendar_feed(app: App) -> None:
    today = date(2026, 11, 26)
    pid = add_person(
        app.uow(), PersonInput(family_name="佐藤", given_name="花子", birthday=date(1990, 5, 3))
    )
    log_interaction(
        app.uow(), person_ids=[pid], on=date(2026, 11, 1), summary="ランチ",
        follow_up_on=date(2026, 12, 1),
    )  # fmt: skip
    open_request(
        app.uow(), person_id=pid, side="mine", what="紹介", asked_on=date(2026, 11, 2),
        due_on=date(2026, 12, 10),
    )  # fmt: skip
    set_purpose(app.uow(), person_id=pid, category="learn", cadence_days=30)
    feed = calendar_feed(app.uow(), today=today, lang="ja")
    calendar = vobject.readOne(feed.decode("utf-8"))
    todos = {t.summary.value: t.due.value for t in calendar.contents.get("vtodo", [])}
    assert todos == {
        "フォローアップ: 佐藤 花子": date(2026, 12, 1),
        "依頼の期限: 紹介（佐藤 花子）": date(2026, 12, 10),
        "連絡を取る: 佐藤 花子": date(2026, 12, 1),
    }
    (birthday,) = calendar.contents["vevent"]
    assert birthday.summary.value == "誕生日: 佐藤 花子"
    assert "FREQ=YEARLY" in birthday.rrule.value


def test_cli_export_to_stdout(app: App) -> None:
    import_files(app.uow(), paths=SOURCES[:1])
    runner = CliRunner()
    url = app.settings.database_url
    result = runner.invoke(cli_app, ["--db", url, "export", "--format", "vcard"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("BEGIN:VCARD") == _people(app)
    result = runner.invoke(cli_app, ["--db", url, "--lang", "en", "export", "--format", "xml"])
    assert result.exit_code == 1
    assert "choose vcard, csv, json or ical" in result.output

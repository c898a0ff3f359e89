"""JSON backup and restore: every row of every table comes back exactly."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, inspect, select
from typer.testing import CliRunner

from kinmyaku.bootstrap import App
from kinmyaku.cli.main import app as cli_app
from kinmyaku.services.backup import RestoreRefused, restore_backup, write_backup
from kinmyaku.services.importing import import_files
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.services.relations import record_encounter
from kinmyaku.storage.schema import metadata, people, photos

DATA = Path(__file__).parents[1] / "data"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def snapshot(app: App) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted, for an exact comparison."""
    with app.uow() as conn:
        return {
            t.name: sorted((tuple(r) for r in conn.execute(select(t)).all()), key=repr)
            for t in metadata.sorted_tables
        }


def indexes(app: App) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Every table's indexes: name and columns (a restore stages some and makes them again)."""
    with app.uow() as conn:
        found = inspect(conn)
        return {
            name: sorted(
                (str(ix["name"]), tuple(str(c) for c in ix["column_names"]))
                for ix in found.get_indexes(name)
            )
            for name in found.get_table_names()
        }


def _fill(app: App) -> None:
    import_files(
        app.uow(),
        paths=[DATA / "vcard" / "japanese-iphone-30.vcf", DATA / "csv" / "eight-cards-utf8.csv"],
    )
    pid = add_person(
        app.uow(),
        PersonInput(family_name="髙橋", given_name="健太", emails=["k@example.jp"], tags=["VIP"]),
    )
    record_encounter(app.uow(), person_id=pid, on=date(2026, 4, 1), channel="event")
    with app.uow() as conn:
        conn.execute(insert(photos).values(name="p.png", mime="image/png", data=PNG))


def test_backup_restore_is_exact(app: App, second_app: App) -> None:
    _fill(app)
    buffer = io.BytesIO()
    counts = write_backup(app.uow(), stream=buffer)
    assert counts["people"] == 7 and counts["photos"] == 2
    before = snapshot(app)
    # Restore into a second, empty database of the same kind.
    target = second_app
    buffer.seek(0)
    restore_backup(target.uow(), stream=buffer)
    assert snapshot(target) == before
    assert indexes(target) == indexes(app)
    assert "ix_search_terms_person" in dict(indexes(target)["search_terms"])
    # Sequences continue after the restored ids (PostgreSQL) and the search index works.
    new_id = add_person(target.uow(), PersonInput(family_name="新人"))
    assert new_id == max(r[0] for r in before["people"]) + 1
    from kinmyaku.services.people import search_people

    assert [s.id for s in search_people(target.uow(), "たかはし")]
    # A second restore is refused: the database is not empty.
    buffer.seek(0)
    with pytest.raises(RestoreRefused):
        restore_backup(target.uow(), stream=buffer)


def test_restore_refuses_rubbish(app: App) -> None:
    with pytest.raises(RestoreRefused):
        restore_backup(app.uow(), stream=io.BytesIO(b"{}"))
    with pytest.raises(RestoreRefused):
        restore_backup(app.uow(), stream=io.BytesIO(b"not json"))
    with app.uow() as conn:
        assert conn.execute(select(func.count()).select_from(people)).scalar_one() == 0


def test_restore_names_a_damaged_row_and_writes_nothing(app: App, second_app: App) -> None:
    add_person(app.uow(), PersonInput(family_name="髙橋", given_name="健太"))
    buffer = io.BytesIO()
    write_backup(app.uow(), stream=buffer)
    document = json.loads(buffer.getvalue())
    document["tables"]["people"]["rows"].append([2, "短い"])
    damaged = io.BytesIO(json.dumps(document).encode())
    with pytest.raises(RestoreRefused, match=r"Table people .* \(row 2\); the file is damaged"):
        restore_backup(second_app.uow(), stream=damaged)
    assert all(not rows for rows in snapshot(second_app).values())


def test_cli_export_json_and_restore(app: App, tmp_path: Path, second_app: App) -> None:
    _fill(app)
    runner = CliRunner()
    out = tmp_path / "backup.json"
    url = app.settings.database_url
    result = runner.invoke(cli_app, ["--db", url, "export", "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    target = second_app.settings.database_url
    result = runner.invoke(cli_app, ["--db", target, "--lang", "en", "restore", str(out)])
    assert result.exit_code == 0, result.output
    assert snapshot(second_app) == snapshot(app)
    result = runner.invoke(cli_app, ["--db", target, "--lang", "en", "restore", str(out)])
    assert result.exit_code == 1
    assert "not empty" in result.output

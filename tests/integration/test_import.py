"""Importing vCard and CSV files into a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from kinmyaku.bootstrap import App
from kinmyaku.cli.main import app as cli_app
from kinmyaku.domain.validate import normalize_email
from kinmyaku.formats import read_path
from kinmyaku.services.importing import ImportFailed, import_files, list_imports, undo_import
from kinmyaku.storage.schema import (
    affiliations,
    contact_points,
    encounters,
    extra_fields,
    imports,
    metadata,
    organizations,
    people,
    provenance,
)

DATA = Path(__file__).parents[1] / "data"
GENERIC_MAP = {
    "氏名": "full_name",
    "フリガナ": "full_reading",
    "所属": "organization",
    "メールアドレス": "email",
    "携帯": "phone",
    "参加日": "met_on",
    "メモ": "notes",
}
# Sample files with a record that is bad on purpose (an e-mail that is not one): skipped
# by --strict --skip-bad; a lenient import keeps the value and imports the record.
BAD_RECORDS = {"John_Doe_ANDROID.vcf": 1}
FILES = sorted(p for p in (DATA / "vcard").glob("*.vcf")) + sorted((DATA / "csv").glob("*.csv"))


def _count(app: App, table: Any) -> int:
    with app.uow() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _snapshot(app: App) -> dict[str, list[tuple[Any, ...]]]:
    with app.uow() as conn:
        return {
            t.name: sorted(map(tuple, conn.execute(select(t)).all()), key=repr)
            for t in metadata.sorted_tables
            if t.name not in ("imports",)
        }


def _mapping(path: Path) -> dict[str, str] | None:
    return GENERIC_MAP if path.name == "generic-members.csv" else None


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_sample_file_imports_its_people(app: App, path: Path, strict: bool) -> None:
    records = list(
        read_path(path, mapping=_mapping(path), on_error=lambda e: None, lenient=not strict)
    )
    report = import_files(
        app.uow(), paths=[path], mapping=_mapping(path), skip_bad=True, strict=strict
    )
    counts = report.counts
    assert counts["skipped"] == (BAD_RECORDS.get(path.name, 0) if strict else 0)
    assert counts["created"] >= 1
    assert (
        counts["created"] + counts["updated"] + counts["unchanged"]
        == len(records) - counts["skipped"]
    )
    assert _count(app, people) == counts["created"]
    with app.uow() as conn:
        stored = set(
            conn.execute(
                select(contact_points.c.normalized).where(contact_points.c.kind == "email")
            ).scalars()
        )
        families = set(conn.execute(select(people.c.family_name)).scalars())
    for record in records:
        good = []
        for point in record.emails:
            try:
                good.append(normalize_email(point.value))
            except Exception:
                break
        else:
            assert set(good) <= stored
            if record.family_name:
                assert record.family_name.strip() in families
    # Importing the same file again creates and changes nothing.
    before = _snapshot(app)
    again = import_files(
        app.uow(), paths=[path], mapping=_mapping(path), skip_bad=True, strict=strict
    )
    assert again.counts["created"] == 0
    assert again.counts["updated"] == 0
    after = _snapshot(app)
    assert {k: v for k, v in after.items() if k != "provenance"} == {
        k: v for k, v in before.items() if k != "provenance"
    }


def test_matching_updates_instead_of_duplicating(app: App, tmp_path: Path) -> None:
    first = tmp_path / "a.vcf"
    first.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:山田;太郎;;;\r\nFN:山田 太郎\r\n"
        "X-PHONETIC-LAST-NAME:やまだ\r\nX-PHONETIC-FIRST-NAME:たろう\r\n"
        "ORG:株式会社金脈商事\r\nEMAIL:taro@example.jp\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    second = tmp_path / "b.vcf"
    second.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:山田;太郎;;;\r\nFN:山田 太郎\r\n"
        "ORG:ミライソフト株式会社\r\nEMAIL:TARO@example.jp\r\nTEL:090-1111-2222\r\n"
        "END:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:佐藤;花子;;;\r\nFN:佐藤 花子\r\n"
        "TEL:090-1111-2222\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    import_files(app.uow(), paths=[first])
    report = import_files(app.uow(), paths=[second])
    # 山田 is matched by his e-mail (any case) and gets the new job and phone.  佐藤 花子
    # holds the same number under a wholly different name: a shared phone is no evidence
    # that two names are one person, so she is a person of her own.
    assert report.counts == {"created": 1, "updated": 1, "unchanged": 0, "skipped": 0}
    assert _count(app, people) == 2
    with app.uow() as conn:
        jobs = conn.execute(
            select(organizations.c.name, affiliations.c.is_current)
            .join(organizations)
            .order_by(affiliations.c.id)
        ).all()
        phones = conn.execute(
            select(contact_points.c.normalized).where(contact_points.c.kind == "phone")
        ).all()
        kinds = conn.execute(
            select(provenance.c.entity, provenance.c.action, provenance.c.file, provenance.c.line)
            .where(provenance.c.import_id == report.import_id)
            .order_by(provenance.c.id)
        ).all()
    assert [tuple(j) for j in jobs] == [("株式会社金脈商事", False), ("ミライソフト株式会社", True)]
    assert [p[0] for p in phones] == ["+819011112222", "+819011112222"]
    assert ("contact_point", "create", "b.vcf", 1) in [tuple(k) for k in kinds]
    assert ("affiliation", "create", "b.vcf", 1) in [tuple(k) for k in kinds]
    # Undo puts the old job back and removes the phone.
    undo_import(app.uow(), import_id=report.import_id or 0)
    with app.uow() as conn:
        jobs = conn.execute(
            select(organizations.c.name, affiliations.c.is_current).join(organizations)
        ).all()
        assert [tuple(j) for j in jobs] == [("株式会社金脈商事", True)]
        assert conn.execute(select(func.count()).select_from(contact_points)).scalar_one() == 1


def _bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:一;花;;;\r\nEMAIL:ichi@example.jp\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:二;花;;;\r\nEMAIL:not-an-address\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:三;花;;;\r\nEMAIL:san@example.jp\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    return path


def test_a_bad_value_is_kept_and_its_record_imported(app: App, tmp_path: Path) -> None:
    report = import_files(app.uow(), paths=[_bad_file(tmp_path)])
    assert report.counts["created"] == 3 and report.bad == []
    assert [(w.file, w.line) for w in report.warnings] == [("bad.vcf", 6)]
    assert "'not-an-address'" in report.warnings[0].why[0]
    with app.uow() as conn:
        kept = conn.execute(select(extra_fields.c.name, extra_fields.c.value)).all()
    assert [tuple(row) for row in kept] == [("invalid e-mail", "not-an-address")]


def test_strict_bad_record_rolls_back_everything(app: App, tmp_path: Path) -> None:
    good = DATA / "vcard" / "japanese-iphone-30.vcf"
    with pytest.raises(ImportFailed) as caught:
        import_files(app.uow(), paths=[good, _bad_file(tmp_path)], strict=True)
    assert "bad.vcf line 6" in str(caught.value.params["reason"])
    assert _count(app, people) == 0
    assert _count(app, imports) == 0


def test_strict_skip_bad_skips_exactly_the_bad_record(app: App, tmp_path: Path) -> None:
    report = import_files(app.uow(), paths=[_bad_file(tmp_path)], skip_bad=True, strict=True)
    assert report.counts["created"] == 2
    assert [(b.file, b.line) for b in report.bad] == [("bad.vcf", 6)]
    with app.uow() as conn:
        assert sorted(conn.execute(select(people.c.family_name)).scalars()) == ["一", "三"]


def test_dry_run_writes_nothing(app: App) -> None:
    path = DATA / "csv" / "linkedin-connections.csv"
    report = import_files(app.uow(), paths=[path], dry_run=True)
    assert report.dry_run and report.counts["created"] == 3
    assert _count(app, people) == 0
    assert _count(app, imports) == 0
    assert list_imports(app.uow()) == []


def test_met_on_becomes_an_encounter_and_undo_restores(app: App) -> None:
    empty = _snapshot(app)
    report = import_files(app.uow(), paths=[DATA / "csv" / "linkedin-connections.csv"])
    with app.uow() as conn:
        channels = set(conn.execute(select(encounters.c.channel)).scalars())
    assert channels == {"social"}
    second = import_files(app.uow(), paths=[DATA / "csv" / "eight-cards-utf8.csv"])
    undo_import(app.uow(), import_id=second.import_id or 0)
    undo_import(app.uow(), import_id=report.import_id or 0)
    assert {k: v for k, v in _snapshot(app).items() if k != "provenance"} == {
        k: v for k, v in empty.items() if k != "provenance"
    }
    assert all(i.undone_at is not None for i in list_imports(app.uow()))


def test_cli_import_reports_and_names_bad_lines(database_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--db", database_url, "--lang", "en"]
    bad = _bad_file(tmp_path)
    result = runner.invoke(cli_app, [*base, "import", "--dry-run", str(bad)])
    assert result.exit_code == 0, result.output
    assert "Check bad.vcf:6: The e-mail address 'not-an-address' is not valid" in result.output
    assert "To create 3" in result.output  # a dry run: nothing created yet
    result = runner.invoke(cli_app, [*base, "import", "--strict", str(bad)])
    assert result.exit_code == 1
    assert "bad.vcf line 6" in result.output
    result = runner.invoke(cli_app, [*base, "import", "--strict", "--skip-bad", str(bad)])
    assert result.exit_code == 0, result.output
    assert "Skipped bad.vcf:6" in result.output
    assert "Created 2" in result.output
    import_id = result.output.split("Import #")[1].split(".")[0]
    generic = DATA / "csv" / "generic-members.csv"
    maps = [x for k, v in GENERIC_MAP.items() for x in ("--map", f"{k}={v}")]
    result = runner.invoke(cli_app, [*base, "import", "--dry-run", *maps, str(generic)])
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output
    result = runner.invoke(cli_app, [*base, "import", "list"])
    assert result.exit_code == 0 and f"#{import_id} " in result.output
    result = runner.invoke(cli_app, [*base, "import", "undo", import_id])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli_app, [*base, "--lang", "ja", "import", "undo", import_id])
    assert result.exit_code == 1
    assert "取り消し済み" in result.output

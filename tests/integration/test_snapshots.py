"""Backups of the live database (services/snapshots.py): the restore drill at 2,000 people on
SQLite and PostgreSQL, checks that find damage, rotation, no credential in a backup, and the
CLI (``kinmyaku backup``, ``kinmyaku restore --check``) touching nothing it should not.

The drill at 100,000 people is benchmarks/restore_drill.py (figures in docs/benchmarks.md).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from string import Formatter

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from kinmyaku.bootstrap import App, open_app
from kinmyaku.cli.main import app as cli_app
from kinmyaku.config import Settings
from kinmyaku.services import auth, backup, calendar_token, snapshots
from kinmyaku.services.demo import generate_demo
from kinmyaku.services.snapshots_check import (
    BackupProblem,
    check_backup,
    known_revisions,
    restore_pgdump,
    table_digests,
)
from kinmyaku.storage.migrate import head_revision

PEOPLE = 2000


def _demo(app: App, people: int = PEOPLE) -> None:
    generate_demo(app.uow(), people=people, seed=3, today=app.today())


def _digests(app: App, *, derived: bool = True) -> dict[str, tuple[int, str]]:
    with app.uow() as conn:
        return table_digests(conn, derived=derived)


def _scratch_pg(url: str) -> tuple[str, str]:
    name = f"kinmyaku_drill_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, make_url(url).set(database=name).render_as_string(hide_password=False)


def _drop_pg(url: str, name: str) -> None:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_restore_drill(app: App, tmp_path: Path, sqlite_template: Path) -> None:
    """Back up a live database (2,000 people on SQLite, 1,000 on PostgreSQL), check the
    backup, restore it (a copy into place; pg_restore into a scratch database; on SQLite
    also a JSON backup into an empty database): every table comes back the same."""
    sqlite = app.engine.url.get_backend_name() == "sqlite"
    people = PEOPLE if sqlite else PEOPLE // 2
    _demo(app, people)
    before = _digests(app)
    assert before["people"][0] == people
    done = snapshots.write_snapshot(app.engine, folder=tmp_path / "backups", keep=3)
    assert done.report.ok, [p.text("en") for p in done.report.problems]
    assert done.report.revision == head_revision() and head_revision() in known_revisions()
    assert {name: count for name, (count, _) in before.items()} == {
        name: done.report.counts[name] for name in before
    }
    if sqlite:
        assert done.path.name.endswith(".sqlite3")
        restored_path = tmp_path / "restored.sqlite3"
        shutil.copy(done.path, restored_path)  # a restore is a copy into place
        restored = open_app(Settings(database_url=f"sqlite:///{restored_path}", language="en"))
    else:
        assert done.path.name.endswith(".pgdump")
        admin = os.environ["KINMYAKU_TEST_PG_URL"]
        name, url = _scratch_pg(admin)
        restore_pgdump(done.path, url=make_url(url))
        restored = open_app(Settings(database_url=url, language="en"))
    try:
        assert _digests(restored) == before
    finally:
        restored.close()
        if not sqlite:
            _drop_pg(admin, name)
    if not sqlite:
        return  # the JSON restore on PostgreSQL: tests/integration/test_backup.py
    exported = tmp_path / "backup.json"
    with exported.open("wb") as stream:
        backup.write_backup(app.uow(), stream=stream)
    report = check_backup(exported)  # restored into a scratch SQLite file and checked
    assert report.ok and report.kind == "json" and report.counts["people"] == people
    shutil.copy(sqlite_template, tmp_path / "empty.sqlite3")
    empty = open_app(Settings(database_url=f"sqlite:///{tmp_path / 'empty.sqlite3'}"))
    try:
        with exported.open("rb") as stream:
            backup.restore_backup(empty.uow(), stream=stream)
        kept = {name: d for name, d in before.items() if name not in backup.DERIVED}
        assert _digests(empty, derived=False) == kept
    finally:
        empty.close()


def test_a_backup_holds_no_credential(app: App, tmp_path: Path) -> None:
    """Neither a SQLite backup nor a pg_dump file holds the password hash, the cookie key,
    the calendar token or a session (credentials have tables of their own: pg_dump leaves
    their data out)."""
    auth.set_password(app.uow(), password="correct horse battery")
    key = auth.secret_key(app.uow())
    token = calendar_token.create_calendar_token(app.uow())
    with app.uow() as conn:
        hashed = conn.execute(
            text("SELECT value FROM credentials WHERE value LIKE :p"), {"p": "%$argon2%"}
        ).scalar()
        assert conn.execute(text("SELECT count(*) FROM settings")).scalar() == 0
    assert hashed
    done = snapshots.write_snapshot(app.engine, folder=tmp_path, keep=2)
    data = done.path.read_bytes()
    if done.path.name.endswith(".pgdump"):  # custom format compresses the data: restore it
        admin = os.environ["KINMYAKU_TEST_PG_URL"]
        name, url = _scratch_pg(admin)
        try:
            restore_pgdump(done.path, url=make_url(url))
            engine = create_engine(url)
            with engine.connect() as conn:
                rows = [
                    str(value)
                    for table in ("credentials", "settings", "sessions")
                    for value in conn.execute(text(f"SELECT * FROM {table}")).all()
                ]
            engine.dispose()
        finally:
            _drop_pg(admin, name)
        data = "\n".join(rows).encode()
        assert rows == []
    for secret in (key, token, str(hashed)):
        assert secret.encode() not in data
    assert auth.has_password(app.uow())  # the live database keeps them


def test_rotation_keeps_the_newest_and_deletes_only_after_a_good_check(
    sqlite_app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _demo(sqlite_app, people=30)
    start = datetime(2026, 12, 1, 3, 0)
    written = [
        snapshots.write_snapshot(
            sqlite_app.engine, folder=tmp_path, keep=3, now=lambda d=day: start + timedelta(d)
        ).path
        for day in range(5)
    ]
    assert snapshots.list_snapshots(tmp_path) == written[-3:]
    assert [p.name for p in written[:2] if p.exists()] == []
    assert oct(tmp_path.stat().st_mode & 0o777) == "0o700"
    assert oct(written[-1].stat().st_mode & 0o777) == "0o600"

    real_check = snapshots.check_backup

    def damaged(path: Path, **kwargs: object) -> snapshots.CheckReport:
        with sqlite3.connect(path) as conn:  # the new copy, before it counts
            conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.close()
        return real_check(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(snapshots, "check_backup", damaged)
    with pytest.raises(BackupProblem) as failed:
        snapshots.write_snapshot(
            sqlite_app.engine, folder=tmp_path, keep=1, now=lambda: start + timedelta(9)
        )
    assert "9999" in str(failed.value)
    assert snapshots.list_snapshots(tmp_path) == written[-3:]  # nothing deleted
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_two_backups_in_one_second_get_two_names(sqlite_app: App, tmp_path: Path) -> None:
    moment = datetime(2026, 12, 7, 8, 0, 0)
    first = snapshots.write_snapshot(sqlite_app.engine, folder=tmp_path, now=lambda: moment)
    second = snapshots.write_snapshot(sqlite_app.engine, folder=tmp_path, now=lambda: moment)
    assert first.path != second.path
    assert snapshots.list_snapshots(tmp_path) == [first.path, second.path]


def _copy_with(source: Path, target: Path, *statements: str) -> Path:
    shutil.copy(source, target)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=OFF")
    for statement in statements:
        conn.execute(statement)
    conn.close()
    return target


def test_the_check_finds_damage(sqlite_app: App, tmp_path: Path) -> None:
    _demo(sqlite_app, people=200)
    good = snapshots.write_snapshot(sqlite_app.engine, folder=tmp_path / "b").path
    assert check_backup(good).ok

    orphan = _copy_with(
        good, tmp_path / "orphan.sqlite3", "UPDATE contact_points SET person_id = 999999"
    )
    assert "refer to rows that do not exist" in _problems(orphan)

    fts = _copy_with(good, tmp_path / "fts.sqlite3", "DELETE FROM notes_fts_data WHERE id > 10")
    assert "full-text index notes_fts is damaged" in _problems(fts)

    newer = _copy_with(
        good, tmp_path / "newer.sqlite3", "UPDATE alembic_version SET version_num = '9999'"
    )
    assert "Schema revision 9999 is unknown" in _problems(newer)

    torn = tmp_path / "torn.sqlite3"
    data = bytearray(good.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 8192] = b"\xff" * 8192
    torn.write_bytes(bytes(data))
    assert _problems(torn)

    half = tmp_path / "half.json"
    with half.open("wb") as stream:
        backup.write_backup(sqlite_app.uow(), stream=stream)
    half.write_bytes(half.read_bytes()[: half.stat().st_size // 2])
    assert "not a kinmyaku JSON backup" in _problems(half)

    packed = tmp_path / "packed.sqlite3.gz"
    packed.write_bytes(gzip.compress(good.read_bytes()))
    assert check_backup(packed).ok and check_backup(packed).kind == "sqlite.gz"

    with pytest.raises(BackupProblem, match="not a kinmyaku backup"):
        check_backup(_write(tmp_path / "notes.txt", b"hello"))


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _problems(path: Path) -> str:
    report = check_backup(path)
    assert not report.ok
    return " | ".join(p.text("en") for p in report.problems)


def test_a_damaged_pg_dump_is_found(app: App, tmp_path: Path) -> None:
    if app.engine.url.get_backend_name() == "sqlite":
        pytest.skip("pg_dump files come from PostgreSQL")
    _demo(app, people=50)
    good = snapshots.write_snapshot(app.engine, folder=tmp_path).path
    report = check_backup(good)
    assert report.ok and report.kind == "pgdump" and report.counts["people"] == 50
    torn = _write(tmp_path / "torn.pgdump", good.read_bytes()[: good.stat().st_size * 2 // 3])
    assert "pg_restore cannot read the file" in _problems(torn)


def test_pg_dump_gets_the_password_from_the_environment_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in pg_dump records how it was called: no password among its arguments."""
    tools = tmp_path / "bin"
    tools.mkdir()
    script = tools / "pg_dump"
    script.write_text(
        '#!/bin/sh\nprintf "%s\\n" "$@" > "$(dirname "$0")/args"\n'
        'printf "%s" "$PGPASSWORD" > "$(dirname "$0")/password"\n'
        'echo "pg_dump: error: connection refused" >&2\nexit 1\n'
    )
    script.chmod(0o755)
    monkeypatch.setenv("KINMYAKU_PG_BIN", str(tools))
    engine = create_engine("postgresql+psycopg://owner:s3cr%40t@db.example:5433/people")
    with pytest.raises(BackupProblem) as failed:
        snapshots.write_snapshot(engine, folder=tmp_path / "b")
    assert "connection refused" in str(failed.value)
    assert "s3cr" not in str(failed.value)
    assert "s3cr" not in (tools / "args").read_text()
    assert (tools / "password").read_text() == "s3cr@t"
    monkeypatch.setenv("KINMYAKU_PG_BIN", str(tmp_path / "nowhere"))
    with pytest.raises(BackupProblem, match="postgresql-client"):
        snapshots.write_snapshot(engine, folder=tmp_path / "b")


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli_app, list(args), env={"COLUMNS": "300"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def _fingerprint(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_mtime_ns, stat.st_size


def test_cli_backup_then_check_touches_nothing(sqlite_app: App, tmp_path: Path) -> None:
    _demo(sqlite_app, people=100)
    live = Path(str(sqlite_app.engine.url.database))
    sqlite_app.close()
    db = ["--db", str(live), "--lang", "en"]
    folder = tmp_path / "kept"
    code, out, _ = _run(*db, "backup", "--to", str(folder), "--keep", "2", "--json")
    assert code == 0, out
    written = json.loads(out)
    assert written["check"]["ok"] and written["check"]["counts"]["people"] == 100
    code, out, _ = _run(*db, "backup", "--gzip")  # the folder and the number were remembered
    assert code == 0, out
    assert "Holds 100 people" in out and "Keeping the newest 2 backups" in out
    assert len(snapshots.list_snapshots(folder)) == 2
    exported = tmp_path / "backup.json"
    assert _run(*db, "export", "--format", "json", "-o", str(exported))[0] == 0

    before = _fingerprint(live)
    for file in [*snapshots.list_snapshots(folder), exported]:
        code, out, err = _run(*db, "restore", "--check", str(file))
        assert code == 0, err
        assert "The backup is sound" in out and "Holds 100 people" in out
    code, out, _ = _run("--db", str(live), "--lang", "ja", "restore", "--check", str(exported))
    assert code == 0 and "100 人" in out and "バックアップに問題はありません" in out
    code, _, err = _run(*db, "restore", "--check", str(_write(tmp_path / "x.txt", b"hi")))
    assert code == 1 and "is not a kinmyaku backup" in err
    assert _fingerprint(live) == before  # not a byte, not the time: the database was not opened
    assert not Path(f"{live}-wal").exists() or Path(f"{live}-wal").stat().st_size == 0


MODULES = [
    "services/snapshots.py",
    "services/snapshots_check.py",
    "cli/backups.py",
    "web/upkeep.py",
    "web/routes/pages_backups.py",
]
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "t": None,
    "say": None,
    "fail": None,
    "translate": (2,),
    "ValidationError": (2,),
    "BackupProblem": None,
    "BackupBusy": None,
    "Finding": None,
    "_failed": None,
}


def test_every_backup_message_has_a_japanese_translation() -> None:
    """Messages of the backup modules (and the counts and kinds the CLI shows) are in
    locales/ja/trust_backups.po or another catalog, with the same placeholders."""
    from babel.messages.extract import extract_from_file

    from kinmyaku.cli.backups import COUNTS, KINDS
    from kinmyaku.i18n import LOCALES, catalog

    found = {*COUNTS.values(), *KINDS.values()}
    for module in MODULES:
        for _line, message, _c, _x in extract_from_file(
            "python", str(LOCALES.parent / module), keywords=KEYWORDS, comment_tags=(), options={}
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    assert {"Unexpected error: {reason}", "pg_dump failed: {reason}", "a pg_dump backup"} <= found
    ja = catalog("ja")
    assert sorted(m for m in found if not ja.get(m)) == []
    for msgid in found:
        assert {n for _, n, _, _ in Formatter().parse(ja[msgid]) if n} == {
            n for _, n, _, _ in Formatter().parse(msgid) if n
        }, msgid

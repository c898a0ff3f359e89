"""Backups of the live database while it runs, checked before they count, kept in rotation.

SQLite: the online backup API copies the database page by page from a read transaction
(in WAL mode writers go on meanwhile) into ``NAME.part``, which is checked
(:mod:`kinmyaku.services.snapshots_check`), synced and renamed into place; only then are
the oldest backups beyond the number to keep deleted.  PostgreSQL: ``pg_dump
--format=custom`` the same way, the password given in ``PGPASSWORD`` (never on the command
line, never logged).  Backups go to ``<database>.backups/`` next to a SQLite file
(``<data folder>/backups`` for PostgreSQL) unless the ``backups.dir`` setting says where.

A backup holds everything, the owner's password hash and keys included: its folder is made
readable by its owner only.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, insert, select, update
from sqlalchemy.engine import URL, make_url

from kinmyaku.domain.errors import ValidationError
from kinmyaku.services.backup import forget_credentials, is_credential
from kinmyaku.services.snapshots_check import (
    BackupProblem,
    CheckReport,
    check_backup,
    pg_environment,
    pg_tool,
)
from kinmyaku.storage.schema import metadata, settings
from kinmyaku.storage.uow import UnitOfWork

KEEP_KEY = "backups.keep"
DIR_KEY = "backups.dir"
DEFAULT_KEEP = 7
MAX_KEEP = 365
PART = ".part"
NAME = re.compile(r"^kinmyaku-(\d{8}-\d{6})(?:-(\d+))?\.(sqlite3|sqlite3\.gz|pgdump)$")


class BackupBusy(BackupProblem):
    """Another process is writing a backup into the same folder."""


@dataclass
class Snapshot:
    """A backup written and checked: where, how big, how long, what the check found."""

    path: Path
    size: int
    seconds: float
    report: CheckReport
    removed: list[Path] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The backup as plain data (``kinmyaku backup --json``)."""
        return {
            "path": str(self.path),
            "size": self.size,
            "seconds": round(self.seconds, 3),
            "check": self.report.to_json(),
            "removed": [str(p) for p in self.removed],
        }


def _get(uow: UnitOfWork, key: str) -> str | None:
    with uow as conn:
        value = conn.execute(select(settings.c.value).where(settings.c.key == key)).scalar()
    return str(value) if value is not None else None


def _put(uow: UnitOfWork, key: str, value: str | None) -> None:
    with uow as conn:
        if value is None:
            conn.execute(delete(settings).where(settings.c.key == key))
            return
        changed = conn.execute(
            update(settings).where(settings.c.key == key).values(value=value)
        ).rowcount
        if not changed:
            conn.execute(insert(settings).values(key=key, value=value))


def get_keep(uow: UnitOfWork) -> int:
    """How many backups to keep (the ``backups.keep`` setting, 7 by default)."""
    value = _get(uow, KEEP_KEY)
    return int(value) if value and value.isdigit() and 1 <= int(value) <= MAX_KEEP else DEFAULT_KEEP


def check_keep(keep: int) -> int:
    """``keep`` when it is a sensible number of backups (1 to 365), else a ValidationError."""
    if not 1 <= keep <= MAX_KEEP:
        raise ValidationError(
            "keep", "Keep between 1 and {most} backups, not {value}", most=MAX_KEEP, value=keep
        )
    return keep


def set_keep(uow: UnitOfWork, keep: int) -> int:
    """Store how many backups to keep; returns it."""
    _put(uow, KEEP_KEY, str(check_keep(keep)))
    return keep


def get_folder_setting(uow: UnitOfWork) -> Path | None:
    """The folder the ``backups.dir`` setting names, if any."""
    value = _get(uow, DIR_KEY)
    return Path(value) if value else None


def set_folder_setting(uow: UnitOfWork, folder: Path | None) -> None:
    """Store the folder backups go to (None: back to the default)."""
    _put(uow, DIR_KEY, str(folder.expanduser().resolve()) if folder else None)


def default_folder(database_url: str, data_dir: Path) -> Path:
    """``<file>.backups`` next to a SQLite file; ``<data folder>/backups`` otherwise."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(f"{url.database}.backups")
    return data_dir / "backups"


def backup_folder(uow: UnitOfWork, database_url: str, data_dir: Path) -> Path:
    """Where backups go: the ``backups.dir`` setting, else the default folder."""
    return get_folder_setting(uow) or default_folder(database_url, data_dir)


def _sort_key(path: Path) -> tuple[str, int]:
    match = NAME.match(path.name)
    assert match
    return match.group(1), int(match.group(2) or 0)


def list_snapshots(folder: Path) -> list[Path]:
    """The backups in ``folder``, oldest first (by the time in their names)."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if NAME.match(p.name)), key=_sort_key)


def snapshot_time(path: Path) -> datetime:
    """When a backup was written (the local time in its name)."""
    return datetime.strptime(_sort_key(path)[0], "%Y%m%d-%H%M%S")


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest backups beyond ``keep``; returns those deleted."""
    found = list_snapshots(folder)
    old = found[: max(len(found) - keep, 0)]
    for path in old:
        path.unlink(missing_ok=True)
    return old


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """One backup at a time in a folder (the server and the CLI, several workers)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    with (folder / ".lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise BackupBusy(
                "Another backup is being written in {folder}; try again in a minute",
                folder=str(folder),
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _clean_up(folder: Path) -> None:
    """Remove what a backup killed midway left behind (under the lock: nobody writes it)."""
    for stale in [*folder.glob(f"kinmyaku-*{PART}"), *folder.glob(f"kinmyaku-*{PART}.plain")]:
        stale.unlink(missing_ok=True)
    for scratch in folder.glob("kinmyaku-check-*"):
        shutil.rmtree(scratch, ignore_errors=True)


def _new_name(folder: Path, when: datetime, suffix: str) -> Path:
    stamp = when.strftime("%Y%m%d-%H%M%S")
    path = folder / f"kinmyaku-{stamp}.{suffix}"
    number = 0
    while path.exists():
        number += 1
        path = folder / f"kinmyaku-{stamp}-{number}.{suffix}"
    return path


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_snapshot(
    engine: Engine,
    *,
    folder: Path,
    keep: int = DEFAULT_KEEP,
    compress: bool = False,
    now: Callable[[], datetime] = datetime.now,
) -> Snapshot:
    """Write a backup of the live database into ``folder``, check it, keep the newest ``keep``."""
    check_keep(keep)
    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _folder_lock(folder):
        _clean_up(folder)
        sqlite = engine.url.get_backend_name() == "sqlite"
        suffix = ("sqlite3.gz" if compress else "sqlite3") if sqlite else "pgdump"
        final = _new_name(folder, now(), suffix)
        part = final.with_name(final.name + PART)
        try:
            if sqlite:
                report = _write_sqlite(engine, part, compress, folder)
            else:
                report = _write_pg(engine.url, part, folder)
            if not report.ok:
                raise BackupProblem(
                    "The new backup failed its check ({problems}); the older backups are kept",
                    problems="; ".join(p.text("en") for p in report.problems),
                )
            os.chmod(part, 0o600)
            _fsync(part)
            os.replace(part, final)
            _fsync(folder)
        finally:
            part.unlink(missing_ok=True)
        report.path = final
        removed = rotate(folder, keep)
    return Snapshot(
        path=final,
        size=final.stat().st_size,
        seconds=time.perf_counter() - started,
        report=report,
        removed=removed,
    )


def _write_sqlite(engine: Engine, part: Path, compress: bool, folder: Path) -> CheckReport:
    """The online backup API from a pooled connection of the live database."""
    plain = part.with_name(part.name + ".plain") if compress else part
    raw = engine.raw_connection()
    try:
        live = raw.driver_connection
        assert isinstance(live, sqlite3.Connection)
        target = sqlite3.connect(plain)
        try:
            live.backup(target)  # one step: a consistent copy from one read transaction
            target.execute("PRAGMA journal_mode=DELETE")  # a file that stands on its own
        finally:
            target.close()
    finally:
        raw.close()
    _forget_credentials(plain)
    try:
        report = check_backup(plain, scratch=folder)
        if compress and report.ok:
            with plain.open("rb") as source, gzip.open(part, "wb", compresslevel=1) as packed:
                shutil.copyfileobj(source, packed, 1 << 20)
            with gzip.open(part, "rb") as packed:  # the CRC is checked to the end
                while packed.read(1 << 20):
                    pass
            report.size = part.stat().st_size
            report.kind = "sqlite.gz"
    finally:
        if compress:
            plain.unlink(missing_ok=True)
    return report


def _forget_credentials(path: Path) -> None:
    """No password hash, cookie key, session or calendar token in a SQLite backup: their
    rows are deleted and, with ``secure_delete``, their bytes overwritten."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA secure_delete=ON")
            forget_credentials(conn)
    finally:
        engine.dispose()


def _write_pg(url: URL, part: Path, folder: Path) -> CheckReport:
    """``pg_dump --format=custom`` into ``part`` (the password in the environment only)."""
    command = [pg_tool("pg_dump"), "--format=custom", f"--file={part}"]
    # The data of every credential table (sessions, the password hash, the cookie key, the
    # calendar token) stays out; the settings table holds no secret.
    command += [
        f"--exclude-table-data={t.name}" for t in metadata.sorted_tables if is_credential(t)
    ]
    done = subprocess.run(  # noqa: S603 (fixed program and options; no secret in them)
        command, env=pg_environment(url), capture_output=True, check=False
    )
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        text = " ".join(reason[:2]) or f"exit {done.returncode}"
        if url.password:
            text = text.replace(str(url.password), "***")
        raise BackupProblem("pg_dump failed: {reason}", reason=text)
    return check_backup(part, scratch=folder)

"""Check a backup without touching the live database: a SQLite snapshot (plain or gzip),
a JSON backup (``kinmyaku export --format json``) or a ``pg_dump --format=custom`` file.

A SQLite file is opened read-only (``mode=ro``) for ``PRAGMA integrity_check``,
``foreign_key_check``, its Alembic revision and the row counts; SQLite's FTS5
``integrity-check`` is a write statement, so it runs on a scratch copy.  A JSON backup is
restored into a scratch SQLite file, which is then checked the same way.  A pg_dump file
is listed (``pg_restore --list``) and its data read back (``pg_restore --data-only -f -``),
counting each table's rows; no server is needed.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.engine import URL

from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.i18n import translate
from kinmyaku.storage.migrate import MIGRATIONS
from kinmyaku.storage.schema import metadata

ENV_PG_BIN = "KINMYAKU_PG_BIN"
SQLITE_MAGIC = b"SQLite format 3\x00"
GZIP_MAGIC = b"\x1f\x8b"
PGDUMP_MAGIC = b"PGDMP"
SUMMARY_TABLES = ("people", "organizations", "events", "interactions", "exchanges", "requests")
"""The counts shown first (every table is counted)."""
PG_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
}
"""URL query parameters libpq also reads from the environment."""


class BackupProblem(KinmyakuError):
    """A backup cannot be written or read (a tool is missing, the file is not a backup ...)."""


@dataclass(frozen=True)
class Finding:
    """Something wrong found in a backup: a message id and its parameters."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        """The finding in ``lang``."""
        return translate(lang, self.msgid, **self.params)


@dataclass
class CheckReport:
    """What a check found: the kind of backup, its schema revision, row counts, problems."""

    path: Path
    kind: str
    size: int
    revision: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return not self.problems

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        """The report as plain data (``--json``)."""
        return {
            "path": str(self.path),
            "kind": self.kind,
            "size": self.size,
            "revision": self.revision,
            "ok": self.ok,
            "checks": self.checks,
            "problems": [p.text(lang) for p in self.problems],
            "counts": self.counts,
            "seconds": round(self.seconds, 3),
        }


def known_revisions() -> list[str]:
    """Every schema revision this kinmyaku knows (its migrations' numbers)."""
    return sorted(p.name[:4] for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client program (pg_dump, pg_restore), or a clear error."""
    folders = [os.environ[ENV_PG_BIN]] if os.environ.get(ENV_PG_BIN) else []
    found = shutil.which(name, path=os.pathsep.join(folders)) if folders else shutil.which(name)
    if found is None and not folders:
        debian = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=_version_key)
        found = str(debian[-1]) if debian else None
    if found is None:
        raise BackupProblem(
            "{tool} was not found: install the PostgreSQL client programs (Debian/Ubuntu: "
            "apt-get install postgresql-client; macOS: brew install libpq) or set "
            "{env} to the folder that holds {tool}",
            tool=name,
            env=ENV_PG_BIN,
        )
    return found


def pg_environment(url: URL) -> dict[str, str]:
    """The libpq environment for a URL: where, who, which database, and PGPASSWORD."""
    env = dict(os.environ)  # as the app connects: PGPASSFILE, PGSSLMODE ... still apply
    for key, value in (
        ("PGHOST", url.host),
        ("PGPORT", str(url.port) if url.port else None),
        ("PGUSER", url.username),
        ("PGDATABASE", url.database),
        ("PGPASSWORD", url.password),
    ):
        if value:
            env[key] = str(value)
    for name, variable in PG_ENV.items():
        given = url.query.get(name)
        if isinstance(given, str):
            env[variable] = given
    return env


def _version_key(path: Path) -> tuple[int, ...]:
    version = path.parent.parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def backup_kind(path: Path) -> str:
    """``sqlite``, ``sqlite.gz``, ``pgdump`` or ``json``, from the file's first bytes."""
    with path.open("rb") as stream:
        head = stream.read(64)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(GZIP_MAGIC):
        return "sqlite.gz"
    if head.startswith(PGDUMP_MAGIC):
        return "pgdump"
    if head.lstrip().startswith(b"{"):
        return "json"
    raise BackupProblem(
        "{path} is not a kinmyaku backup (not a SQLite file, a JSON backup or a pg_dump file)",
        path=str(path),
    )


def check_backup(path: Path, *, scratch: Path | None = None) -> CheckReport:
    """Check any kind of backup file; ``scratch`` is where temporary copies go."""
    if not path.is_file():
        raise BackupProblem("No such file: {path}", path=str(path))
    started = time.perf_counter()
    kind = backup_kind(path)
    report = CheckReport(path=path, kind=kind, size=path.stat().st_size)
    with tempfile.TemporaryDirectory(prefix="kinmyaku-check-", dir=scratch) as folder:
        work = Path(folder)
        if kind == "sqlite":
            check_sqlite_file(path, report, work)
        elif kind == "sqlite.gz":
            plain = work / "unpacked.sqlite3"
            with gzip.open(path, "rb") as source, plain.open("wb") as target:
                shutil.copyfileobj(source, target, 1 << 20)
            with plain.open("rb") as unpacked:
                head = unpacked.read(16)
            if head != SQLITE_MAGIC:
                raise BackupProblem("{path} is not a kinmyaku backup", path=str(path))
            check_sqlite_file(plain, report, work)
        elif kind == "json":
            _check_json(path, report, work)
        else:
            check_pgdump(path, report)
    report.seconds = time.perf_counter() - started
    return report


def _readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def check_sqlite_file(path: Path, report: CheckReport, work: Path) -> None:
    """Integrity, foreign keys, revision and counts read-only; FTS5 on a scratch copy."""
    try:
        conn = _readonly(path)
        try:
            _check_open_sqlite(conn, report)
        finally:
            conn.close()
        _check_fts(path, report, work)
    except sqlite3.DatabaseError as error:
        report.problems.append(
            Finding("The SQLite file cannot be read: {reason}", {"reason": str(error)})
        )


def _check_open_sqlite(conn: sqlite3.Connection, report: CheckReport) -> None:
    result = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
    report.checks.append("integrity_check")
    if result != ["ok"]:
        report.problems.append(
            Finding("integrity_check found: {found}", {"found": "; ".join(result[:5])})
        )
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    report.checks.append("foreign_key_check")
    if broken:
        report.problems.append(
            Finding(
                "{count} rows refer to rows that do not exist (first in table {table})",
                {"count": len(broken), "table": broken[0][0]},
            )
        )
    tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    _check_revision(conn, tables, report)
    for table in metadata.sorted_tables:
        if table.name in tables:
            sql = f'SELECT count(*) FROM "{table.name}"'  # noqa: S608 (names from the schema)
            report.counts[table.name] = int(conn.execute(sql).fetchone()[0])
    report.checks.append("counts")


def _check_revision(conn: sqlite3.Connection, tables: set[str], report: CheckReport) -> None:
    report.checks.append("revision")
    if "alembic_version" not in tables:
        report.problems.append(Finding("The file holds no kinmyaku schema (no revision)"))
        return
    found = [str(r[0]) for r in conn.execute("SELECT version_num FROM alembic_version")]
    report.revision = found[0] if len(found) == 1 else None
    _judge_revision(report)


def _judge_revision(report: CheckReport) -> None:
    if report.revision is None:
        report.problems.append(Finding("The file holds no kinmyaku schema (no revision)"))
    elif report.revision not in known_revisions():
        report.problems.append(
            Finding(
                "Schema revision {revision} is unknown to this kinmyaku (newest known: "
                "{known}); it may come from a newer version",
                {"revision": report.revision, "known": known_revisions()[-1]},
            )
        )


def _check_fts(path: Path, report: CheckReport, work: Path) -> None:
    """FTS5's integrity-check is an INSERT: run it on a scratch copy, never on ``path``."""
    source = _readonly(path)
    try:
        sql = "SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE '%USING fts5%'"
        names = [str(r[0]) for r in source.execute(sql)]
        if not names:
            return
        copy = sqlite3.connect(work / "fts-check.sqlite3", isolation_level=None)
        source.backup(copy)
    finally:
        source.close()
    try:
        for name in names:
            try:
                copy.execute(
                    f'INSERT INTO "{name}"("{name}", rank) VALUES (\'integrity-check\', 1)'  # noqa: S608
                )
            except sqlite3.DatabaseError as error:
                report.problems.append(
                    Finding(
                        "The full-text index {table} is damaged: {reason}",
                        {"table": name, "reason": str(error)},
                    )
                )
        report.checks.append("fts5_integrity_check")
    finally:
        copy.close()
    (work / "fts-check.sqlite3").unlink()


def _check_json(path: Path, report: CheckReport, work: Path) -> None:
    """Restore the JSON backup into a scratch SQLite file, then check that file."""
    from kinmyaku.bootstrap import open_app
    from kinmyaku.config import Settings
    from kinmyaku.services.backup import restore_backup

    target = work / "restored.sqlite3"
    app = open_app(Settings(database_url=f"sqlite:///{target}", language="en"))
    try:
        with path.open("rb") as stream:
            restored = restore_backup(app.uow(), stream=stream)
    except KinmyakuError as error:
        report.problems.append(Finding(error.msgid, dict(error.params)))
        return
    finally:
        app.close()
    report.checks.append(f"restore ({sum(restored.values())} rows)")
    check_sqlite_file(target, report, work)


def check_pgdump(path: Path, report: CheckReport) -> None:
    """List the dump's contents, then read every table's data back and count its rows."""
    listing = subprocess.run(  # noqa: S603 (a fixed program, the path as one argument)
        [pg_tool("pg_restore"), "--list", str(path)], capture_output=True, check=False
    )
    report.checks.append("pg_restore --list")
    if listing.returncode != 0:
        reason = listing.stderr.decode("utf-8", "replace").strip().splitlines()
        report.problems.append(
            Finding("pg_restore cannot read the file: {reason}", {"reason": " ".join(reason[:2])})
        )
        return
    counts, revision, error = _count_copy_rows(path)
    report.checks.append("pg_restore --data-only")
    if error:
        report.problems.append(
            Finding("pg_restore cannot read the file: {reason}", {"reason": error})
        )
    known = {t.name for t in metadata.sorted_tables}
    report.counts = {name: n for name, n in counts.items() if name in known}
    report.revision = revision
    report.checks.append("revision")
    _judge_revision(report)


def _count_copy_rows(path: Path) -> tuple[dict[str, int], str | None, str]:
    """Stream ``pg_restore --data-only -f -``: rows of each COPY block, the revision row."""
    command = [pg_tool("pg_restore"), "--data-only", "--file=-", str(path)]
    counts: dict[str, int] = {}
    revision: str | None = None
    table: str | None = None
    with subprocess.Popen(  # noqa: S603 (a fixed program, the path as one argument)
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        for line in process.stdout:
            if table is None:
                if line.startswith(b"COPY "):
                    table = line.split(b" ", 2)[1].decode().rpartition(".")[2].strip('"')
                    counts[table] = 0
            elif line == b"\\.\n":
                table = None
            else:
                counts[table] += 1
                if table == "alembic_version":
                    revision = line.decode().strip()
        errors = process.stderr.read().decode("utf-8", "replace").strip()
    return counts, revision, errors.splitlines()[0] if process.returncode else ""


def restore_pgdump(path: Path, *, url: URL) -> None:
    """Restore a pg_dump file into the EMPTY database ``url`` names (a scratch database)."""
    command = [
        pg_tool("pg_restore"),
        "--no-owner",
        "--exit-on-error",
        f"--dbname={url.database}",
        str(path),
    ]
    done = subprocess.run(  # noqa: S603 (fixed program and options; no secret in them)
        command, env=pg_environment(url), capture_output=True, check=False
    )
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BackupProblem("pg_restore failed: {reason}", reason=" ".join(reason[:2]))


def table_digests(conn: Connection, *, derived: bool = True) -> dict[str, tuple[int, str]]:
    """Each table's row count and a SHA-256 of its rows in key order: what a restore must
    give back.  Credentials are left out (no backup holds them); ``derived=False`` leaves
    out the search index and the touch summary too (a JSON restore rebuilds them)."""
    from kinmyaku.services.backup import DERIVED, exportable_setting, is_credential

    found: dict[str, tuple[int, str]] = {}
    for table in metadata.sorted_tables:
        if is_credential(table) or (not derived and table.name in DERIVED):
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        digest = hashlib.sha256()
        count = 0
        for row in conn.execution_options(yield_per=5000).execute(select(table).order_by(*order)):
            if table.name == "settings" and not exportable_setting(str(row[0])):
                continue
            digest.update(repr(tuple(row)).encode())
            digest.update(b"\n")
            count += 1
        found[table.name] = (count, digest.hexdigest())
    return found

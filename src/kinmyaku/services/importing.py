"""Import contacts from vCard and CSV files: one transaction, matching, provenance, dry run."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, insert, select, update

from kinmyaku.domain.errors import KinmyakuError, ValidationError
from kinmyaku.formats.errors import FormatError
from kinmyaku.formats.reader import detect_format, read_records
from kinmyaku.i18n import error_text
from kinmyaku.services.import_match import load_index
from kinmyaku.services.import_prepare import prepare_record
from kinmyaku.services.import_undo import undo_import
from kinmyaku.services.import_write import ImportWriter, Outcome
from kinmyaku.storage import people as store
from kinmyaku.storage.schema import imports
from kinmyaku.storage.uow import UnitOfWork

__all__ = ["ImportFailed", "ImportReport", "import_files", "list_imports", "undo_import"]

Progress = Callable[[int], None]
"""Called with the number of bytes read so far (across all files)."""


class ImportFailed(KinmyakuError):
    """A bad record stopped the import; nothing was written."""


class _DryRun(Exception):
    pass


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    import_id: int | None
    format: str
    files: list[str]
    dry_run: bool
    counts: dict[str, int]
    outcomes: list[Outcome] = field(default_factory=list)
    bad: list[Outcome] = field(default_factory=list)
    warnings: list[Outcome] = field(default_factory=list)


@dataclass(frozen=True)
class ImportSummary:
    """One past import, for ``kinmyaku import list``."""

    id: int
    created_at: datetime
    format: str
    files: list[str]
    counts: dict[str, int]
    undone_at: datetime | None


def _detect(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(65536)
    try:
        return detect_format(head, file=path.name, at_eof=len(head) < 65536)
    except FormatError:
        return "unknown"


def _location(lang: str, file: str, line: int | None) -> str:
    return FormatError("", file=file, line=line).location(lang)


def import_files(
    uow: UnitOfWork,
    *,
    paths: Sequence[str | Path],
    format: str = "auto",
    mapping: Mapping[str, str] | None = None,
    skip_bad: bool = False,
    dry_run: bool = False,
    lang: str = "en",
    progress: Progress | None = None,
) -> ImportReport:
    """Import contact files in one transaction; a bad record stops everything unless skip_bad."""
    files = [Path(p) for p in paths]
    kinds = sorted({_detect(p) if format == "auto" else format for p in files})
    report = ImportReport(
        None, kinds[0] if len(kinds) == 1 else "mixed", [p.name for p in files], dry_run, {}
    )

    def skip(error: FormatError) -> None:
        text = render_error(error, lang)
        report.bad.append(Outcome("skipped", "", error.file, error.line or 0, None, [text]))

    done = 0
    try:
        with uow as conn:
            import_id = int(
                conn.execute(
                    insert(imports)
                    .values(
                        created_at=store.now(),
                        format=report.format[:20],
                        files=json.dumps(report.files, ensure_ascii=False),
                    )
                    .returning(imports.c.id)
                ).scalar_one()
            )
            with _bulk_cache(conn):
                writer = ImportWriter(conn, import_id, load_index(conn))
                for path in files:
                    with path.open("rb") as stream:
                        records = read_records(
                            stream,
                            file_name=path.name,
                            format=format,
                            mapping=mapping,
                            on_error=skip if skip_bad else None,
                        )
                        try:
                            for record in records:
                                _one(writer, record, report, skip_bad=skip_bad, lang=lang)
                                if progress is not None:
                                    progress(done + stream.tell())
                        except FormatError as error:
                            raise ImportFailed(
                                "Nothing was imported. {reason} (use --skip-bad to skip bad records)",  # noqa: E501
                                reason=render_error(error, lang),
                            ) from None
                        done += stream.tell()
                writer.flush()
                _reindex(writer)
                report.counts = {**writer.counts, "skipped": len(report.bad)}
                report.outcomes = writer.outcomes
                report.import_id = import_id
                conn.execute(
                    update(imports)
                    .where(imports.c.id == import_id)
                    .values(summary=json.dumps(report.counts))
                )
            if dry_run:
                raise _DryRun
    except _DryRun:
        report.import_id = None
    return report


BULK_CACHE_KIB = 262144
"""SQLite page cache for an import's transaction (KiB): the search index of 100,000 people
is several hundred MB, and a cache smaller than its B-tree makes every insert spill and
re-read pages.  Only pages actually used are allocated; the size is restored afterwards."""


@contextmanager
def _bulk_cache(conn: Connection) -> Iterator[None]:
    """Enlarge SQLite's page cache while the import writes; restore it afterwards."""
    before = 0
    if conn.dialect.name == "sqlite":
        before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
    if not before or before <= -BULK_CACHE_KIB:
        yield
        return
    conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={before}")


def _one(
    writer: ImportWriter, record: object, report: ImportReport, *, skip_bad: bool, lang: str
) -> None:
    from kinmyaku.formats.records import ContactRecord

    assert isinstance(record, ContactRecord)
    src = record.source
    file, line = (src.file, src.line) if src else ("", 0)
    try:
        prepared = prepare_record(record)
    except ValidationError as error:
        reason = error_text(lang, error)
        if not skip_bad:
            raise ImportFailed(
                "Nothing was imported. {reason} (use --skip-bad to skip bad records)",
                reason=f"{_location(lang, file, line)}: {reason}",
            ) from None
        report.bad.append(Outcome("skipped", record.display_name(), file, line, None, [reason]))
        return
    writer.add(prepared)
    if prepared.warnings:
        report.warnings.append(
            Outcome("warning", record.display_name(), file, line, None, prepared.warnings)
        )


def _reindex(writer: ImportWriter) -> None:
    keys = {}
    for pid in writer.touched:
        found = store.person_keys(writer.conn, pid)
        if found is not None:
            keys[pid] = found
    if keys:
        store.index_people(writer.conn, keys)


def render_error(error: FormatError, lang: str) -> str:
    """A FormatError as one line in ``ja`` or ``en``."""
    return error.message("ja" if lang.startswith("ja") else "en")


def list_imports(uow: UnitOfWork) -> list[ImportSummary]:
    """Every import, newest first."""
    with uow as conn:
        rows = conn.execute(select(imports).order_by(imports.c.id.desc())).mappings().all()
    return [
        ImportSummary(
            id=row["id"],
            created_at=row["created_at"],
            format=row["format"],
            files=list(json.loads(row["files"] or "[]")),
            counts=dict(json.loads(row["summary"] or "{}")),
            undone_at=row["undone_at"],
        )
        for row in rows
    ]

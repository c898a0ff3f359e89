"""Import contacts from vCard and CSV files: one transaction, matching, provenance, dry run."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from sqlalchemy import Connection, insert, select, update

from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.formats.errors import FormatError
from kinmyaku.formats.reader import detect_format, read_items
from kinmyaku.services.identity.queue import queue_record
from kinmyaku.services.import_match import load_index
from kinmyaku.services.import_pipeline import (
    Item,
    Rejected,
    helpers_for,
    prepare_all,
    quiet_collector,
    render_error,
)
from kinmyaku.services.import_prepare import PreparedRecord
from kinmyaku.services.import_rows import person_keys_of
from kinmyaku.services.import_undo import undo_import
from kinmyaku.services.import_write import ImportWriter, Outcome, source_of
from kinmyaku.storage import people as store
from kinmyaku.storage.bulk_index import MIN_BYTES, staged_terms, worth_it
from kinmyaku.storage.schema import imports
from kinmyaku.storage.uow import UnitOfWork

__all__ = [
    "ImportFailed",
    "ImportReport",
    "import_files",
    "import_prepared",
    "list_imports",
    "undo_import",
]

Prepared = PreparedRecord | Rejected
"""A record ready to write, or why it cannot be (``import_pipeline.prepare_item``)."""
Progress = Callable[[int], None]
"""Called with the number of bytes read so far (across all files)."""


class ImportFailed(KinmyakuError):
    """A bad record stopped the import; nothing was written."""


class _DryRun(Exception):
    pass


class _NothingWritten(Exception):
    """Every record was skipped (or there was none): the import leaves no trace."""


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
    possible: list[Outcome] = field(default_factory=list)
    """Records created as new people who may be stored ones: ``kinmyaku duplicates`` lists them."""
    queued: list[Outcome] = field(default_factory=list)
    """With ``review``: records neither created nor merged, left for ``kinmyaku queue``."""
    nothing: bool = False
    """No record was created, joined to a person or queued: nothing was imported, and no
    import was recorded (``import_id`` is None).  A record that joined a stored person
    without changing it is still imported: which address books a person is in is kept."""


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
    jobs: int | None = 0,
    strict: bool = False,
    review: bool = False,
) -> ImportReport:
    """Import contact files in one transaction; a bad value is kept with a warning.

    A record that cannot be read at all stops everything unless ``skip_bad``; ``strict``
    stops (or skips) a record for a bad value too, as imports did before (docs/importing.md).
    ``review`` sends a record whose best match is uncertain to the review queue
    (services/identity/queue.py) instead of creating it as a new person.

    ``jobs`` is the number of helper processes that parse and validate (0: none, None:
    one per core when the files are large; see ``import_pipeline.helpers_for``); the
    result is the same either way.
    """
    files = [Path(p) for p in paths]
    kinds = sorted({_detect(p) if format == "auto" else format for p in files})
    report = ImportReport(
        None, kinds[0] if len(kinds) == 1 else "mixed", [p.name for p in files], dry_run, {}
    )
    size = sum(p.stat().st_size for p in files)
    helpers = helpers_for(size, jobs)
    items = _items(
        files,
        format=format,
        mapping=mapping,
        skip_bad=skip_bad,
        progress=progress,
        blocks=helpers > 0,
        strict=strict,
    )
    prepared = _prepared(items, lang=lang, helpers=helpers, strict=strict, skip_bad=skip_bad)
    return import_prepared(
        uow,
        prepared,
        report=report,
        size=size,
        lang=lang,
        skip_bad=skip_bad,
        dry_run=dry_run,
        review=review,
    )


def _prepared(
    items: Iterator[Item], *, lang: str, helpers: int, strict: bool, skip_bad: bool
) -> Iterator[Prepared]:
    """The files' records prepared (by helper processes when ``helpers``); a file that
    cannot be read stops the import with a message naming it."""
    try:
        # closing: a stopped import shuts its helper processes down at once.
        with closing(prepare_all(items, lang=lang, helpers=helpers, strict=strict)) as results:
            yield from results
    except FormatError as error:
        record_level = error.line is not None and error.key not in WHOLE_FILE
        hint = record_level and not skip_bad
        raise _failed(render_error(error, lang), hint=hint) from None


def import_prepared(
    uow: UnitOfWork,
    prepared: Iterable[Prepared],
    *,
    report: ImportReport,
    size: int,
    lang: str = "en",
    skip_bad: bool = False,
    dry_run: bool = False,
    review: bool = False,
) -> ImportReport:
    """Write records already prepared as one import, in one transaction (``import_files``
    once its files are read; the CardDAV client with the cards of a sync).

    Every record goes through the duplicate check; ``report`` names the format and files
    and receives the counts, outcomes and warnings; ``size`` (bytes read) decides whether
    SQLite loads in bulk.  Nothing written (every record skipped): no import is left.
    """
    bulk = _bulk_loading(uow, size)
    # A bulk import's rows refer only to rows it writes or reads: SQLite need not look each
    # parent up (1.1 M search terms: 0.6 s of the sorted move); only in a transaction of
    # its own, as the pragma cannot change inside one.
    work = uow.without_foreign_keys() if bulk and not uow.active else uow
    try:
        with work as conn, quiet_collector(), _closed(prepared) as results:
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
                index = load_index(conn)
                index.import_id = import_id
                writer = ImportWriter(conn, import_id, index, lang=lang, dry_run=dry_run)
                # A person a later record joins is indexed once, at the end (a bulk
                # import stages its rows as it goes: memory stays flat).
                writer.defer_index = not bulk
                if review:
                    writer.review = partial(queue_record, conn, import_id)
                    writer.counts["queued"] = 0
                with staged_terms(conn, bulk) as writer.terms_table:
                    for result in results:
                        _one(writer, result, report, skip_bad=skip_bad)
                    writer.flush()
                    writer.write_index()
                _reindex(writer)
                writer.write_memory()
                report.counts = {**writer.counts, "skipped": len(report.bad)}
                report.outcomes = writer.outcomes
                report.possible = writer.possible
                report.queued = writer.queued
                report.import_id = import_id
                conn.execute(
                    update(imports)
                    .where(imports.c.id == import_id)
                    .values(summary=json.dumps(report.counts))
                )
            report.nothing = not any(writer.counts.values())
            if dry_run:
                raise _DryRun
            if report.nothing:
                raise _NothingWritten  # roll back the import's own row: no empty import
    except (_DryRun, _NothingWritten):
        report.import_id = None
    return report


@contextmanager
def _closed(prepared: Iterable[Prepared]) -> Iterator[Iterator[Prepared]]:
    """The records, closed when the import stops (a generator shuts its helpers down)."""
    results = iter(prepared)
    try:
        yield results
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()


def _bulk_loading(uow: UnitOfWork, size: int) -> bool:
    """Whether an import of ``size`` bytes loads in bulk (storage.bulk_index.worth_it)."""
    if size < MIN_BYTES or uow.engine.dialect.name != "sqlite":
        return False
    with uow as conn:
        return worth_it(conn, size)


def _items(
    files: list[Path],
    *,
    format: str,
    mapping: Mapping[str, str] | None,
    skip_bad: bool,
    progress: Progress | None,
    blocks: bool,
    strict: bool = False,
) -> Iterator[Item]:
    """The files' cards and records in order, with the problems the readers report."""
    done = 0
    for path in files:
        problems: list[FormatError] = []
        with path.open("rb") as stream:
            for item in read_items(
                stream,
                file_name=path.name,
                format=format,
                mapping=mapping,
                on_error=problems.append if skip_bad or not strict else None,
                blocks=blocks,
                lenient=not strict,
            ):
                if problems:
                    yield from problems
                    problems.clear()
                yield item
                if progress is not None:
                    progress(done + stream.tell())
            yield from problems
            done += stream.tell()


# Problems of a whole file: skipping bad records cannot help, so no hint says it would.
WHOLE_FILE = frozenset(
    {
        "empty_file",
        "excel_file",
        "binary_file",
        "unknown_format",
        "unknown_format_name",
        "unsupported_encoding",
        "csv_header_missing",
        "csv_unknown_header",
    }
)


def _failed(reason: str, *, hint: bool = True) -> ImportFailed:
    if not hint:
        return ImportFailed("Nothing was imported. {reason}", reason=reason)
    return ImportFailed(
        "Nothing was imported. {reason} (use --skip-bad to skip bad records)", reason=reason
    )


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
    writer: ImportWriter, result: PreparedRecord | Rejected, report: ImportReport, *, skip_bad: bool
) -> None:
    if isinstance(result, Rejected):
        if not skip_bad and result.fatal:
            raise _failed(result.stop)
        skipped = Outcome("skipped", result.name, result.file, result.line, None, [result.why])
        report.bad.append(skipped)
        return
    writer.add(result)
    if result.warnings:
        file, line = source_of(result)
        name = result.name
        report.warnings.append(Outcome("warning", name, file, line, None, result.warnings))


def _reindex(writer: ImportWriter) -> None:
    """Rebuild the search keys of the people whose names, e-mails, phones or tags records
    changed, read a chunk of people at a time (an address or extra field changes none)."""
    keys = person_keys_of(writer.conn, writer.searchable)
    if keys:
        store.index_people(writer.conn, keys)


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

"""Bringing data in and out: import (and import list / import undo), export, restore."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.console import Console

from kinmyaku.cli.context import CliContext, ctx_of
from kinmyaku.services import backup, exporting, import_candidates, importing
from kinmyaku.services.import_candidates import maybe_text
from kinmyaku.services.import_pipeline import warning_text
from kinmyaku.services.import_write import REASONS, Outcome

Opt = typer.Option
Arg = typer.Argument


def _parse_map(items: list[str], cli: CliContext) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items:
        header, sep, target = item.partition("=")
        if not sep or not header.strip() or not target.strip():
            cli.fail(cli.t("--map takes HEADER=field, not '{value}'", value=item))
        mapping[header.strip()] = target.strip()
    return mapping


ACTIONS = {"updated": "Updated", "unchanged": "Unchanged"}


def _why(cli: CliContext, outcome: Outcome) -> str:
    return ", ".join(cli.t(REASONS.get(reason, reason)) for reason in outcome.why)


SHOWN = 20
"""At most this many lines of each part of an import's report; the rest is counted."""


def _cut(items: list[Outcome], total: int) -> tuple[list[Outcome], int]:
    """The first SHOWN items and how many more there are (``total`` counts past the list).

    The import keeps the details of its first records only: when none of a part was kept,
    nothing is listed and no "… and N more" follows nothing (the summary line counts them).
    """
    if not items:
        return [], 0
    return items[:SHOWN], max(total, len(items)) - min(len(items), SHOWN)


def _more(cli: CliContext, hidden: int) -> None:
    if hidden > 0:
        cli.say("… and {count} more", count=hidden)


def _print_report(cli: CliContext, report: importing.ImportReport) -> None:
    counts = report.counts
    listed = [o for o in report.outcomes if o.action != "created"]
    shown, hidden = _cut(listed, sum(counts.get(action, 0) for action in ACTIONS))
    for outcome in shown:
        cli.say(
            "{action} #{id} {name} ({where}): {why}",
            action=cli.t(ACTIONS.get(outcome.action, outcome.action)),
            id=outcome.person_id,
            name=outcome.name,
            where=f"{outcome.file}:{outcome.line}",
            why=_why(cli, outcome),
        )
    _more(cli, hidden)
    shown, hidden = _cut(report.warnings, 0)
    for outcome in shown:
        for warning in outcome.why:
            cli.say(
                "Check {where}: {warning}",
                where=f"{outcome.file}:{outcome.line}",
                warning=warning_text(cli.lang, warning),
            )
    _more(cli, hidden)
    shown, hidden = _cut(report.bad, counts.get("skipped", 0))
    for outcome in shown:
        cli.say(
            "Skipped {where}: {reason}",
            where=f"{outcome.file}:{outcome.line}",
            reason="; ".join(outcome.why),
        )
    _more(cli, hidden)
    possible, hidden_possible = _cut(report.possible, 0)
    queued, hidden_queued = _cut(report.queued, counts.get("queued", 0))
    names = import_candidates.candidate_names(cli.app.uow(), possible + queued)
    for outcome in possible:
        said = {
            "id": outcome.person_id,
            "name": outcome.name,
            "where": f"{outcome.file}:{outcome.line}",
            "match": maybe_text(cli.lang, outcome, names),
            "why": ("、" if cli.lang == "ja" else ", ").join(outcome.why[1:]),
        }
        if report.dry_run:  # nothing written: the record has no id yet
            cli.say("Would add {name} ({where}), who may be {match}: {why}", **said)
        else:
            cli.say("Added #{id} {name} ({where}), who may be {match}: {why}", **said)
    _more(cli, hidden_possible)
    if report.possible:
        cli.say("Check the possible duplicates with: kinmyaku duplicates")
    for outcome in queued:
        cli.say(
            "Queued {name} ({where}) for review: may be {match}: {why}",
            name=outcome.name,
            where=f"{outcome.file}:{outcome.line}",
            match=maybe_text(cli.lang, outcome, names),
            why=("、" if cli.lang == "ja" else ", ").join(outcome.why[1:]),
        )
    _more(cli, hidden_queued)
    tally = {
        "created": counts.get("created", 0),
        "updated": counts.get("updated", 0),
        "unchanged": counts.get("unchanged", 0),
        "skipped": counts.get("skipped", 0),
    }
    if report.dry_run:
        cli.say(
            "To create {created}, to update {updated}, unchanged {unchanged}, to skip {skipped}.",
            **tally,
        )
    else:
        cli.say(
            "Created {created}, updated {updated}, unchanged {unchanged}, skipped {skipped}.",
            **tally,
        )
    if "queued" in counts:
        cli.say("Queued for review: {count}.", count=counts["queued"])
        if counts["queued"] and not report.dry_run:
            cli.say("Decide them with: kinmyaku queue")
    if report.dry_run:
        cli.say("Dry run: nothing was written.")
    elif report.nothing:
        cli.say(
            "Nothing was imported: every record was skipped, or the files held none. "
            "No import was recorded."
        )
    elif report.import_id is not None:
        cli.say("Import #{id}. Undo it with: kinmyaku import undo {id}", id=report.import_id)


def _run_import(
    cli: CliContext,
    files: list[Path],
    format: str,
    mapping: dict[str, str],
    skip_bad: bool,
    dry_run: bool,
    jobs: int | None = None,
    strict: bool = False,
    review: bool = False,
) -> None:
    for path in files:
        if path.is_dir():
            cli.fail(
                cli.t(
                    "{path} is a folder: give the files in it (for example {example})",
                    path=str(path),
                    example=str(path / "*.vcf"),
                )
            )
        if not path.is_file():
            cli.fail(cli.t("No such file: {path}", path=str(path)))
    total = sum(p.stat().st_size for p in files)

    def run(progress: importing.Progress | None = None) -> importing.ImportReport:
        return importing.import_files(
            cli.app.uow(),
            paths=files,
            format=format,
            mapping=mapping or None,
            skip_bad=skip_bad,
            dry_run=dry_run,
            lang=cli.lang,
            progress=progress,
            jobs=jobs,
            strict=strict,
            review=review,
        )

    if sys.stderr.isatty() and total > 1_000_000:
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task(cli.t("Importing"), total=total)

            def advance(n: int) -> None:
                # Every byte read: what is left is saving, said so rather than a still 100 %.
                words = cli.t("Saving…") if n >= total else cli.t("Importing")
                bar.update(task, completed=n, description=words)

            report = run(advance)
    else:
        report = run()
    _print_report(cli, report)


EXPORT_FORMATS = ("vcard", "csv", "json", "ical")


def _export(cli: CliContext, format: str, stream: IO[bytes]) -> None:
    uow = cli.app.uow()
    if format == "vcard":
        exporting.export_vcard(uow, stream=stream)
    elif format == "csv":
        exporting.export_csv(uow, stream=stream, lang=cli.lang)
    elif format == "json":
        backup.write_backup(uow, stream=stream)
    else:
        stream.write(exporting.calendar_feed(uow, today=cli.app.today(), lang=cli.lang))


def register(app: typer.Typer) -> None:
    """Add the import, export and restore commands."""

    @app.command("import")
    def import_cmd(
        ctx: typer.Context,
        files: Annotated[
            list[str], Arg(help="vCard or CSV files; or 'list', or 'undo ID'.", show_default=False)
        ],
        format: Annotated[
            str, Opt("--format", help="auto, vcard, linkedin, google, outlook, eight, csv.")
        ] = "auto",
        dry_run: Annotated[bool, Opt("--dry-run", help="Show what would happen.")] = False,
        skip_bad: Annotated[
            bool,
            Opt(
                "--skip-bad",
                help="Skip records that cannot be read (with --strict: bad records) "
                "instead of importing nothing.",
            ),
        ] = False,
        strict: Annotated[
            bool,
            Opt(
                "--strict",
                help="Import nothing if any value is bad (an e-mail that is not one, a value "
                "too long) instead of keeping it with a warning.",
            ),
        ] = False,
        review: Annotated[
            bool,
            Opt(
                "--review",
                help="Send a record that may be a stored person (not sure enough) to the "
                "review queue (kinmyaku queue) instead of adding it as a new person.",
            ),
        ] = False,
        map_: Annotated[
            list[str] | None, Opt("--map", help="HEADER=field for a generic CSV (repeatable).")
        ] = None,
        jobs: Annotated[
            int | None,
            Opt(
                "--jobs",
                min=0,
                help="Helper processes that read and check records "
                "(default: one per core for files over 4 MB; 0: none).",
            ),
        ] = None,
    ) -> None:
        """Import contacts (vCard, LinkedIn, Google, Outlook, Eight, CSV); list or undo imports."""
        cli = ctx_of(ctx)
        if files == ["list"] and not Path("list").exists():
            for item in importing.list_imports(cli.app.uow()):
                state = cli.t("undone") if item.undone_at else ""
                counts = {k: item.counts.get(k, 0) for k in ("created", "updated", "unchanged")}
                summary = cli.t(
                    "{created} created, {updated} updated, {unchanged} unchanged", **counts
                )
                cli.console.print(
                    f"#{item.id} {item.created_at:%Y-%m-%d %H:%M} {item.format} "
                    f"{', '.join(item.files)}: {summary} {state}".rstrip(),
                    highlight=False,
                )
            return
        if len(files) == 2 and files[0] == "undo" and not Path("undo").exists():
            if not files[1].lstrip("#").isdigit():
                cli.fail(cli.t("Usage: kinmyaku import undo ID"))
            counts = importing.undo_import(cli.app.uow(), import_id=int(files[1].lstrip("#")))
            cli.say(
                "Undid import #{id}: removed {removed}, restored {restored}.",
                id=files[1].lstrip("#"),
                removed=counts["removed"],
                restored=counts["restored"],
            )
            return
        mapping = _parse_map(map_ or [], cli)
        paths = [Path(f) for f in files]
        _run_import(cli, paths, format, mapping, skip_bad, dry_run, jobs, strict, review)

    @app.command("export")
    def export_cmd(
        ctx: typer.Context,
        format: Annotated[str, Opt("--format", help="vcard, csv, json (full backup), ical.")],
        output: Annotated[
            Path | None, Opt("-o", "--output", help="File to write (default: stdout).")
        ] = None,
    ) -> None:
        """Export everyone as vCard 4.0, CSV (Excel), iCalendar, or a full JSON backup."""
        cli = ctx_of(ctx)
        if format not in EXPORT_FORMATS:
            cli.fail(
                cli.t(
                    "Unknown export format '{format}'; choose vcard, csv, json or ical",
                    format=format,
                )
            )
        if output is None:
            _export(cli, format, sys.stdout.buffer)
            sys.stdout.buffer.flush()
            return
        with output.open("wb") as stream:
            _export(cli, format, stream)
        Console(stderr=True).print(cli.t("Wrote {path}", path=str(output)), highlight=False)

    @app.command("restore")
    def restore_cmd(
        ctx: typer.Context,
        file: Annotated[Path, Arg(help="A JSON backup from 'kinmyaku export --format json'.")],
        check: Annotated[
            bool,
            Opt(
                "--check",
                help="Only check FILE (a JSON, SQLite or pg_dump backup) and say what it "
                "holds; nothing is restored and the database is not opened.",
            ),
        ] = False,
    ) -> None:
        """Restore a JSON backup into an empty database."""
        cli = ctx_of(ctx)
        if not file.is_file():
            cli.fail(cli.t("No such file: {path}", path=str(file)))
        if check:
            from kinmyaku.cli.backups import check_file

            return check_file(cli, file)
        with file.open("rb") as stream:
            counts = backup.restore_backup(cli.app.uow(), stream=stream)
        cli.say(
            "Restored {rows} rows in {tables} tables.",
            rows=sum(counts.values()),
            tables=len(counts),
        )
        cli.say(
            "A backup holds no password, login or calendar link: set the owner password again "
            "(kinmyaku password) and make a new calendar link on the Export page."
        )

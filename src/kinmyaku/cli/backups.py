"""The ``backup`` command: a checked copy of the live database now; and what ``restore
--check`` prints about any backup file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kinmyaku.cli.context import CliContext, ctx_of, print_json
from kinmyaku.services import snapshots
from kinmyaku.services.snapshots_check import SUMMARY_TABLES, CheckReport, check_backup

Opt = typer.Option

KINDS = {
    "sqlite": "a SQLite backup",
    "sqlite.gz": "a gzip-compressed SQLite backup",
    "json": "a JSON backup",
    "pgdump": "a pg_dump backup",
}
COUNTS = {
    "people": "{count} people",
    "organizations": "{count} organizations",
    "events": "{count} events",
    "interactions": "{count} interactions",
    "exchanges": "{count} exchanges",
    "requests": "{count} requests",
}
"""How the counts of the main tables are shown (SUMMARY_TABLES)."""


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} kB"


def _summary(cli: CliContext, counts: dict[str, int]) -> str:
    parts = [
        cli.t(COUNTS[name], count=f"{counts[name]:,}") for name in SUMMARY_TABLES if name in counts
    ]
    return ("、" if cli.lang == "ja" else ", ").join(parts)


def print_report(cli: CliContext, report: CheckReport) -> None:
    """Print what a check found: the kind, revision, checks, counts and any problem."""
    cli.say(
        "{path}: {kind}, {size}, schema revision {revision}",
        path=str(report.path),
        kind=cli.t(KINDS.get(report.kind, report.kind)),
        size=_size(report.size),
        revision=report.revision or "?",
    )
    cli.say("Checks run: {checks}", checks=", ".join(report.checks))
    if report.counts:
        cli.say(
            "Holds {summary}; {rows} rows in {tables} tables",
            summary=_summary(cli, report.counts),
            rows=f"{sum(report.counts.values()):,}",
            tables=len(report.counts),
        )
    for problem in report.problems:
        cli.say("Problem: {text}", text=problem.text(cli.lang))


def check_file(cli: CliContext, file: Path) -> None:
    """``restore --check FILE``: check a backup, print the findings; the database is not opened."""
    report = check_backup(file)
    print_report(cli, report)
    if not report.ok:
        cli.fail(cli.t("The backup has problems: do not rely on it"))
    cli.say("The backup is sound (checked in {seconds} s).", seconds=f"{report.seconds:.1f}")


def register(app: typer.Typer) -> None:
    """Add the backup command."""

    @app.command("backup")
    def backup_cmd(
        ctx: typer.Context,
        to: Annotated[
            Path | None,
            Opt(
                "--to",
                help="Folder for the backups (remembered: the server's daily backups go there "
                "too). Default: DATABASE.backups next to a SQLite file.",
            ),
        ] = None,
        keep: Annotated[
            int | None,
            Opt(
                "--keep",
                min=1,
                max=snapshots.MAX_KEEP,
                help="How many backups to keep, the oldest deleted first (remembered; default 7).",
            ),
        ] = None,
        gzip: Annotated[
            bool, Opt("--gzip", help="Compress a SQLite backup (about 2.6 times smaller).")
        ] = False,
        json_out: Annotated[bool, Opt("--json", help="Print the result as JSON.")] = False,
    ) -> None:
        """Write a checked backup of the whole database now, without stopping anything."""
        cli = ctx_of(ctx)
        core = cli.app
        if keep is not None:
            snapshots.set_keep(core.uow(), keep)
        if to is not None:
            snapshots.set_folder_setting(core.uow(), to)
        folder = snapshots.backup_folder(
            core.uow(), core.settings.database_url, core.settings.data_dir
        )
        done = snapshots.write_snapshot(
            core.engine, folder=folder, keep=snapshots.get_keep(core.uow()), compress=gzip
        )
        if json_out:
            print_json(done.to_json())
            return
        cli.say(
            "Wrote {path} ({size}) in {seconds} s and checked it.",
            path=str(done.path),
            size=_size(done.size),
            seconds=f"{done.seconds:.1f}",
        )
        print_report(cli, done.report)
        cli.say(
            "Keeping the newest {keep} backups in {folder}; removed {removed} older.",
            keep=snapshots.get_keep(core.uow()),
            folder=str(folder),
            removed=len(done.removed),
        )

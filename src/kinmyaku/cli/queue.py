"""The review queue of imports (``import --review``): queue, queue merge ID, queue add ID."""

from __future__ import annotations

from typing import Annotated

import typer

from kinmyaku.cli.context import CliContext, ctx_of, print_json
from kinmyaku.cli.identity import percent
from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.services.identity import queue
from kinmyaku.services.import_write import REASONS

Opt = typer.Option
Arg = typer.Argument


def _queue_id(ref: str) -> int:
    """A queued record's id, as 3 or #3."""
    if not ref.lstrip("#").isdigit():
        raise KinmyakuError("'{value}' is not the id of a queued record", value=ref)
    return int(ref.lstrip("#"))


def _candidate(cli: CliContext, item: queue.QueuedRecord) -> str:
    if item.candidate_id is None:
        return cli.t("nobody")
    if not item.candidate_name:
        return cli.t("#{id} (no longer stored)", id=item.candidate_id)
    return f"#{item.candidate_id} {item.candidate_name}"


def _list(cli: CliContext, json_out: bool) -> None:
    items = queue.list_queue(cli.app.uow())
    if json_out:
        print_json(
            [
                {
                    "id": item.id,
                    "import_id": item.import_id,
                    "name": item.name,
                    "file": item.file,
                    "line": item.line,
                    "candidate": {"id": item.candidate_id, "name": item.candidate_name},
                    "probability": item.probability,
                    "reasons": item.reason_texts(cli.lang),
                }
                for item in items
            ]
        )
        return
    if not items:
        cli.say("No records wait for review.")
        return
    for item in items:
        cli.console.print(
            f"#{item.id} {item.name} ({item.where}) ⇔ {_candidate(cli, item)}  "
            f"{percent(item.probability)}",
            highlight=False,
            markup=False,
        )
        for reason in item.reason_texts(cli.lang):
            cli.console.print(f"    {reason}", highlight=False, markup=False)
    cli.say(
        "{count} records. Decide each with: kinmyaku queue merge ID (the same person) "
        "or kinmyaku queue add ID (a new person)",
        count=len(items),
    )


def register(app: typer.Typer) -> None:
    """Add the ``queue`` command group (records an import with --review left to decide)."""
    queue_app = typer.Typer(
        help="Records an import with --review left for you: the same person, or a new one?"
    )
    app.add_typer(queue_app, name="queue")

    @queue_app.callback(invoke_without_command=True)
    def queue_list(
        ctx: typer.Context,
        json_out: Annotated[bool, Opt("--json", help="Print JSON instead of text.")] = False,
    ) -> None:
        """List the records waiting for review, with the person each may be and why."""
        if ctx.invoked_subcommand is None:
            _list(ctx_of(ctx), json_out)

    @queue_app.command("merge")
    def queue_merge(
        ctx: typer.Context,
        ref: Annotated[str, Arg(metavar="ID", help="The queued record's id.")],
        into: Annotated[
            str | None,
            Opt("--into", help="Another person (id or name) than the one suggested."),
        ] = None,
    ) -> None:
        """The same person: add the record to them, as an import adds to a sure match."""
        cli = ctx_of(ctx)
        queue_id = _queue_id(ref)
        target = cli.person(into) if into is not None else None
        outcome = queue.merge_queued(cli.app.uow(), queue_id=queue_id, into=target, lang=cli.lang)
        why = ", ".join(cli.t(REASONS.get(reason, reason)) for reason in outcome.why)
        cli.say(
            "Record {queue} joined #{id} {name}: {why}",
            queue=queue_id,
            id=outcome.person_id,
            name=outcome.name,
            why=why or cli.t("nothing new"),
        )

    @queue_app.command("add")
    def queue_add(
        ctx: typer.Context,
        ref: Annotated[str, Arg(metavar="ID", help="The queued record's id.")],
    ) -> None:
        """A new person: add the record as a person of their own, as an import would."""
        cli = ctx_of(ctx)
        queue_id = _queue_id(ref)
        person_id = queue.add_queued(cli.app.uow(), queue_id=queue_id, lang=cli.lang)
        cli.say("Record {queue} added as #{id}.", queue=queue_id, id=person_id)

"""Follow-up commands: followup list, done, snooze, reschedule, clear, undo-clear."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from kinmyaku.cli.context import CliContext, ctx_of, print_json
from kinmyaku.services import followups as svc

Opt = typer.Option
Key = Annotated[
    str,
    typer.Argument(help="ID from `kinmyaku due`: i12 (logged), e7, p7 (person), r5 (request)."),
]
SOURCE_LABELS = {
    "logged": "Follow-up",
    "event": "Thank-you after the event",
    "cadence": "Time to get in touch",
}


def _now(cli: CliContext) -> datetime:
    from kinmyaku.cli.insights import now_of

    return now_of(cli)


def item_json(item: svc.DueItem) -> dict[str, Any]:
    """One follow-up as JSON-ready data."""
    return {
        "id": item.key,
        "source": item.source,
        "person_id": item.person_id,
        "name": item.name,
        "what": item.what,
        "kind": item.kind,
        "due_on": item.due_on.isoformat(),
        "overdue": item.overdue,
        "days": item.days,
        "event_id": item.event_id,
    }


def agenda_json(agenda: svc.Agenda) -> dict[str, Any]:
    """The follow-up list as JSON-ready data, with the counts."""
    return {
        "counts": agenda.counts,
        "overdue": [item_json(d) for d in agenda.overdue],
        "this_week": [item_json(d) for d in agenda.upcoming],
    }


def _what(cli: CliContext, item: svc.DueItem) -> str:
    if item.source == "request":
        label = cli.t("I owe") if item.kind == "theirs" else cli.t("I asked")
    else:
        label = cli.t(SOURCE_LABELS[item.source])
    return cli.t("{label}: {what}", label=label, what=item.what) if item.what else label


def print_agenda(cli: CliContext, agenda: svc.Agenda) -> None:
    """Print the overdue and this week's follow-ups as two tables with their counts."""
    shown = agenda.shown  # "50+" for a list cut at the limit
    sections = (
        ("Overdue ({n})", agenda.overdue, True, shown["overdue"]),
        ("Due this week ({n})", agenda.upcoming, False, shown["this_week"]),
    )
    for heading, items, late, count in sections:
        cli.say(heading, n=count)
        if not items:
            cli.say("Nothing here.")
            continue
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for title in ("ID", cli.t("Person"), cli.t("What"), cli.t("Due")):
            table.add_column(title, overflow="fold")
        for d in items:
            when = d.due_on.isoformat()
            if late:
                late_by = cli.t("{n} days late", n=d.days) if d.days else cli.t("due today")
                when = f"[red]{when} ({late_by})[/red]"
            table.add_row(d.key, d.name, _what(cli, d), when)
        cli.console.print(table)
    if agenda.items():
        cli.say("Act on one: kinmyaku followup done ID, or snooze ID --days 7")


def register(app: typer.Typer) -> None:
    """Add the ``followup`` command group to the app."""
    group = typer.Typer(
        help="Follow-ups that come due: list, done, snooze, reschedule, clear.",
        no_args_is_help=True,
    )
    app.add_typer(group, name="followup")

    @group.command("list")
    def followup_list(
        ctx: typer.Context, as_json: Annotated[bool, Opt("--json", help="Print JSON.")] = False
    ) -> None:
        """Follow-ups from every source: overdue, then due this week."""
        cli = ctx_of(ctx)
        agenda = svc.list_followups(cli.app.uow(), today=cli.app.today(), now=_now(cli))
        if as_json:
            print_json(agenda_json(agenda))
            return
        print_agenda(cli, agenda)

    @group.command("done")
    def followup_done(
        ctx: typer.Context, keys: Annotated[list[str], typer.Argument(help="One or more IDs.")]
    ) -> None:
        """Mark follow-ups done (a request closes; a person counts as contacted today)."""
        cli = ctx_of(ctx)
        for key in keys:
            svc.complete_followup(cli.app.uow(), key=key, today=cli.app.today())
            cli.say("Done: {key}", key=key)

    @group.command("snooze")
    def followup_snooze(
        ctx: typer.Context,
        key: Key,
        days: Annotated[int | None, Opt("--days", min=1, help="Put off this many days.")] = None,
        until: Annotated[str | None, Opt("--until", help="Put off until this date.")] = None,
    ) -> None:
        """Put a follow-up off by some days (default 1) or until a date."""
        cli = ctx_of(ctx)
        day = cli.date_arg(until, "until")
        if day is None and days is None:
            days = 1
        to = svc.snooze_followup(
            cli.app.uow(), key=key, today=cli.app.today(), days=days, until=day
        )
        cli.say("Snoozed until {until}", until=to.isoformat())

    @group.command("reschedule")
    def followup_reschedule(
        ctx: typer.Context,
        key: Key,
        on: Annotated[str, typer.Argument(help="New date (YYYY-MM-DD, +7, tomorrow).")],
    ) -> None:
        """Move a follow-up to another day."""
        cli = ctx_of(ctx)
        day = cli.date_arg(on, "date")
        assert day is not None
        to = svc.move_followup(cli.app.uow(), key=key, to=day, today=cli.app.today())
        cli.say("Moved to {date}", date=to.isoformat())

    @group.command("clear")
    def followup_clear(
        ctx: typer.Context,
        before: Annotated[str, Opt("--before", help="Clear what was due before this date.")],
        yes: Annotated[bool, Opt("--yes", help="Do not ask for confirmation.")] = False,
    ) -> None:
        """Mark old follow-ups done and drop past request due dates (undo-clear puts back)."""
        cli = ctx_of(ctx)
        day = cli.date_arg(before, "before")
        assert day is not None
        found = svc.count_clearable(cli.app.uow(), before=day)
        if not found.total:
            cli.say("Nothing due before {date}.", date=day.isoformat())
            return
        question = cli.t(
            "Clear {followups} follow-ups and {requests} request due dates before {date}?",
            followups=found.followups,
            requests=found.requests,
            date=day.isoformat(),
        )
        if not yes and not typer.confirm(question, default=False):
            cli.say("Nothing cleared.")
            return
        done = svc.clear_followups(cli.app.uow(), before=day, today=cli.app.today(), now=_now(cli))
        cli.say(
            "Cleared {followups} follow-ups and {requests} request due dates "
            "(undo: kinmyaku followup undo-clear)",
            followups=done.followups,
            requests=done.requests,
        )

    @group.command("undo-clear")
    def followup_undo_clear(ctx: typer.Context) -> None:
        """Put back what the latest clear changed."""
        cli = ctx_of(ctx)
        back = svc.undo_clear(cli.app.uow())
        cli.say(
            "Put back {followups} follow-ups and {requests} request due dates",
            followups=back.followups,
            requests=back.requests,
        )

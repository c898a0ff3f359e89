"""Commands about events: event add, event list, event show."""

from __future__ import annotations

from typing import Annotated

import typer

from kinmyaku.cli.context import ctx_of, print_json
from kinmyaku.cli.render import people_table
from kinmyaku.services import events as svc

Opt = typer.Option


def register(app: typer.Typer) -> None:
    """Add the ``event`` command group to the app."""
    event_app = typer.Typer(
        help="Events (異業種交流会, parties, seminars) and who I met there.", no_args_is_help=True
    )
    app.add_typer(event_app, name="event")

    @event_app.command("add")
    def event_add(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="Name of the event.")],
        on: Annotated[str | None, Opt("--date", help="Date (YYYY-MM-DD); default today.")] = None,
        kind: Annotated[
            str, Opt(help="meetup, party, seminar, conference, study, other.")
        ] = "meetup",
        place: Annotated[str, Opt(help="Where.")] = "",
        goal: Annotated[str, Opt(help="My goal, e.g. 'talk to 10 people'.")] = "",
        goal_count: Annotated[
            int | None, Opt("--goal-count", help="How many people I want to meet.")
        ] = None,
    ) -> None:
        """Add an event with my goal for it."""
        cli = ctx_of(ctx)
        event_id = svc.add_event(
            cli.app.uow(),
            name=name,
            on=cli.date_arg(on, "date") or cli.app.today(),
            kind=kind,
            place=place,
            goal=goal,
            goal_count=goal_count,
        )
        cli.say("Added event #{id}", id=event_id)
        cli.say(
            "Record people met there: kinmyaku met PERSON --event {id} --cue '...'", id=event_id
        )

    @event_app.command("list")
    def event_list(
        ctx: typer.Context,
        limit: Annotated[int | None, Opt(help="At most this many.")] = None,
        json_out: Annotated[bool, Opt("--json")] = False,
    ) -> None:
        """Events, newest first, with how many people I met at each."""
        cli = ctx_of(ctx)
        rows = svc.list_events(cli.app.uow(), limit=limit)
        if json_out:
            print_json([e.to_json() for e in rows])
            return
        for e in rows:
            goal = f"/{e.goal_count}" if e.goal_count else ""
            cli.console.print(
                f"#{e.id} {e.date} {e.name} ({cli.t(e.kind)}) {cli.t('met')} {e.met_count}{goal}",
                highlight=False,
            )
        if not rows:
            cli.say("No events yet.")

    @event_app.command("show")
    def event_show(
        ctx: typer.Context,
        event_id: Annotated[int, typer.Argument(help="Event id.")],
        json_out: Annotated[bool, Opt("--json")] = False,
    ) -> None:
        """One event: my goal against the people met there."""
        cli = ctx_of(ctx)
        event = svc.show_event(cli.app.uow(), event_id)
        if json_out:
            print_json(event.to_json())
            return
        cli.console.print(f"[bold]{event.name}[/bold] {event.date} {event.place}", highlight=False)
        if event.goal or event.goal_count:
            cli.say(
                "Goal: {goal} — met {met} of {target}",
                goal=event.goal,
                met=event.met_count,
                target=event.goal_count or "-",
            )
        people_table(cli, event.people)

"""Commands of the networking method: met, log, give, receive, request, purpose, link."""

from __future__ import annotations

from typing import Annotated

import typer

from kinmyaku.cli.context import ctx_of, print_json
from kinmyaku.services import relations as svc
from kinmyaku.services.today import met_day

Opt = typer.Option
Person = Annotated[str, typer.Argument(help="PERSON: an id or a name in any spelling.")]
KINDS_HELP = "introduction, advice, referral, lead, help, information, gift, other."
DateOpt = Annotated[str | None, Opt("--date", help="Date (YYYY-MM-DD); default today.")]


def register(app: typer.Typer) -> None:
    """Add the networking-method commands to the app."""

    @app.command()
    def met(
        ctx: typer.Context,
        person: Person,
        on: DateOpt = None,
        channel: Annotated[
            str, Opt(help="introduction, event, social, work, school, other.")
        ] = "other",
        by: Annotated[str | None, Opt("--by", help="Introducer (PERSON).")] = None,
        event: Annotated[int | None, Opt(help="Event id (see: kinmyaku event list).")] = None,
        place: Annotated[str, Opt(help="Where.")] = "",
        cue: Annotated[str, Opt("--cue", help="Memory cue / first impression.")] = "",
    ) -> None:
        """Record how we met (出会い): when (default: the event's day), channel, introducer, cue."""
        cli = ctx_of(ctx)
        person_id = cli.person(person)
        introducer = cli.person(by) if by else None
        encounter = svc.record_encounter(
            cli.app.uow(),
            person_id=person_id,
            on=met_day(
                cli.app.uow(), on=cli.date_arg(on, "date"), event_id=event, today=cli.app.today()
            ),
            channel=channel,
            introducer_id=introducer,
            event_id=event,
            place=place,
            memory_cue=cue,
        )
        cli.say("Recorded encounter #{id}", id=encounter)

    @app.command()
    def log(
        ctx: typer.Context,
        people: Annotated[list[str], typer.Argument(help="One or more PERSONs.")],
        kind: Annotated[str, Opt(help="meeting, meal, call, message, email, event.")] = "meeting",
        summary: Annotated[str, Opt("--summary", "-m", help="What we talked about.")] = "",
        on: DateOpt = None,
        follow_up: Annotated[
            str | None,
            Opt("--follow-up", help="Follow-up date (YYYY-MM-DD, or +7, +2w, tomorrow)."),
        ] = None,
    ) -> None:
        """Log an interaction (接点) with one or more people."""
        cli = ctx_of(ctx)
        ids = [cli.person(p) for p in people]
        interaction = svc.log_interaction(
            cli.app.uow(),
            person_ids=ids,
            on=cli.date_arg(on, "date") or cli.app.today(),
            kind=kind,
            summary=summary,
            follow_up_on=cli.date_arg(follow_up, "follow_up"),
        )
        cli.say("Logged interaction #{id}", id=interaction)

    def _exchange(
        ctx: typer.Context,
        person: str,
        direction: str,
        kind: str,
        weight: int,
        note: str,
        on: str | None,
    ) -> None:
        cli = ctx_of(ctx)
        exchange = svc.record_exchange(
            cli.app.uow(),
            person_id=cli.person(person),
            on=cli.date_arg(on, "date") or cli.app.today(),
            direction=direction,
            kind=kind,
            weight=weight,
            note=note,
        )
        if direction == "gave":
            cli.say("Recorded what you gave (#{id})", id=exchange)
        else:
            cli.say("Recorded what you received (#{id})", id=exchange)

    @app.command()
    def give(
        ctx: typer.Context,
        person: Person,
        kind: Annotated[str, Opt(help=KINDS_HELP)] = "help",
        weight: Annotated[int, Opt(help="1 (small) to 5 (large).")] = 1,
        note: Annotated[str, Opt("--note", "-m")] = "",
        on: DateOpt = None,
    ) -> None:
        """Record something I gave (ギブ)."""
        _exchange(ctx, person, "gave", kind, weight, note, on)

    @app.command()
    def receive(
        ctx: typer.Context,
        person: Person,
        kind: Annotated[str, Opt(help=KINDS_HELP)] = "help",
        weight: Annotated[int, Opt(help="1 (small) to 5 (large).")] = 1,
        note: Annotated[str, Opt("--note", "-m")] = "",
        on: DateOpt = None,
    ) -> None:
        """Record something I received (テイク)."""
        _exchange(ctx, person, "received", kind, weight, note, on)

    request_app = typer.Typer(
        help="Requests (依頼): mine of others and theirs of me.", no_args_is_help=True
    )
    app.add_typer(request_app, name="request")

    @request_app.command("add")
    def request_add(
        ctx: typer.Context,
        person: Person,
        what: Annotated[str, typer.Argument(help="What was asked.")],
        theirs: Annotated[
            bool, Opt("--theirs/--mine", help="--theirs: they asked me; --mine: I asked them.")
        ] = True,
        due: Annotated[str | None, Opt(help="Due date (YYYY-MM-DD, or +7, +2w, tomorrow).")] = None,
        on: DateOpt = None,
    ) -> None:
        """Record a request: by default one they made of me (--mine for mine of them)."""
        cli = ctx_of(ctx)
        request = svc.open_request(
            cli.app.uow(),
            person_id=cli.person(person),
            side="theirs" if theirs else "mine",
            what=what,
            asked_on=cli.date_arg(on, "date") or cli.app.today(),
            due_on=cli.date_arg(due, "due"),
        )
        cli.say("Recorded request #{id}", id=request)

    def _close(
        ctx: typer.Context, request_id: int, status: str, outcome: str, on: str | None
    ) -> None:
        cli = ctx_of(ctx)
        svc.update_request(
            cli.app.uow(),
            request_id=request_id,
            status=status,
            outcome=outcome,
            on=cli.date_arg(on, "date") or cli.app.today(),
        )
        cli.say("Request #{id}: {status}", id=request_id, status=cli.t(status))

    @request_app.command("done")
    def request_done(
        ctx: typer.Context,
        request_id: int,
        outcome: Annotated[str, Opt("--outcome", "-m")] = "",
        on: DateOpt = None,
    ) -> None:
        """Close a request as done, with its outcome."""
        _close(ctx, request_id, "done", outcome, on)

    @request_app.command("decline")
    def request_decline(
        ctx: typer.Context,
        request_id: int,
        outcome: Annotated[str, Opt("--outcome", "-m")] = "",
        on: DateOpt = None,
    ) -> None:
        """Close a request as declined."""
        _close(ctx, request_id, "declined", outcome, on)

    @request_app.command("start")
    def request_start(ctx: typer.Context, request_id: int) -> None:
        """Mark a request as in progress."""
        _close(ctx, request_id, "in_progress", "", None)

    @request_app.command("list")
    def request_list(
        ctx: typer.Context,
        all_: Annotated[bool, Opt("--all", help="Closed ones too.")] = False,
        json_out: Annotated[bool, Opt("--json")] = False,
    ) -> None:
        """Requests, open ones first, by due date."""
        cli = ctx_of(ctx)
        rows = svc.list_requests(cli.app.uow(), include_closed=all_)
        if json_out:
            print_json(rows)
            return
        for r in rows:
            due = f" {cli.t('due')} {r['due_on']}" if r["due_on"] else ""
            cli.console.print(
                f"#{r['id']} [{cli.t(r['status'])}] {cli.t(r['side'] + ' request')} "
                f"{r['name']}: {r['what']}{due}",
                highlight=False,
                markup=False,
            )
        if not rows:
            cli.say("No requests.")

    @app.command()
    def purpose(
        ctx: typer.Context,
        person: Person,
        category: Annotated[
            str, Opt(help="learn, partner, client, mentor, peer, friend, hire, other.")
        ] = "peer",
        goal: Annotated[str, Opt(help="The goal of this relationship, in words.")] = "",
        offer: Annotated[str, Opt(help="What I can offer them.")] = "",
        cadence: Annotated[int | None, Opt(help="Touch base every N days.")] = None,
    ) -> None:
        """Set the purpose (目的) of a relationship: why, what I offer, how often to touch base."""
        cli = ctx_of(ctx)
        svc.set_purpose(
            cli.app.uow(),
            person_id=cli.person(person),
            category=category,
            goal=goal,
            offer=offer,
            cadence_days=cadence,
        )
        cli.say("Purpose saved")

    @app.command()
    def link(
        ctx: typer.Context,
        a: Annotated[str, typer.Argument(help="PERSON A.")],
        b: Annotated[str, typer.Argument(help="PERSON B.")],
        kind: Annotated[str, Opt(help="knows, colleague, introduced (by me).")] = "knows",
        on: Annotated[str | None, Opt("--date", help="Since when they are connected.")] = None,
        outcome: Annotated[str, Opt(help="Outcome (for an introduction).")] = "",
    ) -> None:
        """Record that two people I know are connected."""
        cli = ctx_of(ctx)
        link_id = svc.link_people(
            cli.app.uow(),
            person_a=cli.person(a),
            person_b=cli.person(b),
            kind=kind,
            on=cli.date_arg(on, "date"),
            outcome=outcome,
        )
        cli.say("Linked (#{id})", id=link_id)

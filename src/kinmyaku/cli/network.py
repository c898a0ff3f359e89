"""Network commands: path, match, introduce, intro (the ledger), brokers."""

from __future__ import annotations

from typing import Annotated

import typer

from kinmyaku.cli.context import CliContext, ctx_of, print_json
from kinmyaku.services import introductions as intro_svc
from kinmyaku.services import network as svc

Opt = typer.Option
JsonOpt = Annotated[bool, Opt("--json", help="Print JSON instead of text.")]
IdArg = Annotated[int, typer.Argument(help="Introduction id (see: kinmyaku intro list).")]
DateOpt = Annotated[str | None, Opt("--date", help="Date (YYYY-MM-DD); default today.")]


def _move(ctx: typer.Context, introduction_id: int, state: str, on: str | None, note: str) -> None:
    cli = ctx_of(ctx)
    intro_svc.move_introduction(
        cli.app.uow(),
        introduction_id=introduction_id,
        state=state,
        on=cli.date_arg(on, "date") or cli.app.today(),
        outcome=note,
    )
    cli.say("Introduction #{id} is now {state}", id=introduction_id, state=cli.t(state))


def _print_paths(cli: CliContext, target: svc.Target, paths: list[svc.PathView]) -> None:
    cli.say("Paths to {target} ({kind}):", target=target.label, kind=cli.t(target.kind))
    if not paths:
        cli.say("No warm path found within four hand-overs.")
    for number, path in enumerate(paths, start=1):
        cli.console.print(f"{number}. {path.explanation(cli.lang)}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the network commands to the app."""

    @app.command()
    def path(
        ctx: typer.Context,
        target: Annotated[
            str,
            typer.Argument(
                help="A person, org:NAME, industry:NAME or skill:WORD (kind detected if no prefix)."
            ),
        ],
        limit: Annotated[int, Opt("--limit", "-k", help="How many paths.")] = 3,
        as_json: JsonOpt = False,
    ) -> None:
        """The best warm paths from me to a person, organisation, industry or skill (紹介ルート)."""
        cli = ctx_of(ctx)
        aim, paths = svc.find_paths(
            cli.app.uow(), target=target, today=cli.app.today(), limit=limit, lang=cli.lang
        )
        if as_json:
            print_json([p.to_json(cli.lang) for p in paths])
        else:
            _print_paths(cli, aim, paths)

    @app.command()
    def match(
        ctx: typer.Context,
        limit: Annotated[int, Opt("--limit", "-n", help="How many pairs.")] = 20,
        as_json: JsonOpt = False,
    ) -> None:
        """Pairs of people I know where one's offer meets the other's need (引き合わせ)."""
        cli = ctx_of(ctx)
        matches = svc.find_introduction_matches(cli.app.uow(), today=cli.app.today(), limit=limit)
        if as_json:
            print_json(matches)
            return
        if not matches:
            cli.say("No matching pairs yet: add offers and needs to people.")
        for m in matches:
            gives = ", ".join(m["a_gives_b"] + m["b_gives_a"])
            cli.console.print(
                f"#{m['a']['id']} {m['a']['name']} ⇄ #{m['b']['id']} {m['b']['name']}"
                f"  [{gives}]  {m['score']:.2f}",
                highlight=False,
            )

    @app.command()
    def introduce(
        ctx: typer.Context,
        a: Annotated[str, typer.Argument(help="PERSON A.")],
        b: Annotated[str, typer.Argument(help="PERSON B.")],
        why: Annotated[str, Opt("--why", help="Why they should meet.")] = "",
        on: DateOpt = None,
    ) -> None:
        """Start an introduction I make between two people (紹介), double opt-in."""
        cli = ctx_of(ctx)
        new = intro_svc.propose_introduction(
            cli.app.uow(),
            person_a=cli.person(a),
            person_b=cli.person(b),
            on=cli.date_arg(on, "date") or cli.app.today(),
            why=why,
        )
        cli.say("Proposed introduction #{id}", id=new)

    intro_app = typer.Typer(help="The introductions ledger (紹介台帳).", no_args_is_help=True)
    app.add_typer(intro_app, name="intro")

    @intro_app.command("list")
    def intro_list(
        ctx: typer.Context,
        closed: Annotated[bool, Opt("--all", help="Include made and declined ones.")] = False,
        as_json: JsonOpt = False,
    ) -> None:
        """Introductions I make, open ones first."""
        cli = ctx_of(ctx)
        rows = intro_svc.list_introductions(cli.app.uow(), include_closed=closed)
        if as_json:
            print_json(rows)
            return
        if not rows:
            cli.say("No introductions.")
        for r in rows:
            cli.console.print(
                f"#{r['id']} {r['date']} {r['a']['name']} ⇄ {r['b']['name']}"
                f"  {cli.t(r['state'])}  {r['why']}",
                highlight=False,
            )

    @intro_app.command("ask")
    def intro_ask(ctx: typer.Context, introduction_id: IdArg, on: DateOpt = None) -> None:
        """Record that I asked the next person (A first, then B) whether they agree."""
        cli = ctx_of(ctx)
        state = intro_svc.ask_next(
            cli.app.uow(),
            introduction_id=introduction_id,
            on=cli.date_arg(on, "date") or cli.app.today(),
        )
        cli.say("Introduction #{id} is now {state}", id=introduction_id, state=cli.t(state))

    @intro_app.command("agree")
    def intro_agree(ctx: typer.Context, introduction_id: IdArg, on: DateOpt = None) -> None:
        """Record that both people agreed to be introduced."""
        _move(ctx, introduction_id, "agreed", on, "")

    @intro_app.command("done")
    def intro_done(
        ctx: typer.Context,
        introduction_id: IdArg,
        outcome: Annotated[str, Opt("--outcome", help="What came of it.")] = "",
        on: DateOpt = None,
    ) -> None:
        """Record that the introduction was made (counts as giving to both)."""
        _move(ctx, introduction_id, "introduced", on, outcome)

    @intro_app.command("decline")
    def intro_decline(
        ctx: typer.Context,
        introduction_id: IdArg,
        outcome: Annotated[str, Opt("--outcome", help="Why not.")] = "",
        on: DateOpt = None,
    ) -> None:
        """Record that someone declined: the introduction is closed."""
        _move(ctx, introduction_id, "declined", on, outcome)

    @app.command()
    def brokers(
        ctx: typer.Context,
        limit: Annotated[int, Opt("--limit", "-n", help="How many connectors.")] = 10,
        as_json: JsonOpt = False,
    ) -> None:
        """Connectors who bridge parts of my network, and its clusters (橋渡し役)."""
        cli = ctx_of(ctx)
        found = svc.find_brokers(cli.app.uow(), today=cli.app.today(), limit=limit)
        if as_json:
            print_json(found)
            return
        cli.say("Connectors:")
        for c in found["connectors"]:
            cli.console.print(
                f"#{c['id']} {c['name']}  {c['betweenness']:.3f}  "
                + cli.t("{count} clusters", count=c["clusters_reached"]),
                highlight=False,
            )
        cli.say("Clusters:")
        for cluster in found["clusters"]:
            names = ", ".join(p["name"] for p in cluster["sample"])
            cli.console.print(
                cli.t("{count} people", count=cluster["size"]) + f": {names}", highlight=False
            )

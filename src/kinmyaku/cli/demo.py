"""The ``demo`` command: fill a database with a realistic demo network."""

from __future__ import annotations

from typing import Annotated

import typer

from kinmyaku.cli.context import ctx_of, print_json
from kinmyaku.services.demo import generate_demo

Opt = typer.Option


def register(app: typer.Typer) -> None:
    """Add the demo command to the app."""

    @app.command()
    def demo(
        ctx: typer.Context,
        people: Annotated[int, Opt("--people", help="How many people to create.")] = 200,
        seed: Annotated[int, Opt("--seed", help="Random seed: the same seed, the same data.")] = 1,
        replace: Annotated[
            bool, Opt("--replace", help="Delete everything in the database first.")
        ] = False,
        json_out: Annotated[bool, Opt("--json", help="Print the summary as JSON.")] = False,
    ) -> None:
        """Fill the database with a realistic demo network (the same seed, the same data)."""
        cli = ctx_of(ctx)
        if not json_out:
            cli.say(
                "Creating a demo network of {people} people (seed {seed})...",
                people=people,
                seed=seed,
            )
        summary = generate_demo(
            cli.app.uow(), people=people, seed=seed, today=cli.app.today(), replace=replace
        )
        if json_out:
            print_json(summary.to_json())
            return
        cli.say("Demo network ready in {seconds} s:", seconds=f"{summary.seconds:.1f}")
        counts = summary.to_json()
        cli.say("  {people} people, {companies} companies, {events} events", **counts)
        cli.say(
            "  {interactions} interactions, {exchanges} exchanges, {requests} requests", **counts
        )
        cli.say("Try next: kinmyaku search 高橋, kinmyaku list")

"""The browsers logged in to the web app: sessions, sessions revoke ID, sessions revoke --all."""

from __future__ import annotations

from typing import Annotated

import typer

from kinmyaku.cli.context import CliContext, ctx_of, print_json
from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.services import sessions

Opt = typer.Option
Arg = typer.Argument


def _session_id(ref: str) -> int:
    """A session's id, as 3 or #3."""
    if not ref.lstrip("#").isdigit():
        raise KinmyakuError("'{value}' is not the id of a session", value=ref)
    return int(ref.lstrip("#"))


def _list(cli: CliContext, json_out: bool) -> None:
    found = sessions.list_sessions(cli.app.uow())
    if json_out:
        print_json(
            [
                {
                    "id": s.id,
                    "device": s.device,
                    "ip": s.ip,
                    "created_at": s.created_at.isoformat() + "Z",
                    "last_seen": s.last_seen.isoformat() + "Z",
                }
                for s in found
            ]
        )
        return
    if not found:
        cli.say("No browser is logged in.")
        return
    for s in found:
        cli.console.print(
            f"#{s.id}  {sessions.device_text(cli.lang, s.device)}  {s.ip or '-'}  "
            + cli.t(
                "last seen {when}, logged in {date}",
                when=sessions.seen_text(cli.lang, s.last_seen),
                date=s.created_at.date().isoformat(),
            ),
            highlight=False,
            markup=False,
        )
    cli.say(
        "{count} logged in. Log one out with: kinmyaku sessions revoke ID (or --all)",
        count=len(found),
    )


def register(app: typer.Typer) -> None:
    """Add the ``sessions`` command group (the browsers logged in to the web app)."""
    sessions_app = typer.Typer(help="The browsers logged in to the web app, and logging them out.")
    app.add_typer(sessions_app, name="sessions")

    @sessions_app.callback(invoke_without_command=True)
    def sessions_list(
        ctx: typer.Context,
        json_out: Annotated[bool, Opt("--json", help="Print JSON instead of text.")] = False,
    ) -> None:
        """List the logged-in browsers: device, address, when last seen."""
        if ctx.invoked_subcommand is None:
            _list(ctx_of(ctx), json_out)

    @sessions_app.command("revoke")
    def sessions_revoke(
        ctx: typer.Context,
        ref: Annotated[
            str | None, Arg(metavar="ID", help="The session's id (from kinmyaku sessions).")
        ] = None,
        every: Annotated[bool, Opt("--all", help="Log out every browser.")] = False,
    ) -> None:
        """Log a browser out (a running server notices within a few seconds)."""
        cli = ctx_of(ctx)
        if every == (ref is not None):
            cli.fail(cli.t("Give either a session id or --all"))
        if every:
            count = sessions.end_all_sessions(cli.app.uow())
            cli.say("Logged out {count} browsers.", count=count)
            return
        assert ref is not None
        session_id = _session_id(ref)
        sessions.end_session(cli.app.uow(), session_id=session_id)
        cli.say("Session #{id} is logged out.", id=session_id)

"""Two-way sync with CardDAV address books: ``sync add | list | remove | run | every | log``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kinmyaku.cli.context import CliContext, ctx_of, print_json

Opt = typer.Option
Arg = typer.Argument


def _stamp(value: Any) -> str | None:
    return value.isoformat() + "Z" if value else None


def _error_text(cli: CliContext, error: Any) -> str:
    return cli.t(error.msgid, **error.params)


def register(app: typer.Typer) -> None:
    """Add the ``sync`` command group (kinmyaku as a client of a CardDAV address book)."""
    group = typer.Typer(help="Sync people both ways with a CardDAV address book (Radicale ...).")
    app.add_typer(group, name="sync")

    @group.command("add")
    def sync_add(
        ctx: typer.Context,
        url: Annotated[str, Arg(help="The address book's URL (or the server's).")],
        user: Annotated[str, Opt("--user", help="The user name on that server.")],
        password_file: Annotated[
            Path, Opt("--password-file", help="A file holding the password (first line).")
        ],
        name: Annotated[
            str, Opt("--name", help="What to call the account (default USER@HOST).")
        ] = "",
    ) -> None:
        """Keep an address book to sync with (the password is never backed up or printed)."""
        from kinmyaku.services.dav_client_accounts import add_account

        cli = ctx_of(ctx)
        try:
            password = password_file.read_text(encoding="utf-8").splitlines()[0].strip()
        except (OSError, IndexError, UnicodeDecodeError):
            cli.fail(cli.t("The password file {path} cannot be read", path=str(password_file)))
        account = add_account(cli.app.uow(), url=url, username=user, password=password, name=name)
        cli.say("Added {name}: run kinmyaku sync run {name}", name=account.name)

    @group.command("list")
    def sync_list(
        ctx: typer.Context,
        json_out: Annotated[bool, Opt("--json", help="Print JSON instead of text.")] = False,
    ) -> None:
        """List the address books kept: name, URL, user, last sync."""
        from kinmyaku.services.dav_client_accounts import list_accounts

        cli = ctx_of(ctx)
        found = list_accounts(cli.app.uow())
        if json_out:
            print_json(
                [
                    {
                        "name": a.name,
                        "url": a.url,
                        "username": a.username,
                        "addressbook": a.addressbook,
                        "last_sync": _stamp(a.last_sync),
                    }
                    for a in found
                ]
            )
            return
        if not found:
            cli.say("No address books to sync. Add one with: kinmyaku sync add URL")
            return
        for a in found:
            last = f"{a.last_sync:%Y-%m-%d %H:%M}" if a.last_sync else cli.t("never synced")
            typer.echo(f"{a.name}  {a.url}  {a.username}  {last}")

    @group.command("remove")
    def sync_remove(
        ctx: typer.Context,
        name: Annotated[str, Arg(help="The account's name (from kinmyaku sync list).")],
    ) -> None:
        """Forget an address book and its password (the people stay)."""
        from kinmyaku.services.dav_client_accounts import remove_account

        cli = ctx_of(ctx)
        remove_account(cli.app.uow(), name=name)
        cli.say("{name} is no longer synced.", name=name)

    @group.command("run")
    def sync_run(
        ctx: typer.Context,
        name: Annotated[str | None, Arg(help="Only this account (default: every one).")] = None,
        json_out: Annotated[bool, Opt("--json", help="Print JSON instead of text.")] = False,
    ) -> None:
        """Sync now, both ways: what changed on either side since the last sync."""
        from kinmyaku.services.dav_client import run_sync

        cli = ctx_of(ctx)
        reports = run_sync(cli.app.uow(), name=name)
        if json_out:
            print_json(
                [
                    {
                        "account": r.account,
                        "ok": r.error is None,
                        "counts": r.counts,
                        "conflicts": r.conflicts,
                        "error": _error_text(cli, r.error) if r.error else None,
                    }
                    for r in reports
                ]
            )
        else:
            for r in reports:
                if r.error is not None:
                    typer.echo(f"{r.account}: {_error_text(cli, r.error)}", err=True)
                    continue
                c = r.counts
                cli.say(
                    "{name}: pulled {pulled} new, {changed} changed, {deleted} deleted; "
                    "pushed {new} new, {put} changed, {removed} deleted; {conflicts} conflicts",
                    name=r.account,
                    pulled=c["pulled_new"],
                    changed=c["pulled_changed"],
                    deleted=c["pulled_deleted"],
                    new=c["pushed_new"],
                    put=c["pushed_changed"],
                    removed=c["pushed_deleted"],
                    conflicts=c["conflicts"],
                )
        if any(r.error is not None for r in reports):
            raise typer.Exit(1)

    @group.command("every")
    def sync_every(
        ctx: typer.Context,
        minutes: Annotated[
            int, Arg(help="Minutes between syncs while kinmyaku serve runs (0: never).")
        ],
    ) -> None:
        """Set how often kinmyaku serve syncs every address book (default 15 minutes)."""
        from kinmyaku.services.dav_client_accounts import set_every

        cli = ctx_of(ctx)
        set_every(cli.app.uow(), minutes)
        cli.say("kinmyaku serve syncs every {minutes} minutes (0: never).", minutes=minutes)

    @group.command("log")
    def sync_log_command(
        ctx: typer.Context,
        json_out: Annotated[bool, Opt("--json", help="Print JSON instead of text.")] = False,
    ) -> None:
        """Show the latest syncs: when, which account, what they did or why they failed."""
        from kinmyaku.services.dav_client_accounts import sync_log

        cli = ctx_of(ctx)
        entries = sync_log(cli.app.uow())
        if json_out:
            print_json(
                [
                    {
                        "account": e.account,
                        "started_at": _stamp(e.started_at),
                        "finished_at": _stamp(e.finished_at),
                        "ok": e.ok,
                        "counts": e.counts,
                        "error": cli.t(e.error["msgid"], **e.error["params"]) if e.error else None,
                    }
                    for e in entries
                ]
            )
            return
        for e in entries:
            what = (
                " ".join(f"{k}={v}" for k, v in e.counts.items() if v)
                if e.ok
                else cli.t(e.error["msgid"], **e.error["params"])
                if e.error
                else ""
            )
            typer.echo(f"{e.started_at:%Y-%m-%d %H:%M:%S}  {e.account}  {what}".rstrip())

"""CardDAV app passwords: ``app-password add NAME | list | revoke NAME`` (docs/carddav.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from kinmyaku.cli.context import ctx_of, print_json

Opt = typer.Option
Arg = typer.Argument
DEFAULT_SERVER = "http://127.0.0.1:8765"


def dav_url(server: str) -> str:
    """The address a phone or DAVx5 is given: the server's ``/dav/``."""
    return server.rstrip("/") + "/dav/"


def register(app: typer.Typer) -> None:
    """Add the ``app-password`` command group (passwords for devices that sync contacts)."""
    group = typer.Typer(help="App passwords for phones and address books that sync (CardDAV).")
    app.add_typer(group, name="app-password")

    @group.command("add")
    def app_password_add(
        ctx: typer.Context,
        name: Annotated[str, Arg(help="The device's name (e.g. iPhone); its user name too.")],
        server: Annotated[
            str, Opt(help="The address the device reaches kinmyaku at.")
        ] = DEFAULT_SERVER,
        json_out: Annotated[bool, Opt("--json", help="Print JSON instead of text.")] = False,
    ) -> None:
        """Make an app password for a device (shown once: write it into the device now)."""
        from kinmyaku.services.app_passwords import add_app_password

        cli = ctx_of(ctx)
        made = add_app_password(cli.app.uow(), name=name)
        url = dav_url(server)
        if json_out:
            print_json(
                {"name": made.name, "username": made.name, "password": made.password, "url": url}
            )
            return
        cli.say("App password for {name} (shown only now):", name=made.name)
        typer.echo(f"  URL:      {url}")
        typer.echo(f"  {cli.t('User name')}: {made.name}")
        typer.echo(f"  {cli.t('Password')}: {made.password}")

    @group.command("list")
    def app_password_list(
        ctx: typer.Context,
        json_out: Annotated[bool, Opt("--json", help="Print JSON instead of text.")] = False,
    ) -> None:
        """List the app passwords: name, made, last used, revoked."""
        from kinmyaku.services.app_passwords import list_app_passwords

        cli = ctx_of(ctx)
        found = list_app_passwords(cli.app.uow())
        if json_out:
            print_json(
                [
                    {
                        "name": p.name,
                        "created_at": p.created_at.isoformat() + "Z",
                        "last_used": p.last_used.isoformat() + "Z" if p.last_used else None,
                        "revoked_at": p.revoked_at.isoformat() + "Z" if p.revoked_at else None,
                    }
                    for p in found
                ]
            )
            return
        if not found:
            cli.say("No app passwords. Make one with: kinmyaku app-password add NAME")
            return
        for p in found:
            used = f"{p.last_used:%Y-%m-%d %H:%M}" if p.last_used else cli.t("never used")
            state = cli.t("revoked") if p.revoked_at else ""
            typer.echo(f"{p.name}  {p.created_at:%Y-%m-%d %H:%M}  {used}  {state}".rstrip())

    @group.command("revoke")
    def app_password_revoke(
        ctx: typer.Context,
        name: Annotated[
            str, Arg(help="The app password's name (from kinmyaku app-password list).")
        ],
    ) -> None:
        """Revoke an app password: that device can no longer sync."""
        from kinmyaku.services.app_passwords import revoke_app_password

        cli = ctx_of(ctx)
        revoke_app_password(cli.app.uow(), name=name)
        cli.say("The app password {name} is revoked.", name=name)

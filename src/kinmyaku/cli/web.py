"""Commands of the web app: serve (the browser UI and JSON API) and password (the owner's)."""

from __future__ import annotations

import os
import socket
import sys
from typing import Annotated, Any

import typer

from kinmyaku.cli.context import ctx_of
from kinmyaku.services import auth

Opt = typer.Option


def _listen(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """A listening socket for the workers.

    Made with ``IPPROTO_TCP`` (uvicorn's own leaves the protocol 0), so that asyncio turns
    on TCP_NODELAY for every connection; without it each response waits ~40 ms for a
    delayed ACK. With ``reuse_port`` several such sockets share the port (Linux).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def _worker_sockets(host: str, port: int, workers: int) -> list[socket.socket]:
    """One listening socket a worker where the kernel balances connections between them.

    With one shared socket, whichever worker is awake accepts: 32 connections opened at
    once were split 23 to 9, and the busier worker queued while the other idled. Linux
    spreads connections over ``SO_REUSEPORT`` sockets by a hash of each connection.
    """
    if sys.platform != "linux" or not hasattr(socket, "SO_REUSEPORT"):
        return [_listen(host, port)]
    first = _listen(host, port, reuse_port=True)
    bound_port = first.getsockname()[1]
    return [first] + [_listen(host, bound_port, reuse_port=True) for _ in range(workers - 1)]


def _supervisor(config: Any, sockets: list[socket.socket]) -> Any:
    """uvicorn's worker supervisor, each worker on its own socket when there is one each."""
    from uvicorn.supervisors.multiprocess import Multiprocess, Process

    class SocketPerWorker(Multiprocess):
        def init_processes(self) -> None:
            if len(self.sockets) != self.processes_num:
                super().init_processes()
                return
            for sock in self.sockets:
                process = Process(self.config, [sock])
                process.start()
                self.processes.append(process)

    return SocketPerWorker(config, sockets=sockets)


def register(app: typer.Typer) -> None:
    """Add the web commands to the app."""

    @app.command()
    def serve(
        ctx: typer.Context,
        host: Annotated[
            str,
            Opt(
                help="Address to listen on; 0.0.0.0 reaches phones on your "
                "network (needs an owner password)."
            ),
        ] = "127.0.0.1",
        port: Annotated[int, Opt(help="Port to listen on.")] = 8765,
        workers: Annotated[int, Opt(min=1, max=16, help="Server processes.")] = 1,
    ) -> None:
        """Start the web app (open http://127.0.0.1:8765 in a browser)."""
        import uvicorn

        from kinmyaku.web.app import ENV_HOST, create_app
        from kinmyaku.web.security import is_loopback

        cli = ctx_of(ctx)
        if not is_loopback(host) and not auth.has_password(cli.app.uow()):
            cli.fail(
                cli.t(
                    "Refusing to listen on {host} without an owner password: set one "
                    "with 'kinmyaku password' first.",
                    host=host,
                )
            )
        cli.say(
            "kinmyaku is running at http://{host}:{port} (Ctrl+C stops it)",
            host=host if ":" not in host else f"[{host}]",
            port=port,
        )
        if workers == 1:
            uvicorn.run(
                create_app(cli.app, host=host),
                host=host,
                port=port,
                log_level="warning",
                proxy_headers=False,
            )
            return
        os.environ.update(
            {
                "KINMYAKU_DB": cli.settings.database_url,
                "KINMYAKU_LANG": cli.settings.language,
                ENV_HOST: host,
            }
        )
        config = uvicorn.Config(
            "kinmyaku.web.app:create_app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            proxy_headers=False,
        )
        _supervisor(config, _worker_sockets(host, port, workers)).run()

    @app.command()
    def password(
        ctx: typer.Context,
        remove: Annotated[
            bool,
            Opt(
                "--remove",
                help="Remove the password (a server bound to the network then serves nothing).",
            ),
        ] = False,
    ) -> None:
        """Set the owner password that the web app asks for (stored as an argon2 hash)."""
        cli = ctx_of(ctx)
        if remove:
            auth.clear_password(cli.app.uow())
            cli.say("The owner password was removed.")
            cli.say("Every browser that was logged in is logged out.")
            return
        new = typer.prompt(
            cli.t("New password"), hide_input=True, confirmation_prompt=cli.t("Repeat the password")
        )
        auth.set_password(cli.app.uow(), password=new)
        cli.say("The owner password is set.")
        cli.say("Every browser that was logged in is logged out.")

"""The warm command server behind ``kinmyaku`` read commands (see ``cli/launcher.py``).

``python -m kinmyaku.cli.command_server SOCKET IDLE`` loads the command line, the read
commands and the database drivers once, listens on SOCKET, and forks a child for every
connection.  The child takes the client's stdin, stdout and stderr (passed over the
socket), its folder, environment, umask and arguments, runs ``kinmyaku.cli.main.run()``
and sends back the exit code.  For each PostgreSQL URL its children have used, the server
keeps an initialised engine and one open connection that the next child takes over
(storage/warm.py), the engine's cache already holding ``due``'s compiled statements; SQLite
needs none.  The touch summary of every database its children used is rolled to each new
day in a process forked for it (cli/server_upkeep.py).  It exits after IDLE seconds
without a client, or as soon as its socket file is replaced or removed.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import importlib
import os
import select
import signal
import socket
import struct
import sys
import time
import traceback
from pathlib import Path

from kinmyaku.cli.launcher import starting_marker
from kinmyaku.cli.server_upkeep import DailyRoll, roll_in_child, warm_reads
from kinmyaku.storage import warm
from kinmyaku.storage.database import is_sqlite, postgres_engine

#: Command modules loaded (and their click commands built) before the first client.
READ_MODULES = ("people", "insights", "network", "followups", "events")
MAX_HEADER = 4 * 1024 * 1024


def preload() -> None:
    """Import what the read commands use, so that a forked child starts warm.

    A step that fails is skipped: the child then meets the same error a fresh process
    would, and reports it the same way.
    """
    steps = [
        "sqlalchemy.dialects.sqlite.pysqlite",
        "typer.rich_utils",  # the help's formatter (rich, markdown)
        "kinmyaku.cli.main",
        "kinmyaku.bootstrap",
        "kinmyaku.storage.database",
        "sqlalchemy.dialects.postgresql.psycopg",  # PostgreSQL's driver, when installed
        "psycopg",
        "phonenumbers",  # a phone shown or typed
        "email_validator",  # an e-mail typed
        "pykakasi",  # a reading guessed (its dictionaries load on first use)
        "kinmyaku.services.insights_roll",  # `due`, `stats`: is the summary of today?
        "typer._click.decorators",
        "rich._emoji_codes",  # a table printed (`show`, `list`)
    ]
    for name in steps:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    with contextlib.suppress(Exception):
        # rich's table of character widths, for the newest Unicode (the one it uses unless
        # the caller's UNICODE_VERSION asks another); imported only, so that rich still
        # reads the caller's environment.
        from rich._unicode_data._versions import VERSIONS

        importlib.import_module("rich._unicode_data.unicode" + VERSIONS[-1].replace(".", "-"))
    with contextlib.suppress(Exception):
        import phonenumbers

        phonenumbers.PhoneMetadata.metadata_for_region("JP")  # a phone shown: Japan's rules
    from kinmyaku.cli import lazy
    from kinmyaku.i18n import catalog

    for module in READ_MODULES:
        with contextlib.suppress(Exception):
            # Imports the module and its services; a child takes the built commands as they are.
            lazy.PREBUILT[module] = lazy.module_group(module)
    for lang in ("ja", "en"):
        with contextlib.suppress(Exception):
            catalog(lang)


def _read_request(conn: socket.socket) -> tuple[dict[str, object], list[int]]:
    """The client's header (argv, cwd, env, umask) and its three file descriptors."""
    data, fds, _flags, _addr = socket.recv_fds(conn, 65536, 3)
    if len(data) < 4 or len(fds) != 3:
        raise ValueError("bad request")
    size = struct.unpack("!I", data[:4])[0]
    if size > MAX_HEADER:
        raise ValueError("request too large")
    body = data[4:]
    while len(body) < size:
        chunk = conn.recv(size - len(body))
        if not chunk:
            raise ValueError("short request")
        body += chunk
    header = ast.literal_eval(body.decode("utf-8", "surrogateescape"))
    if not isinstance(header, dict):
        raise ValueError("bad request")
    return header, fds


def _same_user(conn: socket.socket) -> bool:
    """Whether the peer is this server's user (SO_PEERCRED)."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return bool(uid == os.getuid())


def run_child(conn: socket.socket) -> None:
    """In the forked child: become the client's command, run it, report the exit code."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not _same_user(conn):
        return
    header, fds = _read_request(conn)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(str(header["cwd"]))
    env = header["env"]
    assert isinstance(env, dict)
    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in env.items()})
    time.tzset()
    os.umask(int(str(header["umask"])))
    argv = header["argv"]
    assert isinstance(argv, list)
    sys.argv = ["kinmyaku", *map(str, argv)]
    sys.stdout.reconfigure(line_buffering=sys.stdout.isatty())  # type: ignore[union-attr]
    conn.sendall(struct.pack("!q", os.getpid()))
    code = 1
    try:
        from kinmyaku.cli.main import run

        run()
        code = 0
    except SystemExit as stop:
        code = _exit_code(stop.code)
    except KeyboardInterrupt:
        code = 130
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
    conn.sendall(struct.pack("!i", code))


def _exit_code(value: object) -> int:
    """The process exit code ``sys.exit(value)`` gives."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    with contextlib.suppress(Exception):
        sys.stderr.write(f"{value}\n")
    return 1


def _still_ours(path: Path, inode: int) -> bool:
    """Whether the socket file is still the one this server made."""
    try:
        return os.stat(path).st_ino == inode
    except OSError:
        return False


def retire_older(path: Path) -> None:
    """Remove the sockets of this installation's servers for older code: they then exit."""
    installation = path.name.rsplit("-", 1)[0]  # s-INSTALLATION
    for other in path.parent.glob(f"{installation}-*.sock"):
        if other != path:
            with contextlib.suppress(OSError):
                other.unlink()


def freeze_heap() -> None:
    """Keep the garbage collector of the children off what the server has loaded.

    A child's collections otherwise walk every object the server made (its modules, the
    warm engines' compiled statements), writing to their pages as they go: each page the
    child then copies (copy-on-write). Seen as half of a served ``due``'s CPU, twice the
    page faults, in one child of two (where a full collection fell in the command).
    """
    gc.collect()
    gc.freeze()


def serve(path: Path, idle: float) -> None:
    """Listen on ``path`` until idle; fork a child per client."""
    preload()
    freeze_heap()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    partial = path.with_name(f"t{os.getpid()}")  # shorter than the socket's own name
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    listener.bind(str(partial))
    os.chmod(partial, 0o600)
    listener.listen(64)
    os.replace(partial, path)  # two servers at once: the last one wins, the other idles out
    inode = os.stat(path).st_ino
    with contextlib.suppress(OSError):
        Path(starting_marker(str(path))).unlink()
    retire_older(path)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    reports, report_w = os.pipe()  # children name the database URLs they used here
    os.set_blocking(reports, False)
    days = DailyRoll(
        spawn=lambda url, today: roll_in_child(url, today, (listener.fileno(), reports, report_w))
    )
    pending = b""
    last = time.monotonic()
    while True:
        days.run_due()  # each database's summary rolled to a new day, in the background
        soonest = days.wait()
        wait = min(idle, 30.0, 30.0 if soonest is None else soonest)
        readable, _, _ = select.select([listener.fileno(), reports], [], [], wait)
        if reports in readable:
            pending = _prepare_reported(reports, pending, days)
        if listener.fileno() not in readable:
            if not readable:
                if time.monotonic() - last >= idle or not _still_ours(path, inode):
                    break
                warm.refresh()
            continue
        try:
            conn, _ = listener.accept()
        except (BlockingIOError, InterruptedError):
            continue
        last = time.monotonic()
        if os.fork() == 0:
            listener.close()
            os.close(reports)
            warm.serve_child(report_w)
            try:
                run_child(conn)
            except BaseException:
                with contextlib.suppress(Exception):
                    traceback.print_exc()
                warm.release_unused()
                os._exit(1)
            warm.release_unused()
            os._exit(0)
        conn.close()
        warm.given_away()  # the child owns the spares now: open new ones
    listener.close()
    if _still_ours(path, inode):
        with contextlib.suppress(OSError):
            path.unlink()


def _prepare_reported(reports: int, pending: bytes, days: DailyRoll) -> bytes:
    """Read the URLs children reported: each one's summary is rolled to each new day
    (cli/server_upkeep.py); for PostgreSQL, its engine and a spare connection kept ready,
    the engine's cache holding the statements of ``due`` (``warm_reads``).

    Returns the unfinished end of what was read.
    """
    with contextlib.suppress(BlockingIOError, InterruptedError):
        pending += os.read(reports, 65536)
    *urls, pending = pending.split(b"\0")
    for raw in urls:
        url = raw.decode("utf-8", "surrogateescape")
        days.named(url)
        if not _sqlite(url) and warm.prepare(url, postgres_engine, warm_reads):
            freeze_heap()  # the new engine and its compiled statements
    return pending[-warm.MAX_URL_BYTES :]


def _sqlite(url: str) -> bool:
    try:
        return is_sqlite(url)
    except Exception:  # not a URL SQLAlchemy reads: no engine to keep either
        return False


def main() -> None:
    """``python -m kinmyaku.cli.command_server SOCKET IDLE``."""
    path = Path(sys.argv[1])
    idle = float(sys.argv[2]) if len(sys.argv) > 2 else 600.0
    serve(path, idle)


if __name__ == "__main__":
    main()

"""The ``kinmyaku`` console script: commands answered by a warm command server.

Loading kinmyaku (SQLAlchemy alone is about twenty times a bare Python start) costs more
than a search.  As Mercurial's ``chg`` does, the first command starts a small server in
the background that has loaded everything once; later commands connect to it over a Unix
socket, hand it their terminal (stdin, stdout, stderr), arguments, folder and
environment, and a fork of the server runs the command exactly as ``kinmyaku.cli.main``
would, in a process of its own.  This module uses the standard library only, so that
connecting costs a few milliseconds (no json, hashlib or pathlib: each loads more).

Every command goes through the server but the web server and the password prompt
(``NOT_SERVED``); they, and everything when the server cannot be used, run here as
before.  A child that never started (no process id came back) is run here: nothing ran.
``KINMYAKU_COMMAND_SERVER=0`` turns the server off.  The socket lives in a folder only the
user can open, its name carries a digest of the code, the Python and the locale (a changed
.py or .po file starts a new server), the server answers only its own user, and it exits
after ``KINMYAKU_COMMAND_SERVER_IDLE`` seconds (600) unused.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import stat
import struct
import sys
import time
import zlib
from collections.abc import Callable

ENV_SWITCH = "KINMYAKU_COMMAND_SERVER"
ENV_IDLE = "KINMYAKU_COMMAND_SERVER_IDLE"
ENV_RUNTIME = "KINMYAKU_RUNTIME_DIR"
IDLE_SECONDS = 600
MAX_SOCKET_PATH = 100

#: Commands that run in their own process: the web server (its own signals and threads
#: for hours) and the password prompt (hiding what is typed needs the terminal as the
#: process's controlling terminal, which a server's child does not have).
NOT_SERVED = frozenset({"serve", "password"})
#: Global options that take a value (``--db PATH``).
VALUED = frozenset({"--db", "--lang", "--today"})
#: What the server's Python start and output depend on: part of the socket's name.
START_ENV = ("LANG", "LC_ALL", "LC_CTYPE", "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONPATH")

PACKAGE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
SKIPPED_FOLDERS = frozenset({"__pycache__", "static", "templates"})


def command_path(argv: list[str]) -> tuple[str, ...]:
    """The command (and subcommand) named by the arguments, global options skipped."""
    words: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in VALUED:
            skip = True
            continue
        if arg.startswith("-"):
            continue
        words.append(arg)
        if len(words) == 2:
            break
    return tuple(words)


def is_served(argv: list[str]) -> bool:
    """Whether the server may run this command line."""
    if "--help" in argv or "--version" in argv:
        return True
    path = command_path(argv)
    return not path or path[0] not in NOT_SERVED


def code_digest() -> str:
    """A digest of what the server would run: the code, the catalogs, Python, the locale."""
    parts = [sys.executable, sys.version, str(os.getuid())]
    parts += [f"{name}={os.environ.get(name, '')}" for name in START_ENV]
    for entry in sys.path[1:]:  # [0] is the script's or the current folder
        try:  # an installed or removed package changes its folder's time
            parts.append(f"{entry}:{os.stat(entry).st_mtime_ns}")
        except OSError:
            continue
    for folder, subfolders, files in os.walk(PACKAGE):
        subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED_FOLDERS)
        for name in sorted(files):
            if name.endswith((".py", ".po")):
                info = os.stat(os.path.join(folder, name))
                parts.append(f"{folder}/{name}:{info.st_mtime_ns}:{info.st_size}")
    data = "\0".join(parts).encode("utf-8", "surrogateescape")
    # Two CRCs over different halves' orders: a name, not a security check.
    return f"{zlib.crc32(data):08x}{zlib.adler32(data[::-1]):08x}{len(data) & 0xFFFF:04x}"


def runtime_dir() -> str | None:
    """A folder only this user can open, for the socket (None: no safe folder)."""
    base = os.environ.get(ENV_RUNTIME)
    if base:
        folder = base
    elif os.environ.get("XDG_RUNTIME_DIR"):
        folder = os.path.join(os.environ["XDG_RUNTIME_DIR"], "kinmyaku")
    else:
        # Shared /tmp: the folder is used only if it is ours and closed to others (below).
        folder = f"/tmp/kinmyaku-{os.getuid()}"  # noqa: S108
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    private = stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
    if not private or info.st_mode & 0o077:
        return None
    return folder


def checkout_tag() -> str:
    """A short name for this installation of kinmyaku (its folder and Python)."""
    data = f"{PACKAGE}\0{sys.executable}".encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}"


def socket_path() -> str | None:
    """Where the server for this code listens: ``s-INSTALLATION-CODE.sock``."""
    folder = runtime_dir()
    if folder is None:
        return None
    path = os.path.join(folder, f"s-{checkout_tag()}-{code_digest()}.sock")
    # A Unix socket's path has room for about 100 bytes (108 with the final NUL on Linux).
    return path if len(path.encode("utf-8", "surrogateescape")) <= MAX_SOCKET_PATH else None


def run_here() -> None:
    """Run the command in this process (what the console script always did)."""
    from kinmyaku.cli.main import run

    run()


def start_server(path: str) -> None:
    """Start a server for the next command, detached from this terminal.

    ``PATH.starting`` marks a server on its way: commands started meanwhile run here
    without starting a second one.
    """
    import subprocess

    marker = starting_marker(path)
    try:
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    except FileExistsError:
        try:
            if time.time() - os.stat(marker).st_mtime < 60:
                return
            os.unlink(marker)  # a server that never came up: try again
        except OSError:
            return
        return
    except OSError:
        return

    idle = os.environ.get(ENV_IDLE, str(IDLE_SECONDS))
    subprocess.Popen(  # noqa: S603 - this Python, this package, our own socket path
        [sys.executable, "-m", "kinmyaku.cli.command_server", path, idle],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
    )


def _receive(conn: socket.socket, size: int) -> bytes | None:
    """Exactly ``size`` bytes, or None when the server closed first."""
    data = b""
    while len(data) < size:
        try:
            chunk = conn.recv(size - len(data))
        except InterruptedError:
            continue
        if not chunk:
            return None
        data += chunk
    return data


def starting_marker(path: str) -> str:
    """The file that says a server for ``path`` is starting."""
    return path.removesuffix(".sock") + ".starting"


def ask_server(path: str, argv: list[str]) -> int | None:
    """Run the command in the server; its exit code, or None when no server answered."""
    try:
        cwd = os.getcwd()  # a folder removed under the shell: run here, as before
    except OSError:
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
    except OSError:
        conn.close()
        return None
    # A Python literal (the server reads it with ast.literal_eval): no json to load here.
    header = repr({"argv": argv, "cwd": cwd, "env": dict(os.environ), "umask": _umask()}).encode(
        "utf-8", "surrogateescape"
    )
    try:
        socket.send_fds(conn, [struct.pack("!I", len(header)) + header], [0, 1, 2])
        pid_bytes = _receive(conn, 8)
    except OSError:
        pid_bytes = None
    if pid_bytes is None:  # nothing ran: the caller runs the command here
        conn.close()
        return None
    child = struct.unpack("!q", pid_bytes)[0]
    received: list[int] = []
    restore = _forward_signals(child, received)
    code_bytes = _receive(conn, 4)
    conn.close()
    restore()
    if code_bytes is None:
        if received:  # stopped as asked (Ctrl-C, kill): as a process killed by it
            return 128 + received[0]
        sys.stderr.write(
            "kinmyaku: コマンドが最後まで実行されませんでした。繰り返す場合は "
            f"{ENV_SWITCH}=0 を付けて実行してください。\n"
            "kinmyaku: the command stopped before it finished; if this repeats, "
            f"run it with {ENV_SWITCH}=0.\n"
        )
        return 1
    return int(struct.unpack("!i", code_bytes)[0])


def _umask() -> int:
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _forward_signals(child: int, received: list[int]) -> Callable[[], None]:
    """Pass Ctrl-C and friends on to the process running the command; returns an undo."""
    forwarded = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)

    def forward(signum: int, frame: object) -> None:
        received.append(signum)
        with contextlib.suppress(OSError):
            os.kill(child, signum)

    before = {sig: signal.signal(sig, forward) for sig in forwarded}

    def restore() -> None:
        for sig, handler in before.items():
            signal.signal(sig, handler)

    return restore


def main() -> None:
    """Entry point of the ``kinmyaku`` console script."""
    argv = sys.argv[1:]
    usable = (
        os.environ.get(ENV_SWITCH, "1").lower() not in ("0", "off", "no", "false")
        and hasattr(socket, "AF_UNIX")
        and hasattr(socket, "send_fds")
        and hasattr(os, "fork")
    )
    if not usable or not is_served(argv):
        run_here()
        return
    path = socket_path()
    if path is None:
        run_here()
        return
    code = ask_server(path, argv)
    if code is None:
        start_server(path)
        run_here()
        return
    sys.exit(code)

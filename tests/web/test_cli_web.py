"""``kinmyaku password`` and the refusal of ``kinmyaku serve`` on a public address."""

from __future__ import annotations

from typer.testing import CliRunner

from kinmyaku.bootstrap import open_app
from kinmyaku.cli.main import app
from kinmyaku.config import Settings
from kinmyaku.services.auth import check_password, has_password


def test_serve_refuses_a_public_address_without_a_password(sqlite_url: str) -> None:
    runner = CliRunner()
    refused = runner.invoke(app, ["--db", sqlite_url, "--lang", "en", "serve", "--host", "0.0.0.0"])
    assert refused.exit_code == 1
    assert "kinmyaku password" in refused.output
    japanese = runner.invoke(app, ["--db", sqlite_url, "--lang", "ja", "serve", "--host", "::"])
    assert japanese.exit_code == 1 and "オーナーパスワード" in japanese.output


def test_password_is_set_changed_and_removed(sqlite_url: str) -> None:
    runner = CliRunner()
    done = runner.invoke(
        app, ["--db", sqlite_url, "--lang", "en", "password"], input="s3cret-pass\ns3cret-pass\n"
    )
    assert done.exit_code == 0, done.output
    core = open_app(Settings(database_url=sqlite_url))
    assert check_password(core.uow(), password="s3cret-pass")
    short = runner.invoke(app, ["--db", sqlite_url, "--lang", "en", "password"], input="abc\nabc\n")
    assert short.exit_code == 1 and "at least 8 characters" in short.output
    assert check_password(core.uow(), password="s3cret-pass")  # unchanged
    removed = runner.invoke(app, ["--db", sqlite_url, "--lang", "en", "password", "--remove"])
    assert removed.exit_code == 0 and not has_password(core.uow())
    core.close()


def test_each_worker_gets_its_own_socket_on_one_port() -> None:
    import socket
    import sys

    from kinmyaku.cli.web import _worker_sockets

    sockets = _worker_sockets("127.0.0.1", 0, 3)
    try:
        ports = {s.getsockname()[1] for s in sockets}
        assert len(ports) == 1 and 0 not in ports
        if sys.platform == "linux":
            assert len(sockets) == 3
            assert all(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) for s in sockets)
    finally:
        for s in sockets:
            s.close()


def test_serve_with_two_workers_answers_and_stops(sqlite_url: str) -> None:
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kinmyaku = Path(sys.executable).with_name("kinmyaku")
    server = subprocess.Popen(
        [str(kinmyaku), "--db", sqlite_url, "--lang", "ja", "serve", "--port", str(port),
         "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        for _ in range(6):  # new connections, spread over both workers' sockets
            assert httpx.get(base + "/people", timeout=10).status_code == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        assert server.wait(timeout=30) is not None

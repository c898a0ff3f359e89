"""The warm command server (cli/launcher.py, cli/command_server.py), with real processes.

A served read command must print exactly what the same command prints when run in its
own process, with its exit code, its stderr, the caller's folder and environment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kinmyaku.cli import launcher
from kinmyaku.cli.main import app

KINMYAKU = Path(sys.executable).with_name("kinmyaku")

# Asks the server at a given socket (the one the test started: other engineers' edits to
# the code while the tests run would otherwise send the next command to a new server).
ASK = """
import json, sys
from kinmyaku.cli import launcher
code = launcher.ask_server(sys.argv[2], json.loads(sys.argv[1]))
sys.stderr.write("\\nSERVED %s\\n" % ("no" if code is None else code))
"""


@pytest.fixture
def runtime() -> Iterator[Path]:
    # A short path: a Unix socket's name has room for about 100 bytes.
    folder = Path(tempfile.mkdtemp(prefix="km-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)  # its server sees its socket gone and exits


@pytest.fixture
def env(runtime: Path) -> dict[str, str]:
    values = {**os.environ, launcher.ENV_RUNTIME: str(runtime), launcher.ENV_IDLE: "60"}
    values.pop(launcher.ENV_SWITCH, None)
    values.pop("KINMYAKU_LANG", None)
    return values


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "k.sqlite3"
    runner = CliRunner()
    for args in (
        ["add", "高橋", "健太", "--company", "株式会社サンプル", "--email", "kenta@example.jp"],
        ["add", "佐藤", "花子", "--phone", "090-1234-5678"],
    ):
        result = runner.invoke(app, ["--db", str(path), *args])
        assert result.exit_code == 0, result.output
    return path


def kinmyaku(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The console script, as a user runs it."""
    return subprocess.run(
        [str(KINMYAKU), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def wait_for_server(runtime: Path) -> Path:
    """The server's socket, once it listens (a minute: a loaded machine starts it slowly)."""
    for _ in range(600):
        sockets = list(runtime.glob("*.sock"))
        if sockets:
            return sockets[0]
        time.sleep(0.1)
    raise AssertionError("the command server did not start")


def served(args: list[str], env: dict[str, str], cwd: Path) -> tuple[str, str, str]:
    """Ask the running server directly: (stdout, stderr, exit code or 'no')."""
    socket_file = wait_for_server(Path(env[launcher.ENV_RUNTIME]))
    done = subprocess.run(
        [sys.executable, "-c", ASK, json.dumps(args), str(socket_file)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    stderr, _, tail = done.stderr.rpartition("\nSERVED ")
    return done.stdout, stderr, tail.strip()


def started(env: dict[str, str], runtime: Path, db: Path) -> Path:
    """Run one read command (it starts the server) and wait until the server listens."""
    first = kinmyaku(["--db", str(db), "search", "高橋"], env, db.parent)
    assert first.returncode == 0, first.stderr
    return wait_for_server(runtime)


def test_which_commands_are_served() -> None:
    assert launcher.is_served(["--db", "x.sqlite3", "search", "高橋"])
    assert launcher.is_served(["--db=x", "--lang", "en", "show", "1"])
    assert launcher.is_served(["followup", "done", "i1"]) and launcher.is_served(["add", "高橋"])
    assert launcher.is_served(["--help"]) and launcher.is_served(["serve", "--help"])
    assert launcher.is_served([]) and launcher.is_served(["--version"])
    assert not launcher.is_served(["serve", "--port", "8000"])
    assert not launcher.is_served(
        ["--db", "password", "password"]
    )  # --db's value, then the command
    assert not launcher.is_served(["--lang", "en", "password"])


def test_a_served_command_prints_what_it_prints_in_its_own_process(
    env: dict[str, str], runtime: Path, db: Path
) -> None:
    started(env, runtime, db)
    for args in (
        ["--db", str(db), "search", "高橋", "--json"],
        ["--db", str(db), "--lang", "en", "show", "2"],
        ["--db", str(db), "list"],
        ["--lang", "en", "--help"],
    ):
        out, err, code = served(args, env, db.parent)
        alone = kinmyaku(args, {**env, launcher.ENV_SWITCH: "0"}, db.parent)
        assert code == "0", err
        assert out == alone.stdout and out.strip()
    out, err, code = served(["--db", str(db), "search", "高橋", "--json"], env, db.parent)
    assert code == "0", err
    hit = json.loads(out)
    assert [p["name"] for p in hit] == ["高橋 健太"]


def test_errors_keep_their_message_and_exit_code(
    env: dict[str, str], runtime: Path, db: Path
) -> None:
    started(env, runtime, db)
    _, err, code = served(["--db", str(db), "--lang", "en", "show", "999"], env, db.parent)
    assert code == "1"
    assert "999" in err and "Traceback" not in err
    _, err, code = served(["--db", str(db), "serch"], env, db.parent)
    assert code == "2" and "serch" in err


def test_the_callers_folder_and_environment_are_used(
    env: dict[str, str], runtime: Path, db: Path
) -> None:
    started(env, runtime, db)
    # A relative --db is the caller's; KINMYAKU_LANG is the caller's.
    english = {**env, "KINMYAKU_LANG": "en"}
    out, err, code = served(["--db", db.name, "show", "1"], english, db.parent)
    assert code == "0", err
    assert "高橋 健太" in out and "(inferred)" in out
    out, _, code = served(["--db", db.name, "show", "1"], {**env, "KINMYAKU_LANG": "ja"}, db.parent)
    assert code == "0" and "(推定)" in out
    # KINMYAKU_DB from the environment, run from another folder.
    elsewhere = db.parent / "elsewhere"
    elsewhere.mkdir()
    out, _, code = served(["search", "佐藤", "--json"], {**env, "KINMYAKU_DB": str(db)}, elsewhere)
    assert code == "0" and "佐藤 花子" in out


def test_a_switched_off_server_is_not_started(env: dict[str, str], runtime: Path, db: Path) -> None:
    off = {**env, launcher.ENV_SWITCH: "0"}
    done = kinmyaku(["--db", str(db), "search", "高橋"], off, db.parent)
    assert done.returncode == 0 and "高橋 健太" in done.stdout
    time.sleep(1.0)
    assert list(runtime.glob("*.sock")) == []


def test_served_writes_are_seen_by_the_next_command(
    env: dict[str, str], runtime: Path, db: Path
) -> None:
    started(env, runtime, db)
    _, err, code = served(["--db", str(db), "add", "鈴木", "一郎", "--json"], env, db.parent)
    assert code == "0", err
    # A question is answered on the caller's stdin: "n" keeps the person.
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            ASK,
            json.dumps(["--db", str(db), "delete", "鈴木"]),
            str(wait_for_server(runtime)),
        ],
        env=env,
        cwd=db.parent,
        input="n\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stderr.rstrip().endswith("SERVED 1"), done.stderr
    out, _, code = served(["--db", str(db), "search", "鈴木", "--json"], env, db.parent)
    assert code == "0" and "鈴木 一郎" in out  # no state is kept in the server


def test_an_unsafe_socket_folder_is_not_used(tmp_path: Path) -> None:
    open_folder = tmp_path / "open"
    open_folder.mkdir()
    open_folder.chmod(0o755)
    old = os.environ.get(launcher.ENV_RUNTIME)
    os.environ[launcher.ENV_RUNTIME] = str(open_folder)
    try:
        assert launcher.runtime_dir() is None
        open_folder.chmod(0o700)
        assert launcher.runtime_dir() == str(open_folder)
    finally:
        if old is None:
            del os.environ[launcher.ENV_RUNTIME]
        else:
            os.environ[launcher.ENV_RUNTIME] = old


def test_changed_code_gets_a_new_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    module = package / "m.py"
    module.write_text("x = 1\n")
    monkeypatch.setattr(launcher, "PACKAGE", str(package))
    before = launcher.code_digest()
    assert launcher.code_digest() == before
    module.write_text("x = 22\n")
    assert launcher.code_digest() != before
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    english = launcher.code_digest()
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert launcher.code_digest() != english


def test_an_idle_server_exits_and_removes_its_socket(
    env: dict[str, str], runtime: Path, db: Path
) -> None:
    # Idle long enough to be seen listening on a loaded machine, short enough to wait for.
    short = {**env, launcher.ENV_IDLE: "5"}
    socket_file = started(short, runtime, db)
    assert served(["--db", str(db), "list"], short, db.parent)[2] == "0"
    for _ in range(300):
        if not socket_file.exists():
            break
        time.sleep(0.1)
    assert not socket_file.exists()
    # The next command runs in its own process (and starts a new server).
    again = kinmyaku(["--db", str(db), "search", "高橋"], short, db.parent)
    assert again.returncode == 0 and "高橋 健太" in again.stdout


def test_a_new_server_retires_the_one_for_older_code(
    env: dict[str, str], runtime: Path, db: Path
) -> None:
    socket_file = started(env, runtime, db)
    older = runtime / f"{socket_file.name.rsplit('-', 1)[0]}-0000older.sock"
    older.write_text("")  # stands for an older code's socket
    other_install = runtime / "s-ffffffff-0000other.sock"
    other_install.write_text("")
    from kinmyaku.cli.command_server import retire_older

    retire_older(socket_file)
    assert not older.exists()
    assert other_install.exists() and socket_file.exists()


def test_a_socket_path_too_long_for_unix_means_no_server(monkeypatch: pytest.MonkeyPatch) -> None:
    deep = Path(tempfile.mkdtemp(prefix="km-", dir="/tmp")) / ("d" * 90)
    deep.mkdir(mode=0o700)
    monkeypatch.setenv(launcher.ENV_RUNTIME, str(deep))
    try:
        assert launcher.runtime_dir() == str(deep)
        assert launcher.socket_path() is None  # the command then runs in its own process
    finally:
        shutil.rmtree(deep.parent)


def test_the_server_rolls_a_database_summary_to_a_new_day(
    env: dict[str, str], runtime: Path, db: Path
) -> None:
    """A database named by a served command has its touch summary brought to today in the
    background (cli/server_upkeep.py): the day's first `stats` need not roll it."""
    from datetime import date, timedelta

    from kinmyaku.bootstrap import open_app
    from kinmyaku.config import Settings
    from kinmyaku.domain.insights import DEFAULT_PARAMS
    from kinmyaku.services.insights_summary import rebuild_touch_summary
    from kinmyaku.storage.schema import touch_summary_state

    core = open_app(Settings(database_url=f"sqlite:///{db}"))
    try:
        yesterday = date.today() - timedelta(days=1)
        with core.uow() as conn:  # as the last command of yesterday left it
            rebuild_touch_summary(conn, today=yesterday, params=DEFAULT_PARAMS)
        started(env, runtime, db)  # ran in its own process, started the server
        _, err, code = served(["--db", str(db), "search", "高橋"], env, db.parent)
        assert code == "0", err
        day = yesterday
        for _ in range(600):
            with core.uow() as conn:
                day = conn.execute(touch_summary_state.select()).one().as_of
            if str(day) == date.today().isoformat():
                break
            time.sleep(0.1)
        assert str(day) == date.today().isoformat()
    finally:
        core.close()

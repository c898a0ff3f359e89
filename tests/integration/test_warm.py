"""The command server's spare PostgreSQL connection (storage/warm.py), real PostgreSQL.

In this process as the server does it (``prepare``, a fork, ``given_away``), and through the
real command server with the console script (tests/integration/test_command_server.py's way).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kinmyaku.cli import launcher
from kinmyaku.storage import warm
from kinmyaku.storage.database import make_engine, postgres_engine

KINMYAKU = Path(sys.executable).with_name("kinmyaku")
SECRET = "Zq7-never-shown"


@pytest.fixture(autouse=True)
def no_spares_left() -> Iterator[None]:
    yield
    warm.release_unused()


def _in_child(url: str, go: int, out: int) -> None:
    """Forked: wait for the parent's word, then report the backend the command's engine used."""
    pid = "error"
    try:
        os.read(go, 1)
        engine = make_engine(url)
        with engine.connect() as conn:
            pid = str(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
            conn.execute(text("SELECT count(*) FROM people")).scalar_one()
        engine.dispose()
    except BaseException as error:  # reported to the test
        pid = f"error {type(error).__name__}"
    finally:
        warm.release_unused()
        os.write(out, pid.encode())
        os._exit(0)


def served_backend(url: str) -> str:
    """Fork a child as the server does and return the backend pid its command used.

    The server has dropped its copy of the spare (and opened the next) before the child
    starts: its session must not end with that.
    """
    go_r, go_w = os.pipe()
    out_r, out_w = os.pipe()
    report_r, report_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        warm.serve_child(report_w)
        _in_child(url, go_r, out_w)
    warm.given_away()  # as the server: forget the spare, open the next one
    os.write(go_w, b"x")
    os.waitpid(pid, 0)
    answer = os.read(out_r, 100).decode()
    for fd in (go_r, go_w, out_r, out_w, report_r, report_w):
        os.close(fd)
    return answer


def spare_pid(url: str) -> int:
    spare = warm._ready[url].spare
    assert spare is not None
    return int(spare.info.backend_pid)


def alive(url: str, pid: int) -> bool:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
        ).scalar_one()
    engine.dispose()
    return bool(found)


def terminate(url: str, pid: int) -> None:
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    engine.dispose()
    for _ in range(100):
        if not alive(url, pid):
            return
        time.sleep(0.05)


def test_a_served_command_uses_the_spare_and_the_server_opens_the_next(postgres_url: str) -> None:
    warm.prepare(postgres_url, postgres_engine)
    first = spare_pid(postgres_url)
    assert served_backend(postgres_url) == str(first)
    second = spare_pid(postgres_url)  # opened by the server right after the fork
    assert second != first
    assert not alive(postgres_url, first)  # the child closed it when it was done
    assert served_backend(postgres_url) == str(second)  # two in a row: each its own spare


def test_a_spare_whose_backend_was_killed_is_replaced(postgres_url: str) -> None:
    warm.prepare(postgres_url, postgres_engine)
    killed = spare_pid(postgres_url)
    terminate(postgres_url, killed)
    answer = served_backend(postgres_url)  # the child finds it dead and connects itself
    assert answer.isdigit() and int(answer) != killed
    # The server, idle, also replaces a spare whose backend has gone.
    terminate(postgres_url, spare_pid(postgres_url))
    dead = spare_pid(postgres_url)
    warm.refresh()
    assert spare_pid(postgres_url) != dead and alive(postgres_url, spare_pid(postgres_url))


def test_an_old_spare_is_not_used(postgres_url: str) -> None:
    warm.prepare(postgres_url, postgres_engine)
    old = spare_pid(postgres_url)
    warm._ready[postgres_url].opened -= warm.MAX_AGE + 1
    answer = served_backend(postgres_url)
    assert answer.isdigit() and int(answer) != old


def test_a_spare_in_a_transaction_is_not_used(postgres_url: str) -> None:
    warm.prepare(postgres_url, postgres_engine)
    spare = warm._ready[postgres_url].spare
    busy = spare.info.backend_pid
    spare.execute("SELECT 1")  # psycopg opens a transaction; a spare must be idle
    answer = served_backend(postgres_url)
    assert answer.isdigit() and int(answer) != busy


def test_a_server_that_cannot_connect_keeps_no_spare(postgres_url: str) -> None:
    bad = make_url(postgres_url).set(port=1, password=SECRET).render_as_string(False)
    warm.prepare(bad, postgres_engine)  # no exception, nothing printed
    assert bad not in warm._ready


def test_outside_a_served_child_no_spare_is_taken(postgres_url: str) -> None:
    warm.prepare(postgres_url, postgres_engine)
    held = spare_pid(postgres_url)
    engine = make_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != held
    engine.dispose()
    assert spare_pid(postgres_url) == held


# -- through the command server, as a user runs it -----------------------------------------


@pytest.fixture
def runtime() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="km-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)  # its server sees its socket gone and exits


@pytest.fixture
def secret_url(postgres_url: str) -> str:
    """The test database's URL with a password in it (the test server trusts; it is unused)."""
    return make_url(postgres_url).set(password=SECRET).render_as_string(hide_password=False)


def kinmyaku(args: list[str], runtime: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, launcher.ENV_RUNTIME: str(runtime), launcher.ENV_IDLE: "60"}
    env.pop(launcher.ENV_SWITCH, None)
    return subprocess.run(
        [str(KINMYAKU), "--lang", "en", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def idle_backends(url: str) -> set[int]:
    """The idle sessions on the test's database other than this one's: the server's spare."""
    database = make_url(url).database
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT pid FROM pg_stat_activity WHERE datname = :db AND state = 'idle'"
                " AND pid <> pg_backend_pid()"
            ),
            {"db": database},
        ).scalars()
        found = set(rows)
    engine.dispose()
    return found


def wait_for_spare(url: str, not_in: frozenset[int] = frozenset()) -> int:
    for _ in range(600):
        spares = idle_backends(url) - not_in
        if len(spares) == 1:
            return spares.pop()
        time.sleep(0.1)
    raise AssertionError("the command server opened no spare connection")


def test_served_commands_take_the_spare_and_survive_a_killed_one(
    secret_url: str, runtime: Path
) -> None:
    outputs = []
    alone = kinmyaku(["--db", secret_url, "list"], runtime)  # starts the server
    assert alone.returncode == 0, alone.stderr
    for _ in range(600):
        if any(runtime.glob("*.sock")):
            break
        time.sleep(0.1)
    first = kinmyaku(["--db", secret_url, "list"], runtime)  # served: names the URL
    outputs.append(first)
    spare = wait_for_spare(secret_url)
    done = kinmyaku(["--db", secret_url, "list"], runtime)  # served, on the spare
    outputs.append(done)
    assert done.returncode == 0 and done.stdout == alone.stdout, done.stderr
    following = wait_for_spare(secret_url, frozenset({spare}))
    assert spare not in idle_backends(secret_url)  # taken, used and closed by that command
    terminate(secret_url, following)
    done = kinmyaku(["--db", secret_url, "list"], runtime)  # the spare is dead: connects itself
    outputs.append(done)
    assert done.returncode == 0 and done.stdout == alone.stdout, done.stderr
    wait_for_spare(secret_url, frozenset({following}))
    for run in (alone, *outputs):
        assert SECRET not in run.stdout + run.stderr
    bad = make_url(secret_url).set(port=1).render_as_string(hide_password=False)
    failed = kinmyaku(["--db", bad, "list"], runtime)  # no server there: an error, no password
    assert failed.returncode != 0
    assert failed.stderr.strip() and SECRET not in failed.stdout + failed.stderr


def test_the_warm_up_compiles_due_ahead_and_writes_nothing(postgres_url: str) -> None:
    """``warm_reads`` (cli/server_upkeep.py) fills the kept engine's cache of compiled
    statements with `due`'s when the summary is current, on a connection of the server's
    own that is closed before a child takes the engine; a stale summary is left alone."""
    from datetime import date, datetime

    from kinmyaku.cli.server_upkeep import warm_reads
    from kinmyaku.domain.insights import DEFAULT_PARAMS
    from kinmyaku.services import followups
    from kinmyaku.services.insights_summary import ensure_touch_summary
    from kinmyaku.storage.uow import UnitOfWork

    stale = postgres_engine(postgres_url)  # no summary yet: nothing read, nothing written
    warm_reads(stale)
    with stale.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM touch_summary_state")).scalar_one() == 0
    ensure_touch_summary(
        UnitOfWork(stale), today=date.today(), params=DEFAULT_PARAMS, parts=followups.DUE_PARTS
    )
    stale.dispose()

    warm.prepare(postgres_url, postgres_engine, warm_reads)
    engine = warm._ready[postgres_url].engine
    cached = len(engine._compiled_cache)
    assert cached >= 10  # due's statements (fewer on an empty network)
    assert engine.pool.checkedin() == 0  # the server's own connection is gone
    now = datetime.now()
    followups.due_overview(UnitOfWork(engine), today=now.date(), now=now)
    assert len(engine._compiled_cache) == cached  # nothing left to compile
    assert served_backend(postgres_url).isdigit()  # the spare still serves a child

"""Shared fixtures: a real SQLite file and a real PostgreSQL database for each test.

PostgreSQL comes from ``KINMYAKU_TEST_PG_URL`` (an admin URL; ``scripts/test.sh`` starts a
server and sets it).  Without it the PostgreSQL variants are skipped, unless
``KINMYAKU_REQUIRE_PG=1`` (as in CI), where a missing server is a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kinmyaku.bootstrap import App, open_app
from kinmyaku.config import Settings
from kinmyaku.storage.database import make_engine
from kinmyaku.storage.migrate import upgrade

# Command servers that tests start (cli/launcher.py) stop a minute after their last use.
os.environ.setdefault("KINMYAKU_COMMAND_SERVER_IDLE", "60")

PG_ADMIN_URL = os.environ.get("KINMYAKU_TEST_PG_URL")
REQUIRE_PG = os.environ.get("KINMYAKU_REQUIRE_PG") == "1"
TODAY = "2026-11-26"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is faster)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str | None]:
    """A migrated PostgreSQL template database (None when no server is configured)."""
    if not PG_ADMIN_URL:
        if REQUIRE_PG:
            pytest.fail("KINMYAKU_REQUIRE_PG=1 but KINMYAKU_TEST_PG_URL is not set")
        yield None
        return
    name = f"kinmyaku_tpl_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _pg_database(template: str) -> tuple[str, str]:
    assert PG_ADMIN_URL
    name = f"kinmyaku_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return name, make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _drop_pg(name: str) -> None:
    assert PG_ADMIN_URL
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    """A fresh, migrated database on SQLite and on PostgreSQL (two runs of the test)."""
    if request.param == "sqlite":
        path = tmp_path / "kinmyaku.sqlite3"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    yield from _fresh_pg(request)


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database only (skipped without a server)."""
    yield from _fresh_pg(request)


def _fresh_pg(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh database made from the migrated template, dropped afterwards."""
    template = request.getfixturevalue("pg_template")
    if template is None:
        pytest.skip("no PostgreSQL server (set KINMYAKU_TEST_PG_URL; scripts/test.sh does)")
    name, url = _pg_database(template)
    yield url
    _drop_pg(name)


@pytest.fixture
def second_app(
    database_url: str, tmp_path: Path, sqlite_template: Path, request: pytest.FixtureRequest
) -> Iterator[App]:
    """A second fresh, migrated database of the same kind as ``app``'s (to compare two)."""
    if database_url.startswith("sqlite"):
        path = tmp_path / "second.sqlite3"
        shutil.copy(sqlite_template, path)
        url, name = f"sqlite:///{path}", None
    else:
        name, url = _pg_database(request.getfixturevalue("pg_template"))
    built = open_app(Settings(database_url=url, language="en", today=TODAY))
    yield built
    built.close()
    if name is not None:
        _drop_pg(name)


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated SQLite file only."""
    path = tmp_path / "kinmyaku.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(database_url: str) -> Iterator[App]:
    """The app on a fresh database (SQLite and PostgreSQL), today pinned to 2026-11-26."""
    built = open_app(Settings(database_url=database_url, language="en", today=TODAY))
    yield built
    built.close()


@pytest.fixture
def sqlite_app(sqlite_url: str) -> Iterator[App]:
    """The app on a fresh SQLite file, today pinned to 2026-11-26."""
    built = open_app(Settings(database_url=sqlite_url, language="en", today=TODAY))
    yield built
    built.close()

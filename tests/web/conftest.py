"""Fixtures for the web tests: the app on a real SQLite file, a test client, a CSRF token."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from kinmyaku.bootstrap import App, open_app
from kinmyaku.config import Settings
from kinmyaku.services import events, relations
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.web.app import create_app

TODAY = date(2024, 3, 15)
BASE = "http://127.0.0.1"


@pytest.fixture
def core(sqlite_url: str) -> Iterator[App]:
    """The kinmyaku app on a fresh SQLite file, Japanese, today pinned to 2024-03-15."""
    built = open_app(Settings(database_url=sqlite_url, language="ja", today=TODAY.isoformat()))
    yield built
    built.close()


@pytest.fixture
def web(core: App) -> FastAPI:
    """The web app bound to 127.0.0.1."""
    return create_app(core)


@pytest.fixture
def client(web: FastAPI) -> Iterator[TestClient]:
    """A browser-like client (cookies kept) talking to the web app."""
    with TestClient(web, base_url=BASE) as test_client:
        yield test_client


@pytest.fixture
def csrf(client: TestClient) -> str:
    """The CSRF token of the client's session."""
    return str(client.get("/api/session").json()["csrf_token"])


@pytest.fixture
def api(client: TestClient, csrf: str) -> TestClient:
    """The client with the CSRF header set, as a script using the JSON API would."""
    client.headers["X-CSRF-Token"] = csrf
    return client


@pytest.fixture
def takahashi(core: App) -> int:
    """高橋 健太 of 株式会社みらい (IT), met at an event through an introduction."""
    return add_person(
        core.uow(),
        PersonInput(
            family_name="高橋",
            given_name="健太",
            family_reading="たかはし",
            given_reading="けんた",
            company="株式会社みらい",
            industry="it",
            title="エンジニア",
            tags=["ゴルフ"],
            emails=["kenta@example.jp"],
        ),
    )


@pytest.fixture
def network(core: App, takahashi: int) -> dict[str, int]:
    """A small network: an event, people met there, touches, a request."""
    uow = core.uow
    event_id = events.add_event(
        uow(), name="渋谷 異業種交流会", on=date(2024, 3, 1), goal="3人と話す", goal_count=4
    )
    sato = add_person(
        uow(),
        PersonInput(family_name="佐藤", given_name="美咲", family_reading="さとう",
                    given_reading="みさき", company="さくら銀行", industry="finance"),
    )  # fmt: skip
    ito = add_person(uow(), PersonInput(family_name="伊藤", given_name="翔", tags=["起業"]))
    relations.record_encounter(uow(), person_id=takahashi, on=date(2024, 3, 1), event_id=event_id)
    relations.record_encounter(
        uow(), person_id=sato, on=date(2024, 3, 1), event_id=event_id, memory_cue="猫の話"
    )
    relations.record_encounter(uow(), person_id=ito, on=date(2024, 3, 10), introducer_id=sato)
    relations.log_interaction(
        uow(), person_ids=[takahashi], on=date(2024, 3, 5), summary="ランチ",
        follow_up_on=date(2024, 3, 14),
    )  # fmt: skip
    relations.open_request(
        uow(), person_id=sato, side="theirs", what="エンジニアを紹介してほしい",
        asked_on=date(2024, 3, 2), due_on=date(2024, 3, 20),
    )  # fmt: skip
    return {"event": event_id, "takahashi": takahashi, "sato": sato, "ito": ito}


@contextmanager
def count_queries(core: App) -> Iterator[list[str]]:
    """Collect the SQL statements run on the app's engine inside the block."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(core.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(core.engine, "before_cursor_execute", record)


@pytest.fixture
def queries(core: App) -> Callable[[], Any]:
    """A context manager counting the SQL statements of a request."""
    return lambda: count_queries(core)

"""Long unbroken text wraps on every page: every text field of a person, an event, a request
and a give/take entry holds 5,000 characters without a space (as imported data may: the
values are written under the limits, straight into the tables), and no page scrolls
sideways at 1280 px or 375 px."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from browser_pages import serve
from sqlalchemy import update

from kinmyaku.bootstrap import App, open_app
from kinmyaku.config import Settings
from kinmyaku.services import events, relations
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.storage import schema
from kinmyaku.web.app import create_app

pytestmark = pytest.mark.browser
TODAY = date(2024, 3, 15)
LONG = "W" * 5000  # one "word" of 5,000 characters: nowhere to break it
PAGES = ("/", "/people", "/people/{id}", "/events", "/events/{event}", "/requests", "/review",
         "/network", "/settings", "/duplicates", "/import", "/followups", "/review/followups",
         "/people/{id}/thanks", "/people?q=W")  # fmt: skip
SIZES = ({"width": 1280, "height": 900}, {"width": 375, "height": 667})


def seed_long(core: App) -> dict[str, int]:
    """Two people (a likely pair) whose every text is 5,000 characters, with an event, a
    touch, give/take, requests, a purpose and a link, all as long."""
    event = events.add_event(core.uow(), name="交流会", on=TODAY, goal="goal")
    ids = []
    for _ in range(2):
        person = add_person(
            core.uow(),
            PersonInput(family_name="長井", given_name="W", company="会社", title="部長",
                        department="営業部", emails=["w@example.jp"], urls=["https://w.example"],
                        tags=["tag"], notes="n", offers="o", needs="n"),
        )  # fmt: skip
        ids.append(person)
        relations.record_encounter(
            core.uow(), person_id=person, on=TODAY, event_id=event, place="p", memory_cue="c"
        )
        relations.log_interaction(
            core.uow(), person_ids=[person], on=TODAY, summary="s",
            follow_up_on=date(2024, 3, 16),
        )  # fmt: skip
        relations.record_exchange(
            core.uow(), person_id=person, on=TODAY, direction="gave", note="n"
        )
        for side in ("mine", "theirs"):
            relations.open_request(
                core.uow(), person_id=person, side=side, what="w", asked_on=TODAY,
                due_on=date(2024, 3, 20),
            )  # fmt: skip
        relations.set_purpose(core.uow(), person_id=person, category="mentor", goal="g", offer="o")
    relations.link_people(core.uow(), person_a=ids[0], person_b=ids[1], note="n")
    text = {
        schema.people: ("family_name", "given_name", "family_reading", "given_reading",
                        "romaji", "nickname", "notes", "offers", "needs"),
        schema.organizations: ("name", "reading"),
        schema.affiliations: ("department", "title"),
        schema.contact_points: ("value",),
        schema.person_tags: ("tag",),
        schema.events: ("name", "place", "goal"),
        schema.encounters: ("place", "memory_cue"),
        schema.interactions: ("summary",),
        schema.exchanges: ("note",),
        schema.requests: ("what", "outcome"),
        schema.purposes: ("goal", "offer"),
        schema.links: ("note", "outcome"),
    }  # fmt: skip
    with core.uow() as conn:
        for table, columns in text.items():
            conn.execute(update(table).values(**dict.fromkeys(columns, LONG)))
    return {"person": ids[0], "event": event}


@pytest.fixture(scope="module")
def long_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    """A server on a database whose texts are all 5,000 unbroken characters."""
    path = tmp_path_factory.mktemp("overflow") / "kinmyaku.sqlite3"
    core = open_app(
        Settings(database_url=f"sqlite:///{path}", language="ja", today=TODAY.isoformat())
    )
    ids = seed_long(core)
    with serve(create_app(core)) as base:
        yield base, ids
    core.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s['width']}px")
def test_no_page_scrolls_sideways_with_5000_unbroken_characters(
    long_server: tuple[str, dict[str, int]], page_factory: Any, size: dict[str, int]
) -> None:
    base, ids = long_server
    page = page_factory(size)
    wide = []
    for path in PAGES:
        url = base + path.format(id=ids["person"], event=ids["event"])
        answer = page.goto(url)
        assert answer is not None and answer.status < 400, (path, answer and answer.status)
        # every edit form open too: its fields and the values they hold must fit as well
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > size["width"]:
            wide.append((path, width))
    assert wide == []
    page.goto(base + f"/people/{ids['person']}")
    assert LONG[:100] in page.inner_text("#sec-profile")  # the text is there, wrapped

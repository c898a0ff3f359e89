"""No page runs more than about 10 SQL statements, however many people there are (no N+1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kinmyaku.bootstrap import App
from kinmyaku.services import relations
from kinmyaku.services.people import PersonInput, add_person

BUDGET = 10
# The person page shows eleven kinds of records (contacts, jobs, encounters, touches, ledger,
# requests, purpose, links, tags, extra fields ...): one query each, never one per row.
PERSON_PAGE_BUDGET = 13


@pytest.fixture
def crowd(core: App, network: dict[str, int]) -> dict[str, int]:
    """Sixty more people, all met at the event, with touches: enough to reveal any N+1."""
    for i in range(60):
        pid = add_person(
            core.uow(),
            PersonInput(family_name=f"山田{i}", family_reading="やまだ", company=f"会社{i % 7}",
                        tags=["多数"]),
        )  # fmt: skip
        relations.record_encounter(
            core.uow(), person_id=pid, on=date(2024, 3, 1), event_id=network["event"]
        )
        relations.log_interaction(
            core.uow(), person_ids=[pid], on=date(2024, 3, 2), follow_up_on=date(2024, 3, 16)
        )
    return network


def test_pages_stay_within_the_query_budget(
    client: TestClient, crowd: dict[str, int], queries: Callable[[], Any]
) -> None:
    pages = {
        "/": BUDGET,
        "/people": BUDGET,
        "/people?q=やまだ": BUDGET,
        "/people?q=やまだ&tag=多数&sort=last_contact&page=2": BUDGET,
        "/people?industry=finance&channel=event&company=会社": BUDGET,
        "/people/new": BUDGET,
        f"/people/{crowd['sato']}": PERSON_PAGE_BUDGET,
        "/events": BUDGET,
        f"/events/{crowd['event']}": BUDGET,
        "/requests": BUDGET,
        "/settings": BUDGET,
        "/api/people?q=やまだ": BUDGET,
        f"/api/events/{crowd['event']}": BUDGET,
    }
    client.get("/")  # bring the touch summary up to date
    for path, budget in pages.items():
        client.get("/people/new")  # warm the password check, cached for 3 s (a slow machine)
        with queries() as seen:
            response = client.get(path)
        assert response.status_code == 200, path
        statements = [q for q in seen if q.strip().upper() not in ("BEGIN", "COMMIT")]
        assert len(statements) <= budget, (path, len(statements), statements)

"""The people-list query gives the same pages whichever strategy it picks (few or many)."""

from __future__ import annotations

from datetime import date

import pytest

from kinmyaku.bootstrap import App
from kinmyaku.services import relations
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.storage import people_filters
from kinmyaku.storage.people_filters import PeopleQuery, page_ids


@pytest.fixture
def thirty(core: App) -> list[int]:
    """Thirty people: readings あ..., touches on different days, some never touched."""
    kana = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほ"
    ids = []
    for i, ch in enumerate(kana):
        pid = add_person(
            core.uow(),
            PersonInput(family_name=f"人{i:02d}", family_reading=ch * 2,
                        tags=["偶数"] if i % 2 == 0 else []),
        )  # fmt: skip
        ids.append(pid)
        if i % 3:
            relations.log_interaction(
                core.uow(), person_ids=[pid], on=date(2024, 1, 1 + (i * 7) % 28)
            )
        if i % 5 == 0:
            relations.record_exchange(
                core.uow(), person_id=pid, on=date(2024, 2, 1 + i % 28), direction="gave"
            )
    return ids


QUERIES = [
    PeopleQuery(),
    PeopleQuery(sort="last_contact"),
    PeopleQuery(sort="recent"),
    PeopleQuery(tag="偶数"),
    PeopleQuery(tag="偶数", sort="last_contact"),
    PeopleQuery(q="人", sort="last_contact"),
    PeopleQuery(q="人1"),
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.sort}-{q.tag}-{q.q}")
def test_both_strategies_agree(
    core: App, thirty: list[int], query: PeopleQuery, monkeypatch: pytest.MonkeyPatch
) -> None:
    def pages() -> list[list[int]]:
        with core.uow() as conn:
            return [page_ids(conn, query, limit=7, offset=o).ids for o in range(0, 35, 7)]

    few = pages()
    monkeypatch.setattr(people_filters, "CAP", 1)  # force the index/touch walks
    many = pages()
    flat_few = [i for page in few for i in page]
    flat_many = [i for page in many for i in page]
    assert sorted(flat_few) == sorted(flat_many)
    assert len(set(flat_many)) == len(flat_many)  # no one twice across pages
    if query.sort == "last_contact":
        # Touched people first, most recent first (ties may differ); never touched last.
        with core.uow() as conn:
            from kinmyaku.storage.read import last_contacts

            last = last_contacts(conn, flat_few)
        for order in (flat_few, flat_many):
            days = [last.get(i) for i in order]
            known = [d for d in days if d is not None]
            assert known == sorted(known, reverse=True)
            assert days[: len(known)] == known
    else:
        assert flat_few == flat_many


def test_counts_are_exact_only_below_the_cap(
    core: App, thirty: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    with core.uow() as conn:
        exact = page_ids(conn, PeopleQuery(tag="偶数"), limit=5, offset=0)
        assert (exact.total, exact.exact, exact.has_more) == (15, True, True)
        monkeypatch.setattr(people_filters, "CAP", 10)
        capped = page_ids(conn, PeopleQuery(tag="偶数"), limit=5, offset=10)
        assert (capped.total, capped.exact, capped.has_more) == (10, False, False)
        assert len(capped.ids) == 5
        everyone = page_ids(conn, PeopleQuery(), limit=50, offset=0)
        assert (everyone.total, everyone.exact, everyone.has_more) == (30, True, False)


def test_a_plain_search_counts_exactly_up_to_its_cap_then_says_more(
    core: App, thirty: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from kinmyaku.web.app import create_app

    with core.uow() as conn:
        exact = page_ids(conn, PeopleQuery(q="人"), limit=7, offset=0)
    assert (exact.total, exact.exact) == (30, True)
    monkeypatch.setattr(people_filters, "SEARCH_COUNT_CAP", 12)
    with core.uow() as conn:
        capped = page_ids(conn, PeopleQuery(q="人"), limit=7, offset=0)
        filtered = page_ids(conn, PeopleQuery(q="人", tag="偶数"), limit=7, offset=0)
    assert (capped.total, capped.exact, capped.has_more) == (12, False, True)
    assert capped.ids == exact.ids  # the page itself does not change
    assert (filtered.total, filtered.exact) == (15, True)  # filtered lists count in full
    client = TestClient(create_app(core), base_url="http://127.0.0.1")
    assert "12 件以上" in client.get("/people", params={"q": "人"}).text

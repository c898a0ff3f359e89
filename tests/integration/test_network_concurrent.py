"""The network graph built while people are being added (SQLite file and PostgreSQL).

The graph is read with several statements (people, touches, links, colleagues, events).
A person added between the first and the later ones used to appear in a later one only:
on PostgreSQL each statement of a READ COMMITTED transaction sees the newest commits, so
a new colleague's affiliation named a person the graph had no node for, and the build
failed with an IndexError (the soak of #15: the background build, while quick adds ran).
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import numpy as np
import pytest

from kinmyaku.bootstrap import App
from kinmyaku.services import network as net
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.services.relations import link_people
from kinmyaku.storage import network_queries as q
from kinmyaku.storage.uow import reading
from kinmyaku.web.upkeep import lean_reads

TODAY = date(2026, 11, 26)


def colleague(app: App, n: int, company: str = "テスト商事") -> int:
    """A person I met at a company (a current affiliation: a colleague edge)."""
    return add_person(
        app.uow(),
        PersonInput(
            family_name="同僚", given_name=f"{n}号", family_reading="どうりょう",
            company=company, met=True,
        ),
    )  # fmt: skip


@pytest.mark.parametrize("background", [False, True], ids=["request", "background"])
def test_a_person_added_during_the_build_is_in_none_of_its_reads(
    app: App, monkeypatch: pytest.MonkeyPatch, background: bool
) -> None:
    first = colleague(app, 1)
    second = colleague(app, 2)
    link_people(app.uow(), person_a=first, person_b=second)
    added: list[int] = []
    people_ids = q.people_ids

    def then_add(conn: Any) -> Any:
        read = people_ids(conn)
        # Another connection commits a new colleague (and a link to them) right after
        # the people were read, before the links and the colleagues are.
        new = colleague(app, 3)
        link_people(app.uow(), person_a=first, person_b=new)
        added.append(new)
        added.append(colleague(app, 4, company="新会社"))  # alone there: no edge, an org
        return read

    monkeypatch.setattr(q, "people_ids", then_add)
    if background:  # the server's thread: its reads in one transaction (web/upkeep.py)
        with lean_reads(app.uow()) as uow:
            graph = net.build_network(uow, today=TODAY, use_cache=False)
    else:
        with reading():
            graph = net.build_network(app.uow(), today=TODAY, use_cache=False)
    monkeypatch.setattr(q, "people_ids", people_ids)
    assert added
    nodes = graph.person_ids.tolist()
    assert nodes == [0, first, second]  # one snapshot: the new person is not half there
    org = net.organisation_of(graph)
    assert org[1] == org[2] != -1
    with reading():
        again = net.build_network(app.uow(), today=TODAY, use_cache=False)
    assert again.person_ids.tolist() == [0, first, second, *added]
    assert net.organisation_of(again)[4] not in (-1, org[1])


def test_the_graph_builds_while_people_are_added_from_another_thread(app: App) -> None:
    people = [colleague(app, n) for n in range(3)]
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        n = 10
        try:
            while not stop.is_set():
                new = colleague(app, n)
                link_people(app.uow(), person_a=people[0], person_b=new)
                n += 1
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    thread = threading.Thread(target=writer)
    thread.start()
    builds = []
    try:
        for _ in range(40):
            with reading():
                graph = net.build_network(app.uow(), today=TODAY, use_cache=False)
            builds.append(graph.node_count)
            assert np.all(np.diff(graph.person_ids[1:]) > 0)
    finally:
        stop.set()
        thread.join()
    assert not errors
    assert builds[-1] > builds[0]  # people were added while the graph was built

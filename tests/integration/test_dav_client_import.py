"""A sync's new cards, read once and handed to the import as they are prepared, here or in
a helper process (services/dav_client_import.py), make what ``kinmyaku import`` of the same
cards in one file makes: the same people, contact points, companies and provenance (file,
record number, line), the duplicate check included (a card sent twice joins the person it
made)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kinmyaku.bootstrap import App, open_app
from kinmyaku.config import Settings
from kinmyaku.services import carddav
from kinmyaku.services.dav_client_import import Preparer, import_cards, prepared_in_order
from kinmyaku.services.demo import generate_demo
from kinmyaku.services.importing import Prepared, import_files
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.storage.schema import affiliations, contact_points, imports, people, provenance

NAME = "CardDAV sync, r.vcf"
BAD = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:broken\r\n"
"""A card that never ends: unreadable, left out of both imports."""


def _cards(tmp_path: Path) -> list[bytes]:
    source = open_app(Settings(database_url=f"sqlite:///{tmp_path / 'home.sqlite3'}"))
    generate_demo(source.uow(), people=40, seed=3, today=date(2026, 11, 26))
    bodies = [card.body for card in carddav.all_cards(source.uow())]
    source.close()
    # A stored person's e-mail on a card of another name (kept apart), a card sent twice.
    bodies[5] = bodies[5].replace(b"END:VCARD", b"EMAIL:kept@example.jp\r\nEND:VCARD")
    return [*bodies, BAD, bodies[7]]


def _seed(app: App) -> None:
    add_person(
        app.uow(), PersonInput(family_name="山田", given_name="花子", emails=["kept@example.jp"])
    )


def _state(app: App) -> dict[str, Any]:
    with app.uow() as conn:
        persons = sorted(
            (r.family_name or "", r.given_name or "", r.family_reading or "", r.nickname or "")
            for r in conn.execute(select(people))
        )
        points = sorted(
            (r.person_id, r.kind, r.value, r.normalized or "")
            for r in conn.execute(select(contact_points))
        )
        jobs = sorted((r.person_id, r.title or "") for r in conn.execute(select(affiliations)))
        rows = sorted(
            (r.entity, r.entity_id, r.action, r.file, r.record_no, r.line or 0)
            for r in conn.execute(select(provenance))
        )
        made = [(r.format, r.files, r.summary) for r in conn.execute(select(imports))]
    return {"people": persons, "points": points, "jobs": jobs, "provenance": rows, "imports": made}


def _import_as_a_sync_does(app: App, bodies: list[bytes], *, where: str) -> list[str]:
    """The cards in multigets of 7, each card read once, prepared (here or in the helper
    process) and written by one import as the batches come; the hrefs imported."""
    cards = [(f"/c/{n}.vcf", body) for n, body in enumerate(bodies)]
    batches = [cards[start : start + 7] for start in range(0, len(cards), 7)]
    preparer = Preparer(NAME, helped=where != "here")
    if where != "here":  # until the helper has started, batches are prepared here
        assert preparer.started is not None and preparer.pool is not None
        preparer.started.result(timeout=120)
    if where == "helper_killed":  # it dies: the batches it held and the rest are made here
        (helper,) = preparer.pool._processes.values()  # type: ignore[union-attr]
        helper.kill()
        helper.join(timeout=60)
    read: list[str] = []

    def records() -> Iterator[Prepared]:
        for batch, done in prepared_in_order(batches, preparer):
            assert len(done.fields) == len(done.prepared) == len(batch)
            for (href, _), record in zip(batch, done.prepared, strict=True):
                if record is not None:
                    read.append(href)
                    yield record

    try:
        assert import_cards(app.uow(), NAME, records(), expected=len(cards)) is not None
        if where == "helper_process":  # the helper prepared every batch
            assert preparer.sent == len(batches)
    finally:
        preparer.close()
    return read


@pytest.mark.parametrize("where", ["here", "helper_process", "helper_killed"])
def test_cards_read_once_import_as_the_file_of_them_does(
    app: App, second_app: App, tmp_path: Path, where: str
) -> None:
    bodies = _cards(tmp_path)
    for target in (app, second_app):
        _seed(target)
    # Before: the cards written to one file, imported as `kinmyaku import` does.
    readable = [b for b in bodies if b is not BAD]
    path = tmp_path / NAME
    path.write_bytes(b"".join(b"\r\n".join(b.splitlines()) + b"\r\n" for b in readable))
    old = import_files(app.uow(), paths=[path], format="vcard", jobs=0, skip_bad=True)
    # Now: each card read once, prepared as its multiget arrives, written as it is ready.
    read = _import_as_a_sync_does(second_app, bodies, where=where)

    assert len(read) == len(readable) == len(bodies) - 1
    assert f"/c/{bodies.index(BAD)}.vcf" not in read
    assert old.import_id is not None
    before, after = _state(app), _state(second_app)
    assert after == before
    # The card sent twice went through the duplicate check: it joined the person it made.
    assert len(after["people"]) == 1 + len(readable) - 1
    twice = {r[1] for r in after["provenance"] if r[0] == "person" and r[4] in (8, len(readable))}
    assert len(twice) == 1
    assert ("person", *twice, "match", NAME, len(readable)) in {r[:5] for r in after["provenance"]}
    assert {r[3] for r in after["provenance"] if r[4]} == {NAME}


def test_nothing_to_import_records_no_import(app: App) -> None:
    assert import_cards(app.uow(), NAME, iter([]), expected=0) is None
    with app.uow() as conn:
        assert conn.execute(select(imports)).first() is None

"""A card deleted on a phone archives its person in the trash (services/dav_trash.py):
restored exactly from the web, deleted for good, or deleted at once when the user chose
so; forgetting someone reaches the trash.  SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select

from kinmyaku.bootstrap import App
from kinmyaku.services import introductions, relations
from kinmyaku.services.app_passwords import add_app_password
from kinmyaku.services.dav_history import sync_log
from kinmyaku.services.dav_trash import list_trash, purge_trashed, set_deletion_mode
from kinmyaku.services.events import add_event
from kinmyaku.services.forget import forget_person
from kinmyaku.services.people import PersonInput, add_person, search_people
from kinmyaku.storage.schema import (
    contact_points,
    dav_trash,
    encounters,
    exchanges,
    metadata,
    people,
    provenance,
    search_terms,
)
from kinmyaku.storage.trash_rows import DERIVED
from kinmyaku.web.app import create_app

BOOK = "/dav/addressbooks/contacts/"
LOCAL = ("127.0.0.1", 5000)
D = "{DAV:}"
DAV_TABLES = {"dav_trash", "dav_log", "dav_deleted", "dav_served", "dav_versions"}
NOT_COMPARED = DERIVED | DAV_TABLES | {"app_passwords", "sessions", "credentials"}


@pytest.fixture
def dav(app: App) -> Iterator[TestClient]:
    """A CardDAV client (the device iPhone) on loopback."""
    made = add_app_password(app.uow(), name="iPhone")
    token = base64.b64encode(f"iPhone:{made.password}".encode()).decode()
    with TestClient(create_app(app), base_url="http://127.0.0.1", client=LOCAL) as client:
        client.headers["Authorization"] = f"Basic {token}"
        yield client


@pytest.fixture
def browser(app: App) -> Iterator[tuple[TestClient, str]]:
    """A browser on the web app and its CSRF token."""
    with TestClient(create_app(app), base_url="http://127.0.0.1", client=LOCAL) as client:
        yield client, str(client.get("/api/session").json()["csrf_token"])


@pytest.fixture
def network(app: App) -> dict[str, int]:
    """鈴木 with much recorded: met at an event through 田中, an interaction with 佐藤 too,
    a lone one, give and take, a request, a purpose, a link, an introduction to 佐藤."""
    uow = app.uow
    tanaka = add_person(uow(), PersonInput(family_name="田中", given_name="一"))
    sato = add_person(uow(), PersonInput(family_name="佐藤", given_name="花子"))
    suzuki = add_person(
        uow(),
        PersonInput(
            family_name="鈴木",
            given_name="一郎",
            family_reading="すずき",
            given_reading="いちろう",
            emails=["ichiro@example.jp"],
            phones=["090-1234-5678"],
            company="山田商事",
            title="部長",
            tags=["ゴルフ"],
            notes="memo",
        ),
    )
    event = add_event(uow(), name="交流会", on=date(2026, 11, 1))
    day = date(2026, 11, 2)
    relations.record_encounter(
        uow(), person_id=suzuki, on=day, event_id=event, introducer_id=tanaka, memory_cue="猫"
    )
    relations.record_encounter(uow(), person_id=sato, on=day, introducer_id=suzuki)
    relations.log_interaction(uow(), person_ids=[suzuki, sato], on=day, summary="会食")
    relations.log_interaction(uow(), person_ids=[suzuki], on=day, summary="電話")
    relations.record_exchange(uow(), person_id=suzuki, on=day, direction="gave", note="本")
    relations.open_request(uow(), person_id=suzuki, side="theirs", what="紹介", asked_on=day)
    relations.set_purpose(uow(), person_id=suzuki, category="mentor", goal="学ぶ")
    relations.link_people(uow(), person_a=suzuki, person_b=tanaka, kind="colleague")
    intro = introductions.propose_introduction(uow(), person_a=suzuki, person_b=sato, on=day)
    introductions.move_introduction(uow(), introduction_id=intro, state="introduced", on=day)
    return {"suzuki": suzuki, "tanaka": tanaka, "sato": sato}


def _dump(app: App) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table that is no index, log or credential."""
    found = {}
    with app.uow() as conn:
        for table in metadata.sorted_tables:
            if table.name in NOT_COMPARED:
                continue
            rows = [dict(r) for r in conn.execute(select(table)).mappings()]
            for row in rows:
                row.pop("updated_at", None)  # a restored card is new to every device
            found[table.name] = sorted(rows, key=repr)
    return found


def _sync(client: TestClient, token: str = "") -> ET.Element:
    body = (
        f'<d:sync-collection xmlns:d="DAV:"><d:sync-token>{token}</d:sync-token>'
        "<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"
    )
    response = client.request("REPORT", BOOK, content=body)
    assert response.status_code == 207, response.text
    return ET.fromstring(response.content)


def _statuses(root: ET.Element) -> dict[str, str]:
    found = {}
    for r in root.iter(f"{D}response"):
        href = r.findtext(f"{D}href") or ""
        found[href] = r.findtext(f"{D}status") or r.findtext(f".//{D}getetag") or ""
    return found


def test_deleted_on_a_phone_archived_then_restored_exactly(
    app: App, dav: TestClient, browser: tuple[TestClient, str], network: dict[str, int]
) -> None:
    suzuki = network["suzuki"]
    href = f"{BOOK}{suzuki}.vcf"
    token = _sync(dav).findtext(f"{D}sync-token") or ""
    before = _dump(app)

    assert dav.delete(href).status_code == 204
    with app.uow() as conn:
        assert conn.execute(select(people.c.id).where(people.c.id == suzuki)).first() is None
        # Others keep their rows, without the reference: 佐藤 was introduced by 鈴木.
        introducer = select(encounters.c.introducer_id).where(
            encounters.c.person_id == network["sato"]
        )
        assert conn.execute(introducer).scalar() is None
        credited = select(exchanges.c.introduction_id).where(
            exchanges.c.person_id == network["sato"]
        )
        assert conn.execute(credited).scalars().all() == [None]
    assert search_people(app.uow(), "鈴木") == []
    [entry] = list_trash(app.uow())
    assert (entry.name, entry.company, entry.device) == ("鈴木 一郎", "山田商事", "iPhone")
    gone = _sync(dav, token)
    assert _statuses(gone) == {href: "HTTP/1.1 404 Not Found"}
    token = gone.findtext(f"{D}sync-token") or ""

    client, csrf = browser
    page = client.get("/settings/trash")
    assert page.status_code == 200 and "鈴木 一郎" in page.text and "iPhone" in page.text
    refused = client.post(f"/settings/trash/{entry.id}/restore", follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token
    done = client.post(
        f"/settings/trash/{entry.id}/restore",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == f"/people/{suzuki}"

    assert _dump(app) == before
    assert [p.id for p in search_people(app.uow(), "すずき")] == [suzuki]
    assert [p.id for p in search_people(app.uow(), "ichiro@example.jp")] == [suzuki]
    assert list_trash(app.uow()) == []
    back = _sync(dav, token)  # the phone gets the card again at its next sync
    assert list(_statuses(back)) == [href] and _statuses(back)[href].startswith('"')
    actions = [(line.device, line.action, line.name) for line in sync_log(app.uow())]
    assert actions == [("iPhone", "archived", "鈴木 一郎")]


def test_delete_for_good_forgets(
    app: App, dav: TestClient, browser: tuple[TestClient, str], network: dict[str, int]
) -> None:
    suzuki = network["suzuki"]
    assert dav.delete(f"{BOOK}{suzuki}.vcf").status_code == 204
    [entry] = list_trash(app.uow())
    client, csrf = browser
    answer = client.post(
        f"/settings/trash/{entry.id}/delete", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert answer.status_code == 303
    with app.uow() as conn:
        assert conn.execute(select(func.count()).select_from(dav_trash)).scalar() == 0
        assert conn.execute(select(people.c.id).where(people.c.id == suzuki)).first() is None
        left = select(provenance.c.id).where(provenance.c.entity_id == suzuki)
        assert conn.execute(left).first() is None
        index = select(search_terms.c.term).where(search_terms.c.person_id == suzuki)
        assert conn.execute(index).first() is None
    assert [p.id for p in search_people(app.uow(), "佐藤")] == [network["sato"]]
    assert [line.action for line in sync_log(app.uow())] == []  # the log forgot them too


def test_setting_delete_deletes_at_once(
    app: App, dav: TestClient, browser: tuple[TestClient, str], network: dict[str, int]
) -> None:
    client, csrf = browser
    saved = client.post(
        "/settings/carddav/on-delete",
        data={"csrf_token": csrf, "mode": "delete"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert dav.delete(f"{BOOK}{network['suzuki']}.vcf").status_code == 204
    assert list_trash(app.uow()) == []
    with app.uow() as conn:
        assert conn.execute(select(func.count()).select_from(people)).scalar() == 2
    [line] = sync_log(app.uow())
    assert (line.action, line.name, line.person_id) == ("deleted", "", None)
    set_deletion_mode(app.uow(), mode="archive")
    assert dav.delete(f"{BOOK}{network['sato']}.vcf").status_code == 204
    assert [e.name for e in list_trash(app.uow())] == ["佐藤 花子"]


def test_restore_when_the_id_was_taken(app: App, dav: TestClient, network: dict[str, int]) -> None:
    suzuki = network["suzuki"]
    assert dav.delete(f"{BOOK}{suzuki}.vcf").status_code == 204
    with app.uow() as conn:  # as SQLite hands the largest id out again
        conn.execute(
            insert(people).values(
                id=suzuki,
                family_name="新人",
                sort_key="しんじん",
                created_at=date(2026, 12, 1),
                updated_at=date(2026, 12, 1),
            )
        )
    from kinmyaku.services.dav_trash import restore_trashed

    [entry] = list_trash(app.uow())
    new = restore_trashed(app.uow(), entry_id=entry.id)
    assert new != suzuki
    with app.uow() as conn:
        mails = select(contact_points.c.value).where(contact_points.c.person_id == new)
        assert "ichiro@example.jp" in conn.execute(mails).scalars().all()
        met = select(encounters.c.introducer_id).where(encounters.c.person_id == network["sato"])
        assert conn.execute(met).scalar() == new
    assert [p.id for p in search_people(app.uow(), "鈴木")] == [new]


def test_forgetting_someone_reaches_the_trash(
    app: App, dav: TestClient, network: dict[str, int]
) -> None:
    suzuki, tanaka = network["suzuki"], network["tanaka"]
    assert dav.delete(f"{BOOK}{suzuki}.vcf").status_code == 204
    forget_person(app.uow(), tanaka)  # 田中 introduced 鈴木 and is linked to him
    with app.uow() as conn:
        [snapshot] = conn.execute(select(dav_trash.c.snapshot)).scalars().all()
    assert f'"introducer_id": {tanaka}' not in snapshot
    assert f'"person_b": {tanaka}' not in snapshot and f'"person_a": {tanaka}' not in snapshot
    [entry] = list_trash(app.uow())
    purge_trashed(app.uow(), entry_id=entry.id)
    with app.uow() as conn:
        assert conn.execute(select(func.count()).select_from(people)).scalar() == 1
        assert conn.execute(select(func.count()).select_from(dav_trash)).scalar() == 0

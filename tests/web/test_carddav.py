"""The CardDAV server (web/dav.py) over HTTP: discovery, listing, reports, GET/PUT/DELETE,
ETags, sync tokens and the login rules, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from kinmyaku.bootstrap import App
from kinmyaku.services.app_passwords import (
    add_app_password,
    list_app_passwords,
    revoke_app_password,
)
from kinmyaku.services.auth import set_password
from kinmyaku.services.dav_history import sync_log
from kinmyaku.services.forget import forget_person
from kinmyaku.services.importing import list_imports
from kinmyaku.services.people import PersonInput, add_person, edit_person
from kinmyaku.storage.schema import imports, people, provenance
from kinmyaku.web.app import create_app

BOOK = "/dav/addressbooks/contacts/"
D = "{DAV:}"
C = "{urn:ietf:params:xml:ns:carddav}"
OWNER_PASSWORD = "owner-secret-1"


def _basic(name: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{name}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def dav(app: App) -> Iterator[TestClient]:
    """A client on loopback with the app password of a device named iPhone."""
    made = add_app_password(app.uow(), name="iPhone")
    web = create_app(app)
    with TestClient(web, base_url="http://127.0.0.1", client=("127.0.0.1", 5000)) as client:
        client.headers.update(_basic("iPhone", made.password))
        yield client


@pytest.fixture
def suzuki(app: App) -> int:
    """鈴木 一郎 with a reading, a company, a phone, an e-mail and notes (never on the card)."""
    return add_person(
        app.uow(),
        PersonInput(
            family_name="鈴木",
            given_name="一郎",
            family_reading="すずき",
            given_reading="いちろう",
            emails=["ichiro@example.jp"],
            phones=["090-1234-5678"],
            company="山田商事",
            title="部長",
            notes="secret memo",
        ),
    )


def _xml(response: object) -> ET.Element:
    return ET.fromstring(response.content)  # type: ignore[attr-defined]


def _propfind(client: TestClient, path: str, body: str, depth: str = "0") -> ET.Element:
    response = client.request("PROPFIND", path, content=body, headers={"Depth": depth})
    assert response.status_code == 207, response.text
    return _xml(response)


def _hrefs_etags(root: ET.Element) -> dict[str, str]:
    found = {}
    for response in root.iter(f"{D}response"):
        href = response.findtext(f"{D}href") or ""
        etag = response.findtext(f".//{D}getetag")
        if etag:
            found[href] = etag
    return found


def test_app_passwords_add_list_revoke(app: App) -> None:
    made = add_app_password(app.uow(), name="Pixel")
    assert len(made.password) >= 24
    [listed] = list_app_passwords(app.uow())
    assert listed.name == "Pixel" and listed.revoked_at is None and listed.last_used is None
    revoke_app_password(app.uow(), name="Pixel")
    assert list_app_passwords(app.uow())[0].revoked_at is not None


def test_discovery(dav: TestClient) -> None:
    moved = dav.request("PROPFIND", "/.well-known/carddav", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/dav/"
    body = (
        '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav"><d:prop>'
        "<d:current-user-principal/><c:addressbook-home-set/></d:prop></d:propfind>"
    )
    root = _propfind(dav, "/dav/", body)
    assert root.findtext(f".//{D}current-user-principal/{D}href") == "/dav/"
    assert root.findtext(f".//{C}addressbook-home-set/{D}href") == "/dav/addressbooks/"
    home = _propfind(dav, "/dav/addressbooks/", "", depth="1")
    types = {
        r.findtext(f"{D}href"): r.find(f".//{D}resourcetype") for r in home.iter(f"{D}response")
    }
    book_type = types[BOOK]
    assert book_type is not None and book_type.find(f"{C}addressbook") is not None
    assert home.findtext(f".//{D}sync-token", "").startswith("http://kinmyaku.invalid/sync/")
    assert dav.options("/dav/").headers["dav"] == "1, 3, addressbook"


def test_listing_get_and_what_a_card_holds(dav: TestClient, suzuki: int) -> None:
    body = '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>'
    listed = _hrefs_etags(_propfind(dav, BOOK, body, depth="1"))
    assert list(listed) == [f"{BOOK}{suzuki}.vcf"]
    card = dav.get(f"{BOOK}{suzuki}.vcf")
    assert card.status_code == 200 and card.headers["etag"] == listed[f"{BOOK}{suzuki}.vcf"]
    text = card.text
    assert "VERSION:4.0" in text and "FN:鈴木 一郎" in text and "SORT-AS=" in text
    assert "X-PHONETIC-LAST-NAME:すずき" in text and "X-PHONETIC-FIRST-NAME:いちろう" in text
    assert "山田商事" in text and "TITLE:部長" in text and "ichiro@example.jp" in text
    assert "secret memo" not in text and "NOTE" not in text
    old = dav.get(f"{BOOK}{suzuki}.vcf", headers={"Accept": "text/vcard; version=3.0"})
    assert "VERSION:3.0" in old.text
    assert dav.get(f"{BOOK}999.vcf").status_code == 404


def test_multiget_and_query(dav: TestClient, suzuki: int) -> None:
    multiget = (
        '<c:addressbook-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">'
        f"<d:prop><d:getetag/><c:address-data/></d:prop><d:href>{BOOK}{suzuki}.vcf</d:href>"
        f"<d:href>{BOOK}424242.vcf</d:href></c:addressbook-multiget>"
    )
    root = _xml(dav.request("REPORT", BOOK, content=multiget, headers={"Depth": "1"}))
    data = root.findtext(f".//{C}address-data") or ""
    assert "鈴木" in data
    statuses = [r.findtext(f"{D}status") for r in root.iter(f"{D}response")]
    assert "HTTP/1.1 404 Not Found" in statuses
    query = (
        '<c:addressbook-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">'
        "<d:prop><d:getetag/></d:prop></c:addressbook-query>"
    )
    found = _hrefs_etags(_xml(dav.request("REPORT", BOOK, content=query)))
    assert list(found) == [f"{BOOK}{suzuki}.vcf"]


def _sync(client: TestClient, token: str = "") -> ET.Element:
    body = (
        f'<d:sync-collection xmlns:d="DAV:"><d:sync-token>{token}</d:sync-token>'
        "<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"
    )
    response = client.request("REPORT", BOOK, content=body)
    assert response.status_code == 207, response.text
    return _xml(response)


def test_sync_collection_reports_only_changes(app: App, dav: TestClient, suzuki: int) -> None:
    first = _sync(dav)
    token = first.findtext(f"{D}sync-token") or ""
    assert list(_hrefs_etags(first)) == [f"{BOOK}{suzuki}.vcf"]
    nothing = _sync(dav, token)
    assert _hrefs_etags(nothing) == {} and nothing.findtext(f"{D}sync-token") == token
    other = add_person(app.uow(), PersonInput(family_name="田中"))
    edit_person(app.uow(), suzuki, PersonInput(nickname="イチ"))
    changed = _sync(dav, token)
    assert set(_hrefs_etags(changed)) == {f"{BOOK}{suzuki}.vcf", f"{BOOK}{other}.vcf"}
    token = changed.findtext(f"{D}sync-token") or ""
    assert dav.delete(f"{BOOK}{other}.vcf").status_code == 204
    gone = _sync(dav, token)
    statuses = {r.findtext(f"{D}href"): r.findtext(f"{D}status") for r in gone.iter(f"{D}response")}
    assert statuses == {f"{BOOK}{other}.vcf": "HTTP/1.1 404 Not Found"}
    bad = dav.request(
        "REPORT",
        BOOK,
        content='<d:sync-collection xmlns:d="DAV:"><d:sync-token>nope</d:sync-token>'
        "<d:prop><d:getetag/></d:prop></d:sync-collection>",
    )
    assert bad.status_code == 403 and b"valid-sync-token" in bad.content


CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:佐藤;花子;;;\r\nFN:佐藤 花子\r\n"
    "X-PHONETIC-LAST-NAME:さとう\r\nEMAIL:hanako@example.jp\r\nEND:VCARD\r\n"
)


def test_put_new_card_then_edit_it(app: App, dav: TestClient) -> None:
    created = dav.put(f"{BOOK}abc-1.vcf", content=CARD, headers={"If-None-Match": "*"})
    assert created.status_code == 201
    etag = created.headers["etag"]
    again = dav.put(f"{BOOK}abc-1.vcf", content=CARD, headers={"If-None-Match": "*"})
    assert again.status_code == 412
    with app.uow() as conn:
        [(pid, family, reading)] = conn.execute(
            select(people.c.id, people.c.family_name, people.c.family_reading)
        ).all()
    assert (family, reading) == ("佐藤", "さとう")
    assert dav.get(f"{BOOK}abc-1.vcf").headers["etag"] == etag
    edited = CARD.replace("花子", "花").replace("hanako@", "hana@")
    stale = dav.put(f"{BOOK}abc-1.vcf", content=edited, headers={"If-Match": '"stale"'})
    assert stale.status_code == 412
    done = dav.put(f"{BOOK}abc-1.vcf", content=edited, headers={"If-Match": etag})
    assert done.status_code == 204 and done.headers["etag"] != etag
    card = dav.get(f"{BOOK}abc-1.vcf").text
    assert ":佐藤;花;;;" in card and "hana@example.jp" in card and "hanako@" not in card
    with app.uow() as conn:
        sources = conn.execute(
            select(provenance.c.file, provenance.c.action).where(provenance.c.entity_id == pid)
        ).all()
        formats = set(conn.execute(select(imports.c.format)).scalars())
    assert ("CardDAV, iPhone", "update") in sources and "carddav" in formats
    listed = list_imports(app.uow())
    assert listed[0].format == "carddav" and listed[0].files == ["CardDAV, iPhone"]


def test_new_card_for_someone_known_joins_them(app: App, dav: TestClient, suzuki: int) -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:鈴木;一郎;;;\r\nFN:鈴木 一郎\r\n"
        "EMAIL:ichiro@example.jp\r\nEND:VCARD\r\n"
    )
    assert dav.put(f"{BOOK}new.vcf", content=card).status_code == 201
    with app.uow() as conn:
        assert conn.execute(select(people.c.id)).scalars().all() == [suzuki]
    body = '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>'
    assert list(_hrefs_etags(_propfind(dav, BOOK, body, depth="1"))) == [f"{BOOK}new.vcf"]


def test_bad_requests(dav: TestClient, suzuki: int) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
        '<d:propfind xmlns:d="DAV:"><d:prop>&b;</d:prop></d:propfind>'
    )
    assert dav.request("PROPFIND", BOOK, content=bomb).status_code == 400
    assert dav.request("PROPFIND", BOOK, content="<not xml").status_code == 400
    assert dav.put(f"{BOOK}x.vcf", content="hello").status_code == 400
    assert dav.put(f"{BOOK}../x.vcf", content=CARD).status_code in (403, 404)
    stale = dav.delete(f"{BOOK}{suzuki}.vcf", headers={"If-Match": '"old"'})
    assert stale.status_code == 412


def test_login_rules(app: App, dav: TestClient) -> None:
    set_password(app.uow(), password=OWNER_PASSWORD)
    path = "/dav/"
    assert dav.request("PROPFIND", path).status_code == 207
    owner = dav.request("PROPFIND", path, headers=_basic("iPhone", OWNER_PASSWORD))
    assert owner.status_code == 401 and "basic" in owner.headers["www-authenticate"].lower()
    nobody = dav.request("PROPFIND", path, headers={"Authorization": ""})
    assert nobody.status_code == 401
    other = add_app_password(app.uow(), name="iPad")
    revoke_app_password(app.uow(), name="iPad")
    assert dav.request("PROPFIND", path, headers=_basic("iPad", other.password)).status_code == 401
    assert dav.request("PROPFIND", path, headers=_basic("iPhone", "wrong")).status_code == 401
    for _ in range(6):
        dav.request("PROPFIND", path, headers=_basic("iPhone", "wrong"))
    assert dav.request("PROPFIND", path, headers=_basic("iPhone", "wrong")).status_code == 429
    # No CSRF token needed on /dav/, still needed elsewhere.
    assert dav.post("/api/people", json={"family_name": "x"}).status_code in (401, 403)


def test_refused_without_tls_from_the_network(app: App) -> None:
    made = add_app_password(app.uow(), name="Laptop")
    web = create_app(app)
    with TestClient(web, base_url="http://127.0.0.1", client=("192.0.2.7", 5000)) as remote:
        answer = remote.request("PROPFIND", "/dav/", headers=_basic("Laptop", made.password))
    assert answer.status_code == 403 and "HTTPS" in answer.text


def test_put_without_if_match_over_a_changed_card_merges_by_field(
    app: App, dav: TestClient
) -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:佐藤;花子;;;\r\nFN:佐藤 花子\r\nORG:山田商事\r\n"
        "TITLE:部長\r\nEMAIL:hanako@example.jp\r\nEND:VCARD\r\n"
    )
    assert dav.put(f"{BOOK}m.vcf", content=card).status_code == 201
    assert dav.get(f"{BOOK}m.vcf").status_code == 200  # the phone holds this version
    with app.uow() as conn:
        [pid] = conn.execute(select(people.c.id)).scalars().all()
    # On the server: a new title and a phone number.
    edit_person(
        app.uow(), pid, PersonInput(company="山田商事", title="社長", phones=["03-1234-5678"])
    )
    # On the phone, from the old version: a nickname, a new e-mail, another title.
    theirs = card.replace("TITLE:部長", "TITLE:課長\r\nNICKNAME:ハナ").replace("hanako@", "hana@")
    answer = dav.put(f"{BOOK}m.vcf", content=theirs)
    assert answer.status_code == 204 and "etag" not in answer.headers  # fetch it again
    text = dav.get(f"{BOOK}m.vcf").text
    assert "NICKNAME:ハナ" in text and "hana@example.jp" in text and "hanako@" not in text
    assert "TITLE:社長" in text and "03-1234-5678" in text  # the server's title wins
    with app.uow() as conn:
        rows = conn.execute(
            select(provenance.c.before).where(provenance.c.entity == "field_conflict")
        ).scalars()
        conflicts = [json.loads(row) for row in rows]
    assert conflicts == [
        {"field": "title", "base": "部長", "ours": "社長", "theirs": "課長", "kept": "社長"}
    ]
    assert [line.action for line in sync_log(app.uow())] == ["merged", "created"]
    # A stale If-Match is still refused (RFC 7232): the phone fetches the card again.
    stale = dav.put(f"{BOOK}m.vcf", content=theirs, headers={"If-Match": '"old"'})
    assert stale.status_code == 412
    forget_person(app.uow(), pid)  # both values leave with the person
    with app.uow() as conn:
        left = select(provenance.c.id).where(provenance.c.entity == "field_conflict")
        assert conn.execute(left).first() is None


def test_every_request_notes_the_device_and_writes_go_to_the_log(app: App, dav: TestClient) -> None:
    assert dav.put(f"{BOOK}n.vcf", content=CARD).status_code == 201
    [device] = list_app_passwords(app.uow())
    assert device.last_used is not None
    [line] = sync_log(app.uow())
    assert (line.device, line.action, line.name) == ("iPhone", "created", "佐藤 花子")


def test_a_change_time_in_the_future_hides_no_edit(app: App, dav: TestClient, suzuki: int) -> None:
    other = add_person(app.uow(), PersonInput(family_name="田中"))
    with app.uow() as conn:  # as the demo's generated data, or a clock set back
        conn.execute(
            update(people)
            .where(people.c.id == suzuki)
            .values(updated_at=datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1))
        )
    token = _sync(dav).findtext(f"{D}sync-token") or ""
    edit_person(app.uow(), other, PersonInput(nickname="タナ"))
    changed = _hrefs_etags(_sync(dav, token))
    assert f"{BOOK}{other}.vcf" in changed  # the future one is listed too, until its time

"""What iOS Contacts and DAVx5 send while adding an account and syncing it the first time
(tests/data/dav_replay/*.http, each naming its sources), replayed against the server: the
status of each step and the properties those clients need from it."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from kinmyaku.bootstrap import App
from kinmyaku.services.app_passwords import add_app_password
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.web.app import create_app

REPLAY = Path(__file__).parents[1] / "data" / "dav_replay"
D = "{DAV:}"
C = "{urn:ietf:params:xml:ns:carddav}"
CS = "{http://calendarserver.org/ns/}"
BOOK = "/dav/addressbooks/contacts/"


@dataclass
class Step:
    """One request of a capture and the status it must get."""

    method: str
    path: str
    headers: dict[str, str]
    body: str
    status: int


def read_capture(path: Path) -> list[Step]:
    """The steps of a capture file (comments start with '#')."""
    steps: list[Step] = []
    lines = [line for line in path.read_text("utf-8").splitlines() if not line.startswith("#")]
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.startswith(">>> "):
            continue
        method, target = line[4:].split(" ", 1)
        headers: dict[str, str] = {}
        while lines[index].strip():
            name, value = lines[index].split(":", 1)
            headers[name.strip()] = value.strip()
            index += 1
        body: list[str] = []
        index += 1
        while not lines[index].startswith("<<< "):
            body.append(lines[index])
            index += 1
        steps.append(Step(method, target, headers, "\n".join(body).strip(), int(lines[index][4:])))
        index += 1
    return steps


@pytest.fixture
def phone(app: App) -> Iterator[TestClient]:
    """A device with an app password, on loopback, and three people to sync."""
    for family, given in (("鈴木", "一郎"), ("佐藤", "花子"), ("Smith", "Anna")):
        add_person(app.uow(), PersonInput(family_name=family, given_name=given, title="部長"))
    made = add_app_password(app.uow(), name="Phone")
    token = base64.b64encode(f"Phone:{made.password}".encode()).decode()
    web = create_app(app)
    with TestClient(web, base_url="https://127.0.0.1", client=("127.0.0.1", 5000)) as client:
        client.headers["Authorization"] = f"Basic {token}"
        yield client


def _replay(client: TestClient, name: str, href_tag: str) -> list[Response]:
    answers: list[Response] = []
    listed: list[str] = []
    for step in read_capture(REPLAY / name):
        body = step.body.replace(
            "{hrefs}", "".join(f"<{href_tag}>{h}</{href_tag}>" for h in listed)
        )
        answer = client.request(
            step.method,
            step.path,
            content=body.encode("utf-8"),
            headers=step.headers,
            follow_redirects=False,
        )
        assert answer.status_code == step.status, (step.method, step.path, answer.text)
        if step.method == "REPORT" and "sync-collection" in body:
            root = ET.fromstring(answer.content)
            listed = [r.findtext(f"{D}href") or "" for r in root.iter(f"{D}response")]
        answers.append(answer)
    return answers


def _props(answer: Response, href: str) -> tuple[ET.Element, ET.Element]:
    """The found (200) and missing (404) properties of one resource of a multistatus."""
    root = ET.fromstring(answer.content)
    for response in root.iter(f"{D}response"):
        if response.findtext(f"{D}href") == href:
            found, missing = ET.Element("found"), ET.Element("missing")
            for propstat in response.iter(f"{D}propstat"):
                into = found if "200" in (propstat.findtext(f"{D}status") or "") else missing
                for prop in propstat.iter(f"{D}prop"):
                    into.extend(list(prop))
            return found, missing
    raise AssertionError(f"no response for {href}: {answer.text}")


def _cards(answer: Response) -> dict[str, tuple[str, str, str]]:
    """href -> (ETag, content type, vCard text) of a multiget's answer."""
    root = ET.fromstring(answer.content)
    found = {}
    for r in root.iter(f"{D}response"):
        found[r.findtext(f"{D}href") or ""] = (
            r.findtext(f".//{D}getetag") or "",
            r.findtext(f".//{D}getcontenttype") or "",
            r.findtext(f".//{C}address-data") or "",
        )
    return found


def _etags(answer: Response) -> dict[str, str]:
    root = ET.fromstring(answer.content)
    return {
        r.findtext(f"{D}href") or "": r.findtext(f".//{D}getetag") or ""
        for r in root.iter(f"{D}response")
    }


def test_ios_contacts_first_sync(phone: TestClient) -> None:
    steps = _replay(phone, "ios_first_sync.http", "A:href")
    assert steps[0].headers["location"] == "/dav/"
    found, _ = _props(steps[1], "/dav/")
    assert found.findtext(f"{D}current-user-principal/{D}href") == "/dav/"
    assert "addressbook" in steps[2].headers["dav"]
    found, missing = _props(steps[3], "/dav/")
    assert found.findtext(f"{C}addressbook-home-set/{D}href") == "/dav/addressbooks/"
    assert missing.find(f"{C}directory-gateway") is not None  # unknown: 404, not an error
    found, missing = _props(steps[4], BOOK)
    kinds = found.find(f"{D}resourcetype")
    assert kinds is not None and kinds.find(f"{C}addressbook") is not None
    assert found.findtext(f"{CS}getctag") == found.findtext(f"{D}sync-token") != ""
    reports = {el.tag for el in found.iter() if el.tag in (f"{D}sync-collection",
                                                        f"{C}addressbook-multiget")}  # fmt: skip
    assert reports == {f"{D}sync-collection", f"{C}addressbook-multiget"}
    rights = {el.tag for el in found.iter(f"{D}privilege") for el in el}
    assert {f"{D}read", f"{D}write", f"{D}bind", f"{D}unbind"} <= rights
    assert missing.find(f"{CS}push-transports") is not None
    found, _ = _props(steps[5], BOOK)
    assert found.findtext(f"{D}sync-token", "").startswith("http")
    listing = _etags(steps[6])
    assert len(listing) == 3 and all(tag.startswith('"') for tag in listing.values())
    assert ET.fromstring(steps[6].content).findtext(f"{D}sync-token")
    cards = _cards(steps[7])
    assert set(cards) == set(listing)
    for href, (etag, _, text) in cards.items():
        assert etag == listing[href]
        # No version asked: vCard 3.0 (RFC 6352 10.4), which iOS reads.
        assert text.startswith("BEGIN:VCARD") and "VERSION:3.0" in text and "FN:" in text
    assert any("FN:鈴木 一郎" in text for _, _, text in cards.values())


def test_davx5_first_sync(phone: TestClient) -> None:
    steps = _replay(phone, "davx5_first_sync.http", "href")
    found, _ = _props(steps[0], "/dav/")
    assert found.findtext(f"{D}current-user-principal/{D}href") == "/dav/"
    assert found.findtext(f"{C}addressbook-home-set/{D}href") == "/dav/addressbooks/"
    found, _ = _props(steps[1], "/dav/")
    assert found.findtext(f"{C}addressbook-home-set/{D}href") == "/dav/addressbooks/"
    found, _ = _props(steps[2], BOOK)
    kinds = found.find(f"{D}resourcetype")
    assert kinds is not None and kinds.find(f"{C}addressbook") is not None
    versions = {el.get("version") for el in found.iter(f"{C}address-data-type")}
    assert versions == {"3.0", "4.0"}  # DAVx5 then asks for vCard 4.0
    found, _ = _props(steps[3], BOOK)
    assert int(found.findtext(f"{C}max-resource-size") or 0) >= 100_000
    assert found.find(f".//{D}sync-collection") is not None  # DAVx5 uses collection sync
    assert found.findtext(f"{CS}getctag") and found.findtext(f"{D}sync-token")
    listing = _etags(steps[4])
    assert len(listing) == 3
    cards = _cards(steps[5])
    assert set(cards) == set(listing)
    for href, (etag, kind, text) in cards.items():
        assert etag == listing[href] and kind.startswith("text/vcard")
        assert "VERSION:4.0" in text and re.search(r"^UID:", text, re.M)

"""CardDAV on the Settings page: the URL for a phone, app passwords made (shown once) and
revoked, each device's last sync and the sync log; CSRF on every form."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kinmyaku.bootstrap import App
from kinmyaku.services.app_passwords import list_app_passwords
from kinmyaku.web.app import create_app

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:佐藤;花子;;;\r\nFN:佐藤 花子\r\nEND:VCARD\r\n"


@pytest.fixture
def browser(app: App) -> Iterator[tuple[TestClient, str]]:
    """A browser on this machine and its CSRF token."""
    with TestClient(
        create_app(app), base_url="http://127.0.0.1:8765", client=("127.0.0.1", 5000)
    ) as client:
        yield client, str(client.get("/api/session").json()["csrf_token"])


def test_carddav_settings(app: App, browser: tuple[TestClient, str]) -> None:
    client, csrf = browser
    page = client.get("/settings").text
    assert "Sync with phones (CardDAV)" in page and "http://127.0.0.1:8765/dav/" in page
    assert "This address works only on this computer" in page
    assert "No app password yet" in page and 'href="/settings/trash"' in page

    refused = client.post("/settings/carddav/passwords", data={"name": "Pixel"})
    assert refused.status_code == 403 and list_app_passwords(app.uow()) == []
    made = client.post("/settings/carddav/passwords", data={"name": "Pixel", "csrf_token": csrf})
    assert made.status_code == 200 and "shown only this once" in made.text
    found = re.search(r'class="secret">([0-9a-f-]{27})<', made.text)
    assert found is not None
    password = found.group(1)
    page = client.get("/settings").text
    assert "Pixel" in page and "Not synced yet" in page and password not in page

    token = base64.b64encode(f"Pixel:{password}".encode()).decode()
    dav = {"Authorization": f"Basic {token}"}
    put = client.put("/dav/addressbooks/contacts/x.vcf", content=CARD, headers=dav)
    assert put.status_code == 201
    page = client.get("/settings").text
    assert "Last sync" in page and "just now" in page
    assert re.search(r"<strong>Pixel</strong> created: <a href=\"/people/\d+\">佐藤 花子</a>", page)

    [pixel] = list_app_passwords(app.uow())
    url = f"/settings/carddav/passwords/{pixel.id}/revoke"
    assert client.post(url).status_code == 403
    done = client.post(url, data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/settings#carddav"
    assert list_app_passwords(app.uow())[0].revoked_at is not None
    page = client.get("/settings").text
    assert "1 revoked" in page
    assert client.request("PROPFIND", "/dav/", headers=dav).status_code in (200, 207, 401)


def test_carddav_settings_in_japanese(browser: tuple[TestClient, str]) -> None:
    client, _ = browser
    client.cookies.set("kinmyaku_lang", "ja")
    page = client.get("/settings").text
    assert "スマートフォンと同期（CardDAV）" in page and "削除した連絡先" in page
    trash = client.get("/settings/trash").text
    assert "削除した連絡先" in trash

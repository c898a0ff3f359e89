"""The import page: upload, preview (writes nothing), confirm, undo, and what is refused."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kinmyaku.bootstrap import App
from kinmyaku.formats import vcard_blocks
from kinmyaku.services import import_pipeline, importing
from kinmyaku.storage.schema import people
from kinmyaku.web import routes
from kinmyaku.web.app import create_app
from kinmyaku.web.routes import pages_export, pages_import

DATA = Path(__file__).resolve().parents[1] / "data"
IPHONE = DATA / "vcard" / "japanese-iphone-30.vcf"
LINKEDIN = DATA / "csv" / "linkedin-connections.csv"
BAD_CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:山田;花子;;;\r\nFN:山田 花子\r\n"
    "EMAIL:not-an-address\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:佐藤;一郎;;;\r\nFN:佐藤 一郎\r\n"
    "EMAIL:ichiro@example.jp\r\nEND:VCARD\r\n"
)


def build_web(core: App) -> FastAPI:
    """The web app with the import and export pages (added here until routes lists them)."""
    web = create_app(core)
    mounted = routes.routers()
    for module in (pages_import, pages_export):
        if module.router not in mounted:
            web.include_router(module.router)
    return web


@pytest.fixture
def core(sqlite_app: App, tmp_path: Path) -> App:
    """The app on a fresh SQLite file, its data folder (uploads) in the test's temp folder."""
    sqlite_app.settings = dataclasses.replace(sqlite_app.settings, data_dir=tmp_path / "data")
    return sqlite_app


@pytest.fixture
def client(core: App) -> Iterator[TestClient]:
    """A browser-like client of the web app."""
    with TestClient(build_web(core), base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture
def csrf(client: TestClient) -> str:
    """The CSRF token of the client's session."""
    return str(client.get("/api/session").json()["csrf_token"])


def uploads(core: App) -> list[Path]:
    """The upload folders waiting between preview and confirm."""
    root = core.settings.data_dir / "import-uploads"
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.exists() else []


def count_people(core: App) -> int:
    """How many people are stored."""
    with core.uow() as conn:
        return int(conn.execute(select(func.count()).select_from(people)).scalar_one())


def preview(
    client: TestClient, csrf: str, *files: tuple[str, bytes], **fields: str
) -> tuple[int, str]:
    """Post files to the preview; returns the status and the page."""
    response = client.post(
        "/import/preview",
        data={"csrf_token": csrf, **fields},
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
    )
    return response.status_code, response.text


def token_of(page: str) -> str:
    """The upload token the preview's Confirm form carries."""
    found = re.search(r'name="upload" value="([^"]+)"', page)
    assert found, "no Confirm form on the page"
    return found.group(1)


def test_the_page_offers_the_upload_form(client: TestClient) -> None:
    page = client.get("/import").text
    assert 'enctype="multipart/form-data"' in page
    assert 'name="files" type="file" multiple' in page
    assert '<option value="auto" selected>' in page
    assert 'name="skip_bad"' in page
    assert "No imports yet." in page


def test_preview_writes_nothing_then_confirm_imports(
    client: TestClient, csrf: str, core: App
) -> None:
    status, page = preview(client, csrf, (IPHONE.name, IPHONE.read_bytes()))
    assert status == 200
    assert "To create 3, to update 0, unchanged 0, to skip 0." in page
    assert "山田 太郎" in page
    assert f"{IPHONE.name}:1" in page  # file and line of the first card
    assert count_people(core) == 0
    assert importing.list_imports(core.uow()) == []
    assert len(uploads(core)) == 1
    token = token_of(page)
    assert len(token) >= 43

    done = client.post(
        "/import/confirm", data={"csrf_token": csrf, "upload": token}, follow_redirects=False
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/import?done=1"
    assert count_people(core) == 3
    assert uploads(core) == []  # the files are deleted after confirm
    page = client.get(done.headers["location"]).text
    assert "Import #1 is done." in page
    assert IPHONE.name in page
    assert "3 created, 0 updated, 0 unchanged" in page

    again = client.post("/import/confirm", data={"csrf_token": csrf, "upload": token})
    assert again.status_code == 422
    assert "The uploaded files are gone" in again.text
    assert count_people(core) == 3


def test_several_files_and_a_repeat_shows_unchanged(
    client: TestClient, csrf: str, core: App
) -> None:
    files = [(IPHONE.name, IPHONE.read_bytes()), (LINKEDIN.name, LINKEDIN.read_bytes())]
    status, page = preview(client, csrf, *files)
    assert status == 200
    assert "To create 5, to update 1, unchanged 0, to skip 0." in page  # a LinkedIn row matches
    client.post("/import/confirm", data={"csrf_token": csrf, "upload": token_of(page)})
    status, page = preview(client, csrf, (IPHONE.name, IPHONE.read_bytes()))
    assert "To create 0, to update 0, unchanged 3, to skip 0." in page
    assert "Same e-mail" in page  # the identity engine's reason, with the address
    assert re.search(r'<a href="/people/\d+">山田 太郎</a>', page)


def test_a_large_upload_is_read_by_helper_processes(
    client: TestClient, csrf: str, core: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every upload counts as large here: the preview and the import run helper processes
    # and find what the small-file tests above find.
    monkeypatch.setattr(import_pipeline, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(vcard_blocks, "BLOCK", 200)
    started = []
    real = import_pipeline.prepare_in
    monkeypatch.setattr(
        import_pipeline, "prepare_in", lambda *a, **k: started.append(1) or real(*a, **k)
    )
    files = [(IPHONE.name, IPHONE.read_bytes()), (LINKEDIN.name, LINKEDIN.read_bytes())]
    status, page = preview(client, csrf, *files)
    assert status == 200
    assert "To create 5, to update 1, unchanged 0, to skip 0." in page
    client.post("/import/confirm", data={"csrf_token": csrf, "upload": token_of(page)})
    assert count_people(core) == 5
    assert len(started) == 2  # the preview and the import


def test_cancel_forgets_the_files(client: TestClient, csrf: str, core: App) -> None:
    _status, page = preview(client, csrf, (IPHONE.name, IPHONE.read_bytes()))
    response = client.post(
        "/import/cancel", data={"csrf_token": csrf, "upload": token_of(page)},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    assert uploads(core) == []
    assert count_people(core) == 0


def test_a_bad_value_is_kept_and_listed_to_check(client: TestClient, csrf: str, core: App) -> None:
    card = ("cards.vcf", BAD_CARD.encode())
    status, page = preview(client, csrf, card)
    assert status == 200
    assert "To create 2, to update 0, unchanged 0, to skip 0." in page
    assert "Check cards.vcf:1: The e-mail address &#39;not-an-address&#39; is not valid" in page
    assert "--skip-bad" not in page and "--skip-bad" not in client.get("/import").text
    client.post("/import/confirm", data={"csrf_token": csrf, "upload": token_of(page)})
    assert count_people(core) == 2


# A row the csv module cannot read (a cell over its 128 KiB limit) between two good ones.
UNREADABLE_CSV = (
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "花子,山田,,hanako@example.jp,,,\r\n" + "x" * 140_000 + ",,,,,,\r\n"
    "一郎,佐藤,,ichiro@example.jp,,,\r\n"
)


def test_an_unreadable_record_stops_everything_unless_skipped(
    client: TestClient, csrf: str, core: App
) -> None:
    rows = ("rows.csv", UNREADABLE_CSV.encode())
    status, page = preview(client, csrf, rows)
    assert status == 422
    assert "Nothing was imported." in page
    assert "rows.csv line 3" in page
    assert uploads(core) == []

    status, page = preview(client, csrf, rows, skip_bad="on")
    assert status == 200
    assert "To create 2, to update 0, unchanged 0, to skip 1." in page
    assert "<code>rows.csv:3</code>" in page
    client.post("/import/confirm", data={"csrf_token": csrf, "upload": token_of(page)})
    assert count_people(core) == 2  # skipping was kept from the preview


def test_errors_are_shown_in_japanese(client: TestClient, csrf: str) -> None:
    client.cookies.set("kinmyaku_lang", "ja")
    status, page = preview(client, csrf, ("broken.vcf", b"hello\r\n"))
    assert status == 422
    assert "broken.vcf" in page
    assert "vCard でも対応している CSV でもありません" in page or "vCard の外に" in page
    status, page = preview(client, csrf, ("photo.png", b"\x89PNG\r\n"))
    assert "photo.png は vCard (.vcf) でも CSV (.csv) でもありません" in page


def test_other_file_types_are_refused(client: TestClient, csrf: str, core: App) -> None:
    status, page = preview(client, csrf, ("contacts.xlsx", b"PK\x03\x04"))
    assert status == 422
    assert "contacts.xlsx is not a vCard (.vcf) or CSV (.csv) file" in page
    status, page = preview(client, csrf)
    assert status == 422
    assert "Choose a vCard (.vcf) or CSV file to import" in page
    status, page = preview(client, csrf, ("../../etc/passwd.vcf", b"hello\r\n"))
    assert status == 422
    assert "passwd.vcf line 1" in page  # only the file's own name is used
    assert uploads(core) == []


def test_too_large_files_are_refused(
    client: TestClient, csrf: str, core: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages_import, "MAX_FILE_BYTES", 1024)
    status, page = preview(client, csrf, ("big.vcf", BAD_CARD.encode() * 20))
    assert status == 422
    assert "big.vcf is larger than 0 MB" in page
    assert uploads(core) == []
    monkeypatch.undo()
    status, _page = preview(client, csrf, ("huge.vcf", b"x" * (21 * 1024 * 1024)))
    assert status in (413, 422)  # the server's body limit or the page's 20 MB limit
    assert uploads(core) == []
    assert count_people(core) == 0


def test_confirm_needs_the_same_session_and_a_fresh_upload(
    client: TestClient, csrf: str, core: App
) -> None:
    _status, page = preview(client, csrf, (IPHONE.name, IPHONE.read_bytes()))
    token = token_of(page)
    with TestClient(client.app, base_url="http://127.0.0.1") as other:
        other_csrf = str(other.get("/api/session").json()["csrf_token"])
        stolen = other.post("/import/confirm", data={"csrf_token": other_csrf, "upload": token})
    assert stolen.status_code == 422
    assert count_people(core) == 0
    _status, page = preview(client, csrf, (IPHONE.name, IPHONE.read_bytes()))
    root = core.settings.data_dir / "import-uploads"
    pages_import.sweep(root, now=time.time() + pages_import.KEEP_SECONDS + 1)
    assert uploads(core) == []
    late = client.post("/import/confirm", data={"csrf_token": csrf, "upload": token_of(page)})
    assert late.status_code == 422
    assert "kept for an hour" in late.text
    odd = client.post("/import/confirm", data={"csrf_token": csrf, "upload": "../../x"})
    assert odd.status_code == 422


def test_undo_from_the_list(client: TestClient, csrf: str, core: App) -> None:
    _status, page = preview(client, csrf, (IPHONE.name, IPHONE.read_bytes()))
    client.post("/import/confirm", data={"csrf_token": csrf, "upload": token_of(page)})
    page = client.get("/import").text
    assert 'action="/import/1/undo"' in page
    response = client.post("/import/1/undo", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert count_people(core) == 0
    page = client.get(response.headers["location"]).text
    assert "Undid import #1: removed 3, restored 0." in page
    assert 'action="/import/1/undo"' not in page
    assert "undone" in page
    again = client.post("/import/1/undo", data={"csrf_token": csrf})
    assert again.status_code == 400
    assert "Import #1 was already undone" in again.text
    missing = client.post("/import/99/undo", data={"csrf_token": csrf})
    assert missing.status_code == 404


def test_posts_without_the_csrf_token_are_refused(client: TestClient, core: App) -> None:
    files = [("files", (IPHONE.name, IPHONE.read_bytes(), "text/vcard"))]
    assert client.post("/import/preview", files=files).status_code == 403
    forged = {"csrf_token": "forged"}
    assert client.post("/import/preview", data=forged, files=files).status_code == 403
    assert client.post("/import/confirm", data={"upload": "x" * 43}).status_code == 403
    assert client.post("/import/1/undo").status_code == 403
    assert uploads(core) == []
    assert count_people(core) == 0


def test_the_preview_lists_the_first_fifty_people_in_file_order(
    client: TestClient, csrf: str
) -> None:
    cards = "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:田中;{n:02d}郎;;;\r\nFN:田中 {n:02d}郎\r\n"
        f"EMAIL:t{n}@example.jp\r\nEND:VCARD\r\n"
        for n in range(60)
    )
    status, page = preview(client, csrf, ("sixty.vcf", cards.encode()))
    assert status == 200
    assert "To create 60, to update 0, unchanged 0, to skip 0." in page
    assert page.count("<code>sixty.vcf:") == pages_import.PREVIEW_ROWS
    assert page.index("田中 00郎") < page.index("田中 49郎")
    assert "田中 50郎" not in page
    assert "…and 10 more" in page


COLLEAGUES_EIGHT = (
    "会社名,部署名,役職,姓,名,e-mail,郵便番号,住所,TEL会社,TEL部門,TEL直通,Fax,携帯電話,URL,名刺交換日\n"
    "株式会社テスト商事,営業部,課長,山田,太郎,yamada@test-shoji.example,100-0005,"
    "東京都千代田区丸の内1-2-3,03-1234-5678,,,03-1234-5679,090-1111-2222,,2024/03/15\n"
    "株式会社テスト商事,総務部,,鈴木,花子,suzuki@test-shoji.example,100-0005,"
    "東京都千代田区丸の内1-2-3,03-1234-5678,,,03-1234-5679,090-3333-4444,,2024/03/15\n"
    "株式会社テスト商事,開発部,,佐藤,健,,100-0005,"
    "東京都千代田区丸の内1-2-3,03-1234-5678,,,03-1234-5679,,,2024/03/15\n"
    "株式会社テスト商事,開発部,,佐藤,健,,100-0005,"
    "東京都千代田区丸の内1-2-3,03-1234-5678,,,03-1234-5679,,,2024/03/15\n"
)


def test_the_preview_keeps_colleagues_apart_and_lists_possible_duplicates(
    client: TestClient, csrf: str, core: App
) -> None:
    status, page = preview(client, csrf, ("eight.csv", COLLEAGUES_EIGHT.encode("utf-8")))
    assert status == 200
    # Four cards on one company line and fax: four people, none joined on the shared line.
    assert "To create 4, to update 0, unchanged 0, to skip 0." in page
    # The second 佐藤 健 at the same company is only a question: listed, with the reasons.
    assert "Possible duplicates" in page
    # Named by the card that creates the other 佐藤 健 (no id exists before the import).
    assert "may be 佐藤 健 (eight.csv:" in page and "Same name 佐藤 健" in page
    assert "may be #" not in page
    client.cookies.set("kinmyaku_lang", "ja")
    status, page = preview(client, csrf, ("eight.csv", COLLEAGUES_EIGHT.encode("utf-8")))
    assert "重複の可能性" in page
    assert "と同じ人かもしれません" in page and "同じ名前 佐藤 健" in page

"""kinmyaku's CardDAV client against Radicale, a real CardDAV server (issue #17, point 4).

Radicale (GPL-3.0, a test-only tool like vdirsyncer) runs on a free loopback port with a
temporary storage folder and one address book.  The scenario, on SQLite and PostgreSQL:
an initial sync both ways (a remote card with a known e-mail joins its person, no
duplicate), a second sync that changes nothing, an edit on each side, a conflict merged
by field, a deletion on each side, and a last sync that changes nothing.  The command line,
the server's schedule, the password kept out of backups and logs: on SQLite only.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from kinmyaku.bootstrap import App
from kinmyaku.cli.main import app as cli_app
from kinmyaku.services.backup import write_backup
from kinmyaku.services.dav_client import SyncReport, run_sync
from kinmyaku.services.dav_client_accounts import add_account, list_accounts, set_every, sync_log
from kinmyaku.services.dav_client_schedule import ScheduledSync
from kinmyaku.services.dav_trash import list_trash
from kinmyaku.services.forget import forget_person
from kinmyaku.services.people import PersonInput, add_person, edit_person
from kinmyaku.storage import people as store
from kinmyaku.storage.schema import contact_points, dav_sync_state, people, provenance

pytest.importorskip("radicale", reason="Radicale is not installed (pip install -e .[dev])")

PASSWORD = "radicale-secret-7391"


USERS = 20
"""Users of the one Radicale a module starts: each test has its own (and its address book)."""


@dataclass
class Radicale:
    """A running Radicale as one user: the base URL, the address book's URL, its folder."""

    base: str
    user: str
    book: str
    folder: Path
    http: httpx.Client

    def put(self, name: str, card: str) -> None:
        """Store a card in the address book as another client would."""
        done = self.http.put(
            self.book + name, content=card.encode(), headers={"Content-Type": "text/vcard"}
        )
        assert done.status_code in (201, 204), done.text

    def delete(self, name: str) -> None:
        """Delete a card as another client would."""
        assert self.http.delete(self.book + name).status_code in (200, 204)

    def cards(self) -> dict[str, str]:
        """Every card in the address book: name -> vCard text."""
        return {p.name: p.read_text() for p in self.folder.glob("*.vcf")}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_radicale(folder: Path, users: int = 1) -> tuple[subprocess.Popen[bytes], str]:
    """Radicale on a free loopback port (users user1... with PASSWORD); its base URL."""
    port = _free_port()
    (folder / "users").write_text("".join(f"user{n}:{PASSWORD}\n" for n in range(users)))
    config = folder / "config"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        f"[auth]\ntype = htpasswd\nhtpasswd_filename = {folder / 'users'}\n"
        "htpasswd_encryption = plain\n"
        f"[storage]\nfilesystem_folder = {folder / 'collections'}\n"
        "[rights]\ntype = owner_only\n[logging]\nlevel = warning\n"
    )
    command = [sys.executable, "-m", "radicale", "--config", str(config)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(400):
        try:
            httpx.get(base + "/", timeout=1)
            return process, base
        except httpx.TransportError:
            time.sleep(0.02)
    process.kill()
    pytest.fail("Radicale did not start")


def address_book(folder: Path, base: str, user: str) -> Radicale:
    """An empty address book ``/USER/contacts/`` (made in Radicale's storage folder)."""
    book = folder / "collections" / "collection-root" / user / "contacts"
    book.mkdir(parents=True)
    props = {"tag": "VADDRESSBOOK", "D:displayname": "Contacts"}
    (book / ".Radicale.props").write_text(json.dumps(props))
    http = httpx.Client(auth=(user, PASSWORD), timeout=10)
    return Radicale(base, user, f"{base}/{user}/contacts/", book, http)


@pytest.fixture(scope="module")
def radicale_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, str, list[str]]]:
    """One Radicale for the module: its folder, base URL and the users not yet taken."""
    # On tmpfs when there is one: Radicale syncs every PUT to disk (tens of ms each on CI).
    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else tmp_path_factory.mktemp("r")
    process, base = start_radicale(folder, USERS)
    try:
        yield folder, base, [f"user{n}" for n in range(USERS)]
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def radicale(radicale_server: tuple[Path, str, list[str]]) -> Iterator[Radicale]:
    """An empty address book of a user of its own on the module's Radicale."""
    folder, base, free = radicale_server
    server = address_book(folder, base, free.pop())
    try:
        yield server
    finally:
        server.http.close()


def card(uid: str, family: str, given: str, *lines: str) -> str:
    """A vCard 3.0 as a phone would write it."""
    body = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"UID:{uid}",
        f"N:{family};{given};;;",
        f"FN:{family} {given}",
        *lines,
        "END:VCARD",
    ]
    return "\r\n".join(body) + "\r\n"


def sync(app: App) -> SyncReport:
    (report,) = run_sync(app.uow(), name="radicale")
    assert report.error is None, report.error
    return report


def changed(report: SyncReport) -> dict[str, int]:
    return {k: v for k, v in report.counts.items() if v}


def person_named(app: App, family: str) -> int:
    with app.uow() as conn:
        found = conn.execute(select(people.c.id).where(people.c.family_name == family)).all()
    assert len(found) == 1, f"{family}: {found}"
    return int(found[0][0])


def values(app: App, pid: int, kind: str) -> set[str]:
    with app.uow() as conn:
        return set(
            conn.execute(
                select(contact_points.c.value).where(
                    contact_points.c.person_id == pid, contact_points.c.kind == kind
                )
            ).scalars()
        )


def title_of(app: App, pid: int) -> str:
    from kinmyaku.services.exporting import _records_chunk

    with app.uow() as conn:
        return _records_chunk(conn, [pid])[0].title


def test_two_way_sync_with_radicale(app: App, radicale: Radicale) -> None:
    uow = app.uow()
    radicale.put(
        "phone-1.vcf",
        card(
            "u-1", "佐藤", "一郎", "EMAIL:ichiro@example.jp", "ORG:株式会社サンプル", "TITLE:部長"
        ),
    )
    radicale.put("phone-2.vcf", card("u-2", "Miller", "Anna", "TEL:+1 415 555 0100"))
    kenta = add_person(
        uow, PersonInput(family_name="佐藤", given_name="一郎", emails=["ichiro@example.jp"])
    )
    add_person(uow, PersonInput(family_name="高橋", given_name="健太", phones=["090-1234-5678"]))
    add_account(
        uow, url=radicale.base + "/", username=radicale.user, password=PASSWORD, name="radicale"
    )

    first = sync(app)  # discovery from the server's root, then both ways
    assert changed(first) == {"pulled_new": 2, "pushed_new": 1, "pushed_changed": 1}
    assert person_named(app, "佐藤") == kenta  # joined on its e-mail: no duplicate
    with uow as conn:
        assert conn.execute(select(func.count()).select_from(people)).scalar_one() == 3
    assert len(radicale.cards()) == 3
    assert any("高橋" in text for text in radicale.cards().values())
    assert list_accounts(uow)[0].addressbook == radicale.book
    assert changed(sync(app)) == {}  # nothing changed on either side

    # An edit here is PUT; an edit there is pulled, with its provenance.
    takahashi = person_named(app, "高橋")
    edit_person(uow, takahashi, PersonInput(emails=["kenta@example.jp"]))
    radicale.put(
        "phone-2.vcf",
        card("u-2", "Miller", "Anna", "TEL:+1 415 555 0100", "ORG:Acme", "TITLE:CTO"),
    )
    second = sync(app)
    assert changed(second) == {"pulled_changed": 1, "pushed_changed": 1}
    assert any("kenta@example.jp" in text for text in radicale.cards().values())
    miller = person_named(app, "Miller")
    assert title_of(app, miller) == "CTO"
    with uow as conn:
        files = set(
            conn.execute(
                select(provenance.c.file).where(provenance.c.entity_id == miller)
            ).scalars()
        )
    assert "CardDAV sync, radicale" in files
    assert changed(sync(app)) == {}

    # Both sides change 佐藤: the title on both (kinmyaku's kept), an e-mail here, a phone
    # there (both kept); the remote title stays in the person's history.
    edit_person(
        uow,
        kenta,
        PersonInput(company="株式会社サンプル", title="社長", emails=["sato@example.com"]),
    )
    radicale.put(
        "phone-1.vcf",
        card(
            "u-1",
            "佐藤",
            "一郎",
            "EMAIL:ichiro@example.jp",
            "ORG:株式会社サンプル",
            "TITLE:専務",
            "TEL:03-1234-5678",
        ),
    )
    merged = sync(app)
    assert merged.counts["conflicts"] == 1
    assert merged.conflicts[0]["field"] == "title"
    assert (merged.conflicts[0]["kept"], merged.conflicts[0]["theirs"]) == ("社長", "専務")
    assert title_of(app, kenta) == "社長"
    assert values(app, kenta, "email") >= {"ichiro@example.jp", "sato@example.com"}
    assert len(values(app, kenta, "phone")) == 1
    remote = radicale.cards()["phone-1.vcf"]
    assert "社長" in remote and "sato@example.com" in remote and "1234-5678" in remote
    with uow as conn:
        history = conn.execute(
            select(provenance.c.before).where(
                provenance.c.entity == "field_conflict", provenance.c.entity_id == kenta
            )
        ).scalar_one()
    assert json.loads(history)["theirs"] == "専務"
    assert changed(sync(app)) == {}

    # A deletion on each side.
    radicale.delete("phone-2.vcf")
    forget_person(uow, takahashi)
    gone = sync(app)
    assert changed(gone) == {"pulled_deleted": 1, "pushed_deleted": 1}
    (trashed,) = list_trash(uow)  # restorable from the web, as a phone's deletion
    assert (trashed.person_id, trashed.device) == (miller, "CardDAV sync, radicale")
    with uow as conn:
        assert conn.execute(select(func.count()).select_from(people)).scalar_one() == 1
    assert list(radicale.cards()) == ["phone-1.vcf"]
    assert changed(sync(app)) == {}
    log = sync_log(uow)
    assert len(log) == 8 and all(entry.ok for entry in log)


def test_password_never_in_a_backup(sqlite_app: App, radicale: Radicale, tmp_path: Path) -> None:
    app = sqlite_app  # the scenarios run on both databases above; these on one
    uow = app.uow()
    add_account(uow, url=radicale.book, username=radicale.user, password=PASSWORD, name="radicale")
    sync(app)
    backup = tmp_path / "backup.json"
    with backup.open("wb") as stream:
        write_backup(uow, stream=stream)
    text = backup.read_text(encoding="utf-8")
    assert "dav_accounts" in text and PASSWORD not in text


def test_a_wrong_password_is_logged_without_it(sqlite_app: App, radicale: Radicale) -> None:
    app = sqlite_app  # the scenarios run on both databases above; these on one
    uow = app.uow()
    add_account(
        uow, url=radicale.book, username=radicale.user, password="wrong-password-1", name="bad"
    )
    (report,) = run_sync(uow, name="bad")
    assert report.error is not None
    (entry,) = sync_log(uow)
    assert not entry.ok and "wrong-password-1" not in json.dumps(entry.error)


def test_cli_add_run_list_remove(sqlite_app: App, radicale: Radicale, tmp_path: Path) -> None:
    app = sqlite_app  # the scenarios run on both databases above; these on one
    runner = CliRunner()

    def run(*args: str, lang: str = "en", code: int = 0) -> str:
        db = ["--db", app.settings.database_url, "--lang", lang]
        result = runner.invoke(cli_app, [*db, *args])
        assert result.exit_code == code, result.output
        return result.output

    radicale.put("phone-1.vcf", card("u-1", "Miller", "Anna", "EMAIL:anna@example.com"))
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    book = radicale.book
    added = run("sync", "add", book, "--user", radicale.user, "--password-file", str(secret))
    name = f"{radicale.user}@127.0.0.1"
    assert name in added and PASSWORD not in added
    (done,) = json.loads(run("sync", "run", "--json"))
    assert done["ok"] and done["counts"]["pulled_new"] == 1
    assert "取り込み 新規 0" in run("sync", "run", name, lang="ja")
    (listed,) = json.loads(run("sync", "list", "--json"))
    assert listed["addressbook"] == book and listed["last_sync"] is not None
    assert PASSWORD not in run("sync", "list") + run("sync", "log", "--json")
    assert "分ごとに同期します" in run("sync", "every", "30", lang="ja")
    run("sync", "remove", name)
    assert "No address books" in run("sync", "list")
    assert "同期アカウントはありません" in run("sync", "remove", name, lang="ja", code=1)


def test_the_server_schedule_syncs_when_due(sqlite_app: App, radicale: Radicale) -> None:
    app = sqlite_app  # the scenarios run on both databases above; these on one
    uow = app.uow()
    radicale.put("phone-1.vcf", card("u-1", "Miller", "Anna", "EMAIL:anna@example.com"))
    add_account(uow, url=radicale.book, username=radicale.user, password=PASSWORD, name="r")
    schedule = ScheduledSync(app.uow)
    assert schedule.due() == ["r"]
    schedule.tick()
    assert schedule.runs == 1 and schedule.due() == []  # next one in 15 minutes
    later = ScheduledSync(app.uow, now=lambda: store.now() + timedelta(minutes=16))
    assert later.due() == ["r"]
    set_every(uow, 0)
    assert later.due() == []
    with uow as conn:
        assert conn.execute(select(func.count()).select_from(people)).scalar_one() == 1


def test_two_cards_of_one_person_keep_their_own_uids(sqlite_app: App, radicale: Radicale) -> None:
    app = sqlite_app
    radicale.put("a.vcf", card("u-a", "Miller", "Anna", "EMAIL:anna@example.com"))
    radicale.put("b.vcf", card("u-b", "Miller", "Anna", "EMAIL:anna@example.com", "TEL:0312345678"))
    add_account(app.uow(), url=radicale.book, username=radicale.user, password=PASSWORD, name="r")
    (first,) = run_sync(app.uow(), name="r")
    assert first.error is None and first.counts["failed"] == 0
    assert first.counts["pulled_new"] == 2
    person_named(app, "Miller")  # one person: the e-mail is strong evidence
    cards = radicale.cards()
    assert "UID:u-a" in cards["a.vcf"] and "UID:u-b" in cards["b.vcf"]
    assert changed(sync_named(app, "r")) == {}


def sync_named(app: App, name: str) -> SyncReport:
    (report,) = run_sync(app.uow(), name=name)
    assert report.error is None, report.error
    return report


def test_one_sync_of_an_account_at_a_time(sqlite_app: App, radicale: Radicale) -> None:
    """A sync that finds another one running says so and touches nothing (two at once could
    push the same new person twice); a claim left by a sync that died is taken over."""
    from datetime import timedelta

    from sqlalchemy import update

    from kinmyaku.services.dav_client import STALE_SYNC, SyncRunning
    from kinmyaku.storage import people as store
    from kinmyaku.storage.schema import dav_accounts

    app = sqlite_app  # the scenarios run on both databases above; these on one
    uow = app.uow()
    add_account(uow, url=radicale.book, username=radicale.user, password=PASSWORD, name="radicale")
    radicale.put("a.vcf", card("u-a", "青木", "蓮", "EMAIL:ren@example.jp"))

    def claim(started: object) -> None:
        with uow as conn:
            conn.execute(update(dav_accounts).values(running_since=started))

    claim(store.now())
    (report,) = run_sync(uow, name="radicale")
    assert isinstance(report.error, SyncRunning) and changed(report) == {}
    with uow as conn:
        assert conn.execute(select(people.c.id).where(people.c.family_name == "青木")).all() == []
    claim(store.now() - STALE_SYNC - timedelta(minutes=1))
    assert changed(sync(app)) and person_named(app, "青木")
    with uow as conn:  # released when it ended
        assert conn.execute(select(dav_accounts.c.running_since)).scalar_one() is None


def test_cards_fetched_a_few_at_a_time_each_find_their_person(
    sqlite_app: App, radicale: Radicale, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Multigets of two cards, the next one asked for while one is read: every new card goes
    through the one import and is paired with the person it made."""
    from kinmyaku.services import dav_client_http

    monkeypatch.setattr(dav_client_http, "MULTIGET_CHUNK", 2)
    app = sqlite_app
    names = ["石田", "上野", "江口", "大野", "加藤"]
    for n, family in enumerate(names):
        radicale.put(f"c{n}.vcf", card(f"u-{n}", family, "太郎", f"EMAIL:p{n}@example.jp"))
    add_account(app.uow(), url=radicale.book, username=radicale.user, password=PASSWORD, name="r")
    first = sync_named(app, "r")
    assert first.counts["pulled_new"] == 5 and first.counts["failed"] == 0
    with app.uow() as conn:
        rows = conn.execute(select(dav_sync_state.c.href, dav_sync_state.c.person_id)).all()
    state = {str(href): pid for href, pid in rows}
    assert len(state) == 5
    for n, family in enumerate(names):
        pid = person_named(app, family)
        assert values(app, pid, "email") == {f"p{n}@example.jp"}
        (href,) = [h for h in state if h.endswith(f"/c{n}.vcf")]
        assert state[href] == pid
    cards = radicale.cards()
    assert all(f"UID:u-{n}" in cards[f"c{n}.vcf"] for n in range(5))
    assert changed(sync_named(app, "r")) == {}


def _demo_cards(tmp_path: Path, count: int) -> list[str]:
    """The cards of a small demo network (kinmyaku's own cards), UIDs made unique."""
    from datetime import date

    from kinmyaku.bootstrap import open_app
    from kinmyaku.config import Settings
    from kinmyaku.services.carddav import all_cards
    from kinmyaku.services.demo import generate_demo

    source = open_app(Settings(database_url=f"sqlite:///{tmp_path / 'home.sqlite3'}"))
    generate_demo(source.uow(), people=count, seed=3, today=date(2026, 11, 26))
    bodies = [c.body.decode() for c in all_cards(source.uow())]
    source.close()
    # A stored person's e-mail on a card of another name (kept apart), one card twice.
    bodies[4] = bodies[4].replace("END:VCARD", "EMAIL:kept@example.jp\r\nEND:VCARD")
    again = bodies[7].replace("UID:", "UID:again-")
    return [*bodies, again]


def _pulled(app: App, book: str) -> dict[str, object]:
    """What a pull left: people, contact points, provenance, imports, the sync's state
    (hrefs relative to the address book)."""
    from kinmyaku.storage.schema import affiliations, imports

    own = book.split("/", 3)[3]
    with app.uow() as conn:
        return {
            "people": sorted(
                (r.id, r.family_name, r.given_name, r.family_reading, r.nickname, r.notes)
                for r in conn.execute(select(people))
            ),
            "points": sorted(
                (r.person_id, r.kind, r.value, r.normalized or "")
                for r in conn.execute(select(contact_points))
            ),
            "jobs": sorted(
                (r.person_id, r.organization_id, r.title or "")
                for r in conn.execute(select(affiliations))
            ),
            "provenance": sorted(
                (r.entity, r.entity_id, r.action, r.file, r.record_no, r.line or 0, r.before or "")
                for r in conn.execute(select(provenance))
            ),
            "imports": [(r.format, r.files, r.summary) for r in conn.execute(select(imports))],
            "state": sorted(
                (r.href.split(own, 1)[1], r.etag, r.person_id, r.fields, r.local)
                for r in conn.execute(select(dav_sync_state))
            ),
        }


def test_a_pipelined_pull_makes_what_a_sequential_one_makes(
    app: App,
    second_app: App,
    radicale_server: tuple[Path, str, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same cards in two address books: one pulled with the multigets, the preparing
    (in the helper process) and the import overlapping, the other with every multiget
    fetched before the import starts and every card prepared here.  The same people,
    values, provenance and sync state."""
    from kinmyaku.services import dav_client, dav_client_http, dav_client_import
    from kinmyaku.services.dav_client_http import DavClient
    from kinmyaku.services.dav_client_import import Preparer

    folder, base, free = radicale_server
    books = [address_book(folder, base, free.pop()) for _ in range(2)]
    cards = _demo_cards(tmp_path, 30)
    for book in books:
        for n, text in enumerate(cards):
            book.put(f"c{n:02}.vcf", text)
    monkeypatch.setattr(dav_client_http, "MULTIGET_CHUNK", 4)
    reports = []
    preparers: list[Preparer] = []
    for target, book, pipelined in ((app, books[0], True), (second_app, books[1], False)):
        add_person(
            target.uow(),
            PersonInput(family_name="山田", given_name="花子", emails=["kept@example.jp"]),
        )
        add_account(target.uow(), url=book.book, username=book.user, password=PASSWORD, name="r")
        with monkeypatch.context() as patch:
            if pipelined:
                patch.setattr(dav_client_import, "HELPED", 1)

                class Started(Preparer):  # the helper takes the batches from the first
                    def __init__(self, *args: Any, **kwargs: Any) -> None:
                        super().__init__(*args, **kwargs)
                        assert self.started is not None
                        self.started.result(timeout=120)
                        preparers.append(self)

                patch.setattr(dav_client, "Preparer", Started)
            else:
                every = DavClient.multiget_chunks

                def all_first(
                    self: DavClient, book: object, paths: object, *, ahead: bool = True
                ) -> object:
                    return iter(list(every(self, book, paths, ahead=False)))  # type: ignore[arg-type]

                patch.setattr(dav_client_import, "HELPED", 10**9)
                patch.setattr(DavClient, "multiget_chunks", all_first)
            reports.append(sync_named(target, "r"))
        book.http.close()
    assert [p.sent for p in preparers] == [-(-len(cards) // 4)]  # every multiget's cards
    assert reports[0].counts == reports[1].counts
    assert reports[0].counts["pulled_new"] == len(cards)
    pipelined, sequential = _pulled(app, books[0].book), _pulled(second_app, books[1].book)
    assert pipelined == sequential
    # 山田 and a person for each card but the one sent twice, which joined its person (the
    # card with 山田's e-mail under another name is kept apart).
    assert len(pipelined["people"]) == 1 + len(cards) - 1  # type: ignore[arg-type]
    owner = {row[0]: row[2] for row in pipelined["state"]}  # type: ignore[attr-defined]
    assert len(owner) == len(cards) and owner["c07.vcf"] == owner[f"c{len(cards) - 1}.vcf"]
    assert len(pipelined["imports"]) == 1  # type: ignore[arg-type]


class _FailingMultiget(httpx.HTTPTransport):
    """Loopback HTTP to Radicale, but the connection drops during the third multiget."""

    def __init__(self) -> None:
        super().__init__()
        self.multigets = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "REPORT" and b"addressbook-multiget" in request.content:
            self.multigets += 1
            if self.multigets == 3:
                raise httpx.ReadError("connection reset", request=request)
        return super().handle_request(request)


@pytest.mark.parametrize("helped", [False, True], ids=["here", "helper_process"])
def test_a_multiget_failing_mid_pull_leaves_nothing(
    app: App, radicale: Radicale, monkeypatch: pytest.MonkeyPatch, helped: bool
) -> None:
    """The first multigets' cards are already in the import's transaction when the third
    fails: the import is rolled back whole, nothing of the pull is kept (no person, no
    import, no state, no token), the error is logged, and the next sync pulls everything."""
    from kinmyaku.domain.errors import KinmyakuError
    from kinmyaku.services import dav_client, dav_client_http, dav_client_import
    from kinmyaku.storage.schema import imports

    monkeypatch.setattr(dav_client_http, "MULTIGET_CHUNK", 2)
    monkeypatch.setattr(dav_client_import, "HELPED", 1 if helped else 10**9)
    names = ["石田", "上野", "江口", "大野", "加藤", "木村", "工藤", "小林", "斉藤"]
    for n, family in enumerate(names):
        radicale.put(f"c{n}.vcf", card(f"u-{n}", family, "太郎", f"EMAIL:p{n}@example.jp"))
    uow = app.uow()
    add_account(uow, url=radicale.book, username=radicale.user, password=PASSWORD, name="r")
    written: list[object] = []
    real = dav_client.import_cards

    def counted(uow: object, name: str, records: object, **kw: object) -> object:
        def each() -> Iterator[object]:
            for record in records:  # type: ignore[attr-defined]
                written.append(record)
                yield record

        return real(uow, name, each(), **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(dav_client, "import_cards", counted)
    failing = _FailingMultiget()
    (report,) = run_sync(uow, name="r", transport=lambda: failing)
    assert isinstance(report.error, KinmyakuError)
    assert "cannot be reached" in report.error.msgid
    assert failing.multigets == 3 and len(written) >= 2  # the import had begun
    assert changed(report) == {}
    with uow as conn:
        for table in (people, contact_points, provenance, imports, dav_sync_state):
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 0
    assert list_accounts(uow)[0].sync_token is None
    (logged,) = sync_log(uow)
    assert not logged.ok

    again = sync_named(app, "r")
    assert again.counts["pulled_new"] == len(names) and again.counts["failed"] == 0
    for n, family in enumerate(names):
        assert values(app, person_named(app, family), "email") == {f"p{n}@example.jp"}
    assert changed(sync_named(app, "r")) == {}

"""kinmyaku's CardDAV server against vdirsyncer, a real CardDAV client (issue #17).

``kinmyaku serve`` runs on a free loopback port over a 150-person demo; vdirsyncer
discovers the address book and syncs it into a folder of .vcf files.  Then a card edited
in the folder reaches the person, a card deleted there deletes them, and a last sync
changes nothing.  (The 5,000-person timing is benchmarks/carddav.py, not CI.)
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from kinmyaku.bootstrap import App
from kinmyaku.services.app_passwords import add_app_password
from kinmyaku.services.demo import generate_demo
from kinmyaku.storage.schema import people

VDIRSYNCER = Path(sys.executable).with_name("vdirsyncer")
KINMYAKU = Path(sys.executable).with_name("kinmyaku")
PEOPLE = 150

pytestmark = pytest.mark.skipif(
    not VDIRSYNCER.exists(), reason="vdirsyncer is not installed (pip install -e .[dev])"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(sqlite_app: App) -> Iterator[str]:
    """``kinmyaku serve`` on a free port over a 150-person demo; yields its base URL."""
    generate_demo(sqlite_app.uow(), people=PEOPLE, seed=7, today=date(2026, 11, 26))
    port = _free_port()
    url = sqlite_app.settings.database_url
    command = [str(KINMYAKU), "--db", url, "serve", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("kinmyaku serve did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _vdirsyncer(config: Path, *args: str) -> str:
    done = subprocess.run(
        [str(VDIRSYNCER), "-c", str(config), *args],
        input="y\ny\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _count(app: App) -> int:
    with app.uow() as conn:
        return int(conn.execute(select(func.count()).select_from(people)).scalar_one())


def test_vdirsyncer_syncs_both_ways(sqlite_app: App, server: str, tmp_path: Path) -> None:
    made = add_app_password(sqlite_app.uow(), name="vdirsyncer")
    folder = tmp_path / "cards"
    config = tmp_path / "config"
    config.write_text(
        f"""[general]
status_path = "{tmp_path / "status"}/"

[pair kinmyaku]
a = "local"
b = "remote"
collections = ["from b"]
conflict_resolution = "b wins"

[storage local]
type = "filesystem"
path = "{folder}/"
fileext = ".vcf"

[storage remote]
type = "carddav"
url = "{server}/"
username = "{made.name}"
password = "{made.password}"
""",
        encoding="utf-8",
    )
    _vdirsyncer(config, "discover")
    _vdirsyncer(config, "sync")
    [book] = [p for p in folder.iterdir() if p.is_dir()]
    files = sorted(book.glob("*.vcf"))
    assert len(files) == PEOPLE
    uids = [
        line for f in files for line in f.read_text("utf-8").splitlines() if line.startswith("UID")
    ]
    assert len(set(uids)) == PEOPLE  # every person once

    # An edit in the folder reaches the person.
    target = files[0]
    text = target.read_text("utf-8")
    uid = next(line for line in text.splitlines() if line.startswith("UID"))
    person_id = int(uid.rsplit(":", 1)[1])
    target.write_text(text.replace("END:VCARD", "NICKNAME:ヴィディー\r\nEND:VCARD"), "utf-8")
    assert "Copying (updating)" in _vdirsyncer(config, "sync")
    with sqlite_app.uow() as conn:
        nickname = conn.execute(
            select(people.c.nickname).where(people.c.id == person_id)
        ).scalar_one()
    assert nickname == "ヴィディー"

    # A card deleted in the folder deletes the person (kinmyaku has no archive yet).
    files[1].unlink()
    assert "Deleting item" in _vdirsyncer(config, "sync")
    assert _count(sqlite_app) == PEOPLE - 1

    # Nothing changed: a sync neither uploads nor downloads anything.
    before = {f.name: f.read_bytes() for f in book.glob("*.vcf")}
    out = _vdirsyncer(config, "sync")
    assert {f.name: f.read_bytes() for f in book.glob("*.vcf")} == before
    assert "Copying (" not in out and "Deleting item" not in out
    assert _count(sqlite_app) == PEOPLE - 1
    shutil.rmtree(folder)

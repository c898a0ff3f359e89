"""Benchmark: kinmyaku's CardDAV server against vdirsyncer (issue #17's measures, part).

Run: .venv/bin/python benchmarks/carddav.py [--people 5000] [--dir DIR]
     .venv/bin/python benchmarks/carddav.py --client [--people 5000] [--push-people 500]
     (vdirsyncer and Radicale come with the dev extra)

A demo database of ``--people`` people on SQLite, ``kinmyaku serve`` on a free loopback
port, then with vdirsyncer: discover + the initial sync (goal: 5,000 people in <= 10 s),
a sync that changes nothing; then a phone's first sync as DAVx5 makes it (sync-collection
for the ETags, addressbook-multiget of 10 cards at a time on 2 connections; goal: 100,000
people in <= 3 min with the server's memory <= 500 MB) and the time of a sync-collection
REPORT after one change (goal <= 200 ms); then Radicale serving the same cards (written
into its folder) to the same phone-like client, in the same run, and the ratios.
``--db FILE`` uses an existing SQLite database (give a copy: an app password is added and
one person edited), e.g. the 100,000-person demo: ``--db m100k.sqlite3 --no-vdirsyncer``.

``--client``: kinmyaku as a CardDAV client (``kinmyaku sync``) of Radicale: the demo's
cards (in Radicale's folder) pulled into an empty database through the identity engine, a
sync with nothing changed and with one change on each side, and ``--push-people`` people
pushed to an empty address book (Radicale checks every new card's UID against all the
others: a PUT costs more the fuller the book, so 5,000 PUTs take it most of an hour);
beside them, in the same run, Radicale serving the same cards and taking the same PUTs
without kinmyaku.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx

from kinmyaku.bootstrap import open_app
from kinmyaku.config import Settings
from kinmyaku.services.app_passwords import add_app_password
from kinmyaku.services.carddav import card_listing
from kinmyaku.services.demo import generate_demo
from kinmyaku.services.people import PersonInput, edit_person
from kinmyaku.storage.uow import reading

BIN = Path(sys.executable).parent


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _timed(*command: str) -> float:
    start = time.perf_counter()
    subprocess.run(command, input="y\ny\n", text=True, check=True, capture_output=True)
    return time.perf_counter() - start


def _hwm(pid: int) -> float:
    """A process's peak resident memory so far, in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu(pid: int) -> float:
    """A process's CPU time so far (user + system, all its threads), in seconds (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


SYNC_ALL = (
    '<d:sync-collection xmlns:d="DAV:"><d:sync-token>{token}</d:sync-token>'
    "<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"
)
MULTIGET = (
    '<card:addressbook-multiget xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">'
    "<d:prop><d:getetag/><card:address-data/></d:prop>{hrefs}</card:addressbook-multiget>"
)


def _phone_sync(
    book: str,
    auth: tuple[str, str],
    pid: int,
    batch: int = 10,
    threads: int = 2,
    sample: int = 0,
) -> tuple[float, float, int, str]:
    """A phone's first sync as DAVx5 makes it: one sync-collection for the ETags, then
    addressbook-multiget of ``batch`` cards at a time on ``threads`` connections
    (DAVx5: 10 and 2).  Returns (seconds, the server's CPU seconds (process ``pid``), cards
    received, the sync token).  ``sample``: only that many multigets are made, and their
    times are extrapolated to all of them."""
    from concurrent.futures import ThreadPoolExecutor
    from xml.etree import ElementTree as ET

    start, cpu = time.perf_counter(), _cpu(pid)
    with httpx.Client(auth=auth, timeout=600) as client:
        answer = client.request("REPORT", book, content=SYNC_ALL.format(token=""))
    assert answer.status_code == 207, answer.text[:300]
    root = ET.fromstring(answer.content)
    hrefs = [r.findtext("{DAV:}href") or "" for r in root.iter("{DAV:}response")]
    token = root.findtext("{DAV:}sync-token") or ""
    del root, answer
    groups = [hrefs[i : i + batch] for i in range(0, len(hrefs), batch)]
    listed, listed_cpu = time.perf_counter() - start, _cpu(pid) - cpu
    made = groups[:sample] if sample else groups
    clients = [httpx.Client(auth=auth, timeout=600) for _ in range(threads)]

    def fetch(index: int) -> int:
        group = "".join(f"<d:href>{h}</d:href>" for h in groups[index])
        got = clients[index % threads].request(
            "REPORT", book, content=MULTIGET.format(hrefs=group), headers={"Depth": "1"}
        )
        assert got.status_code == 207, got.text[:300]
        return got.content.count(b"BEGIN:VCARD")

    try:
        with ThreadPoolExecutor(threads) as pool:
            received = sum(pool.map(fetch, range(len(made))))
    finally:
        for client in clients:
            client.close()
    took, used = time.perf_counter() - start, _cpu(pid) - cpu
    if sample and len(made) < len(groups):
        took = listed + (took - listed) * len(groups) / len(made)
        used = listed_cpu + (used - listed_cpu) * len(groups) / len(made)
    return took, used, received, token


def _one_change_sync(
    book: str, auth: tuple[str, str], token: str, pid: int
) -> tuple[float, float, int]:
    """A sync-collection REPORT from ``token``, five times: the best time (ms), the server's
    mean CPU time (ms, process ``pid``) and the cards listed."""
    times, listed = [], 0
    with httpx.Client(auth=auth, timeout=600) as client:
        cpu = _cpu(pid)
        for _ in range(5):
            start = time.perf_counter()
            answer = client.request("REPORT", book, content=SYNC_ALL.format(token=token))
            times.append((time.perf_counter() - start) * 1000)
            assert answer.status_code == 207, answer.text[:300]
            listed = answer.content.count(b"</d:response>")
        used = (_cpu(pid) - cpu) * 1000 / 5
    return min(times), used, listed


def _serve(url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    server = subprocess.Popen(
        [str(BIN / "kinmyaku"), "--db", url, "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(1200):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    return server, base


def _settled(base: str, auth: tuple[str, str]) -> None:
    """Wait until the server answers DAV (on a big database it first rolls its summary,
    holding the write lock that noting a login waits for)."""
    for _ in range(600):
        if httpx.request("PROPFIND", f"{base}/dav/", auth=auth, timeout=60).status_code == 207:
            return
        time.sleep(1)


def _fill_radicale(app: object, folder: Path, user: str) -> int:
    """Radicale's address book of ``user`` holding kinmyaku's cards, one file each (as
    Radicale stores what it is sent)."""
    from kinmyaku.services.carddav import card_listing, render_cards

    book = folder / "collections" / "collection-root" / user / "contacts"
    listing = card_listing(app.uow())  # type: ignore[attr-defined]
    ids = [card.person_id for card in listing]
    for start in range(0, len(ids), 1000):
        for card in render_cards(app.uow(), ids[start : start + 1000]):  # type: ignore[attr-defined]
            (book / card.href).write_bytes(card.body)
    return len(ids)


def main() -> None:
    """Measure and print the times."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--db", type=Path, default=None, help="an existing SQLite file (a copy)")
    parser.add_argument("--no-vdirsyncer", action="store_true")
    parser.add_argument("--no-radicale", action="store_true")
    parser.add_argument(
        "--radicale-sample", type=int, default=0, help="multigets made of Radicale (extrapolated)"
    )
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="kinmyaku-carddav-"))
    url = f"sqlite:///{args.db or folder / 'bench.sqlite3'}"
    app = open_app(Settings(database_url=url, language="en"))
    if args.db is None:
        generate_demo(app.uow(), people=args.people, seed=1, today=date(2026, 11, 26))
    made = add_app_password(app.uow(), name=f"bench-{int(time.time())}")
    auth = (made.name, made.password)
    server, base = _serve(url)
    book = f"{base}/dav/addressbooks/contacts/"
    try:
        _settled(base, auth)
        with reading():  # the server may be writing its daily summary meanwhile
            count = len(card_listing(app.uow()))
        print(f"people: {count}, server memory at start: "
              f"{_hwm(server.pid):.0f} MB")  # fmt: skip
        if not args.no_vdirsyncer:
            _vdirsyncer(folder, base, made.name, made.password)
        took, used, received, token = _phone_sync(book, auth, server.pid)
        print(f"kinmyaku: first sync as DAVx5 makes it (sync-collection, multiget 10 a time "
              f"on 2 connections): {took:.1f} s, server CPU {used:.1f} s, {received} cards, "
              f"server peak memory {_hwm(server.pid):.0f} MB")  # fmt: skip
        edit_person(app.uow(), 1, PersonInput(nickname="ベンチ"))
        one, one_cpu, listed = _one_change_sync(book, auth, token, server.pid)
        print(f"kinmyaku: sync-collection after one change: {one:.0f} ms, server CPU "
              f"{one_cpu:.0f} ms ({listed} card)")  # fmt: skip
        mine = (took, used, one, one_cpu)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if args.no_radicale:
        return
    process, radicale = _radicale(folder / "radicale")
    try:
        filled = _fill_radicale(app, folder / "radicale", "a")
        rbook, rauth = f"{radicale}/a/contacts/", ("a", "bench")
        took, used, received, token = _phone_sync(
            rbook, rauth, process.pid, sample=args.radicale_sample
        )
        guess = (
            f" (extrapolated from {args.radicale_sample} multigets)" if args.radicale_sample else ""
        )
        print(f"radicale: the same {filled} cards, the same first sync{guess}: {took:.1f} s, "
              f"server CPU {used:.1f} s, {received} cards, peak memory "
              f"{_hwm(process.pid):.0f} MB (kinmyaku/radicale: time {mine[0] / took:.2f}, "
              f"CPU {mine[1] / used:.2f})")  # fmt: skip
        first = next((folder / "radicale").glob("collections/collection-root/a/contacts/*.vcf"))
        text = first.read_text("utf-8").replace("END:VCARD", "NICKNAME:ベンチ\r\nEND:VCARD")
        put = httpx.put(f"{rbook}{first.name}", content=text.encode(), auth=rauth, timeout=60)
        one, one_cpu, listed = _one_change_sync(rbook, rauth, token, process.pid)
        print(f"radicale: sync-collection after one change (PUT {put.status_code}): {one:.0f} "
              f"ms, server CPU {one_cpu:.0f} ms ({listed} card) (kinmyaku/radicale: time "
              f"{mine[2] / one:.2f}, CPU {mine[3] / max(one_cpu, 1):.2f})")  # fmt: skip
    finally:
        process.terminate()
        process.wait(timeout=30)


def _vdirsyncer(folder: Path, base: str, user: str, password: str) -> None:
    """vdirsyncer, a real CardDAV client: discover, the first sync, a sync changing nothing."""
    config = folder / "vdirsyncer.conf"
    config.write_text(
        f'[general]\nstatus_path = "{folder}/status/"\n'
        '[pair p]\na = "l"\nb = "r"\ncollections = ["from b"]\n'
        f'[storage l]\ntype = "filesystem"\npath = "{folder}/cards/"\nfileext = ".vcf"\n'
        f'[storage r]\ntype = "carddav"\nurl = "{base}/"\n'
        f'username = "{user}"\npassword = "{password}"\n'
    )
    vdir = [str(BIN / "vdirsyncer"), "-c", str(config)]
    print(f"vdirsyncer: discover {_timed(*vdir, 'discover'):.2f} s")
    print(f"vdirsyncer: initial sync {_timed(*vdir, 'sync'):.2f} s")
    print(f"vdirsyncer: sync, nothing changed {_timed(*vdir, 'sync'):.2f} s")


# ---- The client: kinmyaku sync against Radicale (services/dav_client.py) ----


def _radicale(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Radicale on a free loopback port, users ``a``, ``b``, ``c`` (password ``bench``)."""
    port = _port()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "users").write_text("a:bench\nb:bench\nc:bench\n")
    for user in ("a", "b", "c"):
        book = folder / "collections" / "collection-root" / user / "contacts"
        book.mkdir(parents=True, exist_ok=True)
        (book / ".Radicale.props").write_text('{"tag": "VADDRESSBOOK"}')
    (folder / "config").write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n[auth]\ntype = htpasswd\n"
        f"htpasswd_filename = {folder / 'users'}\nhtpasswd_encryption = plain\n"
        f"[storage]\nfilesystem_folder = {folder / 'collections'}\n"
        "[logging]\nlevel = warning\n"
    )
    command = [sys.executable, "-m", "radicale", "--config", str(folder / "config")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(base + "/", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    return process, base


def _own_cpu() -> float:
    """This process's CPU time so far (user + system, all its threads), in seconds."""
    times = os.times()
    return times.user + times.system


def _helpers_cpu() -> float:
    """CPU of this process's fork server and the helper processes it started and reaped
    (a pull's helper preparing cards), in seconds so far (Linux): user + system, its own
    and its children's."""
    from multiprocessing import forkserver

    pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
    if not pid:
        return 0.0
    time.sleep(0.2)  # the helper of a pull that just ended is reaped
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _sync(app: object, name: str) -> tuple[float, dict[str, int]]:
    from kinmyaku.services.dav_client import run_sync

    start = time.perf_counter()
    (report,) = run_sync(app.uow(), name=name)  # type: ignore[attr-defined]
    assert report.error is None, report.error
    return time.perf_counter() - start, {k: v for k, v in report.counts.items() if v}


def _serving(book: str, user: str) -> tuple[float, int]:
    """Radicale's own time to serve every card: sync-collection, then multiget (kinmyaku's
    HTTP code, none of its database work)."""
    from kinmyaku.services.dav_client_http import Book, DavClient

    dav = DavClient(book, user, "bench")
    start = time.perf_counter()
    listing = dav.sync_collection(Book(book, True), None)
    fetched = dav.multiget(Book(book, True), listing.changed)
    took = time.perf_counter() - start
    dav.close()
    return took, len(fetched)


def client(people: int, push_people: int, folder: Path) -> None:
    """kinmyaku sync against Radicale: pull ``people`` cards into an empty database, syncs
    with nothing changed and one change on each side, and push ``push_people`` people to an
    empty address book; Radicale's own serving and PUTs of the same cards beside them."""
    from kinmyaku.services.carddav import all_cards
    from kinmyaku.services.dav_client_accounts import add_account, list_accounts
    from kinmyaku.services.dav_client_http import Book, DavClient

    home = open_app(Settings(database_url=f"sqlite:///{folder / 'home.sqlite3'}", language="en"))
    generate_demo(home.uow(), people=people, seed=1, today=date(2026, 11, 26))
    here = open_app(Settings(database_url=f"sqlite:///{folder / 'here.sqlite3'}", language="en"))
    # Radicale's folder on tmpfs when there is one: its fsync per PUT is the disk's, not its own
    shm = Path("/dev/shm")
    store = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else folder
    process, base = _radicale(store / "radicale")
    try:
        book = f"{base}/a/contacts/"
        filled = _fill_radicale(home, store / "radicale", "a")
        _serving(book, "a")  # Radicale builds its cache of the cards the first time
        alone, served = _serving(book, "a")
        print(f"client: Radicale holds {filled} cards (the demo's); Radicale serving all of "
              f"them (sync-collection + multiget): {alone:.2f} s ({served} cards)")  # fmt: skip
        add_account(here.uow(), url=base + "/", username="a", password="bench", name="r")
        cpu, radicale_cpu, helper = _own_cpu(), _cpu(process.pid), _helpers_cpu()
        main = time.thread_time()
        took, counts = _sync(here, "r")
        main = time.thread_time() - main
        cpu, radicale_cpu = _own_cpu() - cpu, _cpu(process.pid) - radicale_cpu
        helper = _helpers_cpu() - helper
        print(f"client: initial sync into an empty database (identity engine): {took:.2f} s "
              f"{counts} (kinmyaku/radicale serving {took / alone:.1f}); CPU: kinmyaku "
              f"{cpu:.2f} s (its main thread {main:.2f} s) + its helper process {helper:.2f} "
              f"s, Radicale {radicale_cpu:.2f} s, load {os.getloadavg()[0]:.1f}")  # fmt: skip
        took, counts = _sync(here, "r")
        print(f"client: sync, nothing changed: {took * 1000:.0f} ms {counts}")
        token = list_accounts(here.uow())[0].sync_token
        dav = DavClient(book, "a", "bench")
        start = time.perf_counter()
        dav.sync_collection(Book(book, True), token)
        alone = time.perf_counter() - start
        dav.close()
        print(f"client: Radicale's own sync-collection from that token: {alone * 1000:.0f} ms "
              f"(kinmyaku/radicale {took / alone:.1f})")  # fmt: skip
        edit_person(here.uow(), 1, PersonInput(nickname="ベンチ"))
        took, counts = _sync(here, "r")
        print(f"client: sync, one change here: {took * 1000:.0f} ms {counts}")
        first = next((store / "radicale").glob("collections/collection-root/a/contacts/*.vcf"))
        text = first.read_text("utf-8").replace("END:VCARD", "EMAIL:bench@example.jp\r\nEND:VCARD")
        httpx.put(f"{book}{first.name}", content=text.encode(), auth=("a", "bench"), timeout=60)
        took, counts = _sync(here, "r")
        print(f"client: sync, one change there: {took * 1000:.0f} ms {counts}")

        few = open_app(Settings(database_url=f"sqlite:///{folder / 'few.sqlite3'}", language="en"))
        generate_demo(few.uow(), people=push_people, seed=2, today=date(2026, 11, 26))
        add_account(few.uow(), url=f"{base}/b/contacts/", username="b", password="bench", name="r")
        took, counts = _sync(few, "r")
        cards = all_cards(few.uow())
        raw = httpx.Client(auth=("c", "bench"), timeout=60)
        start = time.perf_counter()
        for card in cards:
            raw.put(f"{base}/c/contacts/{card.href}", content=card.body)
        put_alone = time.perf_counter() - start
        raw.close()
        print(f"client: initial sync pushing {push_people} people to an empty address book: "
              f"{took:.2f} s {counts}; the same cards PUT one by one without kinmyaku: "
              f"{put_alone:.2f} s (kinmyaku/radicale {took / put_alone:.2f})")  # fmt: skip
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        if store != folder:
            shutil.rmtree(store, ignore_errors=True)


if __name__ == "__main__":
    if "--client" in sys.argv:
        sys.argv.remove("--client")
        _args = argparse.ArgumentParser()
        _args.add_argument("--people", type=int, default=5000)
        _args.add_argument("--push-people", type=int, default=500)
        _args.add_argument("--dir", type=Path, default=None)
        _parsed = _args.parse_args()
        _folder = _parsed.dir or Path(tempfile.mkdtemp(prefix="kinmyaku-sync-"))
        client(_parsed.people, _parsed.push_people, _folder)
    else:
        main()

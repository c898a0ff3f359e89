"""Benchmark: kinmyaku's CardDAV server against vdirsyncer (issue #17's measures, part).

Run: .venv/bin/python benchmarks/carddav.py [--people 5000] [--dir DIR]
     (vdirsyncer comes with the dev extra)

A demo database of ``--people`` people on SQLite, ``kinmyaku serve`` on a free loopback
port, then with vdirsyncer: discover + the initial sync (goal: 5,000 people in <= 10 s),
a sync that changes nothing, and the server time of a sync-collection REPORT after one
change (goal <= 200 ms).  Not yet: Radicale serving the same cards, 100,000 people.
"""

from __future__ import annotations

import argparse
import base64
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
from kinmyaku.services.carddav import sync_token
from kinmyaku.services.demo import generate_demo
from kinmyaku.services.people import PersonInput, edit_person

BIN = Path(sys.executable).parent


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _timed(*command: str) -> float:
    start = time.perf_counter()
    subprocess.run(command, input="y\ny\n", text=True, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    """Measure and print the times."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="kinmyaku-carddav-"))
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    app = open_app(Settings(database_url=url, language="en"))
    generate_demo(app.uow(), people=args.people, seed=1, today=date(2026, 11, 26))
    made = add_app_password(app.uow(), name="bench")
    port = _port()
    server = subprocess.Popen(
        [str(BIN / "kinmyaku"), "--db", url, "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        config = folder / "vdirsyncer.conf"
        config.write_text(
            f'[general]\nstatus_path = "{folder}/status/"\n'
            '[pair p]\na = "l"\nb = "r"\ncollections = ["from b"]\n'
            f'[storage l]\ntype = "filesystem"\npath = "{folder}/cards/"\nfileext = ".vcf"\n'
            f'[storage r]\ntype = "carddav"\nurl = "{base}/"\n'
            f'username = "bench"\npassword = "{made.password}"\n'
        )
        vdir = [str(BIN / "vdirsyncer"), "-c", str(config)]
        print(f"people: {args.people}")
        print(f"discover: {_timed(*vdir, 'discover'):.2f} s")
        print(f"initial sync: {_timed(*vdir, 'sync'):.2f} s")
        print(f"sync, nothing changed: {_timed(*vdir, 'sync'):.2f} s")
        token = sync_token(app.uow())
        edit_person(app.uow(), 1, PersonInput(nickname="ベンチ"))
        auth = base64.b64encode(f"bench:{made.password}".encode()).decode()
        body = (
            f'<d:sync-collection xmlns:d="DAV:"><d:sync-token>{token}</d:sync-token>'
            "<d:prop><d:getetag/></d:prop></d:sync-collection>"
        )
        with httpx.Client(headers={"Authorization": f"Basic {auth}"}) as client:
            client.request("REPORT", f"{base}/dav/addressbooks/contacts/", content=body)
            start = time.perf_counter()
            answer = client.request("REPORT", f"{base}/dav/addressbooks/contacts/", content=body)
            took = (time.perf_counter() - start) * 1000
        print(f"sync-collection after one change: {took:.0f} ms ({answer.status_code})")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()

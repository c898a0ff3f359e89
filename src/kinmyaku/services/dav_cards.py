"""The cards of the CardDAV address book: their text, ETags, names, listing and reading.

A person is the card ``<id>.vcf``, or the name a client chose when it created the card
(``dav_names``).  A card carries what a phone shows (services/exporting.py's records,
written by formats/vcard_writer.py) and none of kinmyaku's own data: no notes, no
encounters, no met-on date or channel.  Its ETag is a hash of the person's id and
``updated_at``, which every change of a card bumps: listing ETags renders no card.
Reading many cards goes through :class:`CardCache` (services/carddav.py writes them).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from kinmyaku.formats.contentlines import fold
from kinmyaku.formats.records import ContactRecord
from kinmyaku.formats.vcard_writer import vcard_lines
from kinmyaku.services.dav_history import Served, note_served
from kinmyaku.services.exporting import _records_chunk
from kinmyaku.storage.schema import dav_names, people
from kinmyaku.storage.uow import UnitOfWork

CHUNK = 500
ETAG_VERSION = "1"
"""Part of every ETag: a new value when a release writes the same data as another card."""
_NUMBERED = re.compile(r"([1-9][0-9]{0,9})\.vcf")


@dataclass(frozen=True, slots=True)
class Card:
    """One card: where it is, its ETag and its text (vCard 4.0, or 3.0 when asked for)."""

    href: str
    person_id: int
    etag: str
    body: bytes
    text4: bytes = field(default=b"", repr=False)
    """The vCard 4.0 text (the ETag's), when ``body`` is another version."""

    def served(self) -> Served:
        """The card as the served-versions table keeps it (services/dav_history.py)."""
        return Served(self.href, self.person_id, self.etag, self.text4 or self.body)


def _record_for_phone(record: ContactRecord) -> ContactRecord:
    return replace(record, notes="", met_on=None, channel=None)


def vcard_bodies(record: ContactRecord, person_id: int) -> tuple[bytes, bytes]:
    """A person's card as vCard 4.0 and as 3.0 (photo as ENCODING=b) for older clients.

    Its UID is the one the card came with (kept as an extra field), else made from the
    person's id: clients pair their copy with the server's by it.
    """
    lines = vcard_lines(_record_for_phone(record))
    if not any(line.upper().startswith("UID:") for line in lines):
        lines.insert(3, f"UID:urn:kinmyaku:person:{person_id}")
    converted = []
    for line in lines:
        if line == "VERSION:4.0":
            line = "VERSION:3.0"
        elif line.startswith("PHOTO:data:") and ";base64," in line:
            mime, data = line[len("PHOTO:data:") :].split(";base64,", 1)
            kind = mime.rsplit("/", 1)[-1].upper()
            line = f"PHOTO;ENCODING=b;TYPE={kind}:{data}"
        converted.append(line)
    return b"".join(fold(line) for line in lines), b"".join(fold(line) for line in converted)


def vcard_body(record: ContactRecord, person_id: int, version: str = "4.0") -> bytes:
    """A person's card as vCard 4.0, or 3.0 for older clients (:func:`vcard_bodies`)."""
    return vcard_bodies(record, person_id)[1 if version == "3.0" else 0]


def etag_for(person_id: int, stamp: datetime | None) -> str:
    """The quoted ETag of a person's card: it changes whenever their ``updated_at`` does
    (every change of a card bumps it, the rule sync-collection relies on too), so listing
    100,000 ETags renders no card."""
    raw = f"{ETAG_VERSION}:{person_id}:{_micros(stamp)}".encode()
    return '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _names(conn: Connection, ids: list[int] | None = None) -> dict[int, str]:
    stmt = select(dav_names.c.person_id, dav_names.c.href)
    if ids is None:
        return {int(pid): str(href) for pid, href in conn.execute(stmt)}
    found: dict[int, str] = {}
    for chunk in _chunks(ids):
        rows = conn.execute(stmt.where(dav_names.c.person_id.in_(chunk)))
        found.update((int(pid), str(href)) for pid, href in rows)
    return found


def _cards(conn: Connection, ids: list[int]) -> Iterator[tuple[int, ContactRecord]]:
    """The records of these people, each with its id (read in chunks, in reading order)."""
    for chunk in _chunks(ids):
        ordered = list(
            conn.execute(
                select(people.c.id)
                .where(people.c.id.in_(chunk))
                .order_by(people.c.sort_key, people.c.id)
            ).scalars()
        )
        yield from zip(ordered, _records_chunk(conn, ordered), strict=True)


def _make_cards(conn: Connection, ids: list[int], version: str) -> list[Card]:
    """These people's cards with their text (vCard ``version``), in chunks."""
    found = []
    for chunk in _chunks(ids):
        names = _names(conn, chunk)
        stamps = dict(
            conn.execute(
                select(people.c.id, people.c.updated_at).where(people.c.id.in_(chunk))
            ).all()
        )
        for pid, record in _cards(conn, chunk):
            body = vcard_body(record, pid)
            href, etag = names.get(pid, f"{pid}.vcf"), etag_for(pid, stamps.get(pid))
            if version == "4.0":
                found.append(Card(href, pid, etag, body))
            else:
                found.append(Card(href, pid, etag, vcard_body(record, pid, version), body))
    return found


def _listing(conn: Connection, where: Any = None) -> list[Card]:
    """Cards with their names and ETags, no text (one query)."""
    stmt = select(people.c.id, people.c.updated_at, dav_names.c.href).outerjoin(
        dav_names, dav_names.c.person_id == people.c.id
    )
    if where is not None:
        stmt = stmt.where(where)
    return [
        Card(href or f"{pid}.vcf", int(pid), etag_for(int(pid), at), b"")
        for pid, at, href in conn.execute(stmt.order_by(people.c.id))
    ]


def card_listing(uow: UnitOfWork) -> list[Card]:
    """Every card with its ETag, without its text (PROPFIND Depth 1, addressbook-query)."""
    with uow as conn:
        return _listing(conn)


def all_cards(uow: UnitOfWork) -> list[Card]:
    """Every card with its ETag and vCard 4.0 text (an export; rendered in chunks)."""
    with uow as conn:
        return _make_cards(conn, [card.person_id for card in _listing(conn)], "4.0")


def _resolve(conn: Connection, hrefs: list[str]) -> dict[str, tuple[int, datetime | None]]:
    """The person and ``updated_at`` each card name stands for (two queries a chunk)."""
    found: dict[str, tuple[int, datetime | None]] = {}
    for chunk in _chunks(sorted(set(hrefs))):
        rows = conn.execute(
            select(dav_names.c.href, people.c.id, people.c.updated_at)
            .join(people, people.c.id == dav_names.c.person_id)
            .where(dav_names.c.href.in_(chunk))
        )
        found.update((str(href), (int(pid), at)) for href, pid, at in rows)
        numbered = {
            href: int(match.group(1))
            for href in chunk
            if href not in found and (match := _NUMBERED.fullmatch(href)) is not None
        }
        if not numbered:
            continue
        rows = conn.execute(
            select(people.c.id, people.c.updated_at, dav_names.c.href)
            .outerjoin(dav_names, dav_names.c.person_id == people.c.id)
            .where(people.c.id.in_(sorted(set(numbered.values()))))
        )
        plain = {int(pid): at for pid, at, named in rows if named is None}
        found.update((h, (pid, plain[pid])) for h, pid in numbered.items() if pid in plain)
    return found


def persons_of(conn: Connection, hrefs: list[str]) -> dict[str, int]:
    """The people these card names stand for (names that stand for nobody left out)."""
    return {href: pid for href, (pid, _) in _resolve(conn, hrefs).items()}


def person_of(conn: Connection, href: str) -> int | None:
    """The person a card's name stands for, or None."""
    return persons_of(conn, [href]).get(href)


def get_cards(
    uow: UnitOfWork, hrefs: list[str], version: str = "4.0", device: str | None = None
) -> dict[str, Card]:
    """The cards of these names that exist (GET, addressbook-multiget); a device named is
    remembered to hold them (the base of a later merge)."""
    with uow as conn:
        ids = persons_of(conn, hrefs)
        found = _make_cards(conn, sorted(set(ids.values())), version)
    if device is not None:
        note_served(uow, device, [card.served() for card in found])
    return {card.href: card for card in found}


def render_cards(
    uow: UnitOfWork, ids: list[int], version: str = "4.0", device: str | None = None
) -> list[Card]:
    """These people's cards with their text; a device named is remembered to hold them."""
    with uow as conn:
        found = _make_cards(conn, ids, version)
    if device is not None:
        note_served(uow, device, [card.served() for card in found])
    return found


class CardCache:
    """Cards rendered lately and the ones after them in the listing (read-ahead).

    A phone's first sync asks for its cards 10 at a time in the order of the listing
    (DAVx5), and each read of cards costs a dozen queries whatever their number: rendering
    the next ``CHUNK`` people with the first ones asked for makes it one read per 500
    cards.  An entry is used only under the ETag it was made with (the person's
    ``updated_at``), and the cache holds at most ``budget`` bytes: 8 MB is several read-aheads
    of 500 cards (about 1.2 kB a card, both versions) for each of a few phones syncing at once.
    """

    def __init__(self, budget: int = 8 * 1024 * 1024) -> None:
        self.budget = budget
        self.size = 0
        self._cards: OrderedDict[int, tuple[str, bytes, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, pid: int, etag: str) -> tuple[bytes, bytes] | None:
        """The (4.0, 3.0) texts of a card at this ETag, if kept."""
        with self._lock:
            found = self._cards.get(pid)
            if found is None or found[0] != etag:
                return None
            self._cards.move_to_end(pid)
            return found[1], found[2]

    def put(self, pid: int, etag: str, v4: bytes, v3: bytes) -> None:
        """Keep a card's texts (the oldest go beyond the budget)."""
        with self._lock:
            old = self._cards.pop(pid, None)
            if old is not None:
                self.size -= len(old[1]) + len(old[2])
            self._cards[pid] = (etag, v4, v3)
            self.size += len(v4) + len(v3)
            while self.size > self.budget and self._cards:
                _, (_, a, b) = self._cards.popitem(last=False)
                self.size -= len(a) + len(b)


def fetch_cards(
    uow: UnitOfWork, hrefs: list[str], version: str, cache: CardCache
) -> dict[str, Card]:
    """The cards of these names that exist (addressbook-multiget), through the cache."""
    with uow as conn:
        both = _resolve(conn, hrefs)
        resolved = {href: pid for href, (pid, _) in both.items()}
        stamps = dict(both.values())
        ids = sorted(stamps)
        tags = {pid: etag_for(pid, at) for pid, at in stamps.items()}
        missing = [pid for pid in ids if cache.get(pid, tags[pid]) is None]
        if missing:
            ahead = conn.execute(
                select(people.c.id, people.c.updated_at)
                .where(people.c.id > missing[-1])
                .order_by(people.c.id)
                .limit(CHUNK)
            ).all()
            for pid, at in ahead:
                tags.setdefault(int(pid), etag_for(int(pid), at))
            wanted = missing + [
                int(pid)
                for pid, _ in ahead
                if int(pid) not in stamps and cache.get(int(pid), tags[int(pid)]) is None
            ]
            for pid, record in _cards(conn, wanted):
                cache.put(pid, tags[pid], *vcard_bodies(record, pid))
    found: dict[str, Card] = {}
    for href, pid in resolved.items():
        texts = cache.get(pid, tags[pid])
        if texts is None:  # pushed out by another request at once: render it alone
            with uow as conn:
                [(_, record)] = list(_cards(conn, [pid]))
            texts = vcard_bodies(record, pid)
        v4, v3 = texts
        found[href] = Card(href, pid, tags[pid], v3 if version == "3.0" else v4, v4)
    return found


def _micros(stamp: datetime | None) -> int:
    if stamp is None:
        return 0
    return int(stamp.replace(tzinfo=UTC).timestamp() * 1_000_000)

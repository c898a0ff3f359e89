"""What each CardDAV device was served and what it did: the merge base and the sync log.

``dav_served`` holds, per device and card name, the ETag of the card it was last given
(with its body: GET, addressbook-multiget, or address-data in a listing) or that it wrote;
``dav_versions`` the text of each such version without its photo.  When a device writes a
card without ``If-Match`` over one that changed since it was served, that version is the
common base of the field-by-field merge (services/carddav.py).  A version no device holds
any more is deleted as soon as the last one moves on.

``dav_log`` is the sync log on the Settings page: each write of a device (created, edited,
merged, deleted, archived), newest kept (``KEEP_LOG`` lines).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import (
    Connection,
    DateTime,
    Integer,
    String,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kinmyaku.storage import people as store
from kinmyaku.storage.schema import (
    app_passwords,
    dav_log,
    dav_served,
    dav_trash,
    dav_versions,
    settings,
)
from kinmyaku.storage.uow import UnitOfWork

KEEP_LOG = 500
WAIT = 30.0
CHUNK = 400
ACTIONS = ("created", "edited", "merged", "deleted", "archived")


@dataclass(frozen=True, slots=True)
class Served:
    """A card as served to a device: its name, person, ETag and vCard 4.0 text."""

    href: str
    person_id: int
    etag: str
    body: bytes


@dataclass(frozen=True, slots=True)
class LogLine:
    """One write of a device, as the sync log shows it."""

    at: datetime
    device: str
    action: str
    person_id: int | None
    name: str


def without_photo(body: bytes) -> str:
    """A card's text without its PHOTO (folded lines joined first): what a version keeps."""
    text = body.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    lines = [line for line in text.split("\r\n") if not line.upper().startswith("PHOTO")]
    return "\r\n".join(lines)


def _upsert(conn: Connection, rows: list[dict[str, object]]) -> None:
    maker = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = maker(dav_served)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[dav_served.c.device, dav_served.c.href],
            set_={"etag": statement.excluded.etag, "person_id": statement.excluded.person_id},
        ),
        rows,
    )


def note_served_in(conn: Connection, device: str, cards: Iterable[Served]) -> None:
    """Remember, inside an open transaction, which version of each card a device has."""
    chunk: list[Served] = []
    for card in cards:
        chunk.append(card)
        if len(chunk) >= CHUNK:
            _note_chunk(conn, device, chunk)
            chunk = []
    if chunk:
        _note_chunk(conn, device, chunk)


def _note_chunk(conn: Connection, device: str, cards: list[Served]) -> None:
    c = dav_served.c
    hrefs = [card.href for card in cards]
    before = dict(
        conn.execute(select(c.href, c.etag).where(c.device == device, c.href.in_(hrefs))).all()
    )
    fresh = [card for card in cards if before.get(card.href) != card.etag]
    if not fresh:
        return
    etags = sorted({card.etag for card in fresh})
    known = set(
        conn.execute(select(dav_versions.c.etag).where(dav_versions.c.etag.in_(etags))).scalars()
    )
    bodies = {card.etag: card.body for card in fresh if card.etag not in known}
    if bodies:
        conn.execute(
            insert(dav_versions),
            [{"etag": tag, "body": without_photo(body)} for tag, body in bodies.items()],
        )
    _upsert(
        conn,
        [
            {"device": device, "href": card.href, "etag": card.etag, "person_id": card.person_id}
            for card in fresh
        ],
    )
    _drop_unheld(conn, {before[card.href] for card in fresh if card.href in before})


def _drop_unheld(conn: Connection, etags: set[str]) -> None:
    """Versions among these that no device holds any more."""
    if not etags:
        return
    held = set(
        conn.execute(select(dav_served.c.etag).where(dav_served.c.etag.in_(etags))).scalars()
    )
    gone = sorted(etags - held)
    if gone:
        conn.execute(delete(dav_versions).where(dav_versions.c.etag.in_(gone)))


def note_served(uow: UnitOfWork, device: str, cards: list[Served]) -> None:
    """Remember which version of each card a device was given (its own transaction)."""
    if not cards:
        return
    writer = UnitOfWork(uow.engine, writes=True)
    with writer as conn:
        note_served_in(conn, device, cards)


class ServedBuffer:
    """Served cards noted in memory and written a thousand at a time (a phone's first sync
    asks 10 cards a request: one write per request would cost more than the reading).
    Written before any card is stored (the merge needs its base) and at the next request
    once a pending note is older than ``WAIT`` seconds; a stop loses what is pending, and a card
    whose note is lost is edited as sent (no merge)."""

    def __init__(self, uow: Callable[[], UnitOfWork], every: int = 1000) -> None:
        self.uow = uow
        self.every = every
        self._pending: dict[str, dict[str, Served]] = {}
        self._count = 0
        self._since = 0.0
        self._lock = threading.Lock()

    def add(self, device: str, cards: Iterable[Served]) -> None:
        """Note that a device was given these cards (written when enough are pending)."""
        with self._lock:
            if not self._count:
                self._since = time.monotonic()
            mine = self._pending.setdefault(device, {})
            for card in cards:
                mine[card.href] = card
                self._count += 1
            full = self._count >= self.every or time.monotonic() - self._since > WAIT
        if full:
            self.flush()

    def flush(self) -> None:
        """Write every pending note now (one transaction)."""
        with self._lock:
            pending, self._pending, self._count = self._pending, {}, 0
        if not pending:
            return
        with UnitOfWork(self.uow().engine, writes=True) as conn:
            for device, cards in pending.items():
                note_served_in(conn, device, cards.values())


def base_version(conn: Connection, device: str, href: str) -> tuple[str, str] | None:
    """The (ETag, text) of the card a device was last served under this name, if kept."""
    c = dav_served.c
    found = conn.execute(
        select(c.etag, dav_versions.c.body)
        .join(dav_versions, dav_versions.c.etag == c.etag)
        .where(c.device == device, c.href == href)
    ).first()
    return (str(found[0]), str(found[1])) if found is not None else None


def forget_served(conn: Connection, person_id: int) -> None:
    """The cards of a person served to devices, and versions no device holds any more."""
    found = select(dav_served.c.etag).where(dav_served.c.person_id == person_id)
    etags = set(conn.execute(found).scalars())
    conn.execute(delete(dav_served).where(dav_served.c.person_id == person_id))
    _drop_unheld(conn, etags)


def forget_name(conn: Connection, href: str) -> None:
    """A card name gone (deleted): no device holds it any more."""
    etags = set(conn.execute(select(dav_served.c.etag).where(dav_served.c.href == href)).scalars())
    conn.execute(delete(dav_served).where(dav_served.c.href == href))
    _drop_unheld(conn, etags)


def log_write(
    conn: Connection, *, device: str, action: str, person_id: int | None, href: str, name: str
) -> None:
    """Add a line to the sync log (the oldest beyond ``KEEP_LOG`` go)."""
    assert action in ACTIONS, action
    conn.execute(
        insert(dav_log).values(
            at=store.now(),
            device=device[:60],
            action=action,
            person_id=person_id,
            href=href[:200],
            name=name[:300],
        )
    )
    newest = conn.execute(select(func.max(dav_log.c.id))).scalar_one()
    conn.execute(delete(dav_log).where(dav_log.c.id <= int(newest) - KEEP_LOG))


def sync_log(uow: UnitOfWork, *, limit: int = 50) -> list[LogLine]:
    """The latest writes of every device, newest first."""
    c = dav_log.c
    with uow as conn:
        rows = conn.execute(
            select(c.at, c.device, c.action, c.person_id, c.name).order_by(c.id.desc()).limit(limit)
        )
        return [LogLine(*row) for row in rows]


def renamed_person(conn: Connection, old: int, new: int) -> None:
    """A person's log lines follow them when they come back under a new id."""
    if old != new:
        conn.execute(update(dav_log).where(dav_log.c.person_id == old).values(person_id=new))


@dataclass(frozen=True, slots=True)
class Overview:
    """What the Settings page shows of CardDAV, read in one query (the page's budget)."""

    passwords: list[AppPasswordRow]
    log: list[LogLine]
    mode: str
    trashed: int


@dataclass(frozen=True, slots=True)
class AppPasswordRow:
    """An app password as the Settings page lists it."""

    id: int
    name: str
    created_at: datetime
    last_used: datetime | None
    revoked_at: datetime | None


def settings_overview(uow: UnitOfWork, *, limit: int = 20, mode_key: str = "") -> Overview:
    """App passwords, the latest log lines, the deletion setting and the trash's size: one
    statement (a UNION ALL of four reads, each row tagged with its kind)."""
    when = DateTime()
    none_text = cast(null(), String)
    none_when = cast(null(), when)
    p = app_passwords.c
    passwords = select(
        literal("p").label("kind"), p.id.label("num"), p.name.label("a"),
        none_text.label("b"), none_text.label("c"), p.created_at.label("t1"),
        p.last_used.label("t2"), p.revoked_at.label("t3"),
    )  # fmt: skip
    recent = select(dav_log).order_by(dav_log.c.id.desc()).limit(limit).subquery()
    log = select(
        literal("l"), recent.c.person_id, recent.c.name, recent.c.device, recent.c.action,
        recent.c.at, none_when, none_when,
    )  # fmt: skip
    mode = select(
        literal("m"), cast(null(), Integer), settings.c.value, none_text, none_text,
        none_when, none_when, none_when,
    ).where(settings.c.key == mode_key)  # fmt: skip
    trashed = select(
        literal("t"), func.count(), none_text, none_text, none_text, none_when, none_when,
        none_when,
    ).where(dav_trash.c.restored_at.is_(None))  # fmt: skip
    query = union_all(passwords, log, mode, trashed).subquery()
    found = Overview([], [], "archive", 0)
    with uow as conn:
        rows = conn.execute(select(query)).all()
    for kind, num, a, b, c, t1, t2, t3 in rows:
        if kind == "p":
            found.passwords.append(AppPasswordRow(int(num), a, _when(t1), _maybe(t2), _maybe(t3)))
        elif kind == "l":
            found.log.append(LogLine(_when(t1), b, c, num, a))
        elif kind == "m" and a in ("archive", "delete"):
            found = replace(found, mode=str(a))
        elif kind == "t":
            found = replace(found, trashed=int(num))
    found.passwords.sort(key=lambda row: row.id)
    found.log.sort(key=lambda line: line.at, reverse=True)
    return found


def _when(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _maybe(value: object) -> datetime | None:
    return None if value is None else _when(value)

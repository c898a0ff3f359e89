"""The address book served over CardDAV (web/dav.py): cards, ETags, sync tokens, edits.

A person is the card ``<id>.vcf``, or the name a client chose when it created the card
(``dav_names``).  A card carries what a phone shows (services/exporting.py's records,
written by formats/vcard_writer.py) and none of kinmyaku's own data: no notes, no
encounters, no met-on date or channel.  Its ETag is a hash of the vCard 4.0 text, so it
changes whenever anything on the card does.

The sync token (RFC 6578) is three numbers: the latest ``people.updated_at`` (µs), the
number of people and the latest tombstone (``dav_deleted``).  The changes since a token
are the people updated after it and the cards deleted over CardDAV after it; a person
deleted otherwise (from the web, a merge) shows as fewer people than the token explains,
and the client is told to sync in full (RFC 6578 ``valid-sync-token``).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.domain.model import ContactKind
from kinmyaku.formats.contentlines import fold
from kinmyaku.formats.errors import FormatError
from kinmyaku.formats.postal import address_text
from kinmyaku.formats.records import ContactRecord
from kinmyaku.formats.vcard_reader import card_record, read_cards
from kinmyaku.formats.vcard_writer import vcard_lines
from kinmyaku.services.exporting import _records_chunk
from kinmyaku.services.people import PersonInput, edit_person
from kinmyaku.storage import people as store
from kinmyaku.storage.schema import (
    contact_points,
    dav_deleted,
    dav_names,
    imports,
    people,
    provenance,
)
from kinmyaku.storage.uow import UnitOfWork

CHUNK = 500
MAX_CARD = 1024 * 1024
TOKEN_PREFIX = "http://kinmyaku.invalid/sync/"  # noqa: S105 (a URI, not a secret)
_NUMBERED = re.compile(r"([1-9][0-9]{0,9})\.vcf")
_HREF = re.compile(r"[A-Za-z0-9@._~+=-]{1,150}\.vcf")
_PERSON_COLUMNS: tuple[str, ...] = (
    "family_name",
    "given_name",
    "family_reading",
    "given_reading",
    "nickname",
)
_PERSON_COLUMNS += ("birthday", "sort_key")
_REPLACED = (ContactKind.EMAIL, ContactKind.PHONE, ContactKind.URL, ContactKind.ADDRESS)


class CardError(KinmyakuError):
    """A card a client sent cannot be stored (answered 400)."""

    status = 400


class PreconditionFailed(KinmyakuError):
    """If-Match / If-None-Match did not hold (answered 412)."""

    status = 412


class InvalidToken(KinmyakuError):
    """A sync token this server cannot answer from: the client syncs in full."""

    status = 403


@dataclass(frozen=True, slots=True)
class Card:
    """One card: where it is, its ETag and (when asked for) its vCard 4.0 text."""

    href: str
    person_id: int
    etag: str
    body: bytes


@dataclass(frozen=True, slots=True)
class Changes:
    """What sync-collection answers: the token now, cards changed and names deleted."""

    token: str
    changed: list[Card]
    deleted: list[str]


def _record_for_phone(record: ContactRecord) -> ContactRecord:
    return replace(record, notes="", met_on=None, channel=None)


def vcard_body(record: ContactRecord, person_id: int, version: str = "4.0") -> bytes:
    """A person's card as vCard 4.0, or 3.0 (photo as ENCODING=b) for older clients.

    Its UID is the one the card came with (kept as an extra field), else made from the
    person's id: clients pair their copy with the server's by it.
    """
    lines = vcard_lines(_record_for_phone(record))
    if not any(line.upper().startswith("UID:") for line in lines):
        lines.insert(3, f"UID:urn:kinmyaku:person:{person_id}")
    if version == "3.0":
        converted = []
        for line in lines:
            if line == "VERSION:4.0":
                line = "VERSION:3.0"
            elif line.startswith("PHOTO:data:") and ";base64," in line:
                mime, data = line[len("PHOTO:data:") :].split(";base64,", 1)
                kind = mime.rsplit("/", 1)[-1].upper()
                line = f"PHOTO;ENCODING=b;TYPE={kind}:{data}"
            converted.append(line)
        lines = converted
    return b"".join(fold(line) for line in lines)


def etag_of(body: bytes) -> str:
    """The quoted ETag of a card's vCard 4.0 text."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _names(conn: Connection, ids: list[int] | None = None) -> dict[int, str]:
    stmt = select(dav_names.c.person_id, dav_names.c.href)
    if ids is not None:
        stmt = stmt.where(dav_names.c.person_id.in_(ids))
    return {int(pid): str(href) for pid, href in conn.execute(stmt)}


def _cards(conn: Connection, ids: list[int]) -> Iterator[tuple[int, ContactRecord]]:
    """The records of these people, each with its id (read in chunks, in reading order)."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        ordered = list(
            conn.execute(
                select(people.c.id)
                .where(people.c.id.in_(chunk))
                .order_by(people.c.sort_key, people.c.id)
            ).scalars()
        )
        yield from zip(ordered, _records_chunk(conn, ordered), strict=True)


def _make_cards(conn: Connection, ids: list[int], version: str) -> list[Card]:
    names = _names(conn, ids)
    found = []
    for pid, record in _cards(conn, ids):
        body = vcard_body(record, pid)
        served = body if version == "4.0" else vcard_body(record, pid, version)
        found.append(Card(names.get(pid, f"{pid}.vcf"), pid, etag_of(body), served))
    return found


def all_cards(uow: UnitOfWork) -> list[Card]:
    """Every card with its ETag (a listing: PROPFIND Depth 1, addressbook-query)."""
    with uow as conn:
        ids = list(conn.execute(select(people.c.id)).scalars())
        return _make_cards(conn, ids, "4.0")


def person_of(conn: Connection, href: str) -> int | None:
    """The person a card's name stands for, or None."""
    pid = conn.execute(select(dav_names.c.person_id).where(dav_names.c.href == href)).scalar()
    if pid is not None:
        return int(pid)
    match = _NUMBERED.fullmatch(href)
    if match is None:
        return None
    pid = int(match.group(1))
    named = conn.execute(select(dav_names.c.href).where(dav_names.c.person_id == pid)).first()
    exists = conn.execute(select(people.c.id).where(people.c.id == pid)).first()
    return pid if exists is not None and named is None else None


def get_cards(uow: UnitOfWork, hrefs: list[str], version: str = "4.0") -> dict[str, Card]:
    """The cards of these names that exist (GET, addressbook-multiget)."""
    with uow as conn:
        ids = {href: person_of(conn, href) for href in hrefs}
        found = _make_cards(conn, [pid for pid in ids.values() if pid is not None], version)
    return {card.href: card for card in found}


def _micros(stamp: datetime | None) -> int:
    if stamp is None:
        return 0
    return int(stamp.replace(tzinfo=UTC).timestamp() * 1_000_000)


def _state(conn: Connection) -> tuple[int, int, int]:
    latest, count = conn.execute(select(func.max(people.c.updated_at), func.count())).one()
    tomb = conn.execute(select(func.max(dav_deleted.c.id))).scalar()
    return _micros(latest), int(count), int(tomb or 0)


def sync_token(uow: UnitOfWork) -> str:
    """The address book's sync token (also its CTag): changes whenever a card does."""
    with uow as conn:
        return TOKEN_PREFIX + "-".join(str(n) for n in _state(conn))


def _parse_token(token: str) -> tuple[int, int, int]:
    if not token.startswith(TOKEN_PREFIX):
        raise InvalidToken("The sync token is not this server's")
    parts = token[len(TOKEN_PREFIX) :].split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise InvalidToken("The sync token is not this server's")
    return int(parts[0]), int(parts[1]), int(parts[2])


def _from_micros(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1_000_000, UTC).replace(tzinfo=None)


def changes_since(uow: UnitOfWork, token: str | None) -> Changes:
    """What changed since ``token`` (everything when None); InvalidToken to sync in full."""
    with uow as conn:
        now_state = _state(conn)
        now_token = TOKEN_PREFIX + "-".join(str(n) for n in now_state)
        if not token:
            ids = list(conn.execute(select(people.c.id)).scalars())
            return Changes(now_token, _make_cards(conn, ids, "4.0"), [])
        latest, count, tomb = _parse_token(token)
        since = _from_micros(latest)
        changed = list(
            conn.execute(select(people.c.id).where(people.c.updated_at > since)).scalars()
        )
        created = conn.execute(
            select(func.count()).select_from(people).where(people.c.created_at > since)
        ).scalar_one()
        gone = conn.execute(
            select(dav_deleted.c.href, dav_deleted.c.person_id)
            .where(dav_deleted.c.id > tomb)
            .order_by(dav_deleted.c.id)
        ).all()
        deleted = [str(href) for href, _ in gone]
        removed = sum(1 for _, pid in gone if pid is None)
        if count + int(created) - removed != now_state[1] or tomb > now_state[2]:
            raise InvalidToken("People were deleted outside CardDAV: sync in full")
        cards = _make_cards(conn, changed, "4.0")
        served = {card.href for card in cards}
        return Changes(now_token, cards, [h for h in deleted if h not in served])


def parse_card(body: bytes, href: str) -> ContactRecord:
    """The one card a PUT carries, read as an import reads it (CardError when unreadable)."""
    if len(body) > MAX_CARD:
        raise CardError("The card is larger than {limit} bytes", limit=MAX_CARD)
    try:
        raws = list(read_cards(iter(body.splitlines(keepends=True)), file=href))
        if len(raws) != 1:
            raise CardError("A card holds exactly one vCard")
        return card_record(raws[0])
    except FormatError as error:
        raise CardError("The card cannot be read: {reason}", reason=error.key) from None


def _check(current: str | None, if_match: str | None, if_none_match: str | None) -> None:
    if if_none_match is not None and (
        (if_none_match.strip() == "*" and current is not None) or current in _tags(if_none_match)
    ):
        raise PreconditionFailed("The card exists already")
    if if_match is not None and (
        current is None or (if_match.strip() != "*" and current not in _tags(if_match))
    ):
        raise PreconditionFailed("The card was changed on the server (its ETag differs)")


def _tags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}


def _current_etag(conn: Connection, pid: int | None) -> str | None:
    if pid is None:
        return None
    return _make_cards(conn, [pid], "4.0")[0].etag


def _source(conn: Connection, device: str) -> int:
    label = f"CardDAV, {device}"
    return int(
        conn.execute(
            insert(imports)
            .values(
                created_at=store.now(),
                format="carddav",
                files=json.dumps([label], ensure_ascii=False),
                summary=json.dumps({"updated": 1}),
            )
            .returning(imports.c.id)
        ).scalar_one()
    )


def _person_input(record: ContactRecord) -> PersonInput:
    return PersonInput(
        family_name=record.family_name or record.given_name or record.nickname or None,
        given_name=record.given_name if record.family_name else "",
        family_reading=record.family_reading,
        given_reading=record.given_reading,
        nickname=record.nickname,
        birthday=record.birthday,
        emails=[p.value for p in record.emails if p.value],
        phones=[p.value for p in record.phones if p.value],
        urls=[p.value for p in record.urls if p.value],
        addresses=[text for a in record.addresses if (text := address_text(a))],
        company=record.organization or None,
        company_reading=record.organization_reading,
        department=record.department,
        title=record.title,
    )


def _normal_address(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _drop_removed(conn: Connection, pid: int, data: PersonInput) -> None:
    """Contact points the card no longer has are removed (those it has stay, labels too)."""
    keep: dict[str, set[str]] = {
        ContactKind.EMAIL: {v.strip() for v in data.emails},
        ContactKind.PHONE: {v.strip() for v in data.phones},
        ContactKind.URL: {v.strip() for v in data.urls},
        ContactKind.ADDRESS: {_normal_address(v) for v in data.addresses},
    }
    rows = conn.execute(
        select(contact_points.c.id, contact_points.c.kind, contact_points.c.value).where(
            contact_points.c.person_id == pid, contact_points.c.kind.in_(list(_REPLACED))
        )
    ).all()
    gone = []
    for row_id, kind, value in rows:
        text = _normal_address(value) if kind == ContactKind.ADDRESS else value.strip()
        if text not in keep[kind]:
            gone.append(row_id)
    if gone:
        conn.execute(delete(contact_points).where(contact_points.c.id.in_(gone)))


def _edit(uow: UnitOfWork, conn: Connection, pid: int, record: ContactRecord, device: str) -> None:
    data = _person_input(record)
    before = store.get_person_row(conn, pid) or {}
    import_id = _source(conn, device)
    kept = {k: before.get(k) for k in _PERSON_COLUMNS}
    conn.execute(
        insert(provenance).values(
            import_id=import_id,
            entity="person",
            entity_id=pid,
            action="update",
            file=f"CardDAV, {device}",
            record_no=1,
            before=json.dumps(kept, ensure_ascii=False, default=_iso),
        )
    )
    _drop_removed(conn, pid, data)
    edit_person(uow, pid, data)
    _touch(conn, pid)


def _touch(conn: Connection, pid: int) -> None:
    """The person's card changed (sync-collection reports people by ``updated_at``)."""
    conn.execute(update(people).where(people.c.id == pid).values(updated_at=store.now()))


def _iso(value: Any) -> str:
    return str(value.isoformat())


def _create(uow: UnitOfWork, body: bytes, device: str) -> int:
    """A new card goes through the import (its duplicate check): a new or matched person."""
    from kinmyaku.services.importing import import_files

    with TemporaryDirectory(prefix="kinmyaku-dav-") as folder:
        path = Path(folder) / f"CardDAV, {device}.vcf"
        path.write_bytes(body)
        report = import_files(uow, paths=[path], format="vcard", jobs=0)
    found = [o.person_id for o in report.outcomes if o.person_id is not None]
    if not found:
        raise CardError("The card was not stored (nothing in it to keep)")
    return int(found[0])


def put_card(
    uow: UnitOfWork,
    href: str,
    body: bytes,
    *,
    device: str,
    if_match: str | None = None,
    if_none_match: str | None = None,
) -> tuple[str, bool]:
    """Store a card a client sent: (its new ETag, True when it made a new resource)."""
    if not _HREF.fullmatch(href):
        raise CardError("A card's name must end in .vcf and use plain letters")
    record = parse_card(body, href)
    with uow as conn:
        pid = person_of(conn, href)
        _check(_current_etag(conn, pid), if_match, if_none_match)
        if pid is not None:
            _edit(uow, conn, pid, record, device)
            return _make_cards(conn, [pid], "4.0")[0].etag, False
    pid = _create(uow, body, device)  # a transaction of its own (the import's)
    with uow as conn:
        old = _names(conn, [pid]).get(pid, f"{pid}.vcf")
        conn.execute(delete(dav_names).where(dav_names.c.person_id == pid))
        conn.execute(insert(dav_names).values(href=href, person_id=pid))
        # A card matched to someone already served: their old name is gone for the client.
        conn.execute(insert(dav_deleted).values(href=old, person_id=pid, deleted_at=store.now()))
        _touch(conn, pid)
        return _make_cards(conn, [pid], "4.0")[0].etag, True


def delete_card(uow: UnitOfWork, href: str, *, if_match: str | None = None) -> bool:
    """Delete the person a card stands for (kinmyaku has no archive yet); False: no card."""
    from kinmyaku.services.forget import forget_person

    with uow as conn:
        pid = person_of(conn, href)
        if pid is None:
            return False
        _check(_current_etag(conn, pid), if_match, None)
        forget_person(uow, pid)
        conn.execute(insert(dav_deleted).values(href=href, deleted_at=store.now()))
    return True

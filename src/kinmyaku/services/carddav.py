"""The address book served over CardDAV (web/dav.py): sync tokens and the edits devices
make (services/dav_cards.py renders and reads the cards; its names are re-exported here).

The sync token (RFC 6578) is three numbers: the latest ``people.updated_at`` (µs), the
number of people and the latest tombstone (``dav_deleted``).  The changes since a token
are the people updated after it and the cards deleted over CardDAV after it; a person
deleted otherwise (from the web, a merge) shows as fewer people than the token explains,
and the client is told to sync in full (RFC 6578 ``valid-sync-token``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy import Connection, case, delete, func, insert, select, update

from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.domain.model import ContactKind
from kinmyaku.domain.people import display_name
from kinmyaku.formats.errors import FormatError
from kinmyaku.formats.postal import address_text
from kinmyaku.formats.records import ContactRecord
from kinmyaku.formats.vcard_reader import card_record, read_cards
from kinmyaku.services.dav_cards import CHUNK as CHUNK
from kinmyaku.services.dav_cards import Card as Card
from kinmyaku.services.dav_cards import CardCache as CardCache
from kinmyaku.services.dav_cards import _cards as _cards
from kinmyaku.services.dav_cards import _listing, _make_cards, _micros, _names
from kinmyaku.services.dav_cards import all_cards as all_cards
from kinmyaku.services.dav_cards import card_listing as card_listing
from kinmyaku.services.dav_cards import etag_for as etag_for
from kinmyaku.services.dav_cards import fetch_cards as fetch_cards
from kinmyaku.services.dav_cards import get_cards as get_cards
from kinmyaku.services.dav_cards import person_of as person_of
from kinmyaku.services.dav_cards import persons_of as persons_of
from kinmyaku.services.dav_cards import render_cards as render_cards
from kinmyaku.services.dav_cards import vcard_bodies as vcard_bodies
from kinmyaku.services.dav_cards import vcard_body as vcard_body
from kinmyaku.services.dav_fields import input_of
from kinmyaku.services.dav_history import (
    base_version,
    forget_name,
    log_write,
    note_served_in,
)
from kinmyaku.services.dav_merge import keep_conflicts, merge_card
from kinmyaku.services.dav_trash import deletion_mode, restored_since, trash_person
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

MAX_CARD = 1024 * 1024
TOKEN_PREFIX = "http://kinmyaku.invalid/sync/"  # noqa: S105 (a URI, not a secret)
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
class Changes:
    """What sync-collection answers: the token now, cards changed and names deleted."""

    token: str
    changed: list[Card]
    deleted: list[str]


def _state(conn: Connection, now: datetime) -> tuple[int, int, int]:
    """(latest change time, number of people, latest tombstone), of the people changed
    by ``now``.

    A person whose change time is in the future (a clock set back, the demo's generated
    data) is left out of the token: else an edit made now, before that time, would not
    count as after it.  Such a person is reported changed at every sync until their time
    has come (and then counts as new)."""
    stamp = people.c.updated_at
    latest, count = conn.execute(
        select(func.max(case((stamp <= now, stamp))), func.count(case((stamp <= now, 1))))
    ).one()
    tomb = conn.execute(select(func.max(dav_deleted.c.id))).scalar()
    return _micros(latest), int(count), int(tomb or 0)


def sync_token(uow: UnitOfWork) -> str:
    """The address book's sync token (also its CTag): changes whenever a card does."""
    with uow as conn:
        return TOKEN_PREFIX + "-".join(str(n) for n in _state(conn, store.now()))


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
        now = store.now()
        now_state = _state(conn, now)
        now_token = TOKEN_PREFIX + "-".join(str(n) for n in now_state)
        if not token:
            return Changes(now_token, _listing(conn), [])
        latest, count, tomb = _parse_token(token)
        since = _from_micros(latest)
        created = conn.execute(
            select(func.count())
            .select_from(people)
            .where(people.c.created_at > since, people.c.updated_at <= now)
        ).scalar_one()
        gone = conn.execute(
            select(dav_deleted.c.href, dav_deleted.c.person_id)
            .where(dav_deleted.c.id > tomb)
            .order_by(dav_deleted.c.id)
        ).all()
        deleted = [str(href) for href, _ in gone]
        removed = sum(1 for _, pid in gone if pid is None)
        back = restored_since(conn, since)
        if count + int(created) + back - removed != now_state[1] or tomb > now_state[2]:
            raise InvalidToken("People were deleted outside CardDAV: sync in full")
        cards = _listing(conn, people.c.updated_at > since)
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
    stamp = conn.execute(select(people.c.updated_at).where(people.c.id == pid)).scalar()
    return etag_for(pid, stamp)


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


def _edit(uow: UnitOfWork, conn: Connection, pid: int, data: PersonInput, device: str) -> int:
    """The person takes the card's values; returns the import that records the edit."""
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
    return import_id


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


def _merged_edit(
    uow: UnitOfWork, conn: Connection, pid: int, href: str, record: ContactRecord, device: str
) -> bool | None:
    """A card written without If-Match: merged field by field when it changed on the server
    since this device was served it (services/dav_merge.py).  None: not merged (the phone
    had the latest, or its version is unknown); True when the stored card differs from the
    one sent (the device must fetch it again)."""
    base = base_version(conn, device, href)
    if base is None:
        return None
    [(_, ours)] = list(_cards(conn, [pid]))
    if base[0] == _current_etag(conn, pid):
        return None
    merge = merge_card(base[1], ours, record)
    import_id = _edit(uow, conn, pid, input_of(merge.fields), device)
    keep_conflicts(
        conn,
        import_id=import_id,
        person_id=pid,
        label=f"CardDAV, {device}",
        conflicts=merge.conflicts,
    )
    return bool(merge.theirs_changed)


def _name_of(conn: Connection, pid: int) -> str:
    row = conn.execute(
        select(people.c.family_name, people.c.given_name).where(people.c.id == pid)
    ).first()
    return display_name(row.family_name, row.given_name) if row is not None else ""


def put_card(
    uow: UnitOfWork,
    href: str,
    body: bytes,
    *,
    device: str,
    if_match: str | None = None,
    if_none_match: str | None = None,
) -> tuple[str | None, bool]:
    """Store a card a client sent: (its new ETag, True when it made a new resource).

    The ETag is None when what is stored differs from what was sent beyond the server's
    own writing of it (a field-by-field merge kept server values): the client fetches it.
    """
    if not _HREF.fullmatch(href):
        raise CardError("A card's name must end in .vcf and use plain letters")
    record = parse_card(body, href)
    with uow as conn:
        pid = person_of(conn, href)
        _check(_current_etag(conn, pid), if_match, if_none_match)
        if pid is not None:
            differs = None
            if if_match is None and if_none_match is None:
                differs = _merged_edit(uow, conn, pid, href, record, device)
            if differs is None:
                _edit(uow, conn, pid, _person_input(record), device)
            card = _make_cards(conn, [pid], "4.0")[0]
            note_served_in(conn, device, [card.served()])
            action = "edited" if differs is None else "merged"
            name = _name_of(conn, pid)
            log_write(conn, device=device, action=action, person_id=pid, href=href, name=name)
            return (None if differs else card.etag), False
    pid = _create(uow, body, device)  # a transaction of its own (the import's)
    with uow as conn:
        old = _names(conn, [pid]).get(pid, f"{pid}.vcf")
        conn.execute(delete(dav_names).where(dav_names.c.person_id == pid))
        conn.execute(insert(dav_names).values(href=href, person_id=pid))
        # A card matched to someone already served: their old name is gone for the client.
        conn.execute(insert(dav_deleted).values(href=old, person_id=pid, deleted_at=store.now()))
        forget_name(conn, old)
        _touch(conn, pid)
        card = _make_cards(conn, [pid], "4.0")[0]
        note_served_in(conn, device, [card.served()])
        name = _name_of(conn, pid)
        log_write(conn, device=device, action="created", person_id=pid, href=href, name=name)
        return card.etag, True


def delete_card(
    uow: UnitOfWork, href: str, *, if_match: str | None = None, device: str = ""
) -> bool:
    """A device deleted a card: its person goes to the trash (restorable from the web), or
    is deleted when the user chose so (services/dav_trash.py); False: no such card."""
    from kinmyaku.services.forget import forget_person

    with uow as conn:
        pid = person_of(conn, href)
        if pid is None:
            return False
        _check(_current_etag(conn, pid), if_match, None)
        forget_name(conn, href)
        if deletion_mode(uow) == "delete":
            forget_person(uow, pid)
            log_write(conn, device=device, action="deleted", person_id=None, href=href, name="")
        else:
            name = _name_of(conn, pid)
            trash_person(conn, pid, device=device, href=href)
            log_write(conn, device=device, action="archived", person_id=pid, href=href, name=name)
        conn.execute(insert(dav_deleted).values(href=href, deleted_at=store.now()))
    return True

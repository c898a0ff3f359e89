"""Two-way sync with a remote CardDAV address book (``kinmyaku sync run``, and the server's
schedule).

One sync of an account:

1. Remote changes: sync-collection from the last token when the server has it (else every
   ETag by PROPFIND, compared with the ETags kept), then the changed cards by multiget.
2. A card new to kinmyaku goes through the import (services/importing.py) and so through
   the identity engine: it joins a person only on strong evidence, else it is a new person
   (``kinmyaku duplicates`` lists the possible ones).  Nothing merges on weak evidence.
3. A card changed remotely is merged into its person field by field against the fields
   both sides agreed on at the last sync (domain/field_merge.py): a change of the same
   person, with provenance ``CardDAV sync, ACCOUNT``; a field both sides changed keeps
   kinmyaku's value and both values go into the person's history (``field_conflict``).
4. A card deleted remotely moves its person to the trash of CardDAV deletions, as a phone's
   deletion does (services/dav_client_delete.py), unless the person was edited here since
   the last sync: then the card is written back.
5. Local edits since the last sync are PUT with If-Match (a card changed on the server
   meanwhile is left for the next sync, which merges it); a person deleted here deletes the
   card; a person new here becomes a new card (If-None-Match: *).
6. The state of every card (ETag, person, agreed fields, the person's ``updated_at``) and the
   token are kept; a second sync with nothing changed on either side changes nothing.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

import httpx
from sqlalchemy import Connection, delete, insert, or_, select, update

from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.domain.field_merge import (
    LIST_FIELDS,
    FieldConflict,
    Fields,
    Value,
    merge_fields,
    same_fields,
)
from kinmyaku.formats.records import ContactRecord
from kinmyaku.services import carddav
from kinmyaku.services.dav_client_accounts import (
    Account,
    account_password,
    list_accounts,
    save_progress,
    write_log,
)
from kinmyaku.services.dav_client_delete import remove_person
from kinmyaku.services.dav_client_fields import (
    card_of,
    dump,
    load,
    remote_fields,
    uid_of,
)
from kinmyaku.services.dav_client_http import (
    Book,
    Changed,
    DavClient,
    Listing,
    RemoteError,
    TokenExpired,
    path_of,
)
from kinmyaku.services.dav_client_import import (
    Preparer,
    helped,
    import_cards,
    prepared_in_order,
    warm_up,
)
from kinmyaku.services.dav_fields import fields_of, input_of
from kinmyaku.services.importing import Prepared
from kinmyaku.services.people import edit_person
from kinmyaku.storage import people as store
from kinmyaku.storage.schema import dav_accounts, dav_sync_state, imports, people, provenance
from kinmyaku.storage.uow import UnitOfWork

log = logging.getLogger(__name__)
WORKERS = 4
"""PUT and DELETE requests in flight at once."""
COUNTS = (
    "pulled_new",
    "pulled_changed",
    "pulled_deleted",
    "pushed_new",
    "pushed_changed",
    "pushed_deleted",
    "conflicts",
    "skipped",
    "retry",
    "failed",
)
EMPTY: dict[str, Value] = {}
Transport = Callable[[], httpx.BaseTransport | None]
Here = dict[int, tuple[dict[str, Value], ContactRecord]]


@dataclass
class SyncReport:
    """What one sync of an account did (or the error that stopped it)."""

    account: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    error: KinmyakuError | None = None


@dataclass
class Synced:
    """A card as last synced: its fields then (remote) and its person's (local), read from
    their JSON only when asked for (a sync with nothing changed reads none)."""

    href: str
    etag: str | None
    person_id: int | None
    remote_json: str
    local_json: str
    stamp: datetime | None

    @cached_property
    def remote(self) -> dict[str, Value]:
        """The card's fields as of the last sync."""
        return load(self.remote_json)

    @cached_property
    def local(self) -> dict[str, Value]:
        """The person's fields as of the last sync."""
        return load(self.local_json)


@dataclass
class _Push:
    """What to do with one card once this side is settled, and the state it leads to.

    ``kind``: ``put`` (PUT ``body``), ``delete`` (DELETE), ``keep`` (no request: only the
    state is written, e.g. a card pulled that both sides now agree on).
    """

    href: str
    person_id: int | None
    kind: str
    body: bytes | None = None
    if_match: str | None = None
    new: bool = False
    remote: Fields = field(default_factory=dict)
    local: Fields = field(default_factory=dict)
    stamp: datetime | None = None
    count: str = ""


def label_of(account: Account) -> str:
    """The provenance of a change a sync brings: ``CardDAV sync, ACCOUNT``."""
    return f"CardDAV sync, {account.name}"


def _state(conn: Connection, account_id: int) -> dict[str, Synced]:
    c = dav_sync_state.c
    rows = conn.execute(
        select(c.href, c.etag, c.person_id, c.fields, c.local, c.stamp).where(
            c.account_id == account_id
        )
    )
    return {row[0]: Synced(*row) for row in rows}


def _stamps(conn: Connection) -> dict[int, datetime]:
    return {int(pid): at for pid, at in conn.execute(select(people.c.id, people.c.updated_at))}


def _local(conn: Connection, pids: set[int]) -> Here:
    """The fields and record of these people as they are here."""
    return {pid: (fields_of(r), r) for pid, r in carddav._cards(conn, sorted(pids))}


def _source(conn: Connection, label: str) -> int:
    return int(
        conn.execute(
            insert(imports)
            .values(
                created_at=store.now(),
                format="carddav-sync",
                files=json.dumps([label], ensure_ascii=False),
                summary=json.dumps({"updated": 1}),
            )
            .returning(imports.c.id)
        ).scalar_one()
    )


def _apply(
    uow: UnitOfWork, pid: int, merged: Fields, label: str, conflicts: tuple[FieldConflict, ...]
) -> None:
    """The merged fields become the person's (one transaction; provenance and conflicts kept)."""
    with uow as conn:
        before = store.get_person_row(conn, pid) or {}
        import_id = _source(conn, label)
        kept = {k: before.get(k) for k in carddav._PERSON_COLUMNS}
        rows = [("person", "update", json.dumps(kept, ensure_ascii=False, default=carddav._iso))]
        for c in conflicts:
            info = {"field": c.field, "base": c.base, "ours": c.ours, "theirs": c.theirs}
            info["kept"] = c.kept
            rows.append(("field_conflict", "merge", json.dumps(info, ensure_ascii=False)))
        for entity, action, text in rows:
            conn.execute(
                insert(provenance).values(
                    import_id=import_id,
                    entity=entity,
                    entity_id=pid,
                    action=action,
                    file=label,
                    record_no=1,
                    before=text,
                )
            )
        data = input_of(merged)
        carddav._drop_removed(conn, pid, data)
        edit_person(uow, pid, data)
        conn.execute(update(people).where(people.c.id == pid).values(updated_at=store.now()))


class _Incoming:
    """The cards a sync fetches, a multiget at a time as they arrive: a card of a person
    here is kept for the merge; a new card (or one whose person is gone) is read once, its
    fields kept for the sync's state and its record prepared and written by the import
    (services/dav_client_import.py) while the next multigets are fetched and prepared."""

    def __init__(self, known: dict[str, Synced], stamps: dict[int, datetime]) -> None:
        self.known, self.stamps = known, stamps
        self.etags: dict[str, str] = {}
        self.theirs: dict[str, dict[str, Value]] = {}
        """Each readable new card's fields."""
        self.fresh: list[str] = []
        """The new cards, readable or not."""
        self.written: list[str] = []
        """The readable new cards, in the order of the import (its record numbers)."""
        self.changed: dict[str, bytes] = {}
        """Cards of people here, to merge."""

    def is_new(self, href: str) -> bool:
        """Whether a card goes through the import (no person here holds it)."""
        synced = self.known.get(href)
        return synced is None or synced.person_id not in self.stamps

    def take(self, chunk: dict[str, tuple[str, bytes]]) -> list[tuple[str, bytes]]:
        """Sort one multiget's cards: the new ones, to prepare for the import."""
        new = []
        for href, (etag, body) in chunk.items():
            self.etags[href] = etag
            if not self.is_new(href):
                self.changed[href] = body
                continue
            self.fresh.append(href)
            new.append((href, body))
        return new

    def records(
        self, chunks: Iterable[dict[str, tuple[str, bytes]]], preparer: Preparer
    ) -> Iterator[Prepared]:
        """The new cards' records for the import, in order, as they are prepared."""
        batches = (self.take(chunk) for chunk in chunks)
        for cards, batch in prepared_in_order(batches, preparer):
            for (href, _), fields, record in zip(cards, batch.fields, batch.prepared, strict=True):
                if fields is None or record is None:  # unreadable
                    continue
                self.theirs[href] = fields
                self.written.append(href)
                yield record

    def import_into(self, uow: UnitOfWork, import_id: int | None) -> dict[str, int | None]:
        """Which person each new card went to: href -> person (None: unreadable)."""
        found: dict[str, int | None] = dict.fromkeys(self.fresh)
        if import_id is None:
            return found
        # Every record of an import leaves a person's provenance row (create, update or
        # match) with its number: the card it came from.
        c = provenance.c
        with uow as conn:
            rows = conn.execute(
                select(c.record_no, c.entity_id).where(
                    c.import_id == import_id, c.entity == "person"
                )
            )
            for record_no, pid in rows:
                if 1 <= record_no <= len(self.written):
                    found[self.written[record_no - 1]] = int(pid)
        return found


def _fetch(
    client: DavClient,
    book: Book,
    listing: Listing,
    incoming: _Incoming,
    uow: UnitOfWork,
    *,
    name: str,
    warming: threading.Thread | None,
) -> dict[str, int | None]:
    """Fetch the changed cards and import the new ones as they arrive (one import, one
    transaction: a multiget that fails rolls it back): href -> person.

    Three stages overlap: the server serves the next multiget (a thread here waits for
    it), the cards of the one before are prepared (in a helper process for a big pull),
    and the import matches and writes those prepared before."""
    # In the hrefs' order, whatever order the server listed them in: the same cards make
    # the same import (record numbers, and people made in the same order).
    chunks = client.multiget_chunks(book, sorted(listing.changed))
    expected = sum(1 for href in listing.changed if incoming.is_new(href))
    if not expected:  # only cards of people here: nothing to import
        for chunk in chunks:
            incoming.take(chunk)
        return {}
    preparer = Preparer(name, helped=helped(expected), warming=warming)
    try:
        import_id = import_cards(uow, name, incoming.records(chunks, preparer), expected=expected)
    finally:
        preparer.close()
    return incoming.import_into(uow, import_id)


def _collection(
    client: DavClient, book: Book, token: str | None, known: dict[str, Synced]
) -> Listing | None:
    """sync-collection from the token (in full when it expired); None: not answered."""
    try:
        try:
            listing = client.sync_collection(book, token)
        except TokenExpired:
            token = None
            listing = client.sync_collection(book, None)
    except RemoteError:
        return None
    if token is None:  # a full listing: what is no longer in it was deleted
        listing.deleted.update(set(known) - set(listing.changed))
    return listing


def _remote(client: DavClient, book: Book, token: str | None, known: dict[str, Synced]) -> Listing:
    """The remote cards changed since the last sync (ETags compared) and those deleted."""
    listing = _collection(client, book, token, known) if book.sync else None
    if listing is None:
        etags = client.list_etags(book)
        listing = Listing(etags, set(known) - set(etags), None)
    changed = {h: e for h, e in listing.changed.items() if h not in known or known[h].etag != e}
    return Listing(changed, listing.deleted & set(known), listing.token)


def _settle(
    href: str, pid: int, target: Fields, theirs: Fields, etag: str, here: Here, stamp: datetime
) -> _Push:
    """A card pulled: PUT back when ``target`` differs from the card, else only remembered."""
    local, record = here[pid]
    if same_fields(target, theirs):
        return _Push(href, pid, "keep", None, etag, remote=theirs, local=local, stamp=stamp)
    body = card_of(pid, record, target)
    return _Push(
        href,
        pid,
        "put",
        body,
        etag,
        remote=target,
        local=local,
        stamp=stamp,
        count="pushed_changed",
    )


def _settle_new(
    href: str, pid: int, theirs: Fields, etag: str, here: Here, stamp: datetime
) -> _Push:
    """A new card imported: the card fills what the person lacks (and the person what the
    card lacks).  A person holding exactly the card's values (what an import into an empty
    database mostly makes) needs no merge: the card is only remembered."""
    local = here[pid][0]
    if all(theirs.get(name, () if name in LIST_FIELDS else "") == value
           for name, value in local.items()):  # fmt: skip
        return _Push(href, pid, "keep", None, etag, remote=theirs, local=local, stamp=stamp)
    target = merge_fields(EMPTY, theirs, local).fields
    return _settle(href, pid, target, theirs, etag, here, stamp)


class _Sync:
    """One sync of one account (the steps in the module's docstring)."""

    def __init__(self, uow: UnitOfWork, account: Account, client: DavClient) -> None:
        self.uow, self.account, self.client = uow, account, client
        self.report = SyncReport(account.name)
        self.counts = self.report.counts
        self.label = label_of(account)
        self.pushes: list[_Push] = []
        self.gone: list[str] = []

    def run(self) -> SyncReport:
        account, client = self.account, self.client
        book = Book(account.addressbook, True) if account.addressbook else client.discover()
        with self.uow as conn:
            known = _state(conn, account.id)
            stamps = _stamps(conn)
        # A first sync pulls every card: what preparing them needs loads while the server
        # lists them.
        warming = warm_up() if not known else None
        listing = _remote(client, book, account.sync_token, known)
        incoming = _Incoming(known, stamps)
        imported = _fetch(
            client, book, listing, incoming, self.uow, name=f"{self.label}.vcf", warming=warming
        )
        etags, cards = incoming.etags, incoming.theirs
        pulled = self._pull(incoming.changed, known, stamps)
        with self.uow as conn:
            stamps = _stamps(conn)
            pids = {p for p in imported.values() if p is not None} | set(pulled.values())
            # Only people a card was pulled for, or edited since the last sync, are read.
            pids |= {
                s.person_id
                for h, s in known.items()
                if s.person_id in stamps
                and (h in listing.deleted or stamps[s.person_id] != s.stamp)
            }
            new_people = set(stamps) - pids - {s.person_id for s in known.values()}
            here = _local(conn, pids | new_people)
        for href, maybe in imported.items():
            etag, theirs = etags[href], cards.get(href, {})
            if maybe is None:  # unreadable: remembered, not tried again until it changes
                self.pushes.append(_Push(href, None, "keep", None, etag))
                self.counts["skipped"] += 1
                continue
            self.counts["pulled_new"] += 1
            self.pushes.append(_settle_new(href, maybe, theirs, etag, here, stamps[maybe]))
        for href, pid in pulled.items():
            theirs, target = self.targets[href]
            self.pushes.append(_settle(href, pid, target, theirs, etags[href], here, stamps[pid]))
        self._deleted_there(listing.deleted, known, stamps, here)
        handled = set(imported) | set(pulled) | listing.deleted
        self._changed_here({h: s for h, s in known.items() if h not in handled}, stamps, here)
        folder = path_of(book.url).rstrip("/")
        for pid in sorted(new_people):
            fields, record = here[pid]
            href = f"{folder}/kinmyaku-{uuid.uuid4().hex}.vcf"
            remote = {**fields, "_uid": uid_of(record, pid)}
            self.pushes.append(
                _Push(href, pid, "put", card_of(pid, record, remote), new=True, remote=remote,
                      local=fields, stamp=stamps[pid], count="pushed_new")
            )  # fmt: skip
        done = _send_all(client, self.pushes, self.counts)
        _save(self.uow, account, book, listing.token, done, self.gone)
        return self.report

    def _pull(
        self, bodies: dict[str, bytes], known: dict[str, Synced], stamps: dict[int, datetime]
    ) -> dict[str, int]:
        """Cards changed there merged into their people here: href -> person."""
        self.targets: dict[str, tuple[dict[str, Value], dict[str, Value]]] = {}
        with self.uow as conn:
            now = _local(conn, {int(known[h].person_id or 0) for h in bodies})
        pulled = {}
        for href, body in bodies.items():
            synced = known[href]
            pid = int(synced.person_id or 0)
            # The card as kinmyaku would have it: the last card with this side's edits.
            ours = merge_fields(synced.local, now[pid][0], synced.remote).fields
            theirs = remote_fields(body, href)
            merge = merge_fields(synced.remote, ours, theirs)
            if not same_fields(merge.fields, ours):
                _apply(self.uow, pid, merge.fields, self.label, merge.conflicts)
                self.counts["pulled_changed"] += 1
            self.counts["conflicts"] += len(merge.conflicts)
            self.report.conflicts += [
                {"person_id": pid, "field": c.field, "ours": c.ours, "theirs": c.theirs,
                 "kept": c.kept}
                for c in merge.conflicts
            ]  # fmt: skip
            self.targets[href] = (theirs, merge.fields)
            pulled[href] = pid
        return pulled

    def _deleted_there(
        self, hrefs: set[str], known: dict[str, Synced], stamps: dict[int, datetime], here: Here
    ) -> None:
        """Cards deleted there: their people deleted, unless edited here since (then kept)."""
        for href in hrefs:
            synced = known[href]
            owner = synced.person_id
            if owner is None or owner not in stamps:
                self.gone.append(href)
                continue
            fields, record = here[owner]
            if same_fields(fields, synced.local):
                self.gone.append(href)
                remove_person(self.uow, owner, label=self.label, href=href)
                self.counts["pulled_deleted"] += 1
                continue
            target = merge_fields(synced.local, fields, synced.remote).fields
            self.pushes.append(
                _Push(href, owner, "put", card_of(owner, record, target), new=True,
                      remote=target, local=fields, stamp=stamps[owner], count="pushed_new")
            )  # fmt: skip

    def _changed_here(
        self, known: dict[str, Synced], stamps: dict[int, datetime], here: Here
    ) -> None:
        """People edited or deleted here since the last sync: their cards PUT or deleted."""
        for href, synced in known.items():
            pid = synced.person_id
            if pid is None or (stamps.get(pid, synced.stamp) == synced.stamp and pid in stamps):
                continue
            if pid not in stamps:
                self.pushes.append(
                    _Push(href, None, "delete", None, synced.etag, count="pushed_deleted")
                )
                continue
            fields, record = here[pid]
            target = merge_fields(synced.local, fields, synced.remote).fields
            if same_fields(target, synced.remote):  # nothing the card holds: the stamp only
                push = _Push(href, pid, "keep", None, synced.etag, remote=synced.remote)
            else:
                body = card_of(pid, record, target)
                push = _Push(href, pid, "put", body, synced.etag, remote=target,
                             count="pushed_changed")  # fmt: skip
            push.local, push.stamp = fields, stamps[pid]
            self.pushes.append(push)


def sync_account(uow: UnitOfWork, account: Account, client: DavClient) -> SyncReport:
    """Sync one account both ways (the steps in the module's docstring)."""
    return _Sync(uow, account, client).run()


def _send_all(
    client: DavClient, pushes: list[_Push], counts: dict[str, int]
) -> list[tuple[_Push, str | None]]:
    """Make the requests (a few at once); the pushes that held, with the ETag now."""

    def one(push: _Push) -> tuple[_Push, str | None, bool]:
        try:
            if push.kind == "delete":
                client.delete(push.href, if_match=push.if_match)
                return push, None, True
            if push.kind == "put" and push.body is not None:
                match = None if push.new else push.if_match
                return push, client.put(push.href, push.body, if_match=match, new=push.new), True
            return push, push.if_match, True
        except Changed:
            return push, None, False
        except RemoteError as error:  # this card only: counted, tried again next time
            log.warning("%s: %s", push.href, error.msgid.format(**error.params))
            return push, "failed", False

    done: list[tuple[_Push, str | None]] = []
    for push in pushes:  # no request: only the state is written
        if push.kind == "keep":
            done.append((push, push.if_match))
            if push.count:
                counts[push.count] += 1
    with ThreadPoolExecutor(WORKERS) as pool:
        for push, etag, held in pool.map(one, [p for p in pushes if p.kind != "keep"]):
            if not held:
                counts["failed" if etag == "failed" else "retry"] += 1
                continue
            if push.count:
                counts[push.count] += 1
            done.append((push, etag))
    return done


def _save(
    uow: UnitOfWork,
    account: Account,
    book: Book,
    token: str | None,
    done: list[tuple[_Push, str | None]],
    gone: list[str],
) -> None:
    c = dav_sync_state.c
    with uow as conn:
        hrefs = [p.href for p, _ in done] + gone
        for start in range(0, len(hrefs), 500):
            conn.execute(
                delete(dav_sync_state).where(
                    c.account_id == account.id, c.href.in_(hrefs[start : start + 500])
                )
            )
        rows = [
            {
                "account_id": account.id,
                "href": push.href,
                "etag": etag,
                "person_id": push.person_id,
                "fields": dump(push.remote),
                "local": dump(push.local),
                "stamp": push.stamp,
            }
            for push, etag in done
            if push.kind != "delete"
        ]
        if rows:
            conn.execute(insert(dav_sync_state), rows)
        save_progress(conn, account.id, addressbook=book.url, token=token)


def run_sync(
    uow: UnitOfWork, *, name: str | None = None, transport: Transport | None = None
) -> list[SyncReport]:
    """Sync every account (or the one named); each sync is logged, an error stops only it."""
    from kinmyaku.services.dav_client_accounts import get_account

    accounts = [get_account(uow, name=name)] if name else list_accounts(uow)
    reports = []
    for account in accounts:
        started = store.now()
        if not _claim(uow, account.id, started):
            busy = SyncRunning("A sync of {name} is already running: try again when it ends",
                               name=account.name)  # fmt: skip
            reports.append(SyncReport(account.name, error=busy))
            continue
        try:
            with uow as conn:
                password = account_password(conn, account)
            client = DavClient(
                account.addressbook or account.url,
                account.username,
                password,
                transport=transport() if transport else None,
            )
            try:
                report = sync_account(uow, account, client)
            finally:
                client.close()
        except KinmyakuError as error:
            report = SyncReport(account.name, error=error)
        finally:
            _release(uow, account.id)
        write_log(uow, account.id, started=started, counts=report.counts, error=report.error)
        reports.append(report)
    return reports


class SyncRunning(KinmyakuError):
    """Another sync of the same account is running (the server's schedule, another shell)."""


STALE_SYNC = timedelta(hours=2)
"""A claim older than this is taken over: the sync that made it stopped without ending."""


def _claim(uow: UnitOfWork, account_id: int, now: datetime) -> bool:
    """Mark the account as syncing unless another sync holds it: one sync of an account at a
    time, so that two never push the same new person twice."""
    a = dav_accounts
    with uow as conn:
        claimed = conn.execute(
            update(a)
            .where(
                a.c.id == account_id,
                or_(a.c.running_since.is_(None), a.c.running_since < now - STALE_SYNC),
            )
            .values(running_since=now)
        )
        return bool(claimed.rowcount)


def _release(uow: UnitOfWork, account_id: int) -> None:
    with uow as conn:
        conn.execute(
            update(dav_accounts).where(dav_accounts.c.id == account_id).values(running_since=None)
        )

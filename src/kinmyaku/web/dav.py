"""The CardDAV server at ``/dav/`` (RFC 6352 over WebDAV, RFC 6578 sync): docs/carddav.md.

Plain Starlette routes beside the FastAPI routes, so none of their CSRF check applies: a
DAV client has no session and no CSRF token, and logs in on every request with HTTP Basic
and an app password (services/app_passwords.py), never the owner password.  Basic sends the
password in clear: it is refused unless the request came over loopback or TLS.  Failed
logins are throttled as the web login's are.  Requests bodies are parsed with defusedxml
(no entities, no external references).

Resources: ``/dav/`` the principal, ``/dav/addressbooks/`` its home, and
``/dav/addressbooks/contacts/`` the one address book, holding ``<name>.vcf`` cards.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import time
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from defusedxml import ElementTree as SafeET  # type: ignore[import-untyped]
from sqlalchemy import Engine, event
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.i18n import error_text, translate
from kinmyaku.services import carddav
from kinmyaku.services.app_passwords import still_valid, verify_app_password
from kinmyaku.services.dav_history import ServedBuffer
from kinmyaku.storage.database import make_engine
from kinmyaku.storage.uow import UnitOfWork, declare_writes
from kinmyaku.web.security import (
    DAV_FAILURE_KEY,
    CachedThrottle,
    SharedLoginThrottle,
    is_loopback,
)

DAV = "DAV:"
CARD = "urn:ietf:params:xml:ns:carddav"
CS = "http://calendarserver.org/ns/"
PRINCIPAL = "/dav/"
HOME = "/dav/addressbooks/"
BOOK = "/dav/addressbooks/contacts/"
VCARD = "text/vcard; charset=utf-8"
MAX_XML = 1024 * 1024
READER_CACHE_KB = 8192
AUTH_CACHE_SECONDS = 10.0
"""A device's password verified this long ago is taken without a query."""
AUTH_RECHECK_SECONDS = 3600.0
"""... and this long ago, after a query showing it is still the stored one (not argon2)."""
REPORTS = ((CARD, "addressbook-multiget"), (CARD, "addressbook-query"), (DAV, "sync-collection"))
METHODS = ["OPTIONS", "GET", "HEAD", "PUT", "DELETE", "PROPFIND", "REPORT"]
ET.register_namespace("d", DAV)
ET.register_namespace("card", CARD)
ET.register_namespace("cs", CS)


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


@dataclass(slots=True)
class _Checked:
    """An app password verified by argon2: the digest of what was sent, the hash it was
    verified against, and until when it is taken without a query, and with one."""

    digest: str
    password_hash: str
    fresh: float
    until: float


class BadRequest(Exception):
    """Unreadable XML or headers (answered 400)."""


class DavServer:
    """Answers DAV requests for one kinmyaku app (its unit-of-work factory)."""

    def __init__(self, uow: Callable[[], UnitOfWork], throttle: CachedThrottle | None = None):
        self.uow = uow
        # Failures counted in the database: every worker of the server sees them all.
        shared = SharedLoginThrottle(uow, prefix=DAV_FAILURE_KEY)
        self.throttle = throttle or CachedThrottle(shared)
        self.cache = carddav.CardCache()
        self._engine: Engine | None = None
        self.served = ServedBuffer(uow)
        self._good: dict[str, _Checked] = {}
        self._checking: dict[str, asyncio.Lock] = {}

    # ---- authentication ----

    def _client(self, request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def _secure(self, request: Request) -> bool:
        return request.url.scheme == "https" or is_loopback(self._client(request))

    def _credentials(self, request: Request) -> tuple[str, str] | None:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        name, sep, password = decoded.partition(":")
        return (name, password) if sep else None

    async def authenticate(self, request: Request) -> str | Response:
        """The device's name, or the answer refusing the request."""
        lang = str(getattr(request.state, "lang", "en"))
        if not self._secure(request):
            text = translate(
                lang, "CardDAV needs HTTPS (or a connection from this machine): "
                "the password would cross the network in clear",
            )  # fmt: skip
            return Response(text, status_code=403, media_type="text/plain; charset=utf-8")
        client = self._client(request)
        wait = await self.throttle.wait_seconds(client)
        if wait:
            minutes = -(-wait // 60)
            text = translate(
                lang, "Too many failed attempts; try again in {minutes} minutes.", minutes=minutes
            )
            return Response(
                text,
                status_code=429,
                headers={"retry-after": str(wait)},
                media_type="text/plain; charset=utf-8",
            )
        given = self._credentials(request)
        if given is not None:
            name, password = given
            if await self._logged_in(name, password, request.method):
                await self.throttle.succeeded(client)
                return name
            await self.throttle.failed(client)
        text = translate(lang, "Log in with an app password (kinmyaku app-password add NAME)")
        return Response(
            text,
            status_code=401,
            headers={"www-authenticate": 'Basic realm="kinmyaku", charset="UTF-8"'},
            media_type="text/plain; charset=utf-8",
        )

    async def _logged_in(self, name: str, password: str, method: str) -> bool:
        """Whether the app password is right: argon2 once, then a query of its stored hash.

        A device syncing makes many requests: one verified in the last AUTH_CACHE_SECONDS
        is let in at once; later, for AUTH_RECHECK_SECONDS, one query tells whether the
        password is still the one verified (a revoked one is refused from then on); only
        then is argon2 run again.  Requests of one device arriving together wait for one
        check instead of each running argon2 (64 MB of memory a check).
        """
        digest = hashlib.sha256(f"{name}\0{password}".encode()).hexdigest()
        if await self._still_good(name, digest, method):
            return True
        lock = self._checking.setdefault(name, asyncio.Lock())
        try:
            async with lock:
                if await self._still_good(name, digest, method):
                    return True
                declare_writes(True)  # it notes when the password was last used
                stored = await run_in_threadpool(
                    verify_app_password, self.uow(), name=name, password=password
                )
                declare_writes(method in ("PUT", "DELETE"))
        finally:
            if not lock.locked():
                self._checking.pop(name, None)
        if stored is None:
            self._good.pop(name, None)
            return False
        now = time.monotonic()
        self._good[name] = _Checked(digest, stored, now + AUTH_CACHE_SECONDS,
                                    now + AUTH_RECHECK_SECONDS)  # fmt: skip
        return True

    async def _still_good(self, name: str, digest: str, method: str) -> bool:
        """A password verified lately, and (after AUTH_CACHE_SECONDS) still the stored one."""
        found = self._good.get(name)
        now = time.monotonic()
        if found is None or found.digest != digest or now >= found.until:
            return False
        if now < found.fresh:
            return True
        declare_writes(True)  # it notes when the password was last used
        good = await run_in_threadpool(
            still_valid, self.uow(), name=name, password_hash=found.password_hash
        )
        declare_writes(method in ("PUT", "DELETE"))
        if not good:
            self._good.pop(name, None)
            return False
        found.fresh = time.monotonic() + AUTH_CACHE_SECONDS
        return True

    # ---- dispatch ----

    async def __call__(self, request: Request) -> Response:
        """Handle one DAV request."""
        declare_writes(request.method in ("PUT", "DELETE"))
        if request.method == "OPTIONS":
            return _options()
        who = await self.authenticate(request)
        if isinstance(who, Response):
            return who
        path = request.url.path
        try:
            if request.method == "PROPFIND":
                return await self._propfind(request, path)
            if request.method == "REPORT":
                return await self._report(request, path, who)
            if request.method in ("GET", "HEAD"):
                return await self._get(request, path, who)
            if request.method == "PUT":
                return await self._put(request, path, who)
            if request.method == "DELETE":
                return await self._delete(request, path, who)
        except BadRequest as error:
            lang = str(getattr(request.state, "lang", "en"))
            return Response(
                translate(lang, str(error)), status_code=400, media_type="text/plain; charset=utf-8"
            )
        except KinmyakuError as error:
            lang = str(getattr(request.state, "lang", "en"))
            if isinstance(error, carddav.InvalidToken):
                body = _xml(_error_element("valid-sync-token"))
                return Response(body, status_code=403, media_type="application/xml")
            return Response(
                error_text(lang, error),
                status_code=error.status,
                media_type="text/plain; charset=utf-8",
            )
        return Response(status_code=405, headers={"allow": ", ".join(METHODS)})

    # ---- PROPFIND ----

    async def _propfind(self, request: Request, path: str) -> Response:
        depth = request.headers.get("depth", "1")
        root = await _body(request)
        wanted = _wanted_props(root)
        uow = self.uow()
        responses: list[ET.Element] = []
        if path in (PRINCIPAL, "/dav"):
            responses.append(_response(PRINCIPAL, _collection_props(PRINCIPAL, wanted)))
            if depth == "1":
                responses.append(_response(HOME, _collection_props(HOME, wanted)))
        elif path in (HOME, HOME.rstrip("/")):
            responses.append(_response(HOME, _collection_props(HOME, wanted)))
            if depth == "1":
                token = await run_in_threadpool(carddav.sync_token, uow)
                responses.append(_response(BOOK, _collection_props(BOOK, wanted, token)))
        elif path in (BOOK, BOOK.rstrip("/")):
            token = await run_in_threadpool(carddav.sync_token, uow)
            responses.append(_response(BOOK, _collection_props(BOOK, wanted, token)))
            if depth == "1":
                cards = await run_in_threadpool(carddav.card_listing, uow)
                parts = self._card_parts(cards, wanted, "4.0", None, head=responses)
                return _stream(parts)
        elif path.startswith(BOOK):
            href = path[len(BOOK) :]
            found = await run_in_threadpool(carddav.get_cards, uow, [href])
            if href not in found:
                return Response(status_code=404)
            responses.append(_response(path, _card_props(found[href], wanted)))
        else:
            return Response(status_code=404)
        return _multistatus(responses)

    # ---- REPORT ----

    async def _report(self, request: Request, path: str, device: str) -> Response:
        if path not in (BOOK, BOOK.rstrip("/")):
            return Response(status_code=403)
        root = await _body(request)
        if root is None:
            raise BadRequest("REPORT needs a body")
        wanted = _wanted_props(root)
        version = _version(root, request)
        uow = self.uow()
        if root.tag == _q(CARD, "addressbook-multiget"):
            hrefs = [(h.text or "").strip() for h in root.iter(_q(DAV, "href"))]
            keep = device if _gives_cards(wanted) else None
            return _stream(self._multiget_parts(hrefs, wanted, version, keep))
        if root.tag == _q(CARD, "addressbook-query"):
            cards = await run_in_threadpool(carddav.card_listing, uow)
            return _stream(self._card_parts(cards, wanted, version, device))
        if root.tag == _q(DAV, "sync-collection"):
            token_el = root.find(_q(DAV, "sync-token"))
            token = (token_el.text or "").strip() if token_el is not None else ""
            changes = await run_in_threadpool(carddav.changes_since, uow, token or None)
            gone = [_status_response(BOOK + href, 404) for href in changes.deleted]
            parts = self._card_parts(
                changes.changed, wanted, version, device, tail=gone, token=changes.token
            )
            return _stream(parts)
        return Response(
            _xml(_error_element("supported-report")), status_code=403, media_type="application/xml"
        )

    # ---- big answers, streamed a chunk of cards at a time ----

    def _reader(self) -> UnitOfWork:
        """A unit of work whose transactions only read (the stream runs in worker threads).

        On SQLite, its own engine whose connections keep a small page cache: reading every
        card through the app's pool would fill each of its connections' 64 MB cache."""
        if self._engine is None:
            engine = self.uow().engine
            if engine.dialect.name == "sqlite":
                own = make_engine(engine.url.render_as_string(hide_password=False))
                event.listen(own, "connect", _small_cache)
                engine = own
            self._engine = engine
        return UnitOfWork(self._engine, writes=False)

    def _card_parts(
        self,
        cards: list[carddav.Card],
        wanted: list[str] | None,
        version: str,
        device: str | None,
        *,
        head: Iterable[ET.Element] = (),
        tail: Iterable[ET.Element] = (),
        token: str | None = None,
    ) -> Iterator[bytes]:
        """A multistatus of these cards (their text read in chunks when it is asked for)."""
        yield MULTISTATUS_HEAD + b"".join(_fragment(el) for el in head)
        reader = self._reader()
        for start in range(0, len(cards), carddav.CHUNK):
            chunk = cards[start : start + carddav.CHUNK]
            if _gives_cards(wanted):
                chunk = carddav.render_cards(reader, [card.person_id for card in chunk], version)
                if device is not None:
                    self.served.add(device, [card.served() for card in chunk])
            answers = (_response(BOOK + c.href, _card_props(c, wanted)) for c in chunk)
            yield b"".join(_fragment(el) for el in answers)
        yield b"".join(_fragment(el) for el in tail)
        if token is not None:
            yield f"<d:sync-token>{escape(token)}</d:sync-token>".encode()
        yield MULTISTATUS_TAIL

    def _multiget_parts(
        self, hrefs: list[str], wanted: list[str] | None, version: str, device: str | None
    ) -> Iterator[bytes]:
        """An addressbook-multiget answer, a chunk of cards at a time."""
        yield MULTISTATUS_HEAD
        reader = self._reader()
        for start in range(0, len(hrefs), carddav.CHUNK):
            chunk = hrefs[start : start + carddav.CHUNK]
            names = [h.rsplit("/", 1)[-1] for h in chunk]
            found = carddav.fetch_cards(reader, names, version, self.cache)
            if device is not None:
                self.served.add(device, [card.served() for card in found.values()])
            parts = []
            for href, name in zip(chunk, names, strict=True):
                card = found.get(name)
                if card is None:
                    parts.append(_fragment(_status_response(href, 404)))
                else:
                    parts.append(_fragment(_response(BOOK + name, _card_props(card, wanted))))
            yield b"".join(parts)
        yield MULTISTATUS_TAIL

    # ---- GET, PUT, DELETE ----

    async def _get(self, request: Request, path: str, device: str) -> Response:
        if path in (PRINCIPAL, HOME, BOOK):
            return Response("kinmyaku CardDAV\n", media_type="text/plain")
        if not path.startswith(BOOK):
            return Response(status_code=404)
        href = path[len(BOOK) :]
        version = "3.0" if _accepts_only_3(request.headers.get("accept", "")) else "4.0"
        found = await _fetch(self.uow(), [href], version)
        self.served.add(device, [card.served() for card in found.values()])
        card = found.get(href)
        if card is None:
            return Response(status_code=404)
        return Response(card.body, media_type=VCARD, headers={"etag": card.etag})

    async def _put(self, request: Request, path: str, device: str) -> Response:
        if not path.startswith(BOOK) or "/" in path[len(BOOK) :]:
            return Response(status_code=403)
        body = await request.body()
        await run_in_threadpool(self.served.flush)  # the base of a merge must be stored
        etag, created = await run_in_threadpool(
            lambda: carddav.put_card(
                self.uow(),
                path[len(BOOK) :],
                body,
                device=device,
                if_match=request.headers.get("if-match"),
                if_none_match=request.headers.get("if-none-match"),
            )
        )
        headers = {"etag": etag} if etag else {}
        return Response(status_code=201 if created else 204, headers=headers)

    async def _delete(self, request: Request, path: str, device: str) -> Response:
        if not path.startswith(BOOK) or path == BOOK:
            return Response(status_code=403)
        href = path[len(BOOK) :]
        await run_in_threadpool(self.served.flush)
        done = await run_in_threadpool(
            lambda: carddav.delete_card(
                self.uow(), href, if_match=request.headers.get("if-match"), device=device
            )
        )
        return Response(status_code=204 if done else 404)


# ---- XML helpers ----


async def _body(request: Request) -> ET.Element | None:
    data = await request.body()
    if len(data) > MAX_XML:
        raise BadRequest("The XML body is too large")
    if not data.strip():
        return None
    try:
        root: ET.Element = SafeET.fromstring(data)
    except Exception:  # any unreadable or forbidden XML (entities, DTDs) is refused
        raise BadRequest("The XML body cannot be read") from None
    return root


def _wanted_props(root: ET.Element | None) -> list[str] | None:
    """The properties asked for (Clark names), or None for all of them (allprop)."""
    if root is None:
        return None
    prop = root.find(_q(DAV, "prop"))
    if prop is None:
        return None
    return [child.tag for child in prop]


def _has(wanted: list[str] | None, ns: str, name: str) -> bool:
    return wanted is None or _q(ns, name) in wanted


def _version(root: ET.Element, request: Request) -> str:
    data = root.find(f".//{_q(CARD, 'address-data')}")
    if data is not None and data.get("version") in ("3.0", "4.0"):
        return str(data.get("version"))
    if data is not None:
        return "3.0"  # RFC 6352 10.4: address-data without a version asks for vCard 3.0
    return "3.0" if _accepts_only_3(request.headers.get("accept", "")) else "4.0"


def _accepts_only_3(accept: str) -> bool:
    return "version=3.0" in accept.replace(" ", "") and "version=4.0" not in accept


async def _fetch(uow: UnitOfWork, hrefs: list[str], version: str) -> dict[str, carddav.Card]:
    return await run_in_threadpool(carddav.get_cards, uow, hrefs, version)


def _small_cache(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA cache_size=-{READER_CACHE_KB}")
    cursor.close()


def _gives_cards(wanted: list[str] | None) -> bool:
    """True when the answer carries the cards' text (then the device holds those versions)."""
    return wanted is not None and _q(CARD, "address-data") in wanted


PropMaker = Callable[[ET.Element], None]


def _collection_props(
    path: str, wanted: list[str] | None, token: str | None = None
) -> dict[str, PropMaker | None]:
    """The properties a collection has: each a function filling in its element."""
    props: dict[str, PropMaker | None] = {}

    def resourcetype(el: ET.Element) -> None:
        ET.SubElement(el, _q(DAV, "collection"))
        if path == PRINCIPAL:
            ET.SubElement(el, _q(DAV, "principal"))
        if path == BOOK:
            ET.SubElement(el, _q(CARD, "addressbook"))

    def text(value: str) -> PropMaker:
        def fill(el: ET.Element) -> None:
            el.text = value

        return fill

    def href(value: str) -> PropMaker:
        def fill(el: ET.Element) -> None:
            ET.SubElement(el, _q(DAV, "href")).text = value

        return fill

    def reports(el: ET.Element) -> None:
        for ns, name in ((CARD, "addressbook-multiget"), (CARD, "addressbook-query"),
                         (DAV, "sync-collection")):  # fmt: skip
            report = ET.SubElement(
                ET.SubElement(el, _q(DAV, "supported-report")), _q(DAV, "report")
            )
            ET.SubElement(report, _q(ns, name))

    def privileges(el: ET.Element) -> None:
        for name in ("read", "write", "write-content", "bind", "unbind"):
            ET.SubElement(ET.SubElement(el, _q(DAV, "privilege")), _q(DAV, name))

    def address_data(el: ET.Element) -> None:
        for version in ("3.0", "4.0"):
            ET.SubElement(
                el,
                _q(CARD, "address-data-type"),
                {"content-type": "text/vcard", "version": version},
            )

    names = {PRINCIPAL: "kinmyaku", HOME: "kinmyaku", BOOK: "kinmyaku"}
    props[_q(DAV, "resourcetype")] = resourcetype
    props[_q(DAV, "displayname")] = text(names[path])
    props[_q(DAV, "current-user-principal")] = href(PRINCIPAL)
    props[_q(DAV, "principal-URL")] = href(PRINCIPAL)
    props[_q(DAV, "owner")] = href(PRINCIPAL)
    props[_q(DAV, "current-user-privilege-set")] = privileges
    props[_q(CARD, "addressbook-home-set")] = href(HOME)
    if path == BOOK and token is not None:
        props[_q(DAV, "sync-token")] = text(token)
        props[_q(CS, "getctag")] = text(token)
        props[_q(DAV, "supported-report-set")] = reports
        props[_q(CARD, "supported-address-data")] = address_data
        props[_q(CARD, "max-resource-size")] = text(str(carddav.MAX_CARD))
    return _select(props, wanted)


def _card_props(card: carddav.Card, wanted: list[str] | None) -> dict[str, PropMaker | None]:
    props: dict[str, PropMaker | None] = {}

    def text(value: str) -> PropMaker:
        def fill(el: ET.Element) -> None:
            el.text = value

        return fill

    props[_q(DAV, "getetag")] = text(card.etag)
    props[_q(DAV, "getcontenttype")] = text(VCARD)
    props[_q(DAV, "resourcetype")] = lambda el: None
    if wanted is not None and _q(CARD, "address-data") in wanted:
        props[_q(CARD, "address-data")] = text(card.body.decode("utf-8"))
    return _select(props, wanted)


def _select(props: dict[str, PropMaker | None], wanted: list[str] | None) -> dict[str, Any]:
    if wanted is None:
        return props
    return {name: props.get(name) for name in wanted}


def _response(path: str, props: dict[str, PropMaker | None]) -> ET.Element:
    response = ET.Element(_q(DAV, "response"))
    ET.SubElement(response, _q(DAV, "href")).text = path
    found = {k: v for k, v in props.items() if v is not None}
    missing = [k for k, v in props.items() if v is None]
    for group, status in ((found, "200 OK"), (missing, "404 Not Found")):
        if not group:
            continue
        propstat = ET.SubElement(response, _q(DAV, "propstat"))
        prop = ET.SubElement(propstat, _q(DAV, "prop"))
        for name in group:
            element = ET.SubElement(prop, name)
            if isinstance(group, dict):
                group[name](element)
        ET.SubElement(propstat, _q(DAV, "status")).text = f"HTTP/1.1 {status}"
    return response


def _status_response(path: str, status: int) -> ET.Element:
    response = ET.Element(_q(DAV, "response"))
    ET.SubElement(response, _q(DAV, "href")).text = path
    reason = {404: "Not Found"}.get(status, "")
    ET.SubElement(response, _q(DAV, "status")).text = f"HTTP/1.1 {status} {reason}"
    return response


MULTISTATUS_HEAD = (
    b"<?xml version='1.0' encoding='utf-8'?>\n"
    b'<d:multistatus xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"'
    b' xmlns:cs="http://calendarserver.org/ns/">'
)
MULTISTATUS_TAIL = b"</d:multistatus>"


def _fragment(element: ET.Element) -> bytes:
    """One response of a streamed multistatus (its namespaces declared again: still valid)."""
    return bytes(ET.tostring(element, encoding="utf-8", xml_declaration=False))


def _stream(parts: Iterator[bytes]) -> StreamingResponse:
    return StreamingResponse(parts, status_code=207, media_type="application/xml; charset=utf-8")


def _multistatus_element(responses: Iterable[ET.Element]) -> ET.Element:
    root = ET.Element(_q(DAV, "multistatus"))
    root.extend(responses)
    return root


def _multistatus(responses: Iterable[ET.Element]) -> Response:
    body = _xml(_multistatus_element(responses))
    return Response(body, status_code=207, media_type="application/xml; charset=utf-8")


def _error_element(name: str) -> ET.Element:
    root = ET.Element(_q(DAV, "error"))
    ET.SubElement(root, _q(DAV, name))
    return root


def _xml(root: ET.Element) -> bytes:
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _options() -> Response:
    return Response(
        status_code=200,
        headers={"allow": ", ".join(METHODS), "dav": "1, 3, addressbook"},
    )


class _Endpoint:
    """A plain ASGI endpoint: a Route given one takes every method (PROPFIND, REPORT ...)."""

    def __init__(self, handler: Callable[[Request], Awaitable[Response]]) -> None:
        self.handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one request."""
        response = await self.handler(Request(scope, receive))
        await response(scope, receive, send)


async def _carddav_home(request: Request) -> Response:
    return RedirectResponse(PRINCIPAL, status_code=301)


def dav_routes(
    uow: Callable[[], UnitOfWork], throttle: CachedThrottle | None = None
) -> list[Route]:
    """The routes to add to the web app: ``/dav/…`` and ``/.well-known/carddav`` (RFC 6764,
    whatever the method: iOS and DAVx5 ask with PROPFIND).  Plain Starlette routes: the
    FastAPI routes' CSRF dependency does not apply to them."""
    server = DavServer(uow, throttle)
    return [
        Route("/dav/{path:path}", _Endpoint(server.__call__)),
        Route("/.well-known/carddav", _Endpoint(_carddav_home)),
    ]

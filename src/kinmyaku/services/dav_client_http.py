"""CardDAV over HTTP (RFC 6352, RFC 6578): what the sync client asks a remote server.

Discovery (the URL itself, ``/.well-known/carddav``, current-user-principal,
addressbook-home-set, the first address book), sync-collection with a token, a PROPFIND
listing of ETags for servers without it, addressbook-multiget, PUT and DELETE with
If-Match.  XML is read with defusedxml (no entities, no DTDs).  The password is handed to
httpx for Basic auth and never put in an error or a log line.
"""

from __future__ import annotations

import ssl
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, unquote, urljoin, urlsplit
from xml.etree.ElementTree import Element

import httpx
from defusedxml import ElementTree  # type: ignore[import-untyped]

from kinmyaku.domain.errors import KinmyakuError

DAV = "DAV:"
CARD = "urn:ietf:params:xml:ns:carddav"
MULTIGET_CHUNK = 200
TIMEOUT = 300.0
"""Seconds for one request: a big address book's first listing takes a slow server minutes."""


class RemoteError(KinmyakuError):
    """The remote address book answered with an error or could not be reached."""

    status = 502


class TokenExpired(Exception):
    """The server no longer knows the sync token: list everything again."""


class Changed(Exception):
    """If-Match failed: the card changed on the server meanwhile (the next sync merges it)."""


@dataclass(frozen=True, slots=True)
class Book:
    """An address book found by discovery: its URL and whether it answers sync-collection."""

    url: str
    sync: bool


@dataclass(frozen=True, slots=True)
class Listing:
    """The remote cards changed (href -> ETag), those deleted, and the new token if any."""

    changed: dict[str, str]
    deleted: set[str]
    token: str | None


def _q(name: str, ns: str = DAV) -> str:
    return f"{{{ns}}}{name}"


def _propfind(props: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<d:propfind xmlns:d="DAV:" xmlns:c="{CARD}"><d:prop>{props}</d:prop></d:propfind>'
    ).encode()


def path_of(href: str) -> str:
    """The decoded path of an href or URL (how hrefs are compared and stored)."""
    return unquote(urlsplit(href).path)


class DavClient:
    """A connection to one CardDAV server (keep-alive; safe to share between threads)."""

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        parts = urlsplit(url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.url = url
        self.http = httpx.Client(
            auth=httpx.BasicAuth(username, password),
            verify=_tls(),
            timeout=TIMEOUT,
            follow_redirects=True,
            transport=transport,
            headers={"User-Agent": "kinmyaku CardDAV sync"},
        )

    def close(self) -> None:
        """Close the connections."""
        self.http.close()

    def url_of(self, path: str) -> str:
        """The full URL of a decoded path."""
        return self.origin + quote(path)

    def _send(
        self, method: str, url: str, body: bytes | None = None, **headers: str
    ) -> httpx.Response:
        try:
            return self.http.request(method, url, content=body, headers=headers)
        except httpx.HTTPError as error:
            raise RemoteError(
                "The address book at {url} cannot be reached: {reason}",
                url=url,
                reason=type(error).__name__,
            ) from None

    def _multistatus(self, method: str, url: str, body: bytes, depth: str) -> Element:
        headers = {"Depth": depth, "Content-Type": "application/xml; charset=utf-8"}
        response = self._send(method, url, body, **headers)
        if response.status_code in (401, 403) and method == "PROPFIND":
            raise RemoteError(
                "The address book at {url} refused the user name or password", url=url
            )
        if response.status_code != 207:
            raise RemoteError(
                "The address book at {url} answered {status}", url=url, status=response.status_code
            )
        try:
            root: Element = ElementTree.fromstring(response.content)
        except Exception:
            raise RemoteError(
                "The address book at {url} sent XML that cannot be read", url=url
            ) from None
        return root

    def _props(self, url: str, props: str, depth: str = "0") -> Iterator[tuple[str, Element]]:
        """(href path, prop element) for each 200 propstat of a PROPFIND."""
        root = self._multistatus("PROPFIND", url, _propfind(props), depth)
        for response in root.iter(_q("response")):
            href = response.findtext(_q("href")) or ""
            for propstat in response.iter(_q("propstat")):
                status = propstat.findtext(_q("status")) or ""
                prop = propstat.find(_q("prop"))
                if " 200 " in status + " " and prop is not None:
                    yield path_of(urljoin(url, href.strip())), prop

    def _href_in(self, prop: Element, name: str, ns: str = DAV) -> str | None:
        node = prop.find(_q(name, ns))
        href = node.findtext(_q("href")) if node is not None else None
        return path_of(href.strip()) if href else None

    def discover(self) -> Book:
        """Find the address book from the URL given (itself, or the user's first one)."""
        props = (
            "<d:resourcetype/><d:current-user-principal/><c:addressbook-home-set/>"
            "<d:supported-report-set/>"
        )
        found: dict[str, Element] = {}
        for start in (self.url, self.origin + "/.well-known/carddav"):
            try:
                found = dict(self._props(start, props))
            except RemoteError as error:
                if "refused" in error.msgid:
                    raise
                continue
            if found:
                break
        for path, prop in found.items():
            if self._is_book(prop):
                return Book(self.url_of(path), self._syncs(prop))
        principal = next(
            (p for _, q in found.items() if (p := self._href_in(q, "current-user-principal"))), None
        )
        home = next(
            (h for _, q in found.items() if (h := self._href_in(q, "addressbook-home-set", CARD))),
            None,
        )
        if home is None and principal is not None:
            for _, prop in self._props(self.url_of(principal), props):
                home = home or self._href_in(prop, "addressbook-home-set", CARD)
        if home is None:
            raise RemoteError("No address book was found at {url}", url=self.url)
        for path, prop in self._props(self.url_of(home), props, depth="1"):
            if self._is_book(prop):
                return Book(self.url_of(path), self._syncs(prop))
        raise RemoteError("No address book was found at {url}", url=self.url)

    @staticmethod
    def _is_book(prop: Element) -> bool:
        kind = prop.find(_q("resourcetype"))
        return kind is not None and kind.find(_q("addressbook", CARD)) is not None

    @staticmethod
    def _syncs(prop: Element) -> bool:
        reports = prop.find(_q("supported-report-set"))
        return reports is not None and reports.find(f".//{_q('sync-collection')}") is not None

    def sync_collection(self, book: Book, token: str | None) -> Listing:
        """What changed since ``token`` (everything when None); TokenExpired when unknown."""
        body = (
            '<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:">'
            f"<d:sync-token>{_escape(token or '')}</d:sync-token><d:sync-level>1</d:sync-level>"
            "<d:prop><d:getetag/></d:prop></d:sync-collection>"
        ).encode()
        headers = {"Content-Type": "application/xml; charset=utf-8", "Depth": "0"}
        response = self._send("REPORT", book.url, body, **headers)
        if token and response.status_code in (403, 409) and b"valid-sync-token" in response.content:
            raise TokenExpired
        if response.status_code != 207:
            raise RemoteError(
                "The address book at {url} answered {status}",
                url=book.url,
                status=response.status_code,
            )
        root: Element = ElementTree.fromstring(response.content)
        changed: dict[str, str] = {}
        deleted: set[str] = set()
        own = path_of(book.url).rstrip("/")
        for item in root.iter(_q("response")):
            path = path_of(urljoin(book.url, (item.findtext(_q("href")) or "").strip()))
            if path.rstrip("/") == own:
                continue
            status = item.findtext(_q("status")) or ""
            if " 404 " in status + " ":
                deleted.add(path)
                continue
            etag = item.findtext(f".//{_q('getetag')}")
            if etag:
                changed[path] = etag.strip()
        return Listing(changed, deleted, root.findtext(_q("sync-token")))

    def list_etags(self, book: Book) -> dict[str, str]:
        """Every card of the address book with its ETag (PROPFIND Depth 1)."""
        own = path_of(book.url).rstrip("/")
        found: dict[str, str] = {}
        for path, prop in self._props(book.url, "<d:getetag/><d:resourcetype/>", depth="1"):
            kind = prop.find(_q("resourcetype"))
            if path.rstrip("/") == own or (kind is not None and len(kind)):
                continue
            etag = prop.findtext(_q("getetag"))
            if etag:
                found[path] = etag.strip()
        return found

    def multiget(self, book: Book, paths: Iterable[str]) -> dict[str, tuple[str, bytes]]:
        """The cards at these paths: path -> (ETag, vCard text); missing ones are left out."""
        found: dict[str, tuple[str, bytes]] = {}
        for chunk in self.multiget_chunks(book, paths, ahead=False):
            found.update(chunk)
        return found

    def multiget_chunks(
        self, book: Book, paths: Iterable[str], *, ahead: bool = True
    ) -> Iterator[dict[str, tuple[str, bytes]]]:
        """The cards at these paths, MULTIGET_CHUNK at a time (path -> (ETag, vCard text)).

        ``ahead``: the next chunk is asked for (and its XML read) in another thread while
        the caller works on this one, so that the server's time and the caller's overlap.
        """
        wanted = list(paths)
        starts = range(0, len(wanted), MULTIGET_CHUNK)
        if not ahead or len(starts) < 2:
            for start in starts:
                yield self._multiget(book, wanted[start : start + MULTIGET_CHUNK])
            return
        with ThreadPoolExecutor(1, thread_name_prefix="multiget") as pool:
            coming: deque[Future[dict[str, tuple[str, bytes]]]] = deque()
            try:
                for start in starts:
                    chunk = wanted[start : start + MULTIGET_CHUNK]
                    coming.append(pool.submit(self._multiget, book, chunk))
                    if len(coming) > 1:
                        yield coming.popleft().result()
                while coming:
                    yield coming.popleft().result()
            finally:
                for future in coming:
                    future.cancel()

    def _multiget(self, book: Book, paths: list[str]) -> dict[str, tuple[str, bytes]]:
        """One addressbook-multiget REPORT: path -> (ETag, vCard text), in the order of
        ``paths`` (missing ones left out)."""
        hrefs = "".join(f"<d:href>{_escape(quote(p))}</d:href>" for p in paths)
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            f'<c:addressbook-multiget xmlns:d="DAV:" xmlns:c="{CARD}">'
            f"<d:prop><d:getetag/><c:address-data/></d:prop>{hrefs}</c:addressbook-multiget>"
        ).encode()
        root = self._multistatus("REPORT", book.url, body, "1")
        found: dict[str, tuple[str, bytes]] = {}
        for item in root.iter(_q("response")):
            path = path_of(urljoin(book.url, (item.findtext(_q("href")) or "").strip()))
            etag = item.findtext(f".//{_q('getetag')}")
            data = item.findtext(f".//{_q('address-data', CARD)}")
            if etag and data:
                found[path] = (etag.strip(), data.encode("utf-8"))
        # In the order asked for (a server answers in its own): a sync imports in that order.
        return {path: found[path] for path in paths if path in found}

    def put(
        self, path: str, body: bytes, *, if_match: str | None = None, new: bool = False
    ) -> str | None:
        """Store a card; its new ETag when the server says it (Changed when If-Match fails)."""
        headers = {"Content-Type": "text/vcard; charset=utf-8"}
        if if_match:
            headers["If-Match"] = if_match
        if new:
            headers["If-None-Match"] = "*"
        response = self._send("PUT", self.url_of(path), body, **headers)
        if response.status_code == 412:
            raise Changed
        if response.status_code not in (200, 201, 204):
            raise RemoteError(
                "The address book refused the card {href}: {status}",
                href=path,
                status=response.status_code,
            )
        etag = response.headers.get("ETag")
        return str(etag) if etag else None

    def delete(self, path: str, *, if_match: str | None) -> None:
        """Delete a card (gone already is fine; Changed when If-Match fails)."""
        headers = {"If-Match": if_match} if if_match else {}
        response = self._send("DELETE", self.url_of(path), None, **headers)
        if response.status_code == 412:
            raise Changed
        if response.status_code not in (200, 204, 404):
            raise RemoteError(
                "The address book refused to delete {href}: {status}",
                href=path,
                status=response.status_code,
            )


@lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    """One TLS context for every sync (loading the system's certificates costs 0.2 s)."""
    return ssl.create_default_context()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

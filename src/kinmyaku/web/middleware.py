"""The ASGI middleware around every request: session, language, login gate, headers."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kinmyaku.storage.uow import reading
from kinmyaku.web.i18n import LANG_COOKIE, choose_language
from kinmyaku.web.security import (
    CSP,
    DOCS_CSP,
    HEADERS,
    SESSION_COOKIE,
    SESSION_DAYS,
    Session,
    SessionStore,
    Signer,
    is_loopback,
)

MAX_BODY = 11 * 1024 * 1024  # a 10 MB photo and the rest of its form
# Import uploads: up to 10 files of 20 MB each (each file is checked again while streaming).
MAX_IMPORT_BODY = 10 * 20 * 1024 * 1024 + 1024 * 1024
IMPORT_UPLOAD = "/import/preview"
# Business cards (名刺): a front and a back of 10 MB each; a stack of up to 10 photos.
CARD_UPLOADS = {"/cards/scan": 21 * 1024 * 1024, "/api/cards/scan": 21 * 1024 * 1024,
                "/cards/stack": 10 * 10 * 1024 * 1024 + 1024 * 1024}  # fmt: skip
# The calendar feed is fetched by calendar apps without a session; its secret token guards it.
PUBLIC_PREFIXES = (
    "/static/",
    "/login",
    "/healthz",
    "/language",
    "/api/session",
    "/api/login",
    "/calendar/",
    # CardDAV clients log in on every request with an app password (web/dav.py).
    "/dav/",
    "/.well-known/carddav",
)


class PasswordState:
    """Whether an owner password is set, re-read from the database every few seconds."""

    def __init__(self, read: Callable[[], bool], ttl: float = 3.0) -> None:
        self._read = read
        self._ttl = ttl
        self._value = False
        self._at = float("-inf")
        self._reading = False

    def required(self) -> bool:
        """True when visitors must log in."""
        now = time.monotonic()
        if now - self._at > self._ttl:
            self._value = self._read()
            self._at = now
        return self._value

    def forget(self) -> None:
        """Read again on the next request."""
        self._at = float("-inf")

    def known(self) -> bool:
        """The value last read, without reading the database (safe on the event loop)."""
        return self._value

    async def check(self) -> bool:
        """:meth:`required` for the event loop: a stale value is re-read in a worker thread
        (one at a time: meanwhile other requests go on with the value known)."""
        if time.monotonic() - self._at > self._ttl and not self._reading:
            self._reading = True
            try:
                await run_in_threadpool(self._reread)
            finally:
                self._reading = False
        return self._value

    def _reread(self) -> None:
        with reading():  # a read: never waits for the write lock (storage/uow.py)
            self.required()


def _cookies(scope: Scope) -> dict[str, str]:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            return cookie_parser(value.decode("latin-1"))
    return {}


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return str(value.decode("latin-1"))
    return None


class KinmyakuMiddleware:
    """Loads the session and language, guards logins and hosts, adds security headers."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        signer: Signer,
        password: PasswordState,
        default_lang: str,
        loopback_only: bool,
        sessions: SessionStore | None = None,
        secure_cookies: bool = False,
    ) -> None:
        self.app = app
        self.signer = signer
        self.sessions = sessions
        self.password = password
        self.default_lang = default_lang
        self.loopback_only = loopback_only
        self.secure = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one HTTP request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        host = hostname(_header(scope, b"host") or "")
        if self.loopback_only and host and not is_loopback(host):
            await _plain(send, 400, "Bad host header")
            return
        length = _header(scope, b"content-length")
        limit = MAX_IMPORT_BODY if path == IMPORT_UPLOAD else CARD_UPLOADS.get(path, MAX_BODY)
        if length and length.isdigit() and int(length) > limit:
            await _plain(send, 413, f"Request too large (the limit is {limit // 2**20} MB)")
            return
        cookies = _cookies(scope)
        # Re-read first: a password change replaces the key and ends every session.  In a
        # worker thread, never on the event loop; /healthz never touches the database.
        if path != "/healthz":
            await self.password.check()
        session = self.signer.load(cookies.get(SESSION_COOKIE))
        if session.auth and self.sessions is not None:
            await self._check_login(scope, session)
        lang = choose_language(
            cookies.get(LANG_COOKIE), _header(scope, b"accept-language"), self.default_lang
        )
        state = scope.setdefault("state", {})
        state["session"] = session
        state["lang"] = lang
        # Whether a password is set: read in a worker thread when stale, never on the event
        # loop (PasswordState.check); /healthz never touches the database.
        if not self.loopback_only and path != "/healthz" and not await self.password.check():
            # Bound to the network but the owner password was removed while running: serve
            # nothing rather than an open address book.
            await _plain(
                send,
                503,
                "No owner password is set: run 'kinmyaku password' "
                "(a server reachable from the network needs one)",
            )
            return
        if (
            not session.auth
            and not path.startswith(PUBLIC_PREFIXES)
            and await self.password.check()
        ):
            await self._refuse(scope, send, session, path)
            return
        csp = DOCS_CSP if path == "/api/docs" else CSP
        static = path.startswith("/static/")

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["content-security-policy"] = csp
                for name, value in HEADERS.items():
                    headers[name] = value
                if "cache-control" not in headers:
                    headers["cache-control"] = "public, max-age=3600" if static else "no-store"
                if session.dirty:
                    headers.append("set-cookie", self._cookie(session))
                headers.append("vary", "Cookie, Accept-Language")
            await send(message)

        await self.app(scope, receive, send_wrapper)

    async def _check_login(self, scope: Scope, session: Session) -> None:
        """A logged-in cookie counts only while its session is stored (not logged out)."""
        assert self.sessions is not None
        stored = self.sessions.cached(session.sid)
        if stored is None:
            client = scope.get("client")
            ip = str(client[0]) if client else None
            stored = await run_in_threadpool(self.sessions.check, session.sid, ip)
        if stored is None:
            session.rotate(auth=False)  # ended elsewhere: a fresh cookie, not logged in
        else:
            session.stored_id = stored

    def _cookie(self, session: Session) -> str:
        parts = [
            f"{SESSION_COOKIE}={self.signer.dump(session)}",
            "Path=/",
            f"Max-Age={SESSION_DAYS * 86400}",
            "HttpOnly",
            "SameSite=Lax",
        ]
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts)

    async def _refuse(self, scope: Scope, send: Send, session: Session, path: str) -> None:
        cookie = [(b"set-cookie", self._cookie(session).encode())] if session.dirty else []
        common = [(b"cache-control", b"no-store"), *cookie]
        if path.startswith("/api"):
            body = json.dumps(
                {"error": {"message": "Log in first (POST /api/login)", "field": None}}
            ).encode()
            headers = [(b"content-type", b"application/json"), *common]
            await _send(send, 401, headers, body)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        target = path + ("?" + query if query else "")
        location = "/login?next=" + quote(target, safe="")
        await _send(send, 303, [(b"location", location.encode()), *common], b"")


def hostname(header: str) -> str:
    """The host name of a Host header, without the port (``[::1]:8765`` -> ``::1``)."""
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if ":" in header else header


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _plain(send: Send, status: int, text: str) -> None:
    await _send(send, status, [(b"content-type", b"text/plain; charset=utf-8")], text.encode())


class HeadAsGet:
    """Answers HEAD wherever GET works: the request is routed as GET, the body is dropped.

    The route's status and headers (Content-Type, Content-Length, caching) are the GET
    answer's; the server (and a client) see the HEAD they asked for.  The CSRF check sees
    GET, a safe method, as it would HEAD.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request (only HEAD is changed)."""
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> list[str]:
    """The methods a path takes (for the ``Allow`` header of a 405): every route's on it.

    HEAD goes with GET (:class:`HeadAsGet`); a mounted app without methods (the static
    files) takes GET and HEAD.
    """
    found: set[str] = set()
    for route in flat_routes(routes):
        match, _ = route.matches({**scope, "type": "http"})
        if match is Match.NONE:
            continue
        methods = getattr(route, "methods", None)
        found |= set(methods) if methods else {"GET"}
    if "GET" in found:
        found.add("HEAD")
    return sorted(found, key=lambda m: (METHOD_ORDER.index(m) if m in METHOD_ORDER else 99, m))


def flat_routes(routes: Sequence[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route of an app, the routes of its included routers in their place."""
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI's include_router
        if included is not None:
            yield from flat_routes(included.routes)
        else:
            yield route

"""The web app factory: one FastAPI app over the same core as the CLI."""

from __future__ import annotations

import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from kinmyaku.bootstrap import App, open_app
from kinmyaku.config import Settings, database_url, detect_language
from kinmyaku.domain.errors import KinmyakuError, ValidationError
from kinmyaku.domain.limits import TooLong
from kinmyaku.i18n import error_text, translate
from kinmyaku.services.auth import auth_state, secret_key
from kinmyaku.web import routes
from kinmyaku.web.dav import dav_routes
from kinmyaku.web.deps import csrf_protect, make_templates, render
from kinmyaku.web.duplicate_count import DuplicateCount
from kinmyaku.web.memory import MemoryTrim
from kinmyaku.web.middleware import (
    HeadAsGet,
    KinmyakuMiddleware,
    PasswordState,
    allowed_methods,
)
from kinmyaku.web.security import (
    SessionStore,
    SharedLoginThrottle,
    Signer,
    is_loopback,
)
from kinmyaku.web.upkeep import DailySummary

STATIC = Path(__file__).with_name("static")
ENV_HOST = "KINMYAKU_WEB_HOST"
API_DESCRIPTION = """The JSON API of kinmyaku: the same use cases as the CLI.

Every state-changing request needs the session cookie and its CSRF token in the
`X-CSRF-Token` header: `GET /api/session` gives both (and `POST /api/login` first when
an owner password is set). Errors are `{"error": {"message": ..., "field": ...}}`.
"""


def create_app(app: App, *, host: str = "127.0.0.1") -> FastAPI:
    """Build the web app for a kinmyaku app; ``host`` is the address the server binds to."""
    upkeep = DailySummary(app)
    duplicates = DuplicateCount(app)
    trimmer = MemoryTrim()

    @asynccontextmanager
    async def lifespan(served: FastAPI) -> AsyncIterator[None]:
        trimmer.start()  # first: fewer malloc arenas for the worker threads (web/memory.py)
        await run_in_threadpool(upkeep.refresh)  # before the first request is served
        # Every template compiled now, not by the first requests that use it.
        templates = served.state.templates
        for name in templates.list_templates(extensions=["html"]):
            templates.get_template(name)
        # Everything loaded so far (modules, templates, compiled statements) lives as long
        # as the server: keep it out of the garbage collector's scans of every request.
        gc.freeze()
        upkeep.start()
        # Counts in the background (the first pages may show no count), once the network
        # graph of a big database is built: the first warm path need not share the CPU.
        duplicates.start(after=upkeep.network.ready)
        yield
        duplicates.stop()
        upkeep.stop()
        trimmer.stop()

    web = FastAPI(
        lifespan=lifespan,
        title="kinmyaku",
        version="0.1.0",
        description=API_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        dependencies=[Depends(csrf_protect)],
    )
    web.state.core = app
    web.state.upkeep = upkeep
    web.state.duplicates = duplicates
    web.state.signer = signer = Signer(secret_key(app.uow()))
    web.state.sessions = sessions = SessionStore(app.uow)

    def password_set() -> bool:
        # Re-read every few seconds: the password, and the key a password change replaced.
        state = auth_state(app.uow())
        if signer.use_key(state.secret_key):
            sessions.forget()
        return state.has_password

    web.state.password = PasswordState(password_set)
    # The web login's failures are counted in the database: every worker sees them all.
    web.state.throttle = SharedLoginThrottle(app.uow)
    web.state.templates = make_templates()
    web.state.host = host
    web.add_middleware(
        KinmyakuMiddleware,
        signer=web.state.signer,
        password=web.state.password,
        default_lang=app.settings.language,
        loopback_only=is_loopback(host),
        sessions=sessions,
    )
    web.add_middleware(HeadAsGet)  # outermost: HEAD is GET without a body everywhere
    web.mount("/static", StaticFiles(directory=STATIC), name="static")
    # CardDAV: plain Starlette routes, outside the FastAPI routes' CSRF check (web/dav.py);
    # its login's failures are counted in the database too, read every few seconds
    # (web/security.py CachedThrottle).
    web.router.routes.extend(dav_routes(app.uow))
    for router in routes.routers():
        web.include_router(router)
    _errors(web)

    @web.get("/healthz", include_in_schema=False)
    async def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    return web


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _json_error(status: int, message: str, field: str | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "field": field}}, status_code=status)


def _errors(web: FastAPI) -> None:
    @web.exception_handler(KinmyakuError)
    async def user_error(request: Request, error: KinmyakuError) -> Response:
        lang = str(getattr(request.state, "lang", "en"))
        field = error.field if isinstance(error, ValidationError) else None
        if _wants_json(request):
            return _json_error(error.status, error_text(lang, error), field)
        return render(
            request, "error.html", {"message": error_text(lang, error)}, status=error.status
        )

    @web.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> Response:
        first = error.errors()[0] if error.errors() else {}
        loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
        field = ".".join(loc) or None
        message = f"{field}: {first.get('msg', 'invalid')}" if field else "Invalid request"
        if first.get("type") == "string_too_long" and loc:  # the field and its limit, in words
            lang = str(getattr(request.state, "lang", "en"))
            size = len(str(first.get("input", "")))
            message = error_text(lang, TooLong(loc[-1], size, int(first["ctx"]["max_length"])))
        if _wants_json(request):
            return _json_error(422, message, field)
        return render(request, "error.html", {"message": message}, status=422)

    @web.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        response = _http_error_response(request, error)
        response.headers.update(error.headers or {})
        if error.status_code == 405:
            # Every method the path takes, not only those of the first route that matched.
            path, root = request.scope["path"], web.root_path
            scope = {"type": "http", "method": "GET", "path": path, "root_path": root}
            allow = allowed_methods(web.router.routes, scope)
            response.headers["allow"] = ", ".join(allow)
        return response


def _http_error_response(request: Request, error: StarletteHTTPException) -> Response:
    lang = str(getattr(request.state, "lang", "en"))
    message = translate(lang, str(error.detail))
    if _wants_json(request):
        return _json_error(error.status_code, message)
    if not hasattr(request.state, "session"):
        return PlainTextResponse(message, status_code=error.status_code)
    return render(request, "error.html", {"message": message}, status=error.status_code)


def create_app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` with several workers: settings from the environment."""
    settings = Settings(database_url=database_url(None), language=detect_language(None))
    return create_app(open_app(settings), host=os.environ.get(ENV_HOST, "127.0.0.1"))

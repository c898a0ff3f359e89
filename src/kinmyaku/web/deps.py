"""What routes share: typed dependencies (the core app, language), CSRF, page rendering."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import FormData

from kinmyaku.bootstrap import App
from kinmyaku.domain.errors import KinmyakuError, ValidationError
from kinmyaku.domain.validate import ValidationErrors
from kinmyaku.i18n import error_text
from kinmyaku.storage.uow import declare_writes
from kinmyaku.web import widgets
from kinmyaku.web.followup_rows import FollowupRows
from kinmyaku.web.i18n import Texts
from kinmyaku.web.security import CSRF_FIELD, CSRF_HEADER, SAFE_METHODS, Session, Signer

MAX_ID = 2**31 - 1  # ids fit a 32-bit INTEGER column on every database
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def make_templates() -> Environment:
    """The Jinja2 environment: package templates, autoescaped."""
    env = Environment(
        loader=PackageLoader("kinmyaku.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates are package files: compile each once
    )
    env.globals["m"] = widgets  # m.field(...), m.select(...): the form widgets
    env.globals["followup_rows"] = FollowupRows  # the rows of the follow-up lists
    return env


def core_of(request: Request) -> App:
    """The kinmyaku app (settings + database) the web app was built for."""
    core: App = request.app.state.core
    return core


def lang_of(request: Request) -> str:
    """The language of this request (``ja`` or ``en``)."""
    return str(request.state.lang)


def session_of(request: Request) -> Session:
    """The session the middleware loaded."""
    session: Session = request.state.session
    return session


# The dependencies are coroutines: FastAPI runs a plain function dependency in a worker
# thread, and three thread hops per request cost more than these attribute reads.
async def get_core(request: Request) -> App:
    """Dependency: the kinmyaku app."""
    return core_of(request)


async def get_lang(request: Request) -> str:
    """Dependency: the language of this request."""
    return lang_of(request)


async def get_session(request: Request) -> Session:
    """Dependency: the session of this request."""
    return session_of(request)


RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
CoreDep = Annotated[App, Depends(get_core)]
LangDep = Annotated[str, Depends(get_lang)]
SessionDep = Annotated[Session, Depends(get_session)]


def signer_of(request: Request) -> Signer:
    """The signer of cookies and CSRF tokens."""
    signer: Signer = request.app.state.signer
    return signer


async def csrf_protect(request: Request) -> None:
    """Answer 403 to a state-changing request without this session's CSRF token.

    Every route depends on it, so it also says whether the request's transactions write:
    a GET reads (SQLite lets readers run side by side), a POST writes (it takes the write
    lock as each transaction begins, so it waits its turn rather than fail "database is
    locked"; storage/uow.py).
    """
    declare_writes(request.method not in SAFE_METHODS)
    if request.method in SAFE_METHODS:
        return
    token = request.headers.get(CSRF_HEADER)
    if token is None and request.headers.get("content-type", "").startswith(FORM_TYPES):
        try:
            form = await request.form()
        except Exception:  # any unreadable body is simply refused
            form = FormData()
        value = form.get(CSRF_FIELD)
        token = value if isinstance(value, str) else None
    if not signer_of(request).check_csrf(session_of(request), token):
        raise HTTPException(status_code=403, detail="Missing or invalid CSRF token")


async def form_data(request: Request) -> FormData:
    """The submitted form (parsed once; the CSRF check may have read it already)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(form_data)]


def is_htmx(request: Request) -> bool:
    """True for a request htmx made (it swaps a fragment into the page)."""
    return request.headers.get("hx-request") == "true"


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """Render a template with the request's language, CSRF token and page context."""
    lang = lang_of(request)
    session = session_of(request)
    values: dict[str, Any] = Texts(lang).context()
    values.update(
        request=request,
        csrf_token=signer_of(request).csrf_token(session),
        logged_in=session.auth,
        login_required=login_required(request),
        path=request.url.path,
        today=core_of(request).today(),
        errors={},
        form={},
    )
    if context:
        values.update(context)
    env: Environment = request.app.state.templates
    html = env.get_template(name).render(values)
    return HTMLResponse(html, status_code=status)


def login_required(request: Request) -> bool:
    """Whether visitors must log in; on the event loop, the value last read (no query)."""
    password = request.app.state.password
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # a worker thread (a plain route): it may read the database
        return bool(password.required())
    return bool(password.known())


def errors_of(lang: str, error: KinmyakuError) -> dict[str, str]:
    """Form errors: field name -> message in the user's language ('' for the whole form)."""
    if isinstance(error, ValidationErrors):  # several fields at once: each by its field
        found: dict[str, str] = {}
        for each in error.errors:
            found.setdefault(each.field, error_text(lang, each))
        return found
    field = error.field if isinstance(error, ValidationError) else ""
    return {field: error_text(lang, error)}


def see_other(url: str) -> RedirectResponse:
    """A 303 redirect after a successful form post."""
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to (never another site)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default

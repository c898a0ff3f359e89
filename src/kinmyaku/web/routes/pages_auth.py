"""Log in with the owner's password (throttled after repeated failures); log out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kinmyaku.i18n import translate
from kinmyaku.services import sessions
from kinmyaku.services.auth import check_password
from kinmyaku.web import forms
from kinmyaku.web.deps import CoreDep, FormDep, LangDep, SessionDep, render, safe_next, see_other
from kinmyaku.web.security import LoginThrottle, SessionStore

router = APIRouter(include_in_schema=False)


def client_key(request: Request) -> str:
    """Who is trying to log in (the client address)."""
    return request.client.host if request.client else "unknown"


def store_of(request: Request) -> SessionStore:
    """The web app's view of the sessions table."""
    store: SessionStore = request.app.state.sessions
    return store


def attempt_login(request: Request, core: CoreDep, session: SessionDep, password: str) -> int:
    """Check a password: 0 when logged in, -1 when wrong, else seconds to wait."""
    throttle: LoginThrottle = request.app.state.throttle
    client = client_key(request)
    wait = throttle.wait_seconds(client)
    if wait:
        return wait
    if not check_password(core.uow(), password=password):
        throttle.failed(client)
        return -1
    throttle.succeeded(client)
    if session.auth:  # logged in again: the session before ends
        sessions.end_session_of(core.uow(), sid=session.sid)
    session.rotate(auth=True)
    session.stored_id = sessions.start_session(
        core.uow(),
        sid=session.sid,
        user_agent=request.headers.get("user-agent", ""),
        ip=request.client.host if request.client else None,
    )
    store_of(request).remember(session.sid, session.stored_id)
    return 0


def end_login(request: Request, core: CoreDep, session: SessionDep) -> None:
    """Log this browser out: its stored session ends, its cookie gets a new id."""
    if session.auth:
        sessions.end_session_of(core.uow(), sid=session.sid)
        store_of(request).forget()
    session.rotate(auth=False)


@router.get("/login")
def login_page(request: Request, session: SessionDep) -> Response:
    """The login form."""
    target = safe_next(request.query_params.get("next"), "/")
    if session.auth or not request.app.state.password.required():
        return see_other(target)
    return render(request, "login.html", {"next": target})


@router.post("/login")
def login(
    request: Request, core: CoreDep, lang: LangDep, session: SessionDep, form: FormDep
) -> Response:
    """Log in; wrong passwords are counted and throttled."""
    target = safe_next(forms.text(form, "next"), "/")
    given = form.get("password")
    result = attempt_login(request, core, session, given if isinstance(given, str) else "")
    if result == 0:
        return see_other(target)
    if result < 0:
        message = translate(lang, "Wrong password.")
        status = 401
    else:
        minutes = max(1, -(-result // 60))
        message = translate(
            lang, "Too many failed attempts; try again in {minutes} minutes.", minutes=minutes
        )
        status = 429
    page = render(request, "login.html", {"next": target, "message": message}, status=status)
    if status == 429:
        page.headers["retry-after"] = str(result)
    return page


@router.post("/logout")
def logout(request: Request, core: CoreDep, session: SessionDep) -> Response:
    """Forget the login of this browser."""
    end_login(request, core, session)
    return see_other("/login")

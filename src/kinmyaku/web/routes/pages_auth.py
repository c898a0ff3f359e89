"""Log in with the owner's password (throttled after repeated failures); log out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kinmyaku.i18n import translate
from kinmyaku.services.auth import check_password
from kinmyaku.web import forms
from kinmyaku.web.deps import CoreDep, FormDep, LangDep, SessionDep, render, safe_next, see_other
from kinmyaku.web.security import LoginThrottle

router = APIRouter(include_in_schema=False)


def client_key(request: Request) -> str:
    """Who is trying to log in (the client address)."""
    return request.client.host if request.client else "unknown"


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
    session.rotate(auth=True)
    return 0


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
    return render(request, "login.html", {"next": target, "message": message}, status=status)


@router.post("/logout")
def logout(session: SessionDep) -> Response:
    """Forget the login of this browser."""
    session.rotate(auth=False)
    return see_other("/login")

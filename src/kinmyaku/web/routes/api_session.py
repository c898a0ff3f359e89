"""API session: the CSRF token for scripts, and logging in with the owner's password."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from kinmyaku.i18n import translate
from kinmyaku.web.deps import CoreDep, LangDep, SessionDep, signer_of
from kinmyaku.web.routes.pages_auth import attempt_login, end_login
from kinmyaku.web.schemas import ERRORS, LoginBody, SessionPublic

router = APIRouter(prefix="/api", tags=["session"], responses=ERRORS)


@router.get("/session")
def get_session_info(request: Request, session: SessionDep, lang: LangDep) -> SessionPublic:
    """The CSRF token to send as ``X-CSRF-Token`` (the response also sets the session cookie)."""
    return SessionPublic(
        csrf_token=signer_of(request).csrf_token(session),
        logged_in=session.auth,
        login_required=request.app.state.password.required(),
        language=lang,
    )


@router.post("/login", status_code=204)
def api_login(
    request: Request, body: LoginBody, core: CoreDep, session: SessionDep, lang: LangDep
) -> Response:
    """Log in with the owner's password (then fetch a new CSRF token from /api/session)."""
    result = attempt_login(request, core, session, body.password)
    if result < 0:
        raise HTTPException(status_code=401, detail=translate(lang, "Wrong password."))
    if result > 0:
        raise HTTPException(
            status_code=429,
            detail=translate(
                lang,
                "Too many failed attempts; try again in {minutes} minutes.",
                minutes=max(1, -(-result // 60)),
            ),
            headers={"retry-after": str(result)},
        )
    return Response(status_code=204)


@router.post("/logout", status_code=204)
def api_logout(request: Request, core: CoreDep, session: SessionDep) -> Response:
    """End this session's login."""
    end_login(request, core, session)
    return Response(status_code=204)

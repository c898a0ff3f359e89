"""CardDAV on the Settings page: the URL for a phone, app passwords, each device's last
sync, the sync log, what a deletion on a device does; and the trash of people deleted
from a device ("Deleted from devices"), with Restore and Delete for good."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kinmyaku.bootstrap import App
from kinmyaku.domain.errors import NotFound
from kinmyaku.i18n import translate
from kinmyaku.services import app_passwords, dav_history, dav_trash
from kinmyaku.services.sessions import seen_text
from kinmyaku.web import forms
from kinmyaku.web.deps import CoreDep, FormDep, LangDep, RecordId, render, see_other
from kinmyaku.web.security import is_loopback

router = APIRouter(include_in_schema=False)
ACTION_WORDS = {
    "created": "created",
    "edited": "edited",
    "merged": "edited (merged with changes made here)",
    "deleted": "deleted",
    "archived": "deleted (kept in Deleted from devices)",
}


def dav_url(request: Request) -> str:
    """The address book URL as this request reached the server (scheme, host, port)."""
    return str(request.base_url).rstrip("/") + "/dav/"


def carddav_settings(request: Request, core: App, lang: str) -> dict[str, Any]:
    """What the CardDAV section of the Settings page shows (one query)."""
    host = request.url.hostname or ""
    overview = dav_history.settings_overview(core.uow(), mode_key=dav_trash.SETTING)
    passwords = [
        {
            "id": p.id,
            "name": p.name,
            "since": p.created_at.date().isoformat(),
            "seen": seen_text(lang, p.last_used) if p.last_used else None,
            "seen_at": p.last_used.isoformat(timespec="minutes") + "Z" if p.last_used else "",
        }
        for p in overview.passwords
        if p.revoked_at is None
    ]
    log = [
        {
            "when": seen_text(lang, line.at),
            "at": line.at.isoformat(timespec="minutes") + "Z",
            "device": line.device,
            "action": line.action,
            "what": translate(lang, ACTION_WORDS.get(line.action, line.action)),
            "name": line.name,
            "person_id": line.person_id if line.action not in ("archived", "deleted") else None,
        }
        for line in overview.log
    ]
    return {
        "url": dav_url(request),
        "server": request.url.netloc,
        "secure": request.url.scheme == "https",
        "local": is_loopback(host) or host == "localhost",
        "passwords": passwords,
        "revoked": sum(1 for p in overview.passwords if p.revoked_at is not None),
        "log": log,
        "mode": overview.mode,
        "trashed": overview.trashed,
    }


@router.post("/settings/carddav/passwords")
def add_app_password(request: Request, core: CoreDep, form: FormDep) -> Response:
    """Make an app password for a device and show it, once."""
    made = app_passwords.add_app_password(core.uow(), name=forms.text(form, "name"))
    context = {"made": made, "url": dav_url(request), "server": request.url.netloc}
    return render(request, "app_password.html", context)


@router.post("/settings/carddav/passwords/{password_id}/revoke")
def revoke_app_password(core: CoreDep, password_id: RecordId) -> Response:
    """Revoke a device's app password: it can no longer sync."""
    found = [p for p in app_passwords.list_app_passwords(core.uow()) if p.id == password_id]
    if not found or found[0].revoked_at is not None:
        raise NotFound("No app password with id {id}", id=password_id)
    app_passwords.revoke_app_password(core.uow(), name=found[0].name)
    return see_other("/settings#carddav")


@router.post("/settings/carddav/on-delete")
def save_deletion_mode(core: CoreDep, form: FormDep) -> Response:
    """Store what a deletion on a device does (archive or delete)."""
    dav_trash.set_deletion_mode(core.uow(), mode=forms.text(form, "mode"))
    return see_other("/settings#carddav")


@router.get("/settings/trash")
def trash_page(request: Request, core: CoreDep, lang: LangDep) -> Response:
    """People deleted from a device, latest first, each with Restore and Delete for good."""
    entries = [
        {
            "id": e.id,
            "name": e.name,
            "company": e.company,
            "device": e.device,
            "when": seen_text(lang, e.deleted_at),
            "at": e.deleted_at.isoformat(timespec="minutes") + "Z",
        }
        for e in dav_trash.list_trash(core.uow())
    ]
    return render(request, "trash.html", {"entries": entries})


@router.post("/settings/trash/{entry_id}/restore")
def restore_from_trash(core: CoreDep, entry_id: RecordId) -> Response:
    """Put a person back exactly as they were; their page opens."""
    person_id = dav_trash.restore_trashed(core.uow(), entry_id=entry_id)
    return see_other(f"/people/{person_id}")


@router.post("/settings/trash/{entry_id}/delete")
def delete_from_trash(core: CoreDep, entry_id: RecordId) -> Response:
    """Delete a person in the trash for good (as forgetting them does)."""
    dav_trash.purge_trashed(core.uow(), entry_id=entry_id)
    return see_other("/settings/trash")

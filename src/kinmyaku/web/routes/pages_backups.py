"""Backups on the Settings page: how many to keep, and a backup now (in the background)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kinmyaku.domain.errors import ValidationError
from kinmyaku.services import snapshots
from kinmyaku.web import forms
from kinmyaku.web.deps import CoreDep, FormDep, see_other

router = APIRouter(include_in_schema=False)


@router.post("/settings/backups")
def save_backup_settings(core: CoreDep, form: FormDep) -> Response:
    """Store how many daily backups to keep."""
    keep = forms.number(form, "keep")
    if keep is None:
        raise ValidationError("keep", "Enter how many backups to keep")
    snapshots.set_keep(core.uow(), keep)
    return see_other("/settings#backups")


@router.post("/settings/backups/now")
async def backup_now(request: Request) -> Response:
    """Ask the server's backup thread for a backup now; the page shows when it is done."""
    request.app.state.upkeep.backups.request()
    return see_other("/settings#backups")

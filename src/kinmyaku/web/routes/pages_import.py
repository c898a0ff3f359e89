"""Import from the browser: upload, preview (a dry run), confirm; past imports and undo.

Uploaded files are copied, at most 20 MB each, into a private folder under the data folder
named by a random token.  The folder records (a hash of) the session that uploaded it, the
format and whether to skip unreadable records, so Confirm imports exactly what was
previewed (with the same options: skip bad records, review uncertain matches), and only for
the same visitor.  A bad value never stops a web import: it is kept
with a warning (the lenient default of ``import_files``).  The folder is deleted after
Confirm, on Cancel, or when it is an hour old.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import shutil
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from kinmyaku.bootstrap import App
from kinmyaku.domain.errors import KinmyakuError, ValidationError
from kinmyaku.formats.errors import FormatError
from kinmyaku.i18n import translate
from kinmyaku.services import import_candidates, importing
from kinmyaku.services.import_candidates import maybe_text
from kinmyaku.services.import_pipeline import warning_text
from kinmyaku.services.import_write import REASONS, Outcome
from kinmyaku.web import forms
from kinmyaku.web.deps import (
    CoreDep,
    FormDep,
    LangDep,
    RecordId,
    SessionDep,
    errors_of,
    render,
    see_other,
)
from kinmyaku.web.i18n import web_wording
from kinmyaku.web.routes.pages_identity import data_changed
from kinmyaku.web.security import Session

router = APIRouter(include_in_schema=False)
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 10
KEEP_SECONDS = 3600
PREVIEW_ROWS = 50
CHUNK = 1024 * 1024
SUFFIXES = (".vcf", ".vcard", ".csv")
FORMATS = ("auto", "vcard", "linkedin", "google", "outlook", "eight")
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
META = "upload.json"


@dataclass(frozen=True)
class Staged:
    """Uploaded files waiting between preview and confirm."""

    token: str
    paths: list[Path]
    format: str
    skip_bad: bool
    review: bool = False
    """Send uncertain matches to the review queue (``import --review``)."""


def upload_root(core: App) -> Path:
    """The private folder that holds uploads between preview and confirm."""
    root = core.settings.data_dir / "import-uploads"
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def owner_of(session: Session) -> str:
    """What an upload folder records of its session (a hash, never the session id)."""
    return hashlib.sha256(b"kinmyaku-import:" + session.sid.encode()).hexdigest()


def sweep(root: Path, *, now: float | None = None) -> None:
    """Delete upload folders older than an hour."""
    limit = (time.time() if now is None else now) - KEEP_SECONDS
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)


def safe_name(filename: str) -> str:
    """The file's own name without any folder or control characters (kept for reports)."""
    name = re.split(r"[/\\]", filename)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[-120:] if name not in ("", ".", "..") else "upload"


def _copy(upload: UploadFile, target: Path) -> None:
    size = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(CHUNK):
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                raise ValidationError(
                    "files", "{name} is larger than {limit} MB",
                    name=target.name, limit=MAX_FILE_BYTES // (1024 * 1024),
                )  # fmt: skip
            out.write(chunk)


def stage_uploads(
    root: Path, form: FormData, *, owner: str, format: str, skip_bad: bool, review: bool = False
) -> Staged:
    """Check the uploaded files and copy them into a new private folder."""
    uploads = [u for u in form.getlist("files") if isinstance(u, UploadFile) and u.filename]
    if not uploads:
        raise ValidationError("files", "Choose a vCard (.vcf) or CSV file to import")
    if len(uploads) > MAX_FILES:
        raise ValidationError("files", "Choose at most {count} files at once", count=MAX_FILES)
    for upload in uploads:
        if not safe_name(upload.filename or "").lower().endswith(SUFFIXES):
            raise ValidationError(
                "files", "{name} is not a vCard (.vcf) or CSV (.csv) file",
                name=safe_name(upload.filename or ""),
            )  # fmt: skip
    token = secrets.token_urlsafe(32)
    folder = root / token
    folder.mkdir(mode=0o700)
    try:
        paths = []
        for number, upload in enumerate(uploads):
            (folder / str(number)).mkdir(mode=0o700)
            path = folder / str(number) / safe_name(upload.filename or "")
            _copy(upload, path)
            paths.append(path)
        meta = {"owner": owner, "format": format, "skip_bad": skip_bad, "review": review}
        meta["files"] = [str(p.relative_to(folder)) for p in paths]
        (folder / META).write_text(json.dumps(meta), encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Staged(token, paths, format, skip_bad, review)


def load_staged(root: Path, token: str, *, owner: str) -> Staged:
    """The uploads a preview kept, for the same session only."""
    gone = ValidationError("files", "The uploaded files are gone (they are kept for an hour). "
                                    "Upload them again.")  # fmt: skip
    folder = root / token
    if not TOKEN.fullmatch(token) or not (folder / META).is_file():
        raise gone
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    if not hmac.compare_digest(str(meta.get("owner", "")), owner):
        raise gone
    paths = [folder / name for name in meta["files"]]
    return Staged(
        token, paths, str(meta["format"]), bool(meta["skip_bad"]), bool(meta.get("review"))
    )


def discard(root: Path, token: str) -> None:
    """Delete an upload folder (nothing happens for an unknown token)."""
    if TOKEN.fullmatch(token):
        shutil.rmtree(root / token, ignore_errors=True)


def why_text(lang: str, outcome: Outcome) -> str:
    """Why a record matched and what it adds, in the page's language."""
    words = [translate(lang, REASONS.get(reason, reason)) for reason in outcome.why]
    return ("、" if lang == "ja" else ", ").join(words)


def candidate_names(core: App, report: importing.ImportReport) -> dict[int, str]:
    """The names of the stored people the preview's uncertain records may be."""
    return import_candidates.candidate_names(core.uow(), report.possible + report.queued)


def preview_rows(report: importing.ImportReport) -> list[Outcome]:
    """The first people of a preview, in the order of the files and their lines."""
    order = {name: number for number, name in enumerate(report.files)}
    rows = sorted(report.outcomes, key=lambda o: (order.get(o.file, len(order)), o.line))
    return rows[:PREVIEW_ROWS]


def _page(
    request: Request, core: CoreDep, lang: str, extra: dict[str, Any], status: int = 200
) -> Response:
    past = importing.list_imports(core.uow())
    context: dict[str, Any] = {"imports": past, "formats": FORMATS}
    context["why"] = lambda outcome: why_text(lang, outcome)
    context["warning"] = lambda text: warning_text(lang, text)
    context["sep"] = "、" if lang.startswith("ja") else ", "
    context["form"] = {"format": "auto", "skip_bad": False, "review": False}
    query = request.query_params
    for key in ("done", "undone", "removed", "restored", "nothing"):
        value = query.get(key, "")
        context[key] = int(value) if value.isdigit() and len(value) < 10 else None
    context["done_import"] = next((i for i in past if i.id == context["done"]), None)
    context.update(extra)
    return render(request, "import.html", context, status=status)


def _options(form: FormData) -> dict[str, Any]:
    format = forms.text(form, "format") or "auto"
    return {
        "format": format if format in FORMATS else "auto",
        "skip_bad": "skip_bad" in form,
        "review": "review" in form,
    }


def _error(lang: str, error: KinmyakuError | FormatError) -> dict[str, str]:
    if isinstance(error, FormatError):
        return {"files": error.message(lang)}
    return errors_of(lang, web_wording(error))


@router.get("/import")
def import_page(request: Request, core: CoreDep, lang: LangDep) -> Response:
    """The upload form and the list of past imports."""
    sweep(upload_root(core))
    return _page(request, core, lang, {})


@router.post("/import/preview")
def preview_import(
    request: Request, core: CoreDep, lang: LangDep, session: SessionDep, form: FormDep
) -> Response:
    """Keep the uploaded files and show what importing them would do (a dry run)."""
    root = upload_root(core)
    sweep(root)
    options = _options(form)
    try:
        staged = stage_uploads(root, form, owner=owner_of(session), **options)
    except KinmyakuError as error:
        return _page(request, core, lang, {"errors": _error(lang, error), "form": options}, 422)
    try:
        report = importing.import_files(
            core.uow(), paths=staged.paths, dry_run=True, lang=lang, jobs=None, **options
        )
    except (KinmyakuError, FormatError) as error:
        discard(root, staged.token)
        return _page(request, core, lang, {"errors": _error(lang, error), "form": options}, 422)
    preview = {"report": report, "token": staged.token, "rows": PREVIEW_ROWS}
    preview["people"] = preview_rows(report)
    names = candidate_names(core, report)
    preview["maybe"] = lambda outcome: maybe_text(lang, outcome, names)
    return _page(request, core, lang, {"preview": preview, "form": options})


@router.post("/import/confirm")
def confirm_import(
    request: Request, core: CoreDep, lang: LangDep, session: SessionDep, form: FormDep
) -> Response:
    """Import the previewed files for real, then delete them."""
    root = upload_root(core)
    token = forms.text(form, "upload")
    try:
        staged = load_staged(root, token, owner=owner_of(session))
        report = importing.import_files(
            core.uow(),
            paths=staged.paths,
            format=staged.format,
            skip_bad=staged.skip_bad,
            review=staged.review,
            lang=lang,
            jobs=None,  # helper processes for a large upload
        )
    except (KinmyakuError, FormatError) as error:
        return _page(request, core, lang, {"errors": _error(lang, error)}, 422)
    finally:
        discard(root, token)
    data_changed(request)  # Today counts the cards it queued for review, and new duplicates
    if report.import_id is None:  # every record skipped, or none: no import was recorded
        return see_other(f"/import?nothing={report.counts.get('skipped', 0)}")
    return see_other(f"/import?done={report.import_id}")


@router.post("/import/cancel")
def cancel_import(core: CoreDep, session: SessionDep, form: FormDep) -> Response:
    """Forget the previewed files."""
    root = upload_root(core)
    token = forms.text(form, "upload")
    try:
        load_staged(root, token, owner=owner_of(session))
    except ValidationError:
        return see_other("/import")
    discard(root, token)
    return see_other("/import")


@router.post("/import/{import_id}/undo")
def undo(request: Request, import_id: RecordId, core: CoreDep, lang: LangDep) -> Response:
    """Undo a past import."""
    try:
        counts = importing.undo_import(core.uow(), import_id=import_id)
    except KinmyakuError as error:
        return _page(request, core, lang, {"errors": errors_of(lang, error)}, error.status)
    data_changed(request)
    query = f"undone={import_id}&removed={counts['removed']}&restored={counts['restored']}"
    return see_other(f"/import?{query}")

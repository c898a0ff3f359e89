"""Command scan: read a business card (名刺) photo offline and add the person it names.

OCR (tesseract), OpenCV and Pillow are imported inside the command only: ``kinmyaku
search`` and ``--help`` never load them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kinmyaku.cli.context import CliContext, ctx_of, print_json
from kinmyaku.domain.errors import KinmyakuError

if TYPE_CHECKING:
    from kinmyaku.domain.cards.lines import CardFields

Opt = typer.Option
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif"}


def _read(cli: CliContext, path: Path) -> bytes:
    from kinmyaku.services.photos import MAX_BYTES

    try:
        if path.stat().st_size > MAX_BYTES:
            cli.fail(cli.t("{file}: the card image is larger than 10 MB", file=str(path)))
        return path.read_bytes()
    except OSError as error:
        cli.fail(cli.t("Cannot read {file}: {reason}", file=str(path), reason=error.strerror))


def _show(cli: CliContext, fields: CardFields) -> None:
    shown = [
        ("Name", f"{fields.family_name} {fields.given_name}".strip()),
        ("Reading", f"{fields.family_reading} {fields.given_reading}".strip()),
        ("Company", fields.company),
        ("Department", fields.department),
        ("Title", fields.title),
        ("E-mail", ", ".join(fields.emails)),
        ("Phones", ", ".join(f"{p['kind']} {p['number']}" for p in fields.phones)),
        (
            "Address",
            f"〒{fields.postal_code} {fields.address}" if fields.postal_code else fields.address,
        ),
        ("Web", fields.url),
    ]
    for label, value in shown:
        if value:
            cli.console.print(f"{cli.t(label)}: {value}", highlight=False, markup=False)


def _add(
    cli: CliContext, fields: CardFields, event: int | None, cue: str, sides: list[bytes]
) -> int | None:
    from kinmyaku.domain.identity.candidates import AUTO_MERGE
    from kinmyaku.services.card_add import add_card_person
    from kinmyaku.services.card_store import store_pending

    if not fields.family_name:
        raise KinmyakuError("No name was read on the card; nothing was added")
    done = add_card_person(cli.app.uow(), fields, today=cli.app.today(), event_id=event, cue=cue)
    for found in done.similar:
        person = found.b
        cli.say(
            "Someone similar is already here: #{id} {name} ({company}); nothing was added",
            id=person.id,
            name=person.name,
            company=person.company or "-",
        )
        sure = found is done.similar[0] and found.probability >= AUTO_MERGE
        if sure:
            _update(cli, fields, person.id, event, cue, sides)
        elif fields.company and person.company and fields.company != person.company:
            cli.say(
                "Changed jobs? Update them with: kinmyaku edit {id} --company ...", id=person.id
            )
    if done.person_id is not None:
        back = sides[1] if len(sides) > 1 else None
        store_pending(cli.app.uow(), front=sides[0], back=back, person_id=done.person_id)
        cli.say(
            "Added #{id} {name}",
            id=done.person_id,
            name=f"{fields.family_name} {fields.given_name}",
        )
    return done.person_id


def _update(
    cli: CliContext, fields: CardFields, pid: int, event: int | None, cue: str, sides: list[bytes]
) -> None:
    """The engine is sure the card is a stored person: update them (an undoable import)."""
    from kinmyaku.services.card_save import Meeting, update_card_person
    from kinmyaku.services.card_store import store_pending
    from kinmyaku.services.import_write import REASONS

    uow = cli.app.uow()
    with uow:
        ids = store_pending(uow, front=sides[0], back=sides[1] if len(sides) > 1 else None)
        saved = update_card_person(
            uow,
            fields,
            person_id=pid,
            today=cli.app.today(),
            meeting=Meeting(event_id=event, cue=cue),
            image_ids=ids,
            lang=cli.lang,
        )
    if saved.job_changed:
        cli.say(
            "Changed jobs? {old} → {new}: recorded as the current job, the old one kept",
            old=saved.old_company,
            new=saved.new_company,
        )
    cli.say(
        "Updated #{id}: {what} (undo: kinmyaku import undo {import_id})",
        id=pid,
        what=("、" if cli.lang == "ja" else ", ").join(
            cli.t(REASONS[w]) for w in dict.fromkeys(saved.why)
        )
        or cli.t("card kept"),
        import_id=saved.import_id,
    )


def _folder(cli: CliContext, folder: Path, dry_run: bool, event: int | None, cue: str) -> None:
    from rich.progress import track

    from kinmyaku.services.card_scan import scan_card

    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    added = failed = 0
    for path in track(files, description=cli.t("Reading cards"), console=cli.console):
        try:
            data = _read(cli, path)
            fields = scan_card(data)
            cli.console.print(
                f"{path.name}: {fields.family_name} {fields.given_name} {fields.company}",
                markup=False,
            )
            if not dry_run and _add(cli, fields, event, cue, [data]) is not None:
                added += 1
        except KinmyakuError as error:
            failed += 1
            cli.console.print(f"{path.name}: {cli.t(error.msgid, **error.params)}", markup=False)
    cli.say(
        "{count} cards read, {added} people added, {failed} failed",
        count=len(files),
        added=added,
        failed=failed,
    )


def register(app: typer.Typer) -> None:
    """Add the scan command to the app."""

    @app.command()
    def scan(
        ctx: typer.Context,
        front: Annotated[
            Path, typer.Argument(help="Photo or scan of the card's front, or a folder of them.")
        ],
        back: Annotated[
            Path | None, Opt("--back", help="Photo of the back (often English).")
        ] = None,
        event: Annotated[
            int | None, Opt("--event", help="Event where you met (see: kinmyaku event list).")
        ] = None,
        cue: Annotated[str, Opt("--cue", help="Memory cue / first impression.")] = "",
        dry_run: Annotated[bool, Opt("--dry-run", help="Read the card only; add nobody.")] = False,
        json_out: Annotated[bool, Opt("--json", help="Print the fields as JSON.")] = False,
    ) -> None:
        """Read a business card photo (名刺) offline and add the person, checking for duplicates."""
        cli = ctx_of(ctx)
        try:
            if front.is_dir():
                _folder(cli, front, dry_run, event, cue)
                return
            from kinmyaku.services.card_scan import scan_card

            sides = [_read(cli, front)] + ([_read(cli, back)] if back is not None else [])
            fields = scan_card(sides[0], sides[1] if back is not None else None)
            if json_out:
                print_json(fields.to_json())
            else:
                _show(cli, fields)
            if not dry_run:
                _add(cli, fields, event, cue, sides)
        except KinmyakuError as error:
            cli.fail(error)

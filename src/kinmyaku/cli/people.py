"""Commands about people: init, add, edit, show, list, search, tag, delete."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kinmyaku.cli.context import CliContext, ctx_of, print_json, print_json_items
from kinmyaku.cli.render import people_table, profile_text
from kinmyaku.domain.identity.candidates import Candidate
from kinmyaku.services import people as svc

Opt = typer.Option
JsonOpt = Annotated[bool, Opt("--json", help="Print JSON instead of a table.")]


def _input(
    family: str | None,
    given: str | None,
    family_reading: str | None,
    given_reading: str | None,
    romaji: str | None,
    nickname: str | None,
    email: list[str] | None,
    phone: list[str] | None,
    url: list[str] | None,
    tag: list[str] | None,
    company: str | None,
    company_reading: str | None,
    industry: str | None,
    department: str | None,
    title: str | None,
    notes: str | None,
    offers: str | None,
    needs: str | None,
    birthday: str | None,
    not_met: bool | None,
    cli_date: CliContext,
) -> svc.PersonInput:
    return svc.PersonInput(
        family_name=family,
        given_name=given,
        family_reading=family_reading,
        given_reading=given_reading,
        romaji=romaji,
        nickname=nickname,
        emails=email or (),
        phones=phone or (),
        urls=url or (),
        tags=tag or (),
        company=company,
        company_reading=company_reading or "",
        industry=industry,
        department=department or "",
        title=title or "",
        notes=notes,
        offers=offers,
        needs=needs,
        birthday=cli_date.date_arg(birthday, "birthday"),
        met=None if not_met is None else not not_met,
    )


def _store_photo(uow: Any, data: bytes) -> str:
    """Store a photo (Pillow is loaded only by commands given a photo)."""
    from kinmyaku.services.photos import store_photo

    return store_photo(uow, data=data)


def _read_photo(cli: CliContext, path: Path) -> bytes:
    """The bytes of a photo file, refusing a missing, unreadable or too large one."""
    from kinmyaku.services.photos import MAX_BYTES

    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            cli.fail(cli.t("{file}: the photo is larger than 10 MB", file=str(path)))
        return path.read_bytes()
    except OSError as error:
        cli.fail(cli.t("Cannot read {file}: {reason}", file=str(path), reason=error.strerror))


def _refuse_duplicates(cli: CliContext, similar: list[Candidate]) -> None:
    """Stop an add, writing nothing, when someone similar is stored: name them, say what next."""
    if not similar:
        return
    from kinmyaku.services.identity.finding import reason_texts

    for found in similar:
        person = found.b
        details = "・".join(part for part in (person.company, person.contact) if part)
        cli.say(
            "Someone similar is already here: #{id} {name} ({details}), {percent}: {reasons}",
            id=person.id,
            name=person.name,
            details=details or "-",
            percent=f"{int(found.probability * 100)}%",
            reasons=("、" if cli.lang == "ja" else ", ").join(reason_texts(found, cli.lang)[:3]),
        )
    cli.fail(
        cli.t(
            "Nothing was added. Add them anyway with --force, or add to #{id} with: "
            "kinmyaku edit {id} ...",
            id=similar[0].b.id,
        )
    )


def register(app: typer.Typer) -> None:
    """Add the people commands to the app."""

    @app.command()
    def init(ctx: typer.Context) -> None:
        """Create the database, or upgrade it to the newest schema."""
        from kinmyaku.storage.migrate import head_revision

        cli = ctx_of(ctx)
        cli.app  # opening the app creates or upgrades the schema  # noqa: B018
        cli.say(
            "Database ready ({revision}): {url}",
            revision=head_revision(),
            url=cli.settings.database_url,
        )

    @app.command()
    def add(
        ctx: typer.Context,
        family: Annotated[str, typer.Argument(help="Family name (姓), e.g. 高橋.")],
        given: Annotated[str, typer.Argument(help="Given name (名), e.g. 健太.")] = "",
        family_reading: Annotated[
            str | None, Opt("--family-reading", "--sei", help="Reading of the family name (kana).")
        ] = None,
        given_reading: Annotated[
            str | None, Opt("--given-reading", "--mei", help="Reading of the given name (kana).")
        ] = None,
        romaji: Annotated[str | None, Opt(help="Romaji spelling, e.g. 'Takahashi Kenta'.")] = None,
        nickname: Annotated[str | None, Opt(help="Nickname.")] = None,
        email: Annotated[list[str] | None, Opt(help="E-mail (repeatable).")] = None,
        phone: Annotated[list[str] | None, Opt(help="Phone (repeatable).")] = None,
        url: Annotated[list[str] | None, Opt(help="Web or social profile (repeatable).")] = None,
        address: Annotated[
            list[str] | None,
            Opt(help="Postal address, e.g. '〒150-0002 東京都渋谷区…' (repeatable)."),
        ] = None,
        website: Annotated[str | None, Opt(help="Website of the company.")] = None,
        photo: Annotated[
            Path | None, Opt(help="Face photo (JPEG, PNG, WebP ...; at most 10 MB).")
        ] = None,
        tag: Annotated[list[str] | None, Opt(help="Tag (repeatable).")] = None,
        company: Annotated[str | None, Opt(help="Company / organization.")] = None,
        company_reading: Annotated[str | None, Opt(help="Reading of the company.")] = None,
        industry: Annotated[str | None, Opt(help="Industry of the company (see docs).")] = None,
        department: Annotated[str | None, Opt(help="Department.")] = None,
        title: Annotated[str | None, Opt(help="Job title.")] = None,
        notes: Annotated[str | None, Opt(help="Notes.")] = None,
        offers: Annotated[str | None, Opt(help="What they offer (skills, strengths).")] = None,
        needs: Annotated[str | None, Opt(help="What they look for (needs, interests).")] = None,
        birthday: Annotated[str | None, Opt(help="Birthday (YYYY-MM-DD).")] = None,
        not_met: Annotated[
            bool, Opt("--not-met", help="Someone I only know of through others.")
        ] = False,
        force: Annotated[
            bool, Opt("--force", help="Add even when someone similar is already there.")
        ] = False,
        json_out: JsonOpt = False,
    ) -> None:
        """Add a person: family name first, with readings (inferred when not given)."""
        cli = ctx_of(ctx)
        data = _input(
            family,
            given,
            family_reading,
            given_reading,
            romaji,
            nickname,
            email,
            phone,
            url,
            tag,
            company,
            company_reading,
            industry,
            department,
            title,
            notes,
            offers,
            needs,
            birthday,
            not_met,
            cli,
        )
        data.addresses = address or ()
        data.company_website = website or ""
        uow = cli.app.uow()
        if not force:
            from kinmyaku.services.identity.finding import check_new_person

            _refuse_duplicates(cli, check_new_person(uow, data))
        with uow:  # the photo and the person land together, or neither does
            if photo is not None:
                data.photo = _store_photo(uow, _read_photo(cli, photo))
            person_id = svc.add_person(uow, data)
        found = svc.show_person(cli.app.uow(), person_id)
        if json_out:
            print_json(found.to_json())
            return
        s = found.summary
        cli.say("Added #{id} {name} ({reading})", id=person_id, name=s.name, reading=s.reading)
        if s.reading_inferred:
            cli.say(
                "The reading was inferred; correct it with: kinmyaku edit {id} "
                "--family-reading ... --given-reading ...",
                id=person_id,
            )
        cli.say("Next: kinmyaku met {id} --channel event --cue '...'", id=person_id)

    @app.command()
    def edit(
        ctx: typer.Context,
        person: Annotated[str, typer.Argument(help="PERSON: an id or a name in any spelling.")],
        family: Annotated[str | None, Opt("--family", help="Family name.")] = None,
        given: Annotated[str | None, Opt("--given", help="Given name.")] = None,
        family_reading: Annotated[str | None, Opt("--family-reading", "--sei")] = None,
        given_reading: Annotated[str | None, Opt("--given-reading", "--mei")] = None,
        romaji: Annotated[str | None, Opt()] = None,
        nickname: Annotated[str | None, Opt()] = None,
        email: Annotated[list[str] | None, Opt(help="Add an e-mail.")] = None,
        phone: Annotated[list[str] | None, Opt(help="Add a phone.")] = None,
        url: Annotated[list[str] | None, Opt(help="Add a profile URL.")] = None,
        address: Annotated[list[str] | None, Opt(help="Add a postal address.")] = None,
        website: Annotated[str | None, Opt(help="Website of the (new) company.")] = None,
        photo: Annotated[Path | None, Opt(help="A new face photo (at most 10 MB).")] = None,
        company: Annotated[str | None, Opt(help="New current company (job change).")] = None,
        company_reading: Annotated[str | None, Opt()] = None,
        industry: Annotated[str | None, Opt()] = None,
        department: Annotated[str | None, Opt()] = None,
        title: Annotated[str | None, Opt()] = None,
        notes: Annotated[str | None, Opt()] = None,
        offers: Annotated[str | None, Opt()] = None,
        needs: Annotated[str | None, Opt()] = None,
        birthday: Annotated[str | None, Opt()] = None,
        met: Annotated[bool | None, Opt("--met/--not-met")] = None,
    ) -> None:
        """Change a person; options not given stay as they are."""
        cli = ctx_of(ctx)
        person_id = cli.person(person)
        data = _input(
            family,
            given,
            family_reading,
            given_reading,
            romaji,
            nickname,
            email,
            phone,
            url,
            None,
            company,
            company_reading,
            industry,
            department,
            title,
            notes,
            offers,
            needs,
            birthday,
            None if met is None else not met,
            cli,
        )
        data.addresses = address or ()
        data.company_website = website or ""
        uow = cli.app.uow()
        with uow:
            if photo is not None:
                data.photo = _store_photo(uow, _read_photo(cli, photo))
            svc.edit_person(uow, person_id, data)
        cli.say("Updated #{id}", id=person_id)

    @app.command()
    def show(
        ctx: typer.Context,
        person: Annotated[str, typer.Argument(help="PERSON: an id or a name in any spelling.")],
        json_out: JsonOpt = False,
    ) -> None:
        """Everything about one person: how we met, purpose, touches, give/take, requests."""
        cli = ctx_of(ctx)
        found = svc.show_person(cli.app.uow(), cli.person(person))
        if json_out:
            print_json(found.to_json())
        else:
            profile_text(cli, found)

    @app.command("list")
    def list_(
        ctx: typer.Context,
        limit: Annotated[
            int | None, Opt(help="At most this many (default: 50 as a table, everyone as JSON).")
        ] = None,
        offset: Annotated[int, Opt(help="Skip this many.")] = 0,
        tag: Annotated[str | None, Opt(help="Only people with this tag.")] = None,
        recent: Annotated[bool, Opt(help="Newest first instead of あいうえお order.")] = False,
        json_out: JsonOpt = False,
    ) -> None:
        """Everyone, in あいうえお order of the reading."""
        cli = ctx_of(ctx)
        if json_out:  # everyone (or --limit), a page at a time
            order = "recent" if recent else "reading"
            people = svc.iter_people(
                cli.app.uow(), order=order, limit=limit, offset=offset, tag=tag
            )
            print_json_items(r.to_json() for r in people)
            return
        if limit is None:
            limit = 50
        rows = svc.list_people(
            cli.app.uow(),
            order="recent" if recent else "reading",
            limit=limit,
            offset=offset,
            tag=tag,
        )
        if json_out:
            print_json([r.to_json() for r in rows])
        else:
            people_table(cli, rows, total=None if tag else svc.count_people(cli.app.uow()))

    @app.command()
    def search(
        ctx: typer.Context,
        query: Annotated[
            str,
            typer.Argument(
                help="A name (kanji, kana, romaji: takahashi or takahasi), company, e-mail,"
                " phone, tag, or a word of a cue, place, event, title or notes."
            ),
        ],
        limit: Annotated[int, Opt(help="At most this many.")] = 50,
        json_out: JsonOpt = False,
    ) -> None:
        """Find people by name in any spelling, company, e-mail, phone, tag or what you remember."""
        from rich.markup import escape
        from rich.table import Table

        cli = ctx_of(ctx)
        if not query.strip():
            cli.fail(
                cli.t(
                    "Type what to search for: a name (高橋, たかはし, takahashi), a company, "
                    "an e-mail, a phone number or a word you remember"
                )
            )
        rows = svc.search_people(cli.app.uow(), query, limit=limit)
        if json_out:
            print_json([r.to_json() for r in rows])
            return
        total = svc.count_people(cli.app.uow(), query)
        if not any(r.hint for r in rows):
            people_table(cli, rows, total=total)
            return
        labels = {"notes": "Notes: {text}", "title": "Title: {text}"}
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for heading in ("ID", "Name", "Company", "Title", "Where we met"):
            table.add_column(cli.t(heading) if heading != "ID" else heading, overflow="fold")
        for p in rows:
            lines = []
            h = p.hint
            if h and h.met_on:
                on = h.met_on.isoformat()
                met = (
                    cli.t("Met at {where} on {date}", where=h.met_at, date=on)
                    if h.met_at
                    else cli.t("Met on {date}", date=on)
                )
                lines.append(met + (" " + cli.t("“{cue}”", cue=h.cue) if h.cue else ""))
            if h and h.shows_excerpt and not (h.field == "title" and h.excerpt == p.title):
                label = labels.get(h.field, "Department: {text}")
                lines.append(cli.t(label, text=h.excerpt))
            cells = (str(p.id), p.name, p.company, p.title, "\n".join(lines))
            table.add_row(*(escape(v) for v in cells))
        cli.console.print(table)
        if total > len(rows):
            shown = len(rows)
            cli.say("{shown} of {total} shown; use --limit to see more", shown=shown, total=total)

    @app.command()
    def tag(
        ctx: typer.Context,
        person: Annotated[str, typer.Argument(help="PERSON: an id or a name.")],
        tags: Annotated[
            list[str], typer.Argument(help="Tags to add; prefix with - to remove (after --).")
        ],
    ) -> None:
        """Add or remove tags: kinmyaku tag 高橋 ゴルフ 起業 -- -古いタグ."""
        cli = ctx_of(ctx)
        add = [t for t in tags if not t.startswith("-")]
        remove = [t[1:] for t in tags if t.startswith("-")]
        now = svc.tag_person(cli.app.uow(), cli.person(person), add=add, remove=remove)
        cli.say("Tags: {tags}", tags=", ".join(now) or "-")

    @app.command()
    def delete(
        ctx: typer.Context,
        person: Annotated[str, typer.Argument(help="PERSON: an id or a name.")],
        yes: Annotated[bool, Opt("--yes", help="Do not ask for confirmation.")] = False,
    ) -> None:
        """Delete a person and everything recorded about them."""
        cli = ctx_of(ctx)
        person_id = cli.person(person)
        name = svc.show_person(cli.app.uow(), person_id).summary.name
        if not yes and not typer.confirm(cli.t("Delete {name} (#{id})?", name=name, id=person_id)):
            raise typer.Exit(1)
        svc.delete_person(cli.app.uow(), person_id)
        cli.say("Deleted #{id} {name}", id=person_id, name=name)

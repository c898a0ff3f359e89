"""Relationship intelligence commands: review, stats, due, snooze, drill, suggest, thanks, me."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping
from datetime import datetime, time
from enum import Enum, StrEnum
from typing import Annotated, Any

import click
import typer
from rich.table import Table

from kinmyaku.cli.context import CliContext, ctx_of, print_json
from kinmyaku.domain.insights import Explanation, render
from kinmyaku.domain.insights.industries import industry_label
from kinmyaku.services import drill as drill_svc
from kinmyaku.services import insights as svc
from kinmyaku.services import insights_people as people_svc
from kinmyaku.services.insights_reads import OpenRequest

Opt = typer.Option
Person = Annotated[str, typer.Argument(help="PERSON: an id or a name in any spelling.")]

# What each figure of `stats` is called on screen (the JSON keys stay as they are).
STAT_LABELS = {
    "today": "Today",
    "two_way": "Two-way relationships",
    "strong": "Strong ties",
    "one_sided_taking": "One-sided: only taking",
    "one_sided_giving": "One-sided: only giving",
    "overdue": "Overdue to keep in touch",
    "open_requests": "Open requests",
    "diversity_index": "Diversity index",
    "forgotten": "Forgotten cards",
    "balance": "Give/take balance",
}


# My profile's fields as `me` shows them.
ME_LABELS = {
    "name": "name",
    "reading": "Reading",
    "organization": "organization",
    "title": "Title",
    "email": "E-mail",
    "signature": "Signature",
    "name_en": "name_en",
    "organization_en": "Company (English)",
    "offers": "offers",
    "needs": "needs",
}


class DraftLanguage(StrEnum):
    """The language a thank-you draft is written in."""

    JA = "ja"
    EN = "en"


def now_of(cli: CliContext) -> datetime:
    """Now: noon of the pinned day (tests, demos), else the clock."""
    if cli.settings.today:
        return datetime.combine(cli.app.today(), time(12))
    return datetime.now()


def why(cli: CliContext, explanation: Explanation | None) -> str:
    """An explanation in the user's language ('' for none)."""
    return render(explanation, cli.lang) if explanation is not None else ""


def _table(*headings: str) -> Table:
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for heading in headings:
        table.add_column(heading, overflow="fold")
    return table


def _requests(cli: CliContext, rows: list[OpenRequest]) -> None:
    if not rows:
        cli.say("No open requests.")
        return
    table = _table("ID", cli.t("Person"), cli.t("Side"), cli.t("What"), cli.t("Due"))
    for r in rows:
        due = r.due_on.isoformat() if r.due_on else "-"
        if r.overdue:
            due = f"[red]{due} ({cli.t('overdue')})[/red]"
        table.add_row(str(r.id), r.name, cli.t(r.side), r.what, due)
    cli.console.print(table)


def _overdue(cli: CliContext, rows: list[svc.OverduePerson]) -> None:
    if not rows:
        cli.say("Nobody is overdue.")
        return
    table = _table("ID", cli.t("Person"), cli.t("Tier"), cli.t("Reason"))
    for o in rows:
        table.add_row(
            str(o.person.person_id),
            o.person.name,
            o.tier or "-",
            f"{why(cli, o.status.explanation)} — {why(cli, o.status.basis_explanation)}",
        )
    cli.console.print(table)


def _review(cli: CliContext, r: svc.Review) -> None:
    c, s = cli.console, r.stats
    c.rule(cli.t("Review — {today}", today=s.today.isoformat()))
    cli.say("Two-way relationships (north star): {n} of {people}", n=s.two_way, people=s.people)
    c.print("  " + "  ".join(f"{p.on:%Y-%m}:{p.count}" for p in r.timeline), highlight=False)
    balance = "-" if r.balance.value is None else f"{r.balance.value:+.2f}"
    cli.say("Give/take balance: {value}", value=balance)
    c.print(f"  {why(cli, r.balance.explanation)}", highlight=False)
    if r.balance.trend_explanation:
        c.print(f"  {why(cli, r.balance.trend_explanation)}", highlight=False)
    for o in r.one_sided:
        c.print(f"  #{o.person.person_id} {o.person.name}: {why(cli, o.flag.explanation)}")
    cli.say("Strength (0-100): {count} strong ties", count=s.strong)
    most = max((n for _, _, n in r.strength_histogram), default=0) or 1
    for low, high, n in r.strength_histogram:
        c.print(f"  {low:>3}-{high:<3} {'█' * round(20 * n / most):<20} {n}", highlight=False)
    cli.say("Diversity of the people met (12 months)")
    for d in r.diversity.dimensions.values():
        c.print(f"  {why(cli, d.explanation)}", highlight=False)
        if d.trend_explanation:
            c.print(f"    {why(cli, d.trend_explanation)}", highlight=False)
    if r.diversity.gaps:
        c.print(f"  {why(cli, r.diversity.gaps_explanation)}", highlight=False)
    cli.say("Channel yield")
    table = _table(cli.t("Source"), cli.t("Reason"))
    for y in r.yields:
        label = cli.t(y.label) if y.row.kind == "channel" else y.label
        table.add_row(f"{cli.t(y.row.kind)}: {label}", why(cli, y.row.explanation))
    c.print(table)
    cli.say("Overdue: {n} people", n=s.overdue)
    _overdue(cli, r.overdue)
    cli.say("My open commitments")
    _requests(cli, r.commitments)
    from kinmyaku.cli.followups import print_agenda
    from kinmyaku.services import followups as due_svc

    print_agenda(cli, due_svc.list_followups(cli.app.uow(), today=cli.app.today(), now=now_of(cli)))
    cli.say("Forgotten cards: {n}; recall drill: {due} cards today", n=s.forgotten, due=r.drill_due)


def plain(value: Any) -> Any:
    """Dataclasses, tuples and dicts as JSON-ready data (dates become ISO text later)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


def register(app: typer.Typer) -> None:
    """Add the relationship intelligence commands."""

    @app.command()
    def review(
        ctx: typer.Context, as_json: Annotated[bool, Opt("--json", help="Print JSON.")] = False
    ) -> None:
        """The review: north star, balance, strength, diversity, yield, what is due."""
        cli = ctx_of(ctx)
        found = svc.network_review(cli.app.uow(), today=cli.app.today(), now=now_of(cli))
        if as_json:
            print_json(plain(found))
            return
        _review(cli, found)

    @app.command()
    def stats(
        ctx: typer.Context, as_json: Annotated[bool, Opt("--json", help="Print JSON.")] = False
    ) -> None:
        """Headline figures: people, two-way, one-sided, overdue, requests, diversity."""
        cli = ctx_of(ctx)
        figures = svc.network_stats(cli.app.uow(), today=cli.app.today())
        if as_json:
            print_json(figures.to_json())
            return
        table = _table(cli.t("Figure"), cli.t("Value"))
        for key, value in figures.to_json().items():
            label = STAT_LABELS.get(key, key)
            table.add_row(cli.t(label), "-" if value is None else str(value))
        cli.console.print(table)

    @app.command()
    def due(
        ctx: typer.Context,
        limit: Annotated[
            int | None,
            Opt("--limit", min=1, help="At most this many of each kind (default: 50)."),
        ] = None,
        as_json: Annotated[bool, Opt("--json", help="Print JSON.")] = False,
    ) -> None:
        """What is due: follow-ups from every source (overdue, this week), keep-in-touch."""
        from kinmyaku.cli.followups import agenda_json, item_json, print_agenda
        from kinmyaku.services import followups as due_svc

        cli = ctx_of(ctx)
        today, now = cli.app.today(), now_of(cli)
        # The most overdue first, 50 unless asked: a list of 50,000 helps nobody (and took
        # seconds and half a gigabyte); how many there are in all is said.
        limit = limit or due_svc.LIMIT
        overview = due_svc.due_overview(cli.app.uow(), today=today, now=now, limit=limit)
        found, total, agenda = overview.due, overview.overdue_total, overview.agenda
        listed = {d.person_id for d in agenda.items() if d.source == "cadence"}
        keep = [o for o in found.overdue if o.person.person_id not in listed]
        if as_json:
            print_json(
                {
                    "overdue": plain(keep),
                    "overdue_total": total,
                    "requests": plain(found.requests[:limit]),
                    "requests_total": found.requests_total,
                    "followups": [item_json(d) for d in agenda.items()],
                    "followup_counts": agenda_json(agenda)["counts"],
                }
            )
            return
        print_agenda(cli, agenda)
        cli.say("Overdue keep-in-touch")
        _overdue(cli, keep)
        more = total - len(found.overdue)
        if more > 0:
            cli.say("… and {count} more: kinmyaku due --limit {next}", count=more, next=limit * 2)
        if agenda.items():
            cli.say("Draft a thank-you message: kinmyaku thanks PERSON")

    @app.command()
    def snooze(
        ctx: typer.Context,
        person: Person,
        days: Annotated[int, Opt("--days", min=1, help="Hide for this many days.")] = 7,
        until: Annotated[str | None, Opt("--until", help="Hide until this date.")] = None,
    ) -> None:
        """Hide a person from the overdue list for some days (the clock does not move)."""
        cli = ctx_of(ctx)
        today = cli.app.today()
        day = cli.date_arg(until, "until")
        if day is not None:
            if day <= today:
                cli.fail(cli.t("Choose a day after today"))
            days = (day - today).days
        until_on = svc.snooze_person(
            cli.app.uow(), person_id=cli.person(person), days=days, today=today
        )
        cli.say("Snoozed until {until}", until=until_on.isoformat())

    @app.command()
    def suggest(ctx: typer.Context, person: Person) -> None:
        """What I could give this person (or ask them for), with the scores and why."""
        cli = ctx_of(ctx)
        got = people_svc.person_insight(
            cli.app.uow(), person_id=cli.person(person), today=cli.app.today()
        )
        c = cli.console
        c.print(f"[bold]{got.name}[/bold] #{got.person_id}", highlight=False)
        for explanation in (got.strength.explanation, got.two_way.explanation):
            c.print(f"  {why(cli, explanation)}", highlight=False)
        c.print(f"  {why(cli, got.balance.explanation)}", highlight=False)
        if not got.suggestions:
            cli.say("No suggestion: add offers and needs (kinmyaku me --offers ...).")
        for s in got.suggestions:
            c.print(f"  • {why(cli, s.explanation)} ({s.score:.2f})", highlight=False)

    @app.command()
    def thanks(
        ctx: typer.Context,
        person: Person,
        event: Annotated[int | None, Opt("--event", help="Event id.")] = None,
        topic: Annotated[str, Opt("--topic", help="What we talked about.")] = "",
        language: Annotated[
            DraftLanguage | None,
            Opt("--language", help="Write the draft in ja or en (default: the person's)."),
        ] = None,
        sent: Annotated[
            bool, Opt("--sent", help="Record that I sent it (an e-mail) instead of printing it.")
        ] = False,
    ) -> None:
        """Print a thank-you message (お礼メール) for meeting a person, ready to copy."""
        cli = ctx_of(ctx)
        person_id = cli.person(person)
        if sent:
            people_svc.record_thanks_sent(
                cli.app.uow(), person_id=person_id, today=cli.app.today(), lang=cli.lang
            )
            cli.say("Recorded: thank-you sent.")
            return
        draft = people_svc.thank_you_message(
            cli.app.uow(),
            person_id=person_id,
            today=cli.app.today(),
            event_id=event,
            topic=topic,
            language=language.value if language else None,
        )
        typer.echo(draft.as_text())

    @app.command()
    def me(
        ctx: typer.Context,
        name: Annotated[str | None, Opt(help="My name, as I sign.")] = None,
        reading: Annotated[str | None, Opt(help="The reading of my name (かな).")] = None,
        organization: Annotated[
            str | None, Opt("--company", "--organization", help="My company.")
        ] = None,
        title: Annotated[str | None, Opt(help="My title (department and position).")] = None,
        email: Annotated[str | None, Opt(help="My e-mail address.")] = None,
        signature: Annotated[
            str | None,
            Opt(help="My signature block: \\n starts a new line; - reads it from stdin."),
        ] = None,
        name_en: Annotated[str | None, Opt("--name-en", help="My name in English.")] = None,
        organization_en: Annotated[
            str | None, Opt("--company-en", "--organization-en", help="My company in English.")
        ] = None,
        offers: Annotated[str | None, Opt(help="What I can offer (comma-separated).")] = None,
        needs: Annotated[str | None, Opt(help="What I am looking for (comma-separated).")] = None,
    ) -> None:
        """Show or set my profile: how I sign thank-you messages, my offers and needs."""
        cli = ctx_of(ctx)
        if signature == "-":
            signature = sys.stdin.read()
        elif signature is not None:
            signature = signature.replace("\\n", "\n")
        profile = people_svc.set_my_profile(
            cli.app.uow(),
            name=name,
            reading=reading,
            organization=organization,
            title=title,
            email=email,
            signature=signature,
            name_en=name_en,
            organization_en=organization_en,
            offers=offers,
            needs=needs,
        )
        for key, label in ME_LABELS.items():
            value = getattr(profile, key)
            if key == "signature" and value:
                value = "\n  " + value.replace("\n", "\n  ")
            cli.console.print(f"{cli.t(label)}: {value}", highlight=False, markup=False)

    @app.command("drill")
    def drill_command(
        ctx: typer.Context,
        limit: Annotated[int, Opt("--limit", min=1, help="At most this many cards.")] = 10,
    ) -> None:
        """Recall drill: see the memory cue, type the name, company and where you met."""
        cli = ctx_of(ctx)
        today = cli.app.today()
        cards = drill_svc.drill_cards_due(cli.app.uow(), today=today, limit=limit)
        if not cards:
            cli.say("No cards due today.")
            return
        right = 0
        for n, card in enumerate(cards, 1):
            cli.console.print(f"[bold]{n}/{len(cards)}[/bold]", highlight=False)
            if card.memory_cue:
                cli.say("Memory cue: {cue}", cue=card.memory_cue)
            if card.photo:
                cli.say("Photo: {photo}", photo=card.photo)
            if card.hint:
                hint = " / ".join(
                    industry_label(h).in_language(cli.lang) for h in card.hint.split(" / ")
                )
                cli.say("Hint: {hint}", hint=hint)
            try:
                name = typer.prompt(cli.t("Name"), default="", show_default=False)
                company = typer.prompt(cli.t("Company"), default="", show_default=False)
                place = typer.prompt(cli.t("Where we met"), default="", show_default=False)
            except (typer.Abort, click.exceptions.Abort):
                cli.say("Stopped.")
                break
            result = drill_svc.answer_drill(
                cli.app.uow(),
                person_id=card.person_id,
                name=name,
                company=company,
                place=place,
                today=today,
            )
            right += result.quality >= 3
            marks = [
                "✓" if ok else "✗" for ok in (result.name_ok, result.company_ok, result.place_ok)
            ]
            cli.say(
                "{marks} {name} ({company}) — quality {quality}",
                marks=" ".join(marks),
                name=result.name,
                company=result.company or "-",
                quality=result.quality,
            )
            cli.console.print(f"  {why(cli, result.explanation)}", highlight=False)
        cli.say("Remembered {right} of {total}", right=right, total=len(cards))

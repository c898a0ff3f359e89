"""Terminal rendering of people: tables and the profile, in Japanese or English."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape
from rich.table import Table

from kinmyaku.cli.context import CliContext
from kinmyaku.domain.model import industry_label
from kinmyaku.domain.people import PersonProfile, PersonSummary


def people_table(
    cli: CliContext, rows: Sequence[PersonSummary], *, total: int | None = None
) -> None:
    """A table of people: id, name, reading, company, title."""
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for heading in ("ID", cli.t("Name"), cli.t("Reading"), cli.t("Company"), cli.t("Title")):
        table.add_column(heading, overflow="fold")
    for p in rows:
        reading = f"{p.reading}?" if p.reading_inferred and p.reading else p.reading
        table.add_row(*(escape(v) for v in (str(p.id), p.name, reading, p.company, p.title)))
    cli.console.print(table)
    shown = len(rows)
    if total is not None and total > shown:
        cli.say("{shown} of {total} shown; use --limit to see more", shown=shown, total=total)
    elif not rows:
        cli.say("Nobody found.")


def profile_text(cli: CliContext, p: PersonProfile) -> None:
    """Everything about a person, as text."""
    s = p.summary
    c = cli.console
    reading = s.reading + (f" ({cli.t('inferred')})" if s.reading_inferred and s.reading else "")
    c.print(f"[bold]{escape(s.name)}[/bold]  {escape(reading)}  #{s.id}", highlight=False)
    if p.romaji:
        c.print(f"  {p.romaji}", highlight=False, markup=False)
    if not s.met:
        cli.say("  (not met yet: known through others)")
    for job in p.affiliations:
        state = "" if job["is_current"] else f" ({cli.t('former')})"
        industry = industry_label(job["industry"], cli.lang)
        parts = [job["organization"], job["department"], job["title"]]
        line = " / ".join(x for x in parts if x)
        c.print(
            f"  {line}{f' [{industry}]' if industry else ''}{state}", highlight=False, markup=False
        )
        if job.get("website"):
            c.print(f"    {job['website']}", highlight=False, markup=False)
    for cp in p.contacts:
        c.print(f"  {cli.t(cp['kind'])}: {cp['display']}", highlight=False, markup=False)
    if p.tags:
        c.print(f"  {cli.t('Tags')}: {', '.join(p.tags)}", highlight=False, markup=False)
    for label, value in (
        (cli.t("Birthday"), p.birthday),
        (cli.t("Nickname"), p.nickname),
        (cli.t("Offers"), p.offers),
        (cli.t("Needs"), p.needs),
        (cli.t("Notes"), p.notes),
    ):
        if value:
            c.print(f"  {label}: {value}", highlight=False, markup=False)
    if p.purpose:
        pur = p.purpose
        cadence = (
            cli.t("every {days} days", days=pur["cadence_days"]) if pur["cadence_days"] else ""
        )
        c.print(
            f"[bold]{cli.t('Purpose')}[/bold]: "
            f"{escape(cli.t(pur['category']))} {escape(pur['goal'])} {escape(cadence)}",
            highlight=False,
        )
        if pur["offer"]:
            c.print(f"  {cli.t('What I can offer')}: {pur['offer']}", highlight=False, markup=False)
    section(
        cli,
        "How we met",
        [
            f"{e['date']} {cli.t(e['channel'])}"
            + (
                f" — {cli.t('introduced by {name}', name=e['introducer'])}"
                if e["introducer"]
                else ""
            )
            + (f" @ {e['event']}" if e["event"] else "")
            + (f" {e['place']}" if e["place"] else "")
            + (f" 「{e['memory_cue']}」" if e["memory_cue"] else "")
            for e in p.encounters
        ],
    )
    section(
        cli,
        "Interactions",
        [
            f"{i['date']} {cli.t(i['kind'])} {i['summary']}"
            + (
                f" → {cli.t('follow up')} {i['follow_up_on']}"
                if i["follow_up_on"] and not i["follow_up_done"]
                else ""
            )
            for i in p.interactions
        ],
    )
    section(
        cli,
        "Give and take",
        [
            f"{x['date']} {cli.t(x['direction'])} {cli.t(x['kind'])} ×{x['weight']} {x['note']}"
            for x in p.exchanges
        ],
    )
    section(
        cli,
        "Requests",
        [
            f"#{r['id']} {r['asked_on']} {cli.t(r['side'] + ' request')}: {r['what']} "
            f"[{cli.t(r['status'])}]"
            + (f" {cli.t('due')} {r['due_on']}" if r["due_on"] else "")
            + (f" → {r['outcome']}" if r["outcome"] else "")
            for r in p.requests
        ],
    )
    section(
        cli,
        "Links",
        [
            f"{link['name']} (#{link['person_id']}) {cli.t(link['kind'])}"
            + (f" {link['date']}" if link["date"] else "")
            for link in p.links
        ],
    )


def section(cli: CliContext, title: str, lines: Sequence[str]) -> None:
    """A bold translated title and its lines, indented; nothing when there are no lines."""
    if not lines:
        return
    cli.console.print(f"[bold]{escape(cli.t(title))}[/bold]", highlight=False)
    for line in lines:
        cli.console.print(f"  {line}", highlight=False, markup=False)

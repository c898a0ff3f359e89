"""Privacy commands: ``export-person`` answers a disclosure request (APPI 開示請求)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from kinmyaku.cli.context import CliContext, ctx_of, print_json
from kinmyaku.cli.render import profile_text, section
from kinmyaku.services.disclosure import Disclosure, disclose_person


def _who(person: dict[str, Any]) -> str:
    return f"{person['name']} (#{person['id']})"


def _when(value: str | None) -> str:
    """An ISO time as ``2026-11-26 21:06`` (a date stays a date)."""
    return (value or "")[:16].replace("T", " ")


def _before(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items() if v not in (None, ""))
    return "" if value is None else str(value)


def disclosure_text(cli: CliContext, found: Disclosure) -> None:
    """The disclosure as text: the profile, then every other place that holds the person."""
    held = found.held
    s = found.profile.summary
    cli.say("Everything held about {name} (#{id}) on {date}", name=s.name, id=s.id, date=found.on)
    profile_text(cli, found.profile)
    record = held["record"]
    section(
        cli,
        "Stored record",
        [cli.t("added {added}, last changed {changed}", added=_when(record["created_at"]),
               changed=_when(record["updated_at"]))],
    )  # fmt: skip
    section(
        cli,
        "Other names",
        [
            f"{n['family_name']} {n['given_name']} ({n['source'] or '-'})"
            for n in held["other_names"]
        ],
    )
    photo = held["photo"]
    if photo:
        size = cli.t("{mime}, {size} bytes", mime=photo["mime"], size=photo["size"])
        section(cli, "Photo", [f"{size} ({photo['name']})"])
    section(
        cli,
        "Introductions I made",
        [f"#{i['id']} {i['date']} ⇄ {_who(i['with'])} [{cli.t(i['state'])}] {i['why']}".rstrip()
         for i in held["introductions"]],
    )  # fmt: skip
    section(
        cli,
        "People they introduced to me",
        [f"{i['date']} {_who(i['person'])}" for i in held["introduced_by_them"]],
    )
    section(
        cli, "Marked as a different person from", [_who(p) for p in held["said_different_from"]]
    )
    card = held["drill_card"]
    if card:
        section(cli, "Name drill", [cli.t("next on {date}", date=card["due_on"])])
    touch = held["keep_in_touch"]
    if touch and touch["snoozed_until"]:
        section(cli, "Reminders", [cli.t("snoozed until {date}", date=touch["snoozed_until"])])
    section(
        cli,
        "Import history",
        [f"#{h['import_id']} {_when(h['created_at'])} {h['file']}:{h['line'] or '-'} "
         f"{h['entity']} {h['action']} {_before(h['before'])}".rstrip()
         for h in held["import_history"]],
    )  # fmt: skip
    section(
        cli,
        "Merges",
        [f"#{m['id']} {_when(m['date'])} {cli.t(m['kind'])}"
         + (f" ({cli.t('undone')})" if m["undone"] else "")
         for m in held["merges"]],
    )  # fmt: skip
    section(
        cli,
        "Waiting for review",
        [f"#{q['id']} {q['file']}:{q['line'] or '-'} {q['name']}" for q in held["review_queue"]],
    )
    cli.say("Derived figures (strength, the summary) are computed from the records above.")


def register(app: typer.Typer) -> None:
    """Add the privacy commands to the CLI."""

    @app.command("export-person")
    def export_person(
        ctx: typer.Context,
        person: Annotated[str, typer.Argument(help="PERSON: an id or a name in any spelling.")],
        json_out: Annotated[
            bool, typer.Option("--json", help="Print JSON (with the photo) instead of text.")
        ] = False,
    ) -> None:
        """Everything held about one person, to answer their disclosure request."""
        cli = ctx_of(ctx)
        found = disclose_person(cli.app.uow(), cli.person(person), on=cli.app.today())
        if json_out:
            print_json(found.to_json())
        else:
            disclosure_text(cli, found)

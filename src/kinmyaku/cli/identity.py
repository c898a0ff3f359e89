"""One person, one record: duplicates, merge (and merge --auto, list, undo), not-duplicates."""

from __future__ import annotations

import math
from typing import Annotated

import typer
from rich.markup import escape

from kinmyaku.cli.context import CliContext, ctx_of, print_json
from kinmyaku.domain.identity.candidates import AUTO_MERGE, REVIEW, PersonRef
from kinmyaku.services import people as ppl
from kinmyaku.services.identity import finding, merging

Opt = typer.Option
Arg = typer.Argument


def _probability(cli: CliContext, value: float | None, default: float) -> float:
    """A probability given as 0.95 or as a percentage (95); the default when not given."""
    if value is None:
        return default
    p = value / 100 if value > 1 else value
    if not 0 <= p <= 1:
        cli.fail(
            cli.t("--min-probability takes 0 to 1 (or a percentage), not {value}", value=value)
        )
    return p


def _who(ref: PersonRef) -> str:
    details = "・".join(x for x in (ref.company, ref.contact) if x)
    return f"#{ref.id} {ref.name}" + (f"（{details}）" if details else "")


def _name(cli: CliContext, person_id: int) -> str:
    return ppl.show_person(cli.app.uow(), person_id).summary.name


def _merge_list(cli: CliContext) -> None:
    views = merging.list_merges(cli.app.uow())
    if not views:
        cli.say("No merges yet.")
    for view in views:
        kept = ", ".join(f"#{pid} {name}" for pid, name in view.kept)
        merged = ", ".join(f"#{pid} {name}" for pid, name in view.merged)
        state = f" ({cli.t('undone')})" if view.undone_at else ""
        cli.console.print(
            f"#{view.id} {view.created_at:%Y-%m-%d %H:%M} {cli.t(view.kind)}: "
            f"{kept} ← {merged}{state}",
            highlight=False,
            markup=False,
        )


def _merge_undo(cli: CliContext, ref: str) -> None:
    if not ref.lstrip("#").isdigit():
        cli.fail(cli.t("Usage: kinmyaku merge undo ID"))
    merge_id = int(ref.lstrip("#"))
    merging.undo_merge(cli.app.uow(), merge_id=merge_id)
    cli.say("Undid merge #{id}: everyone is back as before.", id=merge_id)


def _merge_auto(cli: CliContext, p: float) -> None:
    summary = merging.auto_merge(cli.app.uow(), min_probability=p)
    if summary is None:
        cli.say("Nothing to merge at or above {percent}.", percent=f"{p:.1%}")
        return
    for keep, others in summary.groups:
        cli.say(
            "Merged {others} into #{id} {name}",
            others=", ".join(f"#{o}" for o in others),
            id=keep,
            name=_name(cli, keep),
        )
    cli.say(
        "Merge #{id}: {count} records merged away, {groups} kept. Undo it with: "
        "kinmyaku merge undo {id}",
        id=summary.merge_id,
        count=sum(len(o) for _, o in summary.groups),
        groups=len(summary.groups),
    )


def percent(probability: float) -> str:
    """A probability as a percentage cut (not rounded) to one decimal: 0.9895 shows 98.9 %,
    never the 99.0 % at which pairs are merged without asking."""
    return f"{math.floor(probability * 1000) / 10:.1f}%"


def register(app: typer.Typer) -> None:
    """Add the duplicates, merge and not-duplicates commands."""

    @app.command("duplicates")
    def duplicates_cmd(
        ctx: typer.Context,
        min_probability: Annotated[
            float | None,
            Opt(
                "--min-probability", help="List pairs at least this likely (0-1 or %; default 0.5)."
            ),
        ] = None,
        limit: Annotated[int | None, Opt("--limit", min=1, help="At most this many pairs.")] = None,
        json_out: Annotated[bool, Opt("--json", help="Print JSON instead of text.")] = False,
    ) -> None:
        """List people who may be one person, most likely first, with the reasons."""
        cli = ctx_of(ctx)
        p = _probability(cli, min_probability, REVIEW)
        found = finding.find_duplicates(cli.app.uow(), min_probability=p, limit=limit)
        if json_out:
            print_json(
                [
                    {
                        "probability": c.probability,
                        "a": {"id": c.a.id, "name": c.a.name},
                        "b": {"id": c.b.id, "name": c.b.name},
                        "reasons": finding.reason_texts(c, cli.lang),
                    }
                    for c in found
                ]
            )
            return
        if not found:
            cli.say("No likely duplicates.")
            return
        for c in found:
            cli.console.print(
                f"[bold]{percent(c.probability)}[/bold]  "
                f"{escape(_who(c.a))}  ⇔  {escape(_who(c.b))}",
                highlight=False,
            )
            for reason in finding.reason_texts(c, cli.lang):
                cli.console.print(f"    {reason}", highlight=False, markup=False)
        cli.say(
            "{count} pairs. Merge one with: kinmyaku merge KEEP OTHER; "
            "or say they differ: kinmyaku not-duplicates A B",
            count=len(found),
        )

    @app.command("merge")
    def merge_cmd(
        ctx: typer.Context,
        args: Annotated[
            list[str] | None,
            Arg(help="KEEP OTHER; or 'list', or 'undo ID'.", show_default=False),
        ] = None,
        auto: Annotated[
            bool, Opt("--auto", help="Merge every pair at or above --min-probability.")
        ] = False,
        min_probability: Annotated[
            float | None,
            Opt("--min-probability", help="With --auto: the least probability (default 0.99)."),
        ] = None,
        from_other: Annotated[
            list[str] | None,
            Opt(
                "--from-other",
                help="Take this field from OTHER: family_name, given_name, family_reading, "
                "given_reading, nickname, birthday, photo (repeatable).",
            ),
        ] = None,
    ) -> None:
        """Merge OTHER into KEEP (everything moves; undoable); merge --auto; list; undo ID."""
        cli = ctx_of(ctx)
        words = args or []
        if auto:
            if words:
                cli.fail(cli.t("Give either --auto or KEEP OTHER, not both"))
            _merge_auto(cli, _probability(cli, min_probability, AUTO_MERGE))
        elif words == ["list"]:
            _merge_list(cli)
        elif len(words) == 2 and words[0] == "undo":
            _merge_undo(cli, words[1])
        elif len(words) == 2:
            keep, other = cli.person(words[0]), cli.person(words[1])
            names = {pid: _name(cli, pid) for pid in (keep, other)}
            values = dict.fromkeys(from_other or [], "other")
            merge_id = merging.merge_people(cli.app.uow(), keep=keep, other=other, values=values)
            cli.say(
                "Merged #{other} {other_name} into #{keep} {keep_name}: merge #{id}. "
                "Undo it with: kinmyaku merge undo {id}",
                other=other,
                other_name=names[other],
                keep=keep,
                keep_name=names[keep],
                id=merge_id,
            )
        else:
            cli.fail(cli.t("Usage: kinmyaku merge KEEP OTHER | --auto | list | undo ID"))

    @app.command("not-duplicates")
    def not_duplicates_cmd(
        ctx: typer.Context,
        a: Annotated[str, Arg(help="One person (id or name).")],
        b: Annotated[str, Arg(help="The other person (id or name).")],
    ) -> None:
        """Remember that two people are different: never suggested or merged again."""
        cli = ctx_of(ctx)
        first, second = cli.person(a), cli.person(b)
        merging.mark_different(cli.app.uow(), a=first, b=second)
        cli.say(
            "#{a} {a_name} and #{b} {b_name} are different people: never suggested again.",
            a=first,
            a_name=_name(cli, first),
            b=second,
            b_name=_name(cli, second),
        )

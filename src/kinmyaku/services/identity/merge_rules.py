"""What happens to each table's rows when OTHER is merged into KEEP (one rule per table).

Every table with a foreign key to ``people.id`` has a rule here or is derived (rebuilt
after the merge: the search index and the touch summary); ``merge_pair`` refuses to run
when a table has neither, and a test checks the same against the schema, so a new
person-referencing table cannot be forgotten.  Every write goes through the
:class:`~kinmyaku.storage.merge_rows.Journal`, which keeps what the undo puts back.

The rules, in short: rows of OTHER move to KEEP; a row KEEP already has (the same contact
point, tag, interaction, link, keep-in-touch or drill card) is dropped; a second purpose
or link has its text appended to KEEP's; OTHER's current job becomes a past job of KEEP
unless it is KEEP's current organization; a link or "different people" pair between the
two, and an introduction of KEEP to KEEP, disappear (an exchange crediting that
introduction keeps its record, without the introduction).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from kinmyaku.domain.names import fold_joined
from kinmyaku.storage.merge_rows import Journal, Row, person_references
from kinmyaku.storage.schema import (
    affiliations,
    card_images,
    contact_points,
    dav_names,
    drill_cards,
    encounters,
    exchanges,
    extra_fields,
    interaction_people,
    introductions,
    keep_in_touch,
    links,
    not_duplicates,
    person_aliases,
    person_tags,
    provenance,
    purposes,
    requests,
)

SEPARATOR = "\n\n"
"""Between KEEP's text and OTHER's when both have one (notes, offers, needs, goals)."""

DERIVED = frozenset({"search_terms", "search_names", "search_memory", "touch_summary"})
"""Tables rebuilt after a merge or its undo (the search index, the touch summary)."""


def appended(keep: str | None, other: str | None) -> str:
    """KEEP's text, then OTHER's after a blank line (unless one holds the other)."""
    keep, other = keep or "", other or ""
    if not other.strip() or other.strip() in keep:
        return keep
    if not keep.strip() or keep.strip() in other:
        return other
    return keep + SEPARATOR + other


Rule = Callable[[Journal, int, int], None]


def _move(table: Any, column: str = "person_id") -> Rule:
    def rule(j: Journal, keep: int, other: int) -> None:
        j.update_all(table, j.rows(table, table.c[column] == other), {column: keep})

    return rule


def _move_unless(table: Any, same: Callable[[Row], Any]) -> Rule:
    """Move OTHER's rows; drop those equal (by ``same``) to one KEEP has."""

    def rule(j: Journal, keep: int, other: int) -> None:
        have = {same(row) for row in j.rows(table, table.c.person_id == keep)}
        gone: list[Row] = []
        moved: list[Row] = []
        for row in j.rows(table, table.c.person_id == other):
            (gone if same(row) in have else moved).append(row)
            have.add(same(row))
        j.delete_all(table, gone)
        j.update_all(table, moved, {"person_id": keep})

    return rule


def _one_each(table: Any) -> Rule:
    """Tables with one row a person (keep in touch, drill card): KEEP's wins."""

    def rule(j: Journal, keep: int, other: int) -> None:
        theirs = j.rows(table, table.c.person_id == other)
        if j.rows(table, table.c.person_id == keep):
            j.delete_all(table, theirs)
        else:
            j.update_all(table, theirs, {"person_id": keep})

    return rule


def _purposes(j: Journal, keep: int, other: int) -> None:
    kept = j.rows(purposes, purposes.c.person_id == keep)
    for row in j.rows(purposes, purposes.c.person_id == other):
        if not kept:
            j.update(purposes, row, {"person_id": keep})
            continue
        mine = kept[0]
        j.update(
            purposes,
            mine,
            {
                "goal": appended(mine["goal"], row["goal"]),
                "offer": appended(mine["offer"], row["offer"]),
                "cadence_days": mine["cadence_days"] or row["cadence_days"],
            },
        )
        j.delete(purposes, row)


def _job(row: Row) -> tuple[Any, ...]:
    return tuple(row[c] for c in ("organization_id", "department", "title", "start_date"))


def _affiliations(j: Journal, keep: int, other: int) -> None:
    mine = j.rows(affiliations, affiliations.c.person_id == keep)
    current = {row["organization_id"]: row for row in mine if row["is_current"]}
    seen = {(*_job(row), row["end_date"], row["is_current"]) for row in mine}
    for row in j.rows(affiliations, affiliations.c.person_id == other):
        if (*_job(row), row["end_date"], row["is_current"]) in seen:
            j.delete(affiliations, row)
        elif row["is_current"] and row["organization_id"] in current:
            same = current[row["organization_id"]]
            fill = {c: row[c] for c in ("department", "title", "start_date") if not same[c]}
            j.update(affiliations, same, fill)
            j.delete(affiliations, row)
        elif row["is_current"] and current:
            j.update(affiliations, row, {"person_id": keep, "is_current": False})
        else:
            j.update(affiliations, row, {"person_id": keep})


def _encounters(j: Journal, keep: int, other: int) -> None:
    found = j.rows(
        encounters, (encounters.c.person_id == other) | (encounters.c.introducer_id == other)
    )
    for row in found:
        person = keep if row["person_id"] == other else row["person_id"]
        introducer = keep if row["introducer_id"] == other else row["introducer_id"]
        if introducer == person:  # "introduced by themself": nobody introduced them
            introducer = None
        j.update(encounters, row, {"person_id": person, "introducer_id": introducer})


def _interaction_people(j: Journal, keep: int, other: int) -> None:
    t = interaction_people
    have = {row["interaction_id"] for row in j.rows(t, t.c.person_id == keep)}
    theirs = j.rows(t, t.c.person_id == other)
    j.delete_all(t, [row for row in theirs if row["interaction_id"] in have])
    j.update_all(
        t, [row for row in theirs if row["interaction_id"] not in have], {"person_id": keep}
    )


def _links(j: Journal, keep: int, other: int) -> None:
    mine = j.rows(links, (links.c.person_a == keep) | (links.c.person_b == keep))
    by_pair = {(r["person_a"], r["person_b"], r["kind"]): r for r in mine}
    for row in j.rows(links, (links.c.person_a == other) | (links.c.person_b == other)):
        a, b = (keep if p == other else p for p in (row["person_a"], row["person_b"]))
        if a == b:
            j.delete(links, row)
            continue
        a, b = min(a, b), max(a, b)
        t = by_pair.get((a, b, row["kind"]))
        if t is not None:
            j.update(
                links,
                t,
                {
                    "date": t["date"] or row["date"],
                    "outcome": appended(t["outcome"], row["outcome"]),
                    "note": appended(t["note"], row["note"]),
                },
            )
            j.delete(links, row)
        else:
            j.update(links, row, {"person_a": a, "person_b": b})


def _introductions(j: Journal, keep: int, other: int) -> None:
    t = introductions
    found = j.rows(
        t, (t.c.introducer_id == other) | (t.c.person_a == other) | (t.c.person_b == other)
    )
    for row in found:
        new = {
            c: keep if row[c] == other else row[c]
            for c in ("introducer_id", "person_a", "person_b")
        }
        if new["person_a"] != new["person_b"]:
            j.update(t, row, new)
            continue
        for credit in j.rows(exchanges, exchanges.c.introduction_id == row["id"]):
            j.update(exchanges, credit, {"introduction_id": None})
        j.delete(t, row)


def _not_duplicates(j: Journal, keep: int, other: int) -> None:
    t = not_duplicates
    for row in j.rows(t, (t.c.person_a == other) | (t.c.person_b == other)):
        a, b = (keep if p == other else p for p in (row["person_a"], row["person_b"]))
        a, b = min(a, b), max(a, b)
        if a == b or j.rows(t, (t.c.person_a == a) & (t.c.person_b == b)):
            j.delete(t, row)
        else:
            j.update(t, row, {"person_a": a, "person_b": b})


def alias_key(row: Mapping[str, Any]) -> str:
    """A name folded for comparison (width, variants, kana, case, spaces)."""
    return fold_joined(row["family_name"], row["given_name"] or "")


def _contact(row: Row) -> tuple[str, str]:
    return row["kind"], row["normalized"] or row["value"]


RULES: dict[str, Rule] = {
    "person_tags": _move_unless(person_tags, lambda row: row["tag"]),
    "contact_points": _move_unless(contact_points, _contact),
    "affiliations": _affiliations,
    "encounters": _encounters,
    "interaction_people": _interaction_people,
    "exchanges": _move(exchanges),
    "requests": _move(requests),
    "purposes": _purposes,
    "links": _links,
    "introductions": _introductions,
    "keep_in_touch": _one_each(keep_in_touch),
    "drill_cards": _one_each(drill_cards),
    "extra_fields": _move_unless(extra_fields, lambda row: (row["name"], row["value"])),
    # OTHER's other names move; one equal to a name KEEP has goes (merge_pair adds names)
    "person_aliases": _move_unless(person_aliases, alias_key),
    "not_duplicates": _not_duplicates,
    # the card name a CardDAV client gave (services/carddav.py): KEEP's, else OTHER's
    "dav_names": _one_each(dav_names),
    # the photographed 名刺 of a person (services/card_image.py): every one moves
    "card_images": _move(card_images),
}
"""The rule of each table that refers to people, in the order they run."""


def unruled_tables() -> set[str]:
    """Tables referring to people that have neither a rule nor are derived (should be none)."""
    return {table for table, _ in person_references()} - set(RULES) - DERIVED - {"people"}


OWNED = {
    "contact_point": contact_points,
    "extra_field": extra_fields,
    "encounter": encounters,
    "affiliation": affiliations,
    "alias": person_aliases,
}
"""Import provenance entities that are rows of a person, by id (services/import_undo.py)."""


def owned_ids(j: Journal, person_id: int) -> dict[str, list[int]]:
    """The ids of a person's own rows of each OWNED kind (read before the rules run)."""
    return {
        entity: [row["id"] for row in j.rows(table, table.c.person_id == person_id)]
        for entity, table in OWNED.items()
    }


def _created_by_import(j: Journal, keep: int, created: Row, moved: dict[str, list[int]]) -> None:
    """OTHER was created by an import: its rows now KEEP's are recorded as that import's,
    so that undoing it still takes them away (from KEEP now) as it would have with OTHER."""
    where = {k: created[k] for k in ("import_id", "file", "record_no", "line")}
    for entity, ids in moved.items():
        table = OWNED[entity]
        for row in j.rows(table, table.c.id.in_(ids) & (table.c.person_id == keep)):
            j.insert(
                provenance, {**where, "entity": entity, "entity_id": row["id"], "action": "create"}
            )


def move_provenance(
    j: Journal, keep: int, other: int, moved_tags: set[str], moved: dict[str, list[int]]
) -> None:
    """Import provenance of OTHER, so that undoing an import later still works sensibly.

    A tag or photo now KEEP's points at KEEP.  OTHER's "person" rows become KEEP's
    "match" rows (the record is KEEP now; undoing that import must neither delete KEEP nor
    overwrite KEEP's name with OTHER's old one, and passes over a match); when
    the import created OTHER, the rows of OTHER that moved to KEEP (contact points, extra
    fields, encounters, jobs, other names, tags) are recorded as created by it instead.  A
    tag KEEP already had goes too (undoing the import must not take KEEP's own tag away).
    The undo of the merge puts all of it back.
    """
    kinds = provenance.c.entity.in_(("person", "tag", "photo"))  # keyed by the person's id
    rows = j.rows(provenance, kinds & (provenance.c.entity_id == other))
    tagged = {json.loads(r["before"] or "null") for r in rows if r["entity"] == "tag"}
    for row in rows:
        moved_tag = row["entity"] == "tag" and json.loads(row["before"] or "null") in moved_tags
        if row["entity"] == "photo" or moved_tag:
            j.update(provenance, row, {"entity_id": keep})
        elif row["entity"] == "person":
            # KEEP is now the person that record was: said as a "match", which an import's
            # undo passes over (it must neither delete KEEP nor put OTHER's name back).
            j.update(provenance, row, {"entity_id": keep, "action": "match", "before": None})
        elif row["entity"] == "tag":
            j.delete(provenance, row)
        if row["entity"] == "person" and row["action"] == "create":
            _created_by_import(j, keep, row, moved)
            where = {k: row[k] for k in ("import_id", "file", "record_no", "line")}
            for tag in sorted(moved_tags - tagged):
                before = json.dumps(tag, ensure_ascii=False)
                j.insert(
                    provenance,
                    {
                        **where,
                        "entity": "tag",
                        "entity_id": keep,
                        "action": "create",
                        "before": before,
                    },
                )

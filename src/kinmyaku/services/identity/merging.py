"""Merge two records of one person, merge every sure pair at once, undo, "different people".

A merge moves everything of OTHER to KEEP (``merge_rules``: one rule per table that refers
to people), keeps OTHER's name as an alias of KEEP, deletes OTHER and rebuilds KEEP's
search keys.  Every write is journaled (``storage/merge_rows``) into ``merges.snapshot``:
each changed or deleted row as it was, and the key of each added row, so that
``undo_merge`` restores the database exactly (people and rows keep their ids).  Derived
data is rebuilt rather than restored: the search index (by reindexing) and the touch
summary (the triggers of migration 0002 mark everyone whose touches moved; the merge and
its undo also mark the people they touch).

``auto_merge`` merges every pair at or above a probability transitively, as one merge:
pairs are joined into groups (union-find) and each group is merged into the member with
the most recorded about them (rows that refer to them, then filled-in fields; the lowest
id on a tie), so that the record the user has curated survives with its id.  Two people
marked as different never end up in one group, even through a third.

``merges.pairs`` holds one entry per pair: ``{"a", "b"}`` (the pair, ``a < b``), ``"keep"``
(the id that survived in their group), ``"probability"`` (None for a manual merge) and
``"reasons"`` as English ``{"msgid", "params"}``, to be shown in either language later.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from kinmyaku.domain.errors import KinmyakuError, NotFound, ValidationError
from kinmyaku.domain.identity.candidates import AUTO_MERGE, Candidate, Reason
from kinmyaku.domain.identity.profile import UNNAMED, is_named
from kinmyaku.domain.names import is_latin
from kinmyaku.domain.people import display_name
from kinmyaku.services.identity import finding
from kinmyaku.services.identity.merge_rules import (
    DERIVED,
    RULES,
    alias_key,
    appended,
    move_provenance,
    owned_ids,
    unruled_tables,
)
from kinmyaku.services.people import name_columns
from kinmyaku.storage import people as store
from kinmyaku.storage.merge_rows import Journal, person_references, restore, taken_keys
from kinmyaku.storage.schema import (
    merges,
    metadata,
    not_duplicates,
    people,
    person_aliases,
    person_tags,
    touch_summary_dirty,
)
from kinmyaku.storage.uow import UnitOfWork

NAME_FIELDS = ("family_name", "given_name", "family_reading", "given_reading")
CHOOSABLE = (*NAME_FIELDS, "nickname", "birthday", "photo")
"""Fields whose value the user may take from OTHER (``values={"photo": "other"}``)."""


@dataclass(frozen=True)
class MergeSummary:
    """What ``auto_merge`` did: its merge id and each group (the kept id, the merged ids)."""

    merge_id: int
    groups: list[tuple[int, list[int]]]
    pairs: int


@dataclass(frozen=True)
class MergeView:
    """One merge as ``merge list`` shows it."""

    id: int
    created_at: datetime
    kind: str
    undone_at: datetime | None
    kept: list[tuple[int, str]] = field(default_factory=list)
    merged: list[tuple[int, str]] = field(default_factory=list)


def _person(j: Journal, person_id: int) -> dict[str, Any]:
    found = j.rows(people, people.c.id == person_id)
    if not found:
        raise NotFound("No person with id {id}", id=person_id)
    return found[0]


def _merged_columns(
    keep: Mapping[str, Any], other: Mapping[str, Any], values: Mapping[str, str]
) -> dict[str, Any]:
    """KEEP's new people columns: the chosen values, KEEP's, else OTHER's; texts appended."""
    for name, choice in values.items():
        if name not in CHOOSABLE or choice not in ("keep", "other"):
            raise ValidationError(
                "values",
                "Choose 'keep' or 'other' for one of {fields}, not {name}={choice}",
                fields=", ".join(CHOOSABLE),
                name=name,
                choice=choice,
            )
    out: dict[str, Any] = {}
    chosen = [values.get(n) == "other" for n in NAME_FIELDS]
    if all(chosen):
        names = (*NAME_FIELDS, "reading_inferred", "romaji", "sort_key")
        out.update({n: other[n] for n in names})
    elif any(chosen):
        picked = [other[n] if c else keep[n] for n, c in zip(NAME_FIELDS, chosen, strict=True)]
        out.update(name_columns(*picked))
    elif not any(n in values for n in NAME_FIELDS):  # nobody chose: the better name
        out.update(_better_name(keep, other))
    for name in ("nickname", "birthday", "photo"):
        wanted = values.get(name)
        if wanted == "other" or (wanted is None and not keep[name]):
            out[name] = other[name]
    for name in ("notes", "offers", "needs"):
        out[name] = appended(keep[name], other[name])
    out["met"] = bool(keep["met"] or other["met"])
    out["created_at"] = min(keep["created_at"], other["created_at"])
    out["updated_at"] = store.now()
    return out


def _better_name(keep: Mapping[str, Any], other: Mapping[str, Any]) -> dict[str, Any]:
    """Name columns of OTHER that KEEP should take when no one chose: a Japanese name over
    a romaji one (Ren Kato / 加藤 蓮: Japanese first, the romaji stays as an alias), and a
    reading someone wrote over one the app guessed for the same name (加藤 蓮 read れん, not
    はす).  Nothing otherwise."""
    if not other["family_name"] or other["family_name"] == UNNAMED:
        return {}
    keep_name = f"{keep['family_name']}{keep['given_name'] or ''}"
    other_name = f"{other['family_name']}{other['given_name'] or ''}"
    whole = (*NAME_FIELDS, "reading_inferred", "romaji", "sort_key")
    unnamed = keep["family_name"] == UNNAMED or "@" in keep_name
    unnamed = unnamed or not any(ch.isalpha() for ch in keep_name)  # a phone number
    if (unnamed or is_latin(keep_name)) and not is_latin(other_name):
        return {n: other[n] for n in whole}
    same = (keep["family_name"], keep["given_name"] or "") == (
        other["family_name"],
        other["given_name"] or "",
    )
    guessed = bool(keep["reading_inferred"]) or not (keep["family_reading"] or "")
    stated = not other["reading_inferred"] and bool(other["family_reading"] or "")
    if same and guessed and stated:
        return {n: other[n] for n in whole}
    return {}


def _add_aliases(j: Journal, keep_id: int, names: Iterable[Mapping[str, Any]]) -> None:
    """Names KEEP no longer goes by become aliases (source "merge"), each once."""
    final = _person(j, keep_id)
    have = {alias_key(final)}
    have |= {alias_key(r) for r in j.rows(person_aliases, person_aliases.c.person_id == keep_id)}
    for name in names:
        family, given = name["family_name"] or "", name["given_name"] or ""
        if alias_key(name) in have or not family or not is_named(family, given, ()):
            continue  # no name, or one that is a number or an address (FN:090-…)
        have.add(alias_key(name))
        j.insert(
            person_aliases,
            {"person_id": keep_id, "source": "merge", **{n: name[n] or "" for n in NAME_FIELDS}},
        )


def _mark_dirty(conn: Connection, person_ids: Iterable[int]) -> None:
    """Mark people for the touch summary's next refresh (services/insights_summary.py)."""
    wanted = sorted(set(person_ids))
    marked = set(
        conn.execute(
            select(touch_summary_dirty.c.person_id).where(
                touch_summary_dirty.c.person_id.in_(wanted)
            )
        ).scalars()
    )
    rows = [{"person_id": p} for p in wanted if p not in marked]
    if rows:
        conn.execute(insert(touch_summary_dirty), rows)


def merge_pair(j: Journal, *, keep: int, other: int, values: Mapping[str, str]) -> None:
    """Merge OTHER into KEEP inside an open transaction, every write journaled."""
    unruled = unruled_tables()
    if unruled:
        raise RuntimeError(f"no merge rule for the tables {sorted(unruled)}")
    if keep == other:
        raise ValidationError("other", "A person cannot be merged with themself (#{id})", id=keep)
    keep_row, other_row = _person(j, keep), _person(j, other)
    mine = {r["tag"] for r in j.rows(person_tags, person_tags.c.person_id == keep)}
    theirs = {r["tag"] for r in j.rows(person_tags, person_tags.c.person_id == other)}
    owned = owned_ids(j, other)
    for rule in RULES.values():
        rule(j, keep, other)
    move_provenance(j, keep, other, theirs - mine, owned)
    j.update(people, keep_row, _merged_columns(keep_row, other_row, values))
    _add_aliases(j, keep, [keep_row, other_row])
    j.delete(people, other_row)
    store.reindex_person(j.conn, keep)
    _mark_dirty(j.conn, [keep])


def _reason_json(reason: Reason) -> dict[str, Any]:
    return {"msgid": reason.msgid, "params": dict(reason.params)}


def _record(j: Journal, kind: str, pairs: list[dict[str, Any]]) -> int:
    found = j.conn.execute(
        insert(merges)
        .values(
            created_at=store.now(),
            kind=kind,
            pairs=json.dumps(pairs, ensure_ascii=False),
            snapshot=j.to_json(),
        )
        .returning(merges.c.id)
    )
    return int(found.scalar_one())


def merge_people(
    uow: UnitOfWork,
    *,
    keep: int,
    other: int,
    values: Mapping[str, str] | None = None,
    kind: str = "manual",
    probability: float | None = None,
    reasons: Sequence[Reason] = (),
) -> int:
    """Merge OTHER into KEEP (OTHER is deleted); returns the merge id for ``undo_merge``."""
    with uow as conn:
        j = Journal(conn)
        merge_pair(j, keep=keep, other=other, values=values or {})
        pair = {
            "a": min(keep, other),
            "b": max(keep, other),
            "keep": keep,
            "probability": probability,
            "reasons": [_reason_json(r) for r in reasons],
        }
        return _record(j, kind, [pair])


def _groups(
    candidates: Sequence[Candidate], different: set[tuple[int, int]]
) -> tuple[dict[int, list[int]], list[Candidate]]:
    """Union-find over the pairs, best first: each group's members by its smallest id, and
    the pairs used.  A pair that would put two people said to be different into one group
    (through a third) is left out."""
    parent: dict[int, int] = {}
    members: dict[int, set[int]] = {}

    def root(x: int) -> int:
        if x not in parent:
            parent[x], members[x] = x, {x}
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    used = []
    for c in sorted(candidates, key=lambda c: -c.probability):
        a, b = root(c.a.id), root(c.b.id)
        if a == b:
            used.append(c)
            continue
        if any((min(x, y), max(x, y)) in different for x in members[a] for y in members[b]):
            continue
        low, high = min(a, b), max(a, b)
        parent[high] = low
        members[low] |= members.pop(high)
        used.append(c)
    groups: dict[int, list[int]] = {}
    for x in sorted(parent):
        groups.setdefault(root(x), []).append(x)
    return {r: m for r, m in groups.items() if len(m) > 1}, used


FILLED = ("given_name", "family_reading", "nickname", "photo", "birthday", "notes")


def _data_counts(conn: Connection, ids: list[int]) -> dict[int, tuple[int, int]]:
    """How much is recorded about each person: (rows that refer to them, fields filled)."""
    rows = dict.fromkeys(ids, 0)
    for table_name, column in person_references():
        if table_name in DERIVED:
            continue
        col = metadata.tables[table_name].c[column]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found = conn.execute(select(col, func.count()).where(col.in_(chunk)).group_by(col))
            for pid, n in found:
                rows[int(pid)] += int(n)
    filled = dict.fromkeys(ids, 0)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in conn.execute(select(people).where(people.c.id.in_(chunk))).mappings():
            filled[int(row["id"])] = sum(1 for name in FILLED if row[name])
    return {pid: (rows[pid], filled[pid]) for pid in ids}


def _keeper(members: list[int], counts: dict[int, tuple[int, int]]) -> int:
    return min(members, key=lambda pid: (-counts[pid][0], -counts[pid][1], pid))


ROUNDS = 4
"""At most this many rounds of ``auto_merge``: merged people are compared again, since
together they may be sure to be one with a third (a phone card that joined an Eight card
now shares its company with a LinkedIn row)."""


def auto_merge(uow: UnitOfWork, *, min_probability: float = AUTO_MERGE) -> MergeSummary | None:
    """Merge every suggested pair at or above ``min_probability``, transitively, as one merge.

    The merged people are compared again (up to ROUNDS rounds) until no pair is left at or
    above the threshold: all the rounds are one merge with one id.
    """
    with uow as conn:
        different = finding.different_pairs(conn)
        j = Journal(conn)
        done: dict[int, list[int]] = {}
        pairs: list[dict[str, object]] = []
        gone: set[int] = set()
        books: dict[str, frozenset[str]] = {}  # what each address book holds: the first look's
        for _ in range(ROUNDS):
            found = [
                c
                # Each round looks at everyone again: the merges change the model's counts
                # (how many people there are, how common a name is), not only the merged.
                for c in finding.find_duplicates(uow, min_probability=min_probability, books=books)
                if c.probability >= min_probability and c.a.id > 0 and not {c.a.id, c.b.id} & gone
            ]
            groups, used = _groups(found, different)
            if not groups:
                break
            counts = _data_counts(conn, sorted(x for members in groups.values() for x in members))
            keeper_of: dict[int, int] = {}
            for members in groups.values():
                keep = _keeper(members, counts)
                for other in members:
                    if other == keep:
                        continue
                    merge_pair(j, keep=keep, other=other, values={})
                    gone.add(other)
                    # the other's own merged people (an earlier round) now belong to keep
                    done.setdefault(keep, []).extend([other, *done.pop(other, [])])
                keeper_of.update(dict.fromkeys(members, keep))
            pairs += [
                {
                    "a": c.a.id,
                    "b": c.b.id,
                    "keep": keeper_of[c.a.id],
                    "probability": c.probability,
                    "reasons": [_reason_json(r) for r in c.reasons],
                }
                for c in used
            ]
            different = _carried(different, keeper_of)
        if not pairs:
            return None
        merge_id = _record(j, "auto", pairs)
        return MergeSummary(merge_id=merge_id, groups=list(done.items()), pairs=len(pairs))


def _carried(different: set[tuple[int, int]], keeper_of: dict[int, int]) -> set[tuple[int, int]]:
    """The pairs said to be different, with each merged person replaced by its keeper."""
    carried = set()
    for a, b in different:
        x, y = keeper_of.get(a, a), keeper_of.get(b, b)
        if x != y:
            carried.add((min(x, y), max(x, y)))
    return carried


def _involved(pairs_json: str) -> set[int]:
    found: set[int] = set()
    for pair in json.loads(pairs_json):
        found |= {int(pair[k]) for k in ("a", "b", "keep") if pair.get(k) is not None}
    return found


def undo_merge(uow: UnitOfWork, *, merge_id: int) -> None:
    """Put the database back exactly as before a merge (its people keep their ids)."""
    with uow as conn:
        row = conn.execute(select(merges).where(merges.c.id == merge_id)).first()
        if row is None:
            raise NotFound("No merge with id {id}", id=merge_id)
        if row.undone_at is not None:
            raise KinmyakuError("Merge #{id} was already undone", id=merge_id)
        involved = _involved(row.pairs)
        later = conn.execute(
            select(merges.c.id, merges.c.pairs)
            .where(merges.c.id > merge_id, merges.c.undone_at.is_(None))
            .order_by(merges.c.id.desc())
        ).all()
        for other in later:
            if _involved(other.pairs) & involved:
                raise KinmyakuError(
                    "Merge #{later} came later and involves the same people: "
                    "undo it first (kinmyaku merge undo {later})",
                    later=other.id,
                )
        taken = taken_keys(conn, row.snapshot)
        if taken:
            table, key = taken[0]
            raise KinmyakuError(
                "Cannot undo merge #{id}: {table} {key} was reused since",
                id=merge_id,
                table=table,
                key="/".join(str(k) for k in key),
            )
        restore(conn, row.snapshot)
        present = set(conn.execute(select(people.c.id).where(people.c.id.in_(involved))).scalars())
        for person_id in sorted(present):
            store.reindex_person(conn, person_id)
        _mark_dirty(conn, present)
        conn.execute(update(merges).where(merges.c.id == merge_id).values(undone_at=store.now()))


def mark_different(uow: UnitOfWork, *, a: int, b: int) -> None:
    """Remember that A and B are different people: never suggested or merged again."""
    if a == b:
        raise ValidationError("b", "#{id} is one person: give two different people", id=a)
    with uow as conn:
        for person_id in (a, b):
            if not conn.execute(select(people.c.id).where(people.c.id == person_id)).first():
                raise NotFound("No person with id {id}", id=person_id)
        low, high = min(a, b), max(a, b)
        known = conn.execute(
            select(not_duplicates.c.person_a).where(
                not_duplicates.c.person_a == low, not_duplicates.c.person_b == high
            )
        ).first()
        if not known:
            conn.execute(
                insert(not_duplicates).values(person_a=low, person_b=high, created_at=store.now())
            )


def _names(rows: Iterable[Mapping[str, Any]]) -> list[tuple[int, str]]:
    return sorted((int(r["id"]), display_name(r["family_name"], r["given_name"])) for r in rows)


def list_merges(uow: UnitOfWork) -> list[MergeView]:
    """Every merge, newest first, with the names kept and merged away (as they were)."""
    with uow as conn:
        found = conn.execute(select(merges).order_by(merges.c.id.desc())).all()
    views = []
    for row in found:
        snapshot = json.loads(row.snapshot)
        merged = _names(snapshot["deleted"].get("people", []))
        gone = {pid for pid, _ in merged}
        kept = [p for p in _names(snapshot["updated"].get("people", [])) if p[0] not in gone]
        views.append(MergeView(row.id, row.created_at, row.kind, row.undone_at, kept, merged))
    return views

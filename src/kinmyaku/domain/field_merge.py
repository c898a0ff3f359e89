"""Three-way merge of a contact's fields: what to keep when both sides changed a contact.

Used by the CardDAV client (services/dav_client.py: ours = kinmyaku, theirs = the remote
address book) and by the CardDAV server (ours = kinmyaku, theirs = the phone's card).  A
contact is a mapping of field name to a plain value: a text (``""`` when empty) or a tuple
of texts for the fields that hold several values (e-mails, phones, URLs, addresses).
``base`` is the contact as both sides last agreed on it (the last sync).

The rule, field by field (values compared after :func:`comparable`: width, spaces, case of
e-mails, the punctuation and +81 prefix of phone numbers do not count as a change):

1. Changed on one side only: that side's value.  Changed alike on both: that value.
2. A list (e-mails, phones, URLs, addresses) merges item by item: an item added on either
   side is added (after ours, in theirs' order), an item removed on either side is removed.
3. A text changed differently on both sides is a *conflict*: a value beats an emptied field
   (no information is lost to a clear), and between two values **ours (kinmyaku's) wins**.
   The losing value is returned in :attr:`FieldMerge.conflicts` for the caller to keep in
   the person's history, with the base and both values.
4. The name parts move together (family and given name; the two readings): a name changed
   on both sides takes one side's whole name by rule 3, never half of each.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

Value = str | tuple[str, ...]
Fields = Mapping[str, Value]

LIST_FIELDS = frozenset({"emails", "phones", "urls", "addresses"})
"""Fields holding several values (a tuple of texts)."""
GROUPS: tuple[tuple[str, ...], ...] = (
    ("family_name", "given_name"),
    ("family_reading", "given_reading"),
)
"""Fields that change together (rule 4)."""

_SPACES = re.compile(r"\s+")
_NOT_DIAL = re.compile(r"[^0-9+]")


@dataclass(frozen=True, slots=True)
class FieldConflict:
    """A field both sides changed differently: the base, both values and the one kept."""

    field: str
    base: Value
    ours: Value
    theirs: Value
    kept: Value


@dataclass(frozen=True, slots=True)
class FieldMerge:
    """The merged contact, its conflicts and which side each differs from."""

    fields: dict[str, Value]
    conflicts: tuple[FieldConflict, ...]
    ours_changed: tuple[str, ...]
    """Fields where the merge differs from ours: ours must take them."""
    theirs_changed: tuple[str, ...]
    """Fields where the merge differs from theirs: theirs must take them."""


def comparable(field: str, value: str) -> str:
    """A value as compared: NFKC, single spaces; e-mails case-folded, phones as digits."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()
    if field == "emails":
        return text.casefold()
    if field == "phones":
        digits = _NOT_DIAL.sub("", text)
        return "0" + digits[3:] if digits.startswith("+81") else digits
    if field == "urls":
        return text.rstrip("/")
    return text


def _key(field: str, value: Value) -> Value:
    if isinstance(value, tuple):
        return tuple(comparable(field, v) for v in value)
    return comparable(field, value)


def same(field: str, a: Value, b: Value) -> bool:
    """True when two values of a field are the same after :func:`comparable`."""
    if field in LIST_FIELDS:
        return sorted(_key(field, _items(a))) == sorted(_key(field, _items(b)))
    return _key(field, a) == _key(field, b)


def same_fields(a: Fields, b: Fields) -> bool:
    """True when two contacts hold the same values (every field of either)."""
    return all(same(f, a.get(f, _empty(f)), b.get(f, _empty(f))) for f in {*a, *b})


def _empty(field: str) -> Value:
    return () if field in LIST_FIELDS else ""


def _items(value: Value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else ((value,) if value else ())


def _merge_list(field: str, base: Value, ours: Value, theirs: Value) -> tuple[str, ...]:
    base_keys = {comparable(field, v) for v in _items(base)}
    our_keys = {comparable(field, v) for v in _items(ours)}
    their_keys = {comparable(field, v) for v in _items(theirs)}
    kept = [v for v in _items(ours) if comparable(field, v) not in base_keys - their_keys]
    seen = set(our_keys)
    for value in _items(theirs):
        key = comparable(field, value)
        if key not in base_keys and key not in seen:
            kept.append(value)
            seen.add(key)
    return tuple(kept)


def _filled(value: Value) -> bool:
    return bool(_items(value)) if isinstance(value, tuple) else bool(value.strip())


def _merge_unit(
    names: tuple[str, ...], base: Fields, ours: Fields, theirs: Fields
) -> tuple[dict[str, Value], list[FieldConflict]]:
    """Merge fields that move together (one text field is a unit of one)."""
    pick = {n: (base.get(n, ""), ours.get(n, ""), theirs.get(n, "")) for n in names}
    if all(same(n, o, t) for n, (_, o, t) in pick.items()):
        return {n: o for n, (_, o, _) in pick.items()}, []
    if all(same(n, b, o) for n, (b, o, _) in pick.items()):
        return {n: t for n, (_, _, t) in pick.items()}, []
    if all(same(n, b, t) for n, (b, _, t) in pick.items()):
        return {n: o for n, (_, o, _) in pick.items()}, []
    ours_filled = any(_filled(o) for _, o, _ in pick.values())
    side = 1 if ours_filled else 2
    kept = {n: values[side] for n, values in pick.items()}
    conflicts = [
        FieldConflict(n, b, o, t, kept[n]) for n, (b, o, t) in pick.items() if not same(n, o, t)
    ]
    return kept, conflicts


def merge_fields(base: Fields, ours: Fields, theirs: Fields) -> FieldMerge:
    """Merge two changed versions of a contact against their common base (the rule above)."""
    names = sorted({*base, *ours, *theirs})
    merged: dict[str, Value] = {}
    conflicts: list[FieldConflict] = []
    grouped = {n for group in GROUPS for n in group}
    units: list[tuple[str, ...]] = [g for g in GROUPS if any(n in names for n in g)]
    units += [(n,) for n in names if n not in grouped and n not in LIST_FIELDS]
    for unit in units:
        kept, found = _merge_unit(unit, base, ours, theirs)
        merged.update(kept)
        conflicts += found
    for name in names:
        if name in LIST_FIELDS:
            merged[name] = _merge_list(
                name, base.get(name, ()), ours.get(name, ()), theirs.get(name, ())
            )
    return FieldMerge(
        fields=merged,
        conflicts=tuple(conflicts),
        ours_changed=tuple(n for n in names if not same(n, merged[n], ours.get(n, _empty(n)))),
        theirs_changed=tuple(n for n in names if not same(n, merged[n], theirs.get(n, _empty(n)))),
    )

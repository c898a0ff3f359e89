"""The three-way merge of a contact's fields (domain/field_merge.py): the documented rule."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kinmyaku.domain.field_merge import comparable, merge_fields, same, same_fields

BASE = {
    "family_name": "佐藤",
    "given_name": "一郎",
    "title": "部長",
    "emails": ("ichiro@example.jp",),
    "phones": ("090-1234-5678",),
}


def test_a_change_on_one_side_is_taken() -> None:
    theirs = {**BASE, "title": "専務"}
    merged = merge_fields(BASE, BASE, theirs)
    assert merged.fields["title"] == "専務"
    assert merged.ours_changed == ("title",) and merged.theirs_changed == ()
    assert merged.conflicts == ()
    assert merge_fields(BASE, theirs, BASE).fields["title"] == "専務"


def test_both_sides_change_a_text_kinmyaku_wins_and_both_are_reported() -> None:
    merged = merge_fields(BASE, {**BASE, "title": "社長"}, {**BASE, "title": "専務"})
    assert merged.fields["title"] == "社長"
    (conflict,) = merged.conflicts
    assert (conflict.field, conflict.base, conflict.ours, conflict.theirs, conflict.kept) == (
        "title",
        "部長",
        "社長",
        "専務",
        "社長",
    )
    assert merged.theirs_changed == ("title",)


def test_a_value_beats_a_cleared_field() -> None:
    merged = merge_fields(BASE, {**BASE, "title": ""}, {**BASE, "title": "専務"})
    assert merged.fields["title"] == "専務"
    assert merged.conflicts[0].kept == "専務"


def test_lists_merge_item_by_item() -> None:
    ours = {**BASE, "emails": ("ichiro@example.jp", "sato@example.com"), "phones": ()}
    theirs = {
        **BASE,
        "emails": ("ichiro@example.jp", "ichiro@work.example"),
        "phones": BASE["phones"],
    }
    merged = merge_fields(BASE, ours, theirs)
    assert merged.fields["emails"] == (
        "ichiro@example.jp",
        "sato@example.com",
        "ichiro@work.example",
    )
    assert merged.fields["phones"] == ()  # removed here, untouched there: removed
    assert merged.conflicts == ()


def test_the_name_moves_as_one() -> None:
    ours = {**BASE, "family_name": "鈴木"}
    theirs = {**BASE, "given_name": "一朗"}
    merged = merge_fields(BASE, ours, theirs)
    assert (merged.fields["family_name"], merged.fields["given_name"]) == ("鈴木", "一郎")
    assert {c.field for c in merged.conflicts} == {"family_name", "given_name"}


def test_spelling_of_the_same_value_is_no_change() -> None:
    assert comparable("phones", "+81 90-1234-5678") == comparable("phones", "090 1234 5678")
    assert same("emails", "Ichiro@Example.JP", "ichiro@example.jp")
    assert same("family_name", "ｻﾄｳ", "サトウ")
    assert same_fields({"phones": ("+819012345678",)}, {"phones": ("090-1234-5678",)})
    merged = merge_fields(BASE, BASE, {**BASE, "phones": ("+81 90 1234 5678",)})
    assert merged.ours_changed == ()


texts = st.sampled_from(["", "a", "b", "c"])
lists = st.lists(st.sampled_from(["x@a.jp", "y@a.jp", "z@a.jp"]), unique=True).map(tuple)
contacts = st.fixed_dictionaries({"title": texts, "nickname": texts, "emails": lists})


@given(contacts, contacts)
def test_one_side_unchanged_gives_the_other(base: dict, other: dict) -> None:
    assert same_fields(merge_fields(base, base, other).fields, other)
    assert same_fields(merge_fields(base, other, base).fields, other)


@given(contacts, contacts, contacts)
def test_merge_is_stable(base: dict, ours: dict, theirs: dict) -> None:
    merged = merge_fields(base, ours, theirs).fields
    again = merge_fields(base, merged, merged)
    assert same_fields(again.fields, merged) and again.conflicts == ()
    for name in ("title", "nickname"):
        assert merged[name] in (ours[name], theirs[name])

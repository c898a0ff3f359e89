"""domain/limits.py: one table of text limits, used by the widgets, the API schemas, the
services and docs/limits.md; messages name the field and the limit in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel
from starlette.datastructures import FormData

from kinmyaku.domain import limits
from kinmyaku.domain.errors import ValidationError
from kinmyaku.domain.validate import ValidationErrors, sns_url
from kinmyaku.i18n import error_text
from kinmyaku.web import forms, schemas, widgets

DOC = Path(__file__).resolve().parents[2] / "docs" / "limits.md"


def test_the_table_has_the_figures_the_issue_asks_for() -> None:
    wanted = {"family_name": 100, "company": 200, "title": 100, "memory_cue": 500,
              "notes": 10_000, "goal": 1000, "note": 2000}  # fmt: skip
    assert {k: limits.limit_of(k) for k in wanted} == wanted
    assert limits.limit_of("anything else") == limits.DEFAULT == 10_000


def test_docs_list_every_field_with_its_limit() -> None:
    text = DOC.read_text(encoding="utf-8")
    for field, (most, _label) in limits.TABLE.items():
        assert re.search(rf"\| `{field}` \|.*\| {most:,} \|", text), field


def test_too_long_names_the_field_and_the_limit_in_both_languages() -> None:
    error = limits.TooLong("memory_cue", 501, 500)
    assert error.field == "memory_cue"
    assert error_text("en", error) == "Memory cue is too long: at most 500 characters (501 now)"
    assert (
        error_text("ja", error)
        == "「覚え書き」が長すぎます。500文字以内で入力してください（現在501文字）"
    )


def test_check_lengths_raises_every_value_too_long_at_once() -> None:
    limits.check_lengths({"company": "c" * 200, "title": " t ", "notes": None})  # all fit
    with pytest.raises(limits.TooLong):
        limits.check_lengths({"company": "c" * 201})
    with pytest.raises(ValidationErrors) as caught:
        limits.check_lengths([("company", "c" * 201), ("title", "t" * 101), ("tag", "ok")])
    assert [e.field for e in caught.value.errors] == ["company", "title"]
    assert isinstance(caught.value, ValidationError) and caught.value.field == "company"
    limits.check_lengths({"place": "  " + "p" * 200 + "  "})  # spaces around do not count
    with pytest.raises(limits.TooLong):
        limits.check_lengths({"place": "p" * 201})


def test_api_schemas_take_max_length_from_the_table() -> None:
    checked = 0
    for model in vars(schemas).values():
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        for name, info in model.model_fields.items():
            most = [m.max_length for m in info.metadata if hasattr(m, "max_length")]
            if name in limits.TABLE and most and info.annotation in (str, str | None):
                assert most == [limits.limit_of(name)], f"{model.__name__}.{name}"
                checked += 1
    assert checked >= 30


def test_every_text_widget_has_maxlength_from_the_table() -> None:
    assert 'maxlength="500"' in widgets.field("memory_cue", "Cue", type="textarea")
    assert 'maxlength="100"' in widgets.field("title", "Title")
    assert 'maxlength="254"' in widgets.field("email", "E-mail", type="email")
    assert 'maxlength="10000"' in widgets.field("unknown", "?")
    assert "maxlength" not in widgets.field("on", "Date", type="date")
    assert 'maxlength="7"' in widgets.field("x", "X", limit=7)


def test_prefix_keeps_ids_unique_and_the_label_on_its_field() -> None:
    html = widgets.field("note", "Note", errors={"note": "bad"}, prefix="gt")
    assert '<label for="f-gt-note">' in html and 'id="f-gt-note" name="note"' in html
    assert 'aria-describedby="e-gt-note"' in html and 'id="e-gt-note"' in html
    select = widgets.select("kind", "Kind", [("a", "A")], prefix="log")
    assert '<label for="f-log-kind">' in select and '<select id="f-log-kind" name="kind">' in select


def test_summary_lists_every_error_with_a_link_when_several_fields_are_wrong() -> None:
    errors = {"company": "too long", "title": "also too long", "": "whole form"}
    html = widgets.form_errors(errors, ("company", "title"), prefix="p")
    assert html.startswith('<div class="alert" role="alert">')
    assert '<a href="#f-p-company">too long</a>' in html and '<a href="#f-p-title">' in html
    assert "whole form" in html
    assert widgets.form_errors({"company": "x"}, ("company",)) == ""  # shown by its field


def test_a_form_raises_all_its_fields_too_long_at_once() -> None:
    form = FormData([("company", "c" * 201), ("title", "t" * 101), ("given_name", "健太")])
    assert forms.text(form, "given_name") == "健太"  # a field that fits reads as usual
    with pytest.raises(ValidationErrors) as caught:
        forms.text(form, "company")
    assert {e.field for e in caught.value.errors} == {"company", "title"}


def test_check_collects_empty_bad_email_phone_and_date_at_once() -> None:
    form = FormData([("family_name", ""), ("email", "x@"), ("phone", "12"), ("met_on", "昨日")])
    with pytest.raises(ValidationErrors) as caught:
        forms.check(form, required=("family_name",), emails=("email",), phones=("phone",),
                    dates=("met_on",))  # fmt: skip
    assert [e.field for e in caught.value.errors] == ["family_name", "email", "phone", "met_on"]
    forms.check(FormData([("family_name", "森"), ("email", "")]), required=("family_name",),
                emails=("email",))  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "handle", "url"),
    [
        ("x", "@kenta_t", "https://x.com/kenta_t"),
        ("line", "kenta.t", "https://line.me/ti/p/~kenta.t"),
        ("facebook", "kenta.takahashi", "https://www.facebook.com/kenta.takahashi"),
        ("linkedin", "kenta-takahashi", "https://www.linkedin.com/in/kenta-takahashi"),
        ("x", "https://x.com/kenta", "https://x.com/kenta"),  # an address is kept
        ("x", "＠ｋｅｎｔａ", "https://x.com/kenta"),  # full-width, as a phone may type it
    ],
)
def test_sns_handles_become_profile_addresses(kind: str, handle: str, url: str) -> None:
    assert sns_url(kind, handle) == url


def test_bad_sns_handles_are_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        sns_url("x", "kenta takahashi")
    assert caught.value.field == "handle"
    with pytest.raises(ValidationError):
        sns_url("myspace", "kenta")

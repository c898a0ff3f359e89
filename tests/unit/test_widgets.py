"""The form widgets: labelled, accessible and escaped markup."""

from __future__ import annotations

from markupsafe import Markup

from kinmyaku.web import widgets


def test_field_labels_its_input_and_escapes_the_value() -> None:
    html = widgets.field("company", "会社", '<b>"A&B"</b>')
    assert isinstance(html, Markup)
    assert '<label for="f-company">会社</label>' in html
    assert 'id="f-company" name="company" type="text"' in html
    assert 'value="&lt;b&gt;&#34;A&amp;B&#34;&lt;/b&gt;"' in html
    assert "<b>" not in html


def test_field_with_an_error_is_marked_invalid_and_points_at_the_message() -> None:
    html = widgets.field("email", "E-mail", "x", {"email": "形式が違います"}, hint="例")
    assert 'class="field invalid"' in html
    assert 'aria-invalid="true" aria-describedby="e-email"' in html
    assert '<p id="e-email" class="error" role="alert">形式が違います</p>' in html
    assert 'aria-describedby="h-email"' not in html  # the error wins over the hint


def test_field_hint_required_none_and_extra_attributes() -> None:
    html = widgets.field(
        "family_name", "姓", None, required=True, hint="漢字で", attrs={"autocomplete": "off"}
    )
    assert 'value=""' in html  # None shows as empty, not "None"
    assert " required" in html and '<span class="req" aria-hidden="true">*</span>' in html
    assert 'aria-describedby="h-family_name"' in html
    assert '<small id="h-family_name" class="hint">漢字で</small>' in html
    assert 'autocomplete="off"' in html


def test_textarea_holds_its_escaped_text() -> None:
    html = widgets.field("notes", "メモ", "a < b", type="textarea")
    assert (
        '<textarea id="f-notes" name="notes" rows="3" maxlength="10000">a &lt; b</textarea>' in html
    )
    assert "<input" not in html


def test_select_marks_the_chosen_option_comparing_as_text() -> None:
    html = widgets.select("event_id", "イベント", [(1, "交流会"), (2, "<勉強会>")], selected="2")
    assert '<option value="1">交流会</option>' in html
    assert '<option value="2" selected>&lt;勉強会&gt;</option>' in html
    assert html.count("selected") == 1


def test_select_blank_first_and_error() -> None:
    html = widgets.select("kind", "種類", [("a", "A")], blank="—", errors={"kind": "必須"})
    assert html.index('<option value="">—</option>') < html.index('<option value="a">')
    assert 'aria-invalid="true" aria-describedby="e-kind"' in html
    assert 'role="alert">必須</p>' in html


def test_form_errors_lists_only_errors_of_fields_not_shown_sorted_by_field() -> None:
    html = widgets.form_errors({"b": "two", "": "whole form", "A": "one", "x": "x!"}, ("x",))
    assert html.startswith('<div class="alert" role="alert">')
    assert html.index("whole form") < html.index("one") < html.index("two")
    assert "x!" not in html
    assert widgets.form_errors({"x": "shown by its field"}, ("x",)) == ""


def test_csrf_and_avatar() -> None:
    assert widgets.csrf('a"b') == '<input type="hidden" name="csrf_token" value="a&#34;b">'
    photo = widgets.avatar("abc.jpg", "佐藤", "large")
    assert '<img class="avatar large" src="/photos/abc.jpg"' in photo
    initial = widgets.avatar(None, "<佐藤>")
    assert 'aria-hidden="true">&lt;</span>' in initial
    assert ">?</span>" in widgets.avatar(None, "")

"""Limits on the web (forms and JSON API) and the CLI, every error of a form at once, and
quick add's phone, e-mail, SNS handle and introducer (紹介者) type-ahead."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kinmyaku.bootstrap import App
from kinmyaku.cli.main import app as cli
from kinmyaku.domain.limits import limit_of
from kinmyaku.services.people import show_person
from kinmyaku.services.relations import record_exchange


def quick(client: TestClient, csrf: str, **fields: str) -> object:
    """Post the quick-add form with ``fields`` (the rest empty)."""
    data = {"csrf_token": csrf, "family_name": "", "event": "", "met_on": "2024-03-15"}
    data.update(fields)
    return client.post("/people", data=data, follow_redirects=False)


def test_quick_add_records_phone_email_sns_and_the_introducer(
    client: TestClient, core: App, csrf: str, takahashi: int
) -> None:
    answer = quick(
        client, csrf, family_name="山口", given_name="拓也", phone="090-1234-5678",
        email="takuya@example.jp", sns="x", handle="@takuya_y",
        introducer=f"高橋 健太 #{takahashi}", memory_cue="赤い眼鏡",
    )  # fmt: skip
    assert answer.status_code == 303  # type: ignore[attr-defined]
    new_id = int(answer.headers["location"].rpartition("=")[2])  # type: ignore[attr-defined]
    person = show_person(core.uow(), new_id)
    kinds = {(c["kind"], c["value"]) for c in person.contacts}
    assert ("phone", "090-1234-5678") in kinds
    assert ("email", "takuya@example.jp") in kinds
    assert ("url", "https://x.com/takuya_y") in kinds
    (met,) = person.encounters
    assert met["introducer_id"] == takahashi and met["channel"] == "introduction"
    assert met["memory_cue"] == "赤い眼鏡"
    shown = client.get(f"/people/{new_id}").text
    assert "紹介者" in shown or "紹介" in shown
    assert f'href="/people/{takahashi}"' in shown  # introduced by 高橋, linked


def test_quick_add_introducer_typed_as_a_name_and_line_id(
    client: TestClient, core: App, csrf: str, takahashi: int
) -> None:
    answer = quick(
        client, csrf, family_name="森", sns="line", handle="mori.line", introducer="たかはし"
    )
    assert answer.status_code == 303  # type: ignore[attr-defined]
    new_id = int(answer.headers["location"].rpartition("=")[2])  # type: ignore[attr-defined]
    person = show_person(core.uow(), new_id)
    assert person.encounters[0]["introducer_id"] == takahashi
    assert any(c["value"] == "https://line.me/ti/p/~mori.line" for c in person.contacts)


def test_introducer_suggestions_are_datalist_options(client: TestClient, takahashi: int) -> None:
    answer = client.get("/people/suggest", params={"introducer": "takahashi"})
    assert answer.status_code == 200
    assert f'<option value="高橋 健太 #{takahashi}">株式会社みらい</option>' in answer.text
    assert client.get("/people/suggest", params={"q": ""}).text.strip() == ""
    assert "<option" not in client.get("/people/suggest", params={"q": "誰もいない人"}).text


def test_quick_add_form_has_the_new_fields_maxlength_and_a_sticky_save(
    client: TestClient,
) -> None:
    page = client.get("/people/new").text
    for name in ("phone", "email", "handle", "introducer", "memory_cue", "family_name"):
        assert re.search(rf'name="{name}"[^>]* maxlength="{limit_of(name)}"', page), name
    assert 'list="introducer-list"' in page and '<datalist id="introducer-list">' in page
    assert 'hx-get="/people/suggest"' in page
    assert '<select id="f-sns" name="sns">' in page
    assert '<div class="save-bar">' in page and "/static/css/quickadd.css" in page


def test_every_error_of_the_quick_add_form_at_once(
    client: TestClient, csrf: str, takahashi: int
) -> None:
    answer = quick(
        client, csrf, family_name="", company="社" * 201, email="not-an-email",
        memory_cue="x" * 501, phone="12",
    )  # fmt: skip
    assert answer.status_code == 422  # type: ignore[attr-defined]
    html = answer.text  # type: ignore[attr-defined]
    for field in ("family_name", "company", "email", "memory_cue", "phone"):
        assert f'id="e-{field}"' in html, field
        assert re.search(rf'name="{field}"[^>]* aria-invalid="true"', html), field
    assert "「会社」が長すぎます。200文字以内で入力してください（現在201文字）" in html
    assert "「覚え書き」が長すぎます。500文字以内で入力してください（現在501文字）" in html
    summary = html[html.index('<div class="alert" role="alert">') :]
    assert summary.index('href="#f-company"') < summary.index("</div>")
    assert summary.count("<a href=") >= 2


def test_quick_add_unknown_introducer_or_bad_handle_is_shown_by_its_field(
    client: TestClient, csrf: str, takahashi: int
) -> None:
    answer = quick(client, csrf, family_name="森", introducer="存在しない人", sns="x", handle="a b")
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert 'id="e-introducer"' in answer.text  # type: ignore[attr-defined]
    assert 'id="e-handle"' in answer.text  # type: ignore[attr-defined]
    assert 'value="存在しない人"' in answer.text  # type: ignore[attr-defined]


def test_person_page_ids_are_unique_and_every_label_names_a_field(
    client: TestClient, core: App, takahashi: int
) -> None:
    record_exchange(core.uow(), person_id=takahashi, on=core.today(), direction="gave", weight=3)
    html = client.get(f"/people/{takahashi}").text
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    for target in re.findall(r'<label for="([^"]+)"', html):
        assert ids[target] == 1, target
    assert 'class="weight" role="img" aria-label=' in html
    for name in ("summary", "note", "what", "goal", "memory_cue", "notes"):
        assert re.search(rf'name="{name}"[^>]* maxlength="{limit_of(name)}"', html), name


def test_person_forms_refuse_long_text_naming_field_and_limit(
    client: TestClient, csrf: str, takahashi: int
) -> None:
    base = f"/people/{takahashi}"
    answer = client.post(
        base + "/interactions",
        data={"csrf_token": csrf, "summary": "あ" * 5001, "on": "2024-03-15"},
    )
    assert answer.status_code == 422
    assert 'id="e-log-summary"' in answer.text
    assert "「話した内容」が長すぎます。5000文字以内で入力してください" in answer.text
    both = client.post(
        base + "/profile",
        data={"csrf_token": csrf, "family_name": "高橋", "title": "t" * 101, "notes": "n" * 10_001},
    )
    assert both.status_code == 422
    assert 'id="e-title"' in both.text and 'id="e-notes"' in both.text  # both at once
    formats = client.post(
        base + "/profile",
        data={"csrf_token": csrf, "family_name": "高橋", "email": "x@", "phone": "12"},
    )
    assert formats.status_code == 422
    assert 'id="e-email"' in formats.text and 'id="e-phone"' in formats.text


def test_api_refuses_long_text_with_the_field_and_limit(api: TestClient) -> None:
    answer = api.post("/api/people", json={"family_name": "森", "company": "c" * 201})
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["field"] == "company"
    assert "「会社」が長すぎます。200文字以内" in error["message"]
    english = api.post(
        "/api/events",
        json={"name": "勉強会", "on": "2024-03-20", "goal": "g" * 1001},
        headers={"Accept-Language": "en"},
    )
    assert english.status_code == 422
    assert (
        "Goal is too long: at most 1000 characters (1001 now)" in english.json()["error"]["message"]
    )


def test_cli_refuses_long_text_with_the_field_and_limit(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.sqlite3")
    result = CliRunner().invoke(
        cli, ["--db", db, "--lang", "ja", "add", "森", "--title", "t" * 101]
    )
    assert result.exit_code == 1
    assert "「役職」が長すぎます。100文字以内で入力してください（現在101文字）" in result.stderr
    english = CliRunner().invoke(
        cli, ["--db", db, "--lang", "en", "event", "add", "会", "--date", "2024-03-01",
              "--goal", "g" * 1001],
    )  # fmt: skip
    assert english.exit_code == 1
    assert "Goal is too long: at most 1000 characters (1001 now)" in english.stderr

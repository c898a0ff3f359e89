"""The requests page as two lists, each with its count: what I owe (they asked me) and what I
asked of others; and web pages that speak no command-line flags.  SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from kinmyaku.bootstrap import open_app
from kinmyaku.config import Settings
from kinmyaku.domain.errors import NotFound
from kinmyaku.i18n import error_text
from kinmyaku.services import relations
from kinmyaku.services.importing import ImportFailed
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.web.app import create_app
from kinmyaku.web.i18n import web_wording

TODAY = date(2024, 3, 15)


@pytest.fixture
def page_client(database_url: str) -> Iterator[TestClient]:
    """A client on a fresh database with three requests: one asked of me, two I asked."""
    core = open_app(Settings(database_url=database_url, language="ja", today=TODAY.isoformat()))
    uow = core.uow
    tanaka = add_person(uow(), PersonInput(family_name="田中", given_name="大輔"))
    ito = add_person(uow(), PersonInput(family_name="伊藤", given_name="愛"))
    relations.open_request(
        uow(), person_id=tanaka, side="theirs", what="エンジニアの紹介",
        asked_on=date(2024, 3, 8), due_on=date(2024, 3, 18),
    )  # fmt: skip
    relations.open_request(
        uow(), person_id=ito, side="mine", what="研究室の見学",
        asked_on=date(2024, 3, 1), due_on=date(2024, 3, 12),
    )  # fmt: skip
    relations.open_request(
        uow(), person_id=ito, side="mine", what="資料の送付", asked_on=date(2024, 3, 2)
    )
    with TestClient(create_app(core), base_url="http://127.0.0.1") as client:
        yield client
    core.close()


def section(html: str, side: str) -> str:
    """The HTML of one list (``theirs``: what I owe, ``mine``: what I asked)."""
    start = html.index(f'id="req-{side}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_what_i_owe_and_what_i_asked_are_two_lists(page_client: TestClient) -> None:
    html = page_client.get("/requests").text
    owe, asked = section(html, "theirs"), section(html, "mine")
    assert "自分がやること" in owe and "1件" in owe
    assert "エンジニアの紹介" in owe and "田中 大輔さんから" in owe and "研究室の見学" not in owe
    assert "期限 2024年3月18日" in owe and "2024年3月8日に依頼" in owe
    assert "お願いしたこと" in asked and "2件" in asked
    assert "研究室の見学" in asked and "資料の送付" in asked and "伊藤 愛さんへ" in asked
    assert "期限 2024年3月12日 · 期限切れ" in asked  # overdue: due before today
    assert "エンジニアの紹介" not in asked
    assert "2024-03" not in html.split("<main", 1)[1].split("</main>")[0]


def test_one_list_alone_and_in_english(page_client: TestClient) -> None:
    only = page_client.get("/requests?side=theirs").text
    assert 'id="req-theirs"' in only and 'id="req-mine"' not in only
    assert "両方の一覧を表示" in only
    english = page_client.get("/requests", headers={"Accept-Language": "en"}).text
    assert "What I owe" in english and "What I asked of others" in english
    assert "1 item<" in english and "2 items<" in english
    assert "asked by 田中 大輔" in english and "due Mar 18, 2024" in english
    done = page_client.get("/requests?status=done").text
    assert section(done, "theirs").count("<li") == 0 and "該当する依頼はありません。" in done


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_web_messages_name_no_command_line_flag(lang: str) -> None:
    failed = ImportFailed(
        "Nothing was imported. {reason} (use --skip-bad to skip bad records)", reason="x"
    )
    assert "--skip-bad" in error_text(lang, failed)  # the CLI keeps its flag
    worded = error_text(lang, web_wording(failed))
    assert "--" not in worded and "x" in worded
    gone = NotFound(
        "Person #{id}, whom queued record {queue} may be, is no longer stored; "
        "choose a person with --into",
        id=3,
        queue=4,
    )
    assert "--" not in error_text(lang, web_wording(gone)) and "#3" in error_text(lang, gone)
    assert web_wording(NotFound("No request with id {id}", id=1)).msgid.startswith("No request")

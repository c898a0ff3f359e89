"""名刺 capture in the browser with real tesseract on rendered cards: scan → review → save,
a stack from the import page, the job-change question, the JSON API, and bad input.

Real OCR takes seconds a card: these tests read three cards in all (the others post the
review form, or refuse before the OCR runs)."""

from __future__ import annotations

import io
import re
from functools import lru_cache
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from generators.cards import Card, make_card
from kinmyaku.bootstrap import App
from kinmyaku.domain.cards.labels import digits_of
from kinmyaku.services import photos
from kinmyaku.services.card_store import card_images_of
from kinmyaku.services.people import PersonInput, add_person, show_person


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@lru_cache(maxsize=2)
def rendered() -> Card:
    """A horizontal card (a tel line, an e-mail, an address), drawn by the test generator."""
    return next(c for c in map(make_card, range(1, 60)) if c.kind == "left")


def hidden(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]*)"', html)


def review_form(card: Card, csrf: str, **more: Any) -> dict[str, Any]:
    """The review form as a person would send it, the card's true values typed in."""
    truth = card.truth
    form: dict[str, Any] = {
        "csrf_token": csrf,
        "family_name": truth["family_name"],
        "given_name": truth["given_name"],
        "company": truth["company"],
        "email": truth["emails"],
        "phone_kind": [p["kind"] for p in truth["phones"]],
        "phone": [p["number"] for p in truth["phones"]],
        "address": truth["address"],
        "into": "",
    }
    form.update(more)
    return form


def test_quick_add_offers_the_camera_and_the_import_page_a_stack(client: TestClient) -> None:
    page = client.get("/people/new").text
    assert "名刺を撮る" in page
    assert 'accept="image/*" capture="environment"' in page
    assert 'action="/cards/scan"' in page and 'name="back"' in page
    assert 'name="family_name"' in page  # manual entry is still there
    stack = client.get("/import").text
    assert 'action="/cards/stack"' in stack and 'name="cards"' in stack and "multiple" in stack


def test_scan_review_save_with_event_and_cue(client: TestClient, csrf: str, core: App) -> None:
    card = rendered()
    sent = client.post(
        "/cards/scan",
        data={"csrf_token": csrf},
        files={"front": ("card.png", png(card.sides[0]), "image/png")},
    )
    assert sent.status_code == 200, sent.text
    page = sent.text
    assert "名刺の内容を確認" in page
    ids = hidden(page, "image")
    assert len(ids) == 1
    assert f'src="/cards/images/{ids[0]}"' in page
    shown = client.get(f"/cards/images/{ids[0]}")
    assert shown.headers["content-type"] == "image/jpeg"
    assert f'value="{card.truth["emails"][0]}"' in page  # the read e-mail, ready to edit
    assert 'name="csrf_token"' in page and 'action="/cards/save"' in page
    assert 'name="memory_cue"' in page and 'name="introducer"' in page
    refused = client.post("/cards/save", data=review_form(card, "wrong", image=ids))
    assert refused.status_code == 403

    saved = client.post(
        "/cards/save",
        data=review_form(card, csrf, image=ids, memory_cue="青いネクタイ"),
        follow_redirects=False,
    )
    assert saved.status_code == 303
    done = client.get(saved.headers["location"]).text
    name = f"{card.truth['family_name']} {card.truth['given_name']}"
    assert "名刺を保存しました" in done and name in done
    person = show_person(core.uow(), 1).to_json()
    assert card.truth["emails"][0] in [c["value"] for c in person["contacts"]]
    assert "青いネクタイ" in str(person["encounters"])
    assert [i.side for i in card_images_of(core.uow(), person_id=1)] == ["front"]
    fragment = client.get("/people/1/cards").text
    assert f"/cards/images/{ids[0]}" in fragment


def stored_at_an_old_company(core: App, truth: dict[str, Any]) -> int:
    """The card's person, stored earlier with its main line at another company."""
    tel = next(p["number"] for p in truth["phones"] if p["kind"] == "tel")
    return add_person(
        core.uow(),
        PersonInput(
            family_name=truth["family_name"],
            given_name=truth["given_name"],
            company="株式会社むかし",
            phones=[tel],
        ),
    )


def test_a_stored_person_is_offered_with_the_job_change_question(
    client: TestClient, csrf: str, core: App
) -> None:
    card = rendered()
    truth = card.truth
    pid = stored_at_an_old_company(core, truth)
    form = review_form(card, csrf)
    form.pop("into")
    again = client.post("/cards/review", data=form).text  # the review screen, no OCR
    assert "転職されましたか？" in again
    assert "株式会社むかし → " + truth["company"] in again
    assert re.search(rf'name="into" value="{pid}"\s+checked', again)  # the engine is sure

    saved = client.post(
        "/cards/save", data=review_form(card, csrf, into=str(pid)), follow_redirects=False
    )
    done = client.get(saved.headers["location"]).text
    assert "転職されましたか？" in done and "記録しました：株式会社むかし → " in done
    undo = re.search(r'action="/import/(\d+)/undo"', done)
    assert undo is not None
    profile = show_person(core.uow(), pid).to_json()
    assert profile["company"] == truth["company"]
    client.post(f"/import/{undo.group(1)}/undo", data={"csrf_token": csrf})
    assert show_person(core.uow(), pid).to_json()["company"] == "株式会社むかし"


def test_review_errors_are_shown_by_their_field(client: TestClient, csrf: str) -> None:
    form = review_form(rendered(), csrf, family_name="", email=["not-an-email"])
    page = client.post("/cards/save", data=form)
    assert page.status_code == 422
    assert 'id="e-family_name"' in page.text
    assert "not-an-email" in page.text  # what was typed stays


def test_a_stack_of_cards_lists_each_to_review(client: TestClient, csrf: str, core: App) -> None:
    card = rendered()
    files = [
        ("cards", ("a.png", png(card.sides[0]), "image/png")),
        ("cards", ("notes.txt", b"not a picture", "text/plain")),
    ]
    page = client.post("/cards/stack", data={"csrf_token": csrf}, files=files)
    assert page.status_code == 200
    assert page.text.count('class="card stack-item"') == 2
    assert "画像ファイルではありません" in page.text
    assert card.truth["family_name"] in page.text
    ids = hidden(page.text, "image")
    saved = client.post(
        "/cards/save",
        data=review_form(card, csrf, image=ids, stack="1"),
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200
    assert 'id="stack-1"' in saved.text and "を追加しました" in saved.text
    assert len(card_images_of(core.uow(), person_id=1)) == 1


@pytest.mark.parametrize(
    ("files", "expected", "status"),
    [
        ({"front": ("x.png", b"plain text", "image/png")}, "画像ファイルではありません", 422),
        ({}, "名刺の写真を選ぶか撮影してください", 422),
        (
            {"front": ("big.jpg", b"\xff" * (photos.MAX_BYTES + 1), "image/jpeg")},
            "10 MB を超えています",
            422,
        ),
    ],
)
def test_bad_uploads_are_refused_on_the_quick_add_page(
    client: TestClient, csrf: str, files: dict[str, Any], expected: str, status: int
) -> None:
    page = client.post("/cards/scan", data={"csrf_token": csrf}, files=files or None)
    assert page.status_code == status
    assert expected in page.text
    assert 'name="family_name"' in page.text  # manual entry right there


def test_a_picture_without_a_card_and_a_missing_engine(
    client: TestClient, csrf: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    blank = png(Image.new("RGB", (800, 500), (60, 60, 60)))
    page = client.post("/cards/scan", data={"csrf_token": csrf}, files={"front": ("b.png", blank)})
    assert page.status_code == 422 and "名刺が見つかりませんでした" in page.text
    monkeypatch.setattr("kinmyaku.services.card_ocr.shutil.which", lambda name: None)
    page = client.post("/cards/scan", data={"csrf_token": csrf}, files={"front": ("b.png", blank)})
    assert page.status_code == 503
    assert "tesseract" in page.text and "apt-get install" in page.text
    assert 'name="family_name"' in page.text


def test_a_too_large_request_is_refused_before_it_is_read(client: TestClient, csrf: str) -> None:
    body = b"x" * (22 * 1024 * 1024)
    page = client.post("/cards/scan", data={"csrf_token": csrf}, files={"front": ("big.jpg", body)})
    assert page.status_code == 413


def test_api_scan_then_save_as_an_update(api: TestClient, core: App) -> None:
    card = rendered()
    truth = card.truth
    pid = stored_at_an_old_company(core, truth)
    tel = next(p["number"] for p in truth["phones"] if p["kind"] == "tel")
    read = api.post("/api/cards/scan", files={"front": ("c.png", png(card.sides[0]))})
    assert read.status_code == 200, read.text
    body = read.json()
    assert body["fields"]["emails"] == truth["emails"]
    assert {(p["kind"], digits_of(p["number"])) for p in body["fields"]["phones"]} >= {
        ("tel", digits_of(tel))
    }
    assert body["sure_match"] == pid
    assert body["matches"][0]["job_change"] is True
    fields = {k: v for k, v in body["fields"].items() if k != "confidence"}
    fields.update(family_name=truth["family_name"], given_name=truth["given_name"])
    fields["company"] = truth["company"]
    saved = api.post("/api/cards", json={**fields, "image_ids": body["image_ids"], "into": pid})
    assert saved.status_code == 201, saved.text
    result = saved.json()
    assert result["action"] == "updated" and result["person_id"] == pid
    assert result["job_change"] == {"old": "株式会社むかし", "new": truth["company"]}
    assert "email" in result["added"]
    assert len(card_images_of(core.uow(), person_id=pid)) == 1


def test_api_refuses_bad_input_with_a_message(api: TestClient) -> None:
    bad = api.post("/api/cards/scan", files={"front": ("x.png", b"nope")})
    assert bad.status_code == 422
    assert "not an image" in bad.json()["error"]["message"] or "画像" in bad.text
    wrong = api.post("/api/cards", json={"family_name": "高橋", "emails": ["nope"]})
    assert wrong.status_code == 422
    assert wrong.json()["error"]["field"] == "emails.0"
    unknown = api.post("/api/cards", json={"family_name": "高橋", "into": 999})
    assert unknown.status_code == 404


def test_uncertain_fields_are_marked_in_words_not_only_colour(
    client: TestClient, csrf: str
) -> None:
    form = review_form(rendered(), csrf, uncertain=["given_reading", "phones"])
    page = client.post("/cards/review", data=form).text
    assert re.search(
        r'class="slot unsure">\s*<div class="field">\s*<label for="f-given_reading"', page
    )
    assert 'aria-describedby="h-given_reading"' in page
    assert "要確認：読み取りに自信がありません" in page
    assert 'class="pair phone unsure"' in page
    assert 'id="f-family_name"' in page
    assert not re.search(
        r'class="slot unsure">\s*<div class="field">\s*<label for="f-family_name"', page
    )
    assert hidden(page, "uncertain") == ["given_reading", "phones"]  # kept for the save

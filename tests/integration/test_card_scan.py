"""kinmyaku scan with the real OCR (tesseract) on a few rendered cards; bad input refused."""

from __future__ import annotations

import io
import json
from functools import lru_cache
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from generators.cards import Card, as_photo, make_card
from kinmyaku.cli.main import app
from kinmyaku.domain.cards.labels import digits_of
from kinmyaku.services.card_image import CardImageError
from kinmyaku.services.card_scan import scan_card

runner = CliRunner()


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@lru_cache(maxsize=4)
def horizontal_card() -> Card:
    """The first seeded horizontal card with a tel line."""
    return next(c for c in map(make_card, range(1, 60)) if c.kind == "left")


def test_a_flat_scan_gives_phones_email_and_address() -> None:
    card = horizontal_card()
    fields = scan_card(png(card.sides[0]))
    truth = card.truth
    assert fields.emails == truth["emails"]
    assert {(p["kind"], digits_of(p["number"])) for p in fields.phones} == {
        (p["kind"], digits_of(p["number"])) for p in truth["phones"]
    }
    assert fields.postal_code == truth["postal_code"]
    assert fields.family_name == truth["family_name"]


def test_a_phone_photo_is_found_flattened_and_read() -> None:
    card = horizontal_card()
    fields = scan_card(png(as_photo(card.sides[0], 7)))
    assert fields.postal_code == card.truth["postal_code"]
    assert fields.emails == card.truth["emails"]


def test_bad_input_is_refused_with_a_message() -> None:
    with pytest.raises(CardImageError, match="not an image"):
        scan_card(b"plain text, not a picture")
    with pytest.raises(CardImageError, match="empty"):
        scan_card(b"")
    blank = Image.new("RGB", (800, 500), (60, 60, 60))
    with pytest.raises(CardImageError, match="No business card"):
        scan_card(png(blank))


def test_cli_dry_run_json_then_add_then_duplicate(tmp_path: Path) -> None:
    card = horizontal_card()
    image = tmp_path / "card.png"
    image.write_bytes(png(card.sides[0]))
    db = str(tmp_path / "k.sqlite3")
    base = ["--db", db, "--lang", "en", "--today", "2026-11-26", "scan", str(image)]
    shown = runner.invoke(app, [*base, "--dry-run", "--json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert set(data) >= {"family_name", "phones", "emails", "confidence", "postal_code"}
    added = runner.invoke(app, [*base, "--cue", "赤いメガネ"])
    assert added.exit_code == 0, added.output
    assert "Added #1" in added.output
    again = runner.invoke(app, base)
    assert "Someone similar is already here: #1" in again.output
    listed = runner.invoke(app, ["--db", db, "list", "--json"])
    assert len(json.loads(listed.output)) == 1


def test_cli_says_not_an_image_in_japanese(tmp_path: Path) -> None:
    bad = tmp_path / "x.png"
    bad.write_text("not an image")
    done = runner.invoke(
        app, ["--db", str(tmp_path / "k.sqlite3"), "--lang", "ja", "scan", str(bad)]
    )
    assert done.exit_code == 1
    assert "画像ファイルではありません" in done.output


def test_a_missing_ocr_engine_is_said_in_both_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kinmyaku.services.card_ocr.shutil.which", lambda name: None)
    image = tmp_path / "card.png"
    image.write_bytes(png(horizontal_card().sides[0]))
    db = str(tmp_path / "k.sqlite3")
    for lang, expected in (
        ("en", "needs the OCR engine tesseract"),
        ("ja", "OCR エンジン tesseract"),
    ):
        done = runner.invoke(app, ["--db", db, "--lang", lang, "scan", str(image)])
        assert done.exit_code == 1
        assert expected in done.output
        assert "apt-get install tesseract-ocr" in done.output

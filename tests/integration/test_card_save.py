"""Saving a reviewed card (no OCR here): images kept without EXIF, an update of the matched
person with a job change, undone as an import; forgotten, merged and backed up with them."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from kinmyaku.bootstrap import App
from kinmyaku.domain.cards.lines import CardFields
from kinmyaku.services import backup, events
from kinmyaku.services.card_save import Meeting, add_card, update_card_person
from kinmyaku.services.card_store import card_images_of, get_card_image, store_pending
from kinmyaku.services.forget import forget_person
from kinmyaku.services.identity.merging import merge_people, undo_merge
from kinmyaku.services.import_undo import undo_import
from kinmyaku.services.people import PersonInput, add_person, show_person
from kinmyaku.storage.schema import affiliations, card_images, encounters, provenance


def jpeg_with_exif(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small JPEG carrying EXIF (a camera model and a GPS block)."""
    image = Image.new("RGB", (640, 400), colour)
    exif = Image.Exif()
    exif[0x0110] = "SecretCam 9000"  # Model
    exif[0x8825] = {1: "N", 2: (35.0, 41.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def card(**changes: object) -> CardFields:
    fields = CardFields(
        family_name="高橋",
        given_name="健太",
        family_reading="たかはし",
        given_reading="けんた",
        company="合同会社ミライ",
        department="営業部",
        title="部長",
        emails=["kenta@mirai.jp"],
        phones=[
            {"kind": "mobile", "number": "090-1234-5678"},
            {"kind": "tel", "number": "03-9999-8888"},
            {"kind": "fax", "number": "03-9999-8889"},
        ],
        postal_code="150-0041",
        address="東京都渋谷区神南1-2-3",
    )
    for name, value in changes.items():
        setattr(fields, name, value)
    return fields


@pytest.fixture
def stored(app: App) -> int:
    """高橋 健太 of 株式会社サンプル, with his mobile and his old e-mail."""
    return add_person(
        app.uow(),
        PersonInput(
            family_name="高橋",
            given_name="健太",
            family_reading="たかはし",
            given_reading="けんた",
            company="株式会社サンプル",
            emails=["kenta@sample.co.jp"],
            phones=["090-1234-5678"],
        ),
    )


def count(app: App, table: Any, *where: Any) -> int:
    with app.uow() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar())


def test_sides_are_kept_without_exif_and_attached_on_save(app: App) -> None:
    raw = jpeg_with_exif()
    assert b"SecretCam" in raw
    ids = store_pending(app.uow(), front=raw, back=jpeg_with_exif((20, 20, 200)))
    assert len(ids) == 2
    kept = get_card_image(app.uow(), image_id=ids[0])
    assert kept.mime == "image/jpeg"
    assert b"SecretCam" not in kept.data
    assert "exif" not in Image.open(io.BytesIO(kept.data)).info
    event = events.add_event(app.uow(), name="交流会", on=date(2026, 11, 20))
    saved = add_card(
        app.uow(),
        card(),
        today=date(2026, 11, 26),
        meeting=Meeting(event_id=event, cue="赤いメガネ"),
        image_ids=ids,
    )
    assert saved.action == "created"
    assert [(i.id, i.side) for i in card_images_of(app.uow(), person_id=saved.person_id)] == [
        (ids[0], "front"),
        (ids[1], "back"),
    ]
    person = show_person(app.uow(), saved.person_id).to_json()
    assert "03-9999-8889" not in str(person)  # the fax is not a phone
    with app.uow() as conn:
        met = conn.execute(select(encounters.c.date, encounters.c.memory_cue)).one()
    assert met == (date(2026, 11, 20), "赤いメガネ")


def test_an_image_is_attached_once(app: App, stored: int) -> None:
    ids = store_pending(app.uow(), front=jpeg_with_exif())
    add_card(app.uow(), card(family_name="別人"), today=date(2026, 11, 26), image_ids=ids)
    again = add_card(app.uow(), card(family_name="他人"), today=date(2026, 11, 26), image_ids=ids)
    assert card_images_of(app.uow(), person_id=again.person_id) == []


def test_update_adds_values_records_the_job_change_and_undoes(app: App, stored: int) -> None:
    ids = store_pending(app.uow(), front=jpeg_with_exif())
    saved = update_card_person(
        app.uow(),
        card(),
        person_id=stored,
        today=date(2026, 11, 26),
        meeting=Meeting(cue="転職の報告"),
        image_ids=ids,
    )
    assert saved.action == "updated"
    assert saved.job_changed
    assert (saved.old_company, saved.new_company) == ("株式会社サンプル", "合同会社ミライ")
    assert {"email", "phone", "company"} <= set(saved.why)
    person = show_person(app.uow(), stored).to_json()
    text = str(person)
    for kept in ("kenta@sample.co.jp", "kenta@mirai.jp", "090-1234-5678", "03-9999-8888"):
        assert kept in text
    with app.uow() as conn:
        jobs = conn.execute(
            select(affiliations.c.is_current, affiliations.c.title).order_by(affiliations.c.id)
        ).all()
    assert [tuple(j) for j in jobs] == [(False, ""), (True, "部長")]
    assert len(card_images_of(app.uow(), person_id=stored)) == 1
    assert saved.import_id is not None

    counts = undo_import(app.uow(), import_id=saved.import_id)
    assert counts["removed"] >= 3
    text = str(show_person(app.uow(), stored).to_json())
    assert "kenta@mirai.jp" not in text and "kenta@sample.co.jp" in text
    with app.uow() as conn:
        jobs = conn.execute(select(affiliations.c.is_current)).scalars().all()
    assert jobs == [True]
    assert card_images_of(app.uow(), person_id=stored) == []
    assert count(app, encounters) == 0


def test_the_same_card_again_changes_nothing_but_keeps_the_image(app: App, stored: int) -> None:
    same = card(company="株式会社サンプル", emails=["kenta@sample.co.jp"], phones=[], address="")
    same.department = same.title = ""
    ids = store_pending(app.uow(), front=jpeg_with_exif())
    saved = update_card_person(
        app.uow(), same, person_id=stored, today=date(2026, 11, 26), image_ids=ids
    )
    assert not saved.job_changed
    assert saved.action == "updated"  # the image is new
    assert saved.why == []


def test_forgetting_the_person_deletes_their_card_images(app: App, stored: int) -> None:
    ids = store_pending(app.uow(), front=jpeg_with_exif())
    saved = update_card_person(
        app.uow(), card(), person_id=stored, today=date(2026, 11, 26), image_ids=ids
    )
    forget_person(app.uow(), stored)
    assert count(app, card_images) == 0
    assert count(app, provenance, provenance.c.import_id == saved.import_id) == 0


def test_a_merge_moves_card_images_and_its_undo_puts_them_back(app: App, stored: int) -> None:
    ids = store_pending(app.uow(), front=jpeg_with_exif())
    other = add_card(app.uow(), card(), today=date(2026, 11, 26), image_ids=ids).person_id
    merge = merge_people(app.uow(), keep=stored, other=other)
    assert [i.id for i in card_images_of(app.uow(), person_id=stored)] == ids
    undo_merge(app.uow(), merge_id=merge)
    assert [i.id for i in card_images_of(app.uow(), person_id=other)] == ids


def test_a_json_backup_carries_the_card_images(app: App, second_app: App, stored: int) -> None:
    ids = store_pending(app.uow(), front=jpeg_with_exif(), person_id=stored)
    data = get_card_image(app.uow(), image_id=ids[0]).data
    stream = io.BytesIO()
    counts = backup.write_backup(app.uow(), stream=stream)
    assert counts["card_images"] == 1
    stream.seek(0)
    backup.restore_backup(second_app.uow(), stream=stream)
    assert get_card_image(second_app.uow(), image_id=ids[0]).data == data
    assert [i.id for i in card_images_of(second_app.uow(), person_id=stored)] == ids

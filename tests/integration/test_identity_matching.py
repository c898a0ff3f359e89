"""Which stored person an imported record is (services/identity/matching.py), on both
databases: a record that shares a mobile and a personal e-mail with one person is that
person, even when a row of another address book resembles it by name and company only."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from kinmyaku.bootstrap import App
from kinmyaku.services.importing import import_files
from kinmyaku.storage.schema import contact_points, people

EIGHT = (
    "会社名,部署名,役職,姓,名,e-mail,郵便番号,住所,"
    "TEL会社,TEL部門,TEL直通,Fax,携帯電話,URL,名刺交換日\n"
    "湾岸総合病院,営業部,執行役員,石川,七海,ishikawa@wangan-hp.example,812-0011,"
    "福岡県福岡市博多区博多駅前5-14-21,03-2680-9307,,,03-2680-9457,080-3440-7442,,2026/06/08\n"
)
LINKEDIN = (
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Nanami,Ishikawa,https://www.linkedin.com/in/nanami-ishikawa-cf5ebe,,"
    "湾岸総合病院,,18 Sep 2024\n"
)
PHONE = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:石川;七海;;;\r\nFN:石川 七海\r\n"
    "X-PHONETIC-LAST-NAME:いしかわ\r\nX-PHONETIC-FIRST-NAME:ななみ\r\n"
    "ORG:湾岸総合病院\r\nEMAIL;TYPE=WORK:ishikawa@wangan-hp.example\r\n"
    "EMAIL;TYPE=HOME:nanami.ishikawa@yahoo.example\r\n"
    "TEL;TYPE=CELL:+81 80-3440-7442\r\nEND:VCARD\r\n"
)


def _people(app: App) -> list[tuple[int, str, str]]:
    with app.uow() as conn:
        rows = conn.execute(
            select(people.c.id, people.c.family_name, people.c.given_name).order_by(people.c.id)
        ).all()
    return [(int(i), f, g) for i, f, g in rows]


def test_a_record_sharing_a_mobile_and_an_email_joins_that_person_not_a_lookalike(
    app: App, tmp_path: Path
) -> None:
    eight, linkedin = tmp_path / "eight.csv", tmp_path / "Connections.csv"
    phone = tmp_path / "phone.vcf"
    eight.write_text(EIGHT, encoding="utf-8")
    linkedin.write_text(LINKEDIN, encoding="utf-8")
    phone.write_text(PHONE, encoding="utf-8")
    import_files(app.uow(), paths=[eight], format="eight")
    import_files(app.uow(), paths=[linkedin], format="linkedin")
    before = _people(app)
    card = next(pid for pid, family, _ in before if family == "石川")
    assert len(before) == 2  # the LinkedIn row is only a name at a company: not joined

    report = import_files(app.uow(), paths=[phone])

    assert report.counts["created"] == 0 and report.counts["updated"] == 1
    assert _people(app) == before
    with app.uow() as conn:
        values = set(
            conn.execute(
                select(contact_points.c.value).where(contact_points.c.person_id == card)
            ).scalars()
        )
    assert "nanami.ishikawa@yahoo.example" in values  # nothing of the phone's entry lost

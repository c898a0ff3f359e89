"""Imports through the identity engine: colleagues stay apart, one person comes together,
nothing of a joined record is lost, and it all undoes (SQLite and PostgreSQL)."""

from __future__ import annotations

import random
from pathlib import Path

from sqlalchemy import func, select

from kinmyaku.bootstrap import App
from kinmyaku.services.identity.finding import find_duplicates, similar_people
from kinmyaku.services.identity.merging import auto_merge
from kinmyaku.services.identity.profiles import load_profiles
from kinmyaku.services.importing import import_files, undo_import
from kinmyaku.storage.schema import contact_points, people, person_aliases

EIGHT_HEADER = (
    "会社名,部署名,役職,姓,名,e-mail,郵便番号,住所,"
    "TEL会社,TEL部門,TEL直通,Fax,携帯電話,URL,名刺交換日\n"
)
OFFICE = "100-0005,東京都千代田区丸の内1-2-3,03-1234-5678,,,03-1234-5679"


def _count(app: App, table=people) -> int:  # type: ignore[no-untyped-def]
    with app.uow() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _names(app: App) -> list[str]:
    with app.uow() as conn:
        rows = conn.execute(select(people.c.family_name, people.c.given_name)).all()
    return sorted(f"{f} {g}" for f, g in rows)


def test_colleagues_on_one_company_line_and_fax_are_each_a_person(app: App, tmp_path: Path) -> None:
    path = tmp_path / "eight.csv"
    rows = [
        ("営業部", "山田", "太郎", "yamada@test-shoji.example", "090-1111-2222"),
        ("総務部", "鈴木", "花子", "suzuki@test-shoji.example", "090-3333-4444"),
        ("開発部", "田中", "一郎", "info@test-shoji.example", ""),
        ("開発部", "伊藤", "美咲", "info@test-shoji.example", ""),
        ("人事部", "渡辺", "翔", "", ""),
        ("経理部", "小林", "健", "", ""),
    ]
    body = "".join(
        f"株式会社テスト商事,{dept},,{family},{given},{email},{OFFICE},{mobile},,2024/03/15\n"
        for dept, family, given, email, mobile in rows
    )
    path.write_text(EIGHT_HEADER + body, encoding="utf-8")
    report = import_files(app.uow(), paths=[path])
    assert report.counts["created"] == 6
    assert _count(app) == 6
    assert _names(app) == sorted(f"{f} {g}" for _, f, g, _, _ in rows)
    # Every card keeps the company line and the fax it carries.
    with app.uow() as conn:
        lines = conn.execute(
            select(func.count())
            .select_from(contact_points)
            .where(contact_points.c.normalized == "+81312345678")
        ).scalar_one()
    assert lines == 6
    assert find_duplicates(app.uow()) == []


def test_placeholder_numbers_do_not_join_people(app: App, tmp_path: Path) -> None:
    cards = "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Card{n};Test;;;\r\nTEL:{tel}\r\nEND:VCARD\r\n"
        for n, tel in enumerate(["000", "000", "1", "1", "1", "1", "1"])
    )
    path = tmp_path / "android.vcf"
    path.write_text(cards, encoding="utf-8")
    import_files(app.uow(), paths=[path])
    assert _count(app) == 7


def test_namesakes_with_their_own_mobiles_and_emails_stay_apart(app: App, tmp_path: Path) -> None:
    names = [("佐藤", "健"), ("高橋", "翔太"), ("鈴木", "花子"), ("田中", "美咲")]
    rng = random.Random(3)
    body = ""
    for n in range(400):
        family, given = rng.choice(names)
        body += (
            f",,,{family},{given},p{n}@mail{n % 7}.example,,,,,,,"
            f"090-{n // 10000:04d}-{n % 10000:04d},,2024/01/01\n"
        )
    path = tmp_path / "namesakes.csv"
    path.write_text(EIGHT_HEADER + body, encoding="utf-8")
    report = import_files(app.uow(), paths=[path])
    assert report.counts["created"] == 400
    assert _count(app) == 400
    assert all(c.probability < 0.5 for c in find_duplicates(app.uow(), min_probability=0.0))


def test_one_person_from_a_phone_a_card_and_linkedin(app: App, tmp_path: Path) -> None:
    phone = tmp_path / "phone.vcf"
    phone.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:タカハシ;ケンタ;;;\r\nTEL;TYPE=CELL:090-1111-9999\r\n"
        "END:VCARD\r\n",
        encoding="utf-8",
    )
    eight = tmp_path / "eight.csv"
    eight.write_text(
        EIGHT_HEADER + "株式会社サンプル,営業部,部長,髙橋,健太,kenta@sample.example,,,"
        "03-9999-0000,,,,090-1111-9999,,2024/05/01\n",
        encoding="utf-8",
    )
    linkedin = tmp_path / "Connections.csv"
    linkedin.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Kenta,Takahashi,https://www.linkedin.com/in/kenta-t,kenta@sample.example,"
        "Sample Inc.,Manager,01 Dec 2024\n",
        encoding="utf-8",
    )
    import_files(app.uow(), paths=[phone])
    second = import_files(app.uow(), paths=[eight, linkedin])
    assert second.counts["created"] == 0
    assert second.counts["updated"] == 2
    assert _count(app) == 1
    with app.uow() as conn:
        (profile,) = load_profiles(conn)
        aliases = conn.execute(
            select(person_aliases.c.family_name, person_aliases.c.given_name)
        ).all()
    # The kanji name replaced the kana one (kept as its reading); romaji kept as a name.
    assert (profile.family, profile.given) == ("髙橋", "健太")
    assert (profile.family_reading, profile.given_reading) == ("たかはし", "けんた")
    assert ("Takahashi", "Kenta") in [tuple(a) for a in aliases]
    assert set(profile.companies) == {"株式会社サンプル", "Sample Inc."}
    # Undoing the second import puts the phone's person back as it was.
    undo_import(app.uow(), import_id=second.import_id or 0)
    with app.uow() as conn:
        (profile,) = load_profiles(conn)
        assert conn.execute(select(func.count()).select_from(person_aliases)).scalar_one() == 0
    assert (profile.family, profile.given) == ("タカハシ", "ケンタ")
    assert profile.companies == ()


def test_a_joined_record_loses_nothing(app: App, tmp_path: Path) -> None:
    first = tmp_path / "a.vcf"
    first.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:石田;恵美;;;\r\nEMAIL:emi@ishida.example\r\n"
        "NOTE:展示会で会った\r\nNICKNAME:えみ\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    second = tmp_path / "b.vcf"
    second.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:石田;恵美;;;\r\nEMAIL:emi@ishida.example\r\n"
        "NOTE:釣りが趣味\r\nNICKNAME:エミちゃん\r\nTEL:090-2222-3333\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    import_files(app.uow(), paths=[first])
    import_files(app.uow(), paths=[second])
    assert _count(app) == 1
    with app.uow() as conn:
        notes, nickname = conn.execute(select(people.c.notes, people.c.nickname)).one()
        from kinmyaku.storage.schema import extra_fields

        extras = conn.execute(select(extra_fields.c.name, extra_fields.c.value)).all()
    assert "展示会で会った" in notes and "釣りが趣味" in notes
    assert nickname == "えみ"
    assert ("nickname", "エミちゃん") in [tuple(e) for e in extras]


def test_a_person_never_finds_another_person_as_itself(app: App, tmp_path: Path) -> None:
    """Every stored person, looked up by what they hold, finds themself and no one else
    sure enough to merge, among colleagues and namesakes."""
    rng = random.Random(11)
    families = ["佐藤", "鈴木", "高橋"]
    givens = ["健", "花子", "翔太"]
    body = ""
    for n in range(60):
        company = f"株式会社{'ABC'[n % 3]}"
        mobile = f"090-5555-{n:04d}" if n % 2 else ""
        email = f"p{n}@{'abc'[n % 3]}.example" if n % 3 else "info@abc.example"
        body += (
            f"{company},,,{rng.choice(families)},{rng.choice(givens)},{email},,,"
            f"03-1111-000{n % 3},,,03-1111-999{n % 3},{mobile},,2024/01/01\n"
        )
    path = tmp_path / "people.csv"
    path.write_text(EIGHT_HEADER + body, encoding="utf-8")
    import_files(app.uow(), paths=[path])
    with app.uow() as conn:
        stored = load_profiles(conn)
    for profile in stored:
        found = similar_people(app.uow(), profile, min_probability=0.99)
        assert all(c.b.id == profile.id for c in found), (profile, found)


def test_a_different_title_at_the_same_company_is_kept(app: App, tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    row = (
        "株式会社テスト商事,営業部,{title},山田,太郎,yamada@test-shoji.example,,,,,,,,,2024/03/15\n"
    )
    first.write_text(EIGHT_HEADER + row.format(title="課長"), encoding="utf-8")
    second.write_text(EIGHT_HEADER + row.format(title="部長"), encoding="utf-8")
    import_files(app.uow(), paths=[first])
    report = import_files(app.uow(), paths=[second])
    assert report.counts["updated"] == 1
    from kinmyaku.storage.schema import extra_fields

    with app.uow() as conn:
        extras = conn.execute(select(extra_fields.c.name, extra_fields.c.value)).all()
    assert ("title", "部長") in [tuple(e) for e in extras]


def test_namesake_colleagues_on_one_company_line_with_their_own_mobiles_are_two(
    app: App, tmp_path: Path
) -> None:
    """Two 中村 香織 at one company, each card with the company's line, fax and office (no
    one else in the file holds them) and her own mobile: two people, at import and after
    ``merge --auto``."""
    path = tmp_path / "eight.csv"
    path.write_text(
        EIGHT_HEADER + "株式会社テスト商事,営業部,部長,中村,香織,kaori.nakamura@test-shoji.example,"
        f"{OFFICE},090-1111-2222,,2024/03/15\n"
        + "株式会社テスト商事,開発部,,中村,香織,k-nakamura@test-shoji.example,"
        f"{OFFICE},080-3333-4444,,2025/06/01\n",
        encoding="utf-8",
    )
    report = import_files(app.uow(), paths=[path])
    assert report.counts["created"] == 2
    assert _count(app) == 2
    assert auto_merge(app.uow()) is None
    assert _count(app) == 2


def test_a_namesakes_yahoo_card_does_not_join_her_colleagues_card_on_the_line(
    app: App, tmp_path: Path
) -> None:
    """Seed 17's case: one 中村 香織's card with her yahoo address and no mobile, the other's
    with the company address and a mobile, both on the company's line: the import does not
    join them on the line (the name at the company is for ``duplicates`` to weigh); her
    phone's entries then give each her own mobile, and ``merge --auto`` keeps them two."""
    eight = tmp_path / "eight.csv"
    eight.write_text(
        EIGHT_HEADER + "株式会社テスト商事,営業部,部長,中村,香織,kaori.nakamura@yahoo.co.jp,"
        f"{OFFICE},,,2024/03/15\n"
        + "株式会社テスト商事,開発部,コンサルタント,中村,香織,nakamura@test-shoji.example,"
        f"{OFFICE},090-5907-5529,,2025/06/01\n",
        encoding="utf-8",
    )
    report = import_files(app.uow(), paths=[eight])
    assert report.counts["created"] == 2
    google = tmp_path / "google.csv"
    google.write_text(
        "First Name,Last Name,Organization Name,E-mail 1 - Label,E-mail 1 - Value,"
        "Phone 1 - Label,Phone 1 - Value\n"
        "香織,中村,テスト商事,* Home,kaori.nakamura@yahoo.co.jp,Mobile,090-6284-5440\n",
        encoding="utf-8",
    )
    phone = tmp_path / "phone.vcf"
    phone.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:中村;香織;;;\r\nORG:(株)テスト商事;\r\n"
        "TEL;type=CELL:+81 90-5907-5529\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    import_files(app.uow(), paths=[google, phone])
    assert _count(app) == 2
    auto_merge(app.uow())
    assert _count(app) == 2
    with app.uow() as conn:
        mobiles = conn.execute(
            select(contact_points.c.person_id, contact_points.c.normalized).where(
                contact_points.c.normalized.in_(["+819062845440", "+819059075529"])
            )
        ).all()
    assert len({pid for pid, _ in mobiles}) == 2  # each mobile with her own card


def test_a_contact_saved_under_its_number_joins_its_person(app: App, tmp_path: Path) -> None:
    """A phone keeps a contact with no name under its number (FN:090-…, TEL written
    without hyphens): the number is no name, so its mobile and e-mail are the person's."""
    eight = tmp_path / "eight.csv"
    eight.write_text(
        EIGHT_HEADER + "ひかり電機株式会社,営業部,,櫻井,翔太,shota@hikari.example,,,"
        "03-9999-0000,,,,090-3818-9294,,2024/05/01\n",
        encoding="utf-8",
    )
    phone = tmp_path / "phone.vcf"
    phone.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;;;\r\nFN:090-3818-9294\r\n"
        "TEL;type=CELL:09038189294\r\nEMAIL;type=HOME:shota.sakurai@gmail.com\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    import_files(app.uow(), paths=[eight, phone])
    assert _count(app) == 1
    with app.uow() as conn:
        (profile,) = load_profiles(conn)
    assert (profile.family, profile.given) == ("櫻井", "翔太")
    assert "shota.sakurai@gmail.com" in profile.emails
    assert profile.aliases == ()  # the number is not kept as another name of his
    # Saved under its number with nothing else: still no one's name (an unnamed person).
    alone = tmp_path / "alone.vcf"
    alone.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;;;\r\nFN:080-1234-5678\r\nTEL:08012345678\r\n"
        "END:VCARD\r\n",
        encoding="utf-8",
    )
    import_files(app.uow(), paths=[alone])
    with app.uow() as conn:
        named = {p.family: p.named for p in load_profiles(conn)}
    assert named == {"櫻井": True, "080-1234-5678": False}


def test_a_stated_reading_replaces_the_guess_for_the_same_name(app: App, tmp_path: Path) -> None:
    """熊谷 on an Eight card (no reading) is guessed くまがや; the phone's entry of the same
    person says クマガイ: the person keeps the stated reading, so "Makoto Kumagai" on
    LinkedIn meets it."""
    eight = tmp_path / "eight.csv"
    eight.write_text(
        EIGHT_HEADER + "合同会社ネクストステージ,システム部,,熊谷,誠,kumagai@nextstage.example,,,"
        "052-2416-8191,,,,070-3556-7823,,2024/05/01\n",
        encoding="utf-8",
    )
    import_files(app.uow(), paths=[eight])
    with app.uow() as conn:
        (guessed,) = load_profiles(conn)
    assert guessed.reading_inferred
    phone = tmp_path / "phone.vcf"
    phone.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:熊谷;誠;;;\r\nX-PHONETIC-LAST-NAME:クマガイ\r\n"
        "X-PHONETIC-FIRST-NAME:マコト\r\nTEL;type=CELL:07035567823\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    report = import_files(app.uow(), paths=[phone])
    assert report.counts["updated"] == 1
    with app.uow() as conn:
        (profile,) = load_profiles(conn)
    assert (profile.family, profile.given) == ("熊谷", "誠")
    assert (profile.family_reading, profile.given_reading) == ("くまがい", "まこと")
    assert not profile.reading_inferred
    linkedin = tmp_path / "Connections.csv"
    linkedin.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Makoto,Kumagai,https://www.linkedin.com/in/makoto-kumagai-0f6e62,,"
        "Next Stage LLC,,02 Aug 2022\n",
        encoding="utf-8",
    )
    import_files(app.uow(), paths=[linkedin])
    pairs = find_duplicates(app.uow(), min_probability=0.5)
    assert any(r.msgid == "{a} = {b} (reading)" for pair in pairs for r in pair.reasons)
    # Undoing the phone's import brings the guess back.
    undo_import(app.uow(), import_id=report.import_id or 0)
    with app.uow() as conn:
        back = {p.family: p for p in load_profiles(conn)}
    assert back["熊谷"].family_reading == "くまがや" and back["熊谷"].reading_inferred

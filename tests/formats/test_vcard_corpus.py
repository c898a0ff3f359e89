"""Every sample vCard in tests/data/vcard imports with the people it holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kinmyaku.formats import FormatError, read_path

# file -> (number of people, (family, given) of each)
EXPECTED: dict[str, list[tuple[str, str]]] = {
    "John_Doe_ANDROID.vcf": [
        ("", ""),
        ("", ""),
        ("Ñ Ñ Ñ Ñ", ""),
        ("Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ", ""),
        ("Ñ Ñ", "Ñ Ñ Ñ"),
        ("ÑÑÑÑ", ""),
    ],
    "John_Doe_BLACK_BERRY.vcf": [("Doe", "john")],
    "John_Doe_EVOLUTION.vcf": [("Doe", "John")],
    "John_Doe_GMAIL.vcf": [("Doe", "John")],
    "John_Doe_IPHONE.vcf": [("Doe", "John")],
    "John_Doe_LOTUS_NOTES.vcf": [("Doe", "John")],
    "John_Doe_MAC_ADDRESS_BOOK.vcf": [("Doe", "John")],
    "John_Doe_MS_OUTLOOK.vcf": [("Doe", "John")],
    "fullcontact.vcf": [("LastName", "FirstName")],
    "gmail-list.vcf": [("Smith", "Arnold"), ("Beatle", "Chris"), ("White", "Doug")],
    "gmail-single.vcf": [("Dartmouth", "Greg")],
    "gmail-single2.vcf": [("Test", "VCard")],
    "issue114.vcf": [("Dummy", "Dummy")],
    "outlook-2003.vcf": [("Doe", "John")],
    "outlook-2007.vcf": [("Angstadt", "Michael")],
    "rfc2426-example.vcf": [("Dawson", "Frank"), ("Howes", "Tim")],
    "rfc6350-example.vcf": [("Perreault", "Simon")],
    "thunderbird-MoreFunctionsForAddressBook-extension.vcf": [("Doe", "John")],
    "japanese-feature-phone-21-sjis.vcf": [("表", "ソウ太"), ("高橋", "美穂")],
    "japanese-iphone-30.vcf": [("山田", "太郎"), ("", ""), ("鈴木", "一郎")],
    "japanese-40-sort-as.vcf": [
        ("佐藤", "花子"),
        ("伊藤", "健"),
        ("Clark", "Emily"),
        ("Watanabe", "Kenji"),
    ],
}


def _files(data: Path) -> list[str]:
    return sorted(path.name for path in (data / "vcard").glob("*.vcf"))


def test_every_sample_file_is_listed(data_dir: Path) -> None:
    assert _files(data_dir) == sorted(EXPECTED)


def test_sample_licence_and_origin_are_kept(data_dir: Path) -> None:
    assert (data_dir / "vcard" / "LICENSE-ez-vcard.txt").read_text().startswith("Copyright")
    assert "Card Me" in (data_dir / "vcard" / "SAMPLES-ORIGIN.txt").read_text()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_imports_its_people(data_dir: Path, name: str) -> None:
    errors: list[FormatError] = []
    records = list(read_path(data_dir / "vcard" / name, on_error=errors.append))
    assert errors == []
    assert [(r.family_name, r.given_name) for r in records] == EXPECTED[name]
    for number, record in enumerate(records, start=1):
        assert record.source is not None
        assert record.source.file == name
        assert record.source.record_no == number
        assert record.has_content()


def test_records_know_their_starting_line(data_dir: Path) -> None:
    records = list(read_path(data_dir / "vcard" / "gmail-list.vcf"))
    assert [r.source.line for r in records if r.source] == [1, 7, 13]


def test_android_quoted_printable_with_soft_breaks(data_dir: Path) -> None:
    records = list(read_path(data_dir / "vcard" / "John_Doe_ANDROID.vcf"))
    bob = records[4]
    assert bob.organization == "Ñ" * 12
    assert [p.value for p in bob.phones] == ["123456", "123456", "123456"]
    assert [p.label for p in bob.phones] == ["mobile", "work", "fax"]
    # The sample's photo lost characters upstream: it is kept, raw, not dropped.
    assert bob.photo is None and bob.extra["PHOTO"][0].startswith("/9j/")
    # "=80" is not UTF-8: kept as \x80, never an exception, never another character.
    assert records[5].extra["ORG"][0].endswith("\\x80")


def test_iphone_grouped_labels_and_crcrlf_lines(data_dir: Path) -> None:
    (record,) = read_path(data_dir / "vcard" / "John_Doe_IPHONE.vcf")
    assert ("AssistantPhone", "905-222-1234") in [(p.label, p.value) for p in record.phones]
    assert [(u.label, u.value) for u in record.urls] == [("homepage", "http://www.ibm.com")]
    assert record.photo is not None and record.photo.startswith(b"\xff\xd8")
    assert record.photo_mime == "image/jpeg"
    assert record.addresses[1].street == "Street4\nBuilding 6\nFloor 8"
    assert record.birthday == date(2012, 6, 6)


def test_vendor_extensions_are_kept(data_dir: Path) -> None:
    (record,) = read_path(data_dir / "vcard" / "John_Doe_MS_OUTLOOK.vcf")
    assert record.extra["X-MS-MANAGER"] == ["Big Blue"]
    assert record.extra["X-MS-ANNIVERSARY"] == ["20110113"]
    assert record.extra["NAME-PREFIX"] == ["Mr."]
    assert record.extra["ROLE"] == ["Counting Money"]
    (evolution,) = read_path(data_dir / "vcard" / "John_Doe_EVOLUTION.vcf")
    assert evolution.extra["X-EVOLUTION-FILE-AS"] == ["Doe, John"]
    assert evolution.department == "Accounting Dungeon"


def test_readings_from_x_phonetic(data_dir: Path) -> None:
    (record,) = read_path(data_dir / "vcard" / "John_Doe_GMAIL.vcf")
    assert (record.family_reading, record.given_reading) == ("Dow", "Jon")
    assert record.extra["X-ABLABEL"] == ["Anniversary", "Spouse"]


def test_outlook_quoted_printable_notes(data_dir: Path) -> None:
    (record,) = read_path(data_dir / "vcard" / "outlook-2003.vcf")
    assert record.notes == "This is the note field!!\nSecond line\n\nThird line is empty"
    assert record.birthday == date(1980, 3, 21)
    assert record.addresses[0].street == "123 Main St TheOffice"


def test_rfc6350_quoted_type_list_and_uri_phone(data_dir: Path) -> None:
    (record,) = read_path(data_dir / "vcard" / "rfc6350-example.vcf")
    assert [(p.label, p.value) for p in record.phones] == [
        ("work", "+1-418-656-9254;ext=102"),
        ("mobile", "+1-418-262-6501"),
    ]
    assert record.birthday is None and record.extra["BDAY"] == ["--0203"]


def test_photo_url_is_kept_as_extra(data_dir: Path) -> None:
    (record,) = read_path(data_dir / "vcard" / "fullcontact.vcf")
    assert record.photo is None
    assert len(record.extra["PHOTO"]) == 3
    assert record.extra["ORG"] == ["Organization2;Department2"]
    assert [e.label for e in record.emails] == ["home", "work", "school", "other", "customtype"]

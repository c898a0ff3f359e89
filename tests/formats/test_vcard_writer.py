"""vCard 4.0 writer: readings for phones, embedded photo, folding, round trip."""

from __future__ import annotations

import io
import string
from datetime import date

import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinmyaku.formats import (
    ContactPoint,
    ContactRecord,
    PostalAddress,
    read_records,
    vcard_bytes,
    write_vcards,
)

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f00f0004850180848a8c21"
    "0000000049454e44ae426082"
)


def _taro() -> ContactRecord:
    return ContactRecord(
        family_name="山田",
        given_name="太郎",
        family_reading="やまだ",
        given_reading="たろう",
        nickname="タロー",
        emails=[ContactPoint("work", "taro@kinmyaku.example")],
        phones=[ContactPoint("mobile", "090-1111-2222"), ContactPoint("秘書", "03-5555-6666")],
        addresses=[PostalAddress("work", "150-0041", "東京都", "渋谷区", "神南1-2-3", "日本")],
        urls=[ContactPoint("", "https://kinmyaku.example/taro")],
        organization="株式会社金脈商事",
        organization_reading="きんみゃくしょうじ",
        department="営業本部",
        title="マネージャー",
        birthday=date(1992, 7, 7),
        notes="交流会で出会う; 紹介者は佐藤さん, 鈴木さん\n次回はゴルフ",
        photo=PNG_1PX,
        photo_mime="image/png",
        tags=["取引先", "ゴルフ仲間"],
        met_on=date(2023, 10, 1),
        channel="event",
        extra={"X-LINE-ID": ["taro_y"], "NAME-SUFFIX": ["Jr."]},
    )


def _reparse(data: bytes) -> list[ContactRecord]:
    return list(read_records(io.BytesIO(data), file_name="out.vcf"))


def test_writer_puts_readings_where_phones_look() -> None:
    text = vcard_bytes(_taro()).decode("utf-8")
    unfolded = text.replace("\r\n ", "")
    assert unfolded.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert 'N;SORT-AS="やまだ,たろう":山田;太郎;;;Jr.\r\n' in unfolded
    assert "X-PHONETIC-LAST-NAME:やまだ\r\n" in unfolded
    assert "X-PHONETIC-FIRST-NAME:たろう\r\n" in unfolded
    assert 'ORG;SORT-AS="きんみゃくしょうじ":株式会社金脈商事;営業本部\r\n' in unfolded
    assert "X-PHONETIC-ORG:きんみゃくしょうじ\r\n" in unfolded
    assert "FN:山田 太郎\r\n" in unfolded
    assert "TEL;TYPE=cell:090-1111-2222\r\n" in unfolded
    assert "item1.TEL:03-5555-6666\r\nitem1.X-ABLabel:秘書\r\n" in unfolded
    assert "PHOTO:data:image/png;base64,iVBORw0KGgo" in unfolded
    assert "NOTE:交流会で出会う\\; 紹介者は佐藤さん\\, 鈴木さん\\n次回はゴルフ\r\n" in unfolded
    assert "BDAY:19920707\r\n" in unfolded


def test_lines_are_folded_at_75_octets_without_splitting_characters() -> None:
    record = _taro()
    record.notes = "金脈" * 200
    data = vcard_bytes(record)
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # never a split multi-byte character
    assert _reparse(data)[0].notes == "金脈" * 200


def test_vobject_reads_what_we_write() -> None:
    card = vobject.readOne(vcard_bytes(_taro()).decode("utf-8"))
    assert card.fn.value == "山田 太郎"
    assert card.n.value.family == "山田"
    assert card.n.value.given == "太郎"
    assert card.x_phonetic_last_name.value == "やまだ"
    assert card.email.value == "taro@kinmyaku.example"
    assert card.note.value == "交流会で出会う; 紹介者は佐藤さん, 鈴木さん\n次回はゴルフ"


def test_round_trip_of_a_full_record() -> None:
    original = _taro()
    (back,) = _reparse(vcard_bytes(original))
    back.source = None
    assert back == original


def test_nameless_company_record_round_trips() -> None:
    original = ContactRecord(
        organization="株式会社ネットワーク", organization_reading="ねっとわーく"
    )
    original.phones.append(ContactPoint("work", "03-0000-1111"))
    (back,) = _reparse(vcard_bytes(original))
    back.source = None
    assert back == original


def test_write_vcards_streams_many() -> None:
    out = io.BytesIO()
    count = write_vcards((ContactRecord(family_name=f"人{i}") for i in range(3)), out)
    assert count == 3
    assert [r.family_name for r in _reparse(out.getvalue())] == ["人0", "人1", "人2"]


# --- hypothesis round trip -------------------------------------------------------------

_TEXT_CHARS = st.characters(
    blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
    blacklist_characters="\ufeff",
)
_SPECIALS = st.sampled_from([*list(",;:\\\"'^=ｱﾞ\u3000 "), "表", "ソ", "能", "😀", "\\n", "é"])


def _text(min_size: int = 0, newlines: bool = False) -> st.SearchStrategy[str]:
    pieces = st.one_of(_TEXT_CHARS, _SPECIALS, st.just("\n") if newlines else _SPECIALS)
    return (
        st.lists(pieces, min_size=min_size, max_size=30)
        .map("".join)
        .filter(lambda s: s == s.strip() and len(s) >= min_size)
    )


_KANA = st.sampled_from(
    [*list("あいうえおかきくけこさしすせそやまだたろうアイウエオカタナハマ"), "Jon"]
)
_READING = st.lists(
    st.lists(_KANA, min_size=1, max_size=6).map("".join), min_size=0, max_size=2
).map(" ".join)
_LABELS = st.sampled_from(
    ["", "home", "work", "other", "main", "pager", "fax", "homepage", "秘書", "AssistantPhone"]
)
_POINT_VALUE = _text(min_size=1).filter(lambda s: not s.lower().startswith(("tel:", "mailto:")))
_POINTS = st.lists(st.builds(ContactPoint, _LABELS, _POINT_VALUE), max_size=3)
_ADDRESS = st.builds(
    PostalAddress, _LABELS, _text(), _text(), _text(), _text(newlines=True), _text()
).filter(lambda a: not a.is_empty())
_EXTRA_KEY = st.text(alphabet=string.ascii_uppercase + string.digits + "-", min_size=1, max_size=8)
_EXTRA = st.dictionaries(
    _EXTRA_KEY.map(lambda k: "X-Q" + k),
    st.lists(_text(min_size=1, newlines=True), min_size=1, max_size=2),
    max_size=3,
)
_DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
_RECORDS = st.builds(
    ContactRecord,
    family_name=_text(min_size=1),
    given_name=_text(),
    family_reading=_READING,
    given_reading=_READING,
    nickname=_text(),
    emails=_POINTS,
    phones=_POINTS,
    addresses=st.lists(_ADDRESS, max_size=2),
    urls=_POINTS,
    organization=_text(),
    organization_reading=_READING,
    department=_text(),
    title=_text(),
    birthday=st.none() | _DATES,
    notes=_text(newlines=True),
    photo=st.none() | st.binary(min_size=1, max_size=200),
    photo_mime=st.sampled_from(["image/jpeg", "image/png", "image/gif"]),
    tags=st.lists(_text(min_size=1), max_size=4, unique=True),
    met_on=st.none() | _DATES,
    channel=st.none() | st.sampled_from(["social", "event", "introduction"]),
    extra=_EXTRA,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_RECORDS)
def test_round_trip_property(record: ContactRecord) -> None:
    if record.photo is None:
        record.photo_mime = ""
    (back,) = _reparse(vcard_bytes(record))
    assert back.source is not None and back.source.record_no == 1
    back.source = None
    assert back == record

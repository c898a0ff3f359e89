"""Thank-you drafts (お礼メール) read whole whatever is missing, in the contact's language."""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest

from kinmyaku.domain.insights.drafts import (
    DraftPerson,
    DraftSender,
    ThankYouDraft,
    draft_language,
    thank_you_draft,
    topic_from_cue,
)

TODAY = date(2026, 12, 7)
PEOPLE = {
    "full": DraftPerson(
        "高田",
        "真央",
        organization="株式会社サンプル",
        name_en="Mao Takada",
        department="営業部",
        title="部長",
        reading="たかだ まお",
    ),
    "bare": DraftPerson("鈴木"),
    "company": DraftPerson("佐藤", "健", organization="アルファ株式会社"),
    "western": DraftPerson("Smith", "John", organization="Acme Inc.", title="Director"),
    "one-name": DraftPerson("Madonna"),
    "nameless": DraftPerson(""),
}
SENDERS = {
    "full": DraftSender(
        name="山田 太郎",
        organization="株式会社ヤマダ",
        name_en="Taro Yamada",
        organization_en="Yamada Inc.",
        reading="やまだ たろう",
        title="営業部 課長",
        email="taro@example.jp",
    ),
    "name": DraftSender(name="山田 太郎"),
    "company": DraftSender(organization="株式会社ヤマダ"),
    "signature": DraftSender(name="山田 太郎", signature="山田 太郎\n株式会社ヤマダ\n03-1234-5678"),
    "blank": DraftSender(),
}
MEETINGS = {
    "event": ("FinTech読書会", "", date(2026, 12, 2)),
    "event-today": ("FinTech読書会", "渋谷", TODAY),
    "event-yesterday": ("FinTech読書会", "", date(2026, 12, 6)),
    "event-last-year": ("FinTech読書会", "", date(2025, 12, 2)),
    "event-no-date": ("FinTech読書会", "", None),
    "place": ("", "渋谷のカフェ", date(2026, 12, 2)),
    "day-only": ("", "", date(2026, 12, 2)),
    "nothing": ("", "", None),
}
TOPICS = ("", "生成AIの業務活用", "釣りの話", "  hiring engineers。 ")
ISO_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
HOURS = re.compile(r"\d+\s*(時間|hours?\b)")
ONLY_MARKS = re.compile(r"^[\s、。，．,.!！?？:：;；（）()「」『』・―\-]*$")
PARTICLES = ("の", "は", "に", "で", "を", "が", "と", "も", "です。", "ます。", "様")


def _check_whole(draft: ThankYouDraft) -> None:
    text = draft.as_text()
    for bad in ("（）", "()", "「」", "None", "  ", " ,", " .", "、。", "。。"):
        assert bad not in text, (bad, text)
    assert not ISO_DATE.search(text), text
    assert not HOURS.search(text), text
    assert draft.subject.strip() and not draft.subject.endswith(("（", "(", "の", "at"))
    for line in draft.body.splitlines():
        if not line:
            continue
        assert line == line.strip(), repr(line)
        assert not ONLY_MARKS.fullmatch(line) or set(line) == {"―"}, repr(line)
        assert line not in PARTICLES, repr(line)
        assert not line.startswith(("の", "は", "に", "で", "を", "、", "。", ",", ".")), line
    if draft.language == "ja":
        sentences = [ln for ln in draft.body.splitlines() if "。" in ln]
        assert all(s.endswith("。") for s in sentences), sentences
        assert "誠にありがとうございました。" in draft.body
        assert "今後ともどうぞよろしくお願いいたします。" in draft.body
        assert "Dear" not in draft.body
    else:
        first = draft.body.splitlines()[0]
        assert re.fullmatch(r"(Dear \S.*|Hello),", first), first
        assert "Best regards," in draft.body and "様" not in draft.body


@pytest.mark.parametrize("who", sorted(PEOPLE))
@pytest.mark.parametrize("me", sorted(SENDERS))
def test_every_combination_reads_whole(who: str, me: str) -> None:
    for meeting, topic, language in itertools.product(MEETINGS, TOPICS, (None, "ja", "en")):
        event, place, met_on = MEETINGS[meeting]
        draft = thank_you_draft(
            person=PEOPLE[who],
            sender=SENDERS[me],
            event_name=event,
            met_on=met_on,
            today=TODAY,
            topic=topic,
            place=place,
            language=language,
        )
        _check_whole(draft)
        if language:
            assert draft.language == language


def test_the_japanese_draft_in_full() -> None:
    draft = thank_you_draft(
        person=PEOPLE["full"],
        sender=SENDERS["full"],
        event_name="FinTech読書会",
        met_on=date(2026, 12, 2),
        today=TODAY,
        topic="釣りの話",
    )
    assert draft.as_text() == (
        "件名：【御礼】FinTech読書会でのご挨拶（株式会社ヤマダ 山田 太郎）\n"
        "\n"
        "株式会社サンプル\n"
        "営業部 部長\n"
        "高田 真央 様\n"
        "\n"
        "お世話になっております。\n"
        "株式会社ヤマダの山田 太郎です。\n"
        "\n"
        "12月2日のFinTech読書会では、お話しする機会をいただき、誠にありがとうございました。\n"
        "釣りについてのお話は大変興味深く、勉強になりました。\n"
        "\n"
        "何かお役に立てることがございましたら、お気軽にお声がけください。\n"
        "またお話しできる機会を楽しみにしております。\n"
        "\n"
        "今後ともどうぞよろしくお願いいたします。\n"
        "\n"
        "――――――――――\n"
        "山田 太郎（やまだ たろう）\n"
        "株式会社ヤマダ 営業部 課長\n"
        "E-mail: taro@example.jp\n"
        "――――――――――\n"
    )


def test_the_english_draft_in_full() -> None:
    draft = thank_you_draft(
        person=PEOPLE["western"],
        sender=SENDERS["full"],
        event_name="Tokyo Startup Night",
        met_on=date(2026, 12, 2),
        today=TODAY,
        topic="hiring engineers",
    )
    assert draft.as_text() == (
        "Subject: Thank you for the conversation at Tokyo Startup Night\n"
        "\n"
        "Dear John,\n"
        "\n"
        "Thank you for taking the time to talk with me at Tokyo Startup Night on December 2.\n"
        "I especially enjoyed our conversation about hiring engineers.\n"
        "\n"
        "I would be glad to stay in touch, and please let me know if there is anything"
        " I can help you with.\n"
        "I look forward to talking with you again.\n"
        "\n"
        "Best regards,\n"
        "Taro Yamada\n"
        "Yamada Inc.\n"
        "taro@example.jp\n"
    )


def test_no_event_no_profile_no_company() -> None:
    draft = thank_you_draft(
        person=PEOPLE["bare"], sender=SENDERS["blank"], met_on=None, today=TODAY
    )
    assert draft.subject == "【御礼】先日はありがとうございました"
    assert draft.body == (
        "鈴木 様\n"
        "\n"
        "お世話になっております。\n"
        "\n"
        "先日はお時間をいただき、誠にありがとうございました。\n"
        "\n"
        "何かお役に立てることがございましたら、お気軽にお声がけください。\n"
        "またお話しできる機会を楽しみにしております。\n"
        "\n"
        "今後ともどうぞよろしくお願いいたします。\n"
    )


def test_a_place_and_a_day_without_an_event() -> None:
    draft = thank_you_draft(
        person=PEOPLE["company"],
        sender=SENDERS["name"],
        met_on=date(2026, 12, 6),
        today=TODAY,
        place="渋谷のカフェ",
    )
    assert draft.subject == "【御礼】昨日はありがとうございました（山田 太郎）"
    assert "昨日（12月6日）は渋谷のカフェにてお時間をいただき、誠にありがとうございました。" in (
        draft.body
    )
    assert draft.body.startswith("アルファ株式会社\n佐藤 健 様\n")


def test_my_signature_is_used_as_written() -> None:
    draft = thank_you_draft(
        person=PEOPLE["bare"], sender=SENDERS["signature"], met_on=None, today=TODAY
    )
    assert draft.body.endswith(
        "よろしくお願いいたします。\n\n山田 太郎\n株式会社ヤマダ\n03-1234-5678\n"
    )
    # A Japanese signature does not sign an English draft: the name does.
    english = thank_you_draft(
        person=PEOPLE["western"], sender=SENDERS["signature"], met_on=None, today=TODAY
    )
    assert english.body.endswith("Best regards,\n山田 太郎\n")


def test_the_language_follows_the_contact() -> None:
    assert draft_language(PEOPLE["full"]) == "ja"
    assert draft_language(PEOPLE["bare"]) == "ja"
    assert draft_language(PEOPLE["western"]) == "en"
    assert draft_language(PEOPLE["one-name"]) == "en"
    assert draft_language(PEOPLE["nameless"]) == "ja"
    # Romaji name at a Japanese company: Japanese.
    assert draft_language(DraftPerson("Takada", "Mao", organization="株式会社サンプル")) == "ja"
    # A kana reading says Japanese too; a stored preference wins over everything.
    assert draft_language(DraftPerson("Takada", "Mao", reading="たかだ まお")) == "ja"
    assert draft_language(DraftPerson("高田", "真央", language="en")) == "en"
    assert draft_language(DraftPerson("Smith", "John", language="ja")) == "ja"
    # Accented Latin names are Latin too.
    assert draft_language(DraftPerson("Müller", "Zoë")) == "en"


def test_an_english_interface_does_not_write_dear_to_a_japanese_contact() -> None:
    draft = thank_you_draft(
        person=DraftPerson("高田", "真央", name_en="Mao Takada"),
        sender=SENDERS["full"],
        event_name="FinTech読書会",
        met_on=date(2026, 12, 2),
        today=TODAY,
    )
    assert draft.language == "ja" and draft.body.startswith("高田 真央 様\n")
    chosen = thank_you_draft(
        person=DraftPerson("高田", "真央", name_en="Mao Takada"),
        sender=SENDERS["full"],
        event_name="FinTech読書会",
        met_on=date(2026, 12, 2),
        today=TODAY,
        language="en",
    )
    assert chosen.body.startswith("Dear Mao Takada,\n")


def test_a_japanese_draft_to_a_western_name_puts_the_given_name_first() -> None:
    draft = thank_you_draft(
        person=PEOPLE["western"], sender=SENDERS["name"], met_on=None, today=TODAY, language="ja"
    )
    assert draft.body.startswith("Acme Inc.\nDirector\nJohn Smith 様\n")


@pytest.mark.parametrize(
    ("cue", "topic"),
    [
        ("赤いメガネ、釣りの話", "釣り"),
        ("ゴルフの話題・採用について", "ゴルフと採用"),
        ("赤いメガネ", ""),  # how someone looks stays with the user
        ("", ""),
    ],
)
def test_a_memory_cue_gives_only_the_topics_it_names(cue: str, topic: str) -> None:
    assert topic_from_cue(cue) == topic

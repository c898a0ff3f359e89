"""Event follow-up queue and the thank-you drafts (お礼メール)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kinmyaku.domain.insights import (
    DraftPerson,
    DraftSender,
    EventEncounter,
    InsightParams,
    followup_queue,
    followup_queue_from_touches,
    render,
    thank_you_draft,
    thank_you_for,
)

MET = datetime(2024, 5, 31, 19, 0)
MEETUP = EventEncounter(1, 10, "渋谷 異業種交流会", MET, "生成AIの業務活用")
PERSON = DraftPerson("佐藤", "花子", "株式会社サンプル", name_en="Hanako Sato")
ME = DraftSender(
    "山田 太郎", "株式会社ヤマダ", name_en="Taro Yamada", organization_en="Yamada Inc."
)


def test_fresh_encounter_is_due_with_hours_left() -> None:
    now = datetime(2024, 6, 1, 12, 0)  # 17 hours after meeting
    [item] = followup_queue([MEETUP], last_followup_at={}, now=now)
    assert not item.late
    assert item.hours_waiting == 17
    assert item.due_at == MET + timedelta(hours=48)
    # 48 - 17 = 31 hours left: a wait of more than a day reads in days
    assert render(item.explanation) == "渋谷 異業種交流会で出会いました：あと2日以内にお礼を"
    assert render(item.explanation, "en") == (
        "Met at 渋谷 異業種交流会: say thank you within 2 days"
    )
    [soon] = followup_queue([MEETUP], last_followup_at={}, now=MET + timedelta(hours=36))
    assert render(soon.explanation) == "渋谷 異業種交流会で出会いました：あと12時間以内にお礼を"
    assert render(soon.explanation, "en") == (
        "Met at 渋谷 異業種交流会: say thank you within 12 hours"
    )


def test_late_after_48_hours_and_stays_until_followed_up() -> None:
    now = MET + timedelta(hours=48)
    [item] = followup_queue([MEETUP], last_followup_at={}, now=now)
    assert item.late
    assert render(item.explanation, "en") == (
        "Met at 渋谷 異業種交流会 on May 31; no follow-up for 2 days"
    )
    assert render(item.explanation) == (
        "5月31日に渋谷 異業種交流会で出会ってから2日、フォローがありません"
    )
    much_later = MET + timedelta(days=30)
    assert followup_queue([MEETUP], last_followup_at={}, now=much_later)[0].late
    next_year = followup_queue([MEETUP], last_followup_at={}, now=MET + timedelta(days=400))[0]
    assert "2024年5月31日" in render(next_year.explanation)


def test_a_follow_up_after_meeting_clears_it_one_before_does_not() -> None:
    now = MET + timedelta(days=3)
    after = {1: MET + timedelta(hours=70)}
    assert followup_queue([MEETUP], last_followup_at=after, now=now) == []
    before = {1: MET - timedelta(days=1)}
    assert len(followup_queue([MEETUP], last_followup_at=before, now=now)) == 1
    future = {1: now + timedelta(hours=1)}  # logged ahead of time: not done yet
    assert len(followup_queue([MEETUP], last_followup_at=future, now=now)) == 1


def test_encounters_not_yet_happened_are_not_queued_and_order_is_oldest_first() -> None:
    later = EventEncounter(2, 11, "勉強会", MET + timedelta(days=1))
    earlier = EventEncounter(3, 12, "展示会", MET - timedelta(days=1))
    future = EventEncounter(4, 13, "来週の会", MET + timedelta(days=7))
    now = MET + timedelta(days=2)
    queue = followup_queue([later, MEETUP, future, earlier], last_followup_at={}, now=now)
    assert [f.encounter.person_id for f in queue] == [3, 1, 2]


def test_followup_hours_is_a_parameter() -> None:
    now = MET + timedelta(hours=25)
    params = InsightParams(followup_hours=24)
    assert followup_queue([MEETUP], last_followup_at={}, now=now, params=params)[0].late


@given(
    st.lists(st.tuples(st.integers(1, 3), st.integers(-100, 100)), max_size=10),
    st.integers(0, 200),
)
def test_raw_follow_ups_agree_with_the_latest_per_person(
    followups: list[tuple[int, int]], hours_after: int
) -> None:
    encounters = [EventEncounter(p, p, "会", MET + timedelta(hours=p)) for p in (1, 2, 3)]
    now = MET + timedelta(hours=hours_after)
    pairs = [(p, MET + timedelta(hours=h)) for p, h in followups]
    latest: dict[int, datetime] = {}
    for p, at in pairs:
        if at <= now:
            latest[p] = max(at, latest.get(p, at))
    raw = followup_queue_from_touches(encounters, followups=pairs, now=now)
    assert raw == followup_queue(encounters, last_followup_at=latest, now=now)


def test_japanese_thank_you_draft_is_business_style() -> None:
    now = datetime(2024, 6, 1, 9, 0)
    [item] = followup_queue([MEETUP], last_followup_at={}, now=now)
    draft = thank_you_for(item, person=PERSON, sender=ME, today=now.date())
    assert draft.subject == "【御礼】渋谷 異業種交流会でのご挨拶（株式会社ヤマダ 山田 太郎）"
    assert draft.body.splitlines()[:8] == [
        "株式会社サンプル",
        "佐藤 花子 様",
        "",
        "お世話になっております。",
        "株式会社ヤマダの山田 太郎です。",
        "",
        "昨日（5月31日）の渋谷 異業種交流会では、お話しする機会をいただき、"
        "誠にありがとうございました。",
        "生成AIの業務活用についてのお話は大変興味深く、勉強になりました。",
    ]
    assert draft.as_text().startswith("件名：【御礼】")


def test_english_thank_you_draft() -> None:
    draft = thank_you_draft(
        person=PERSON,
        sender=ME,
        event_name="Tokyo Startup Night",
        met_on=date(2024, 5, 20),
        today=date(2024, 6, 1),
        topic="hiring engineers",
        language="en",
    )
    assert draft.subject == "Thank you for the conversation at Tokyo Startup Night"
    lines = draft.body.splitlines()
    assert lines[0] == "Dear Hanako Sato,"
    assert (
        lines[2]
        == "Thank you for taking the time to talk with me at Tokyo Startup Night on May 20."
    )
    assert "I especially enjoyed our conversation about hiring engineers." in lines
    assert lines[-2:] == ["Taro Yamada", "Yamada Inc."]
    assert draft.as_text().startswith("Subject: Thank you")


def test_drafts_without_topic_or_organisation_leave_those_lines_out() -> None:
    bare_person = DraftPerson("鈴木")
    bare_me = DraftSender("田中 一郎")
    ja = thank_you_draft(
        person=bare_person,
        sender=bare_me,
        event_name="勉強会",
        met_on=date(2024, 6, 1),
        today=date(2024, 6, 1),
    )
    assert ja.body.splitlines()[0] == "鈴木 様"
    assert "田中 一郎です。" in ja.body
    assert "本日（6月1日）の勉強会では" in ja.body
    assert "についてのお話" not in ja.body
    assert ja.subject == "【御礼】勉強会でのご挨拶（田中 一郎）"
    en = thank_you_draft(
        person=bare_person,
        sender=bare_me,
        event_name="the meetup",
        met_on=date(2024, 5, 31),
        today=date(2024, 6, 1),
        language="en",
    )
    assert en.body.splitlines()[0] == "Dear 鈴木,"
    assert "at the meetup yesterday." in en.body
    assert "conversation about" not in en.body
    assert en.body.rstrip().endswith("田中 一郎")


def test_older_meetings_name_the_day() -> None:
    draft = thank_you_draft(
        person=PERSON,
        sender=ME,
        event_name="展示会",
        met_on=date(2024, 5, 1),
        today=date(2024, 6, 1),
    )
    assert "5月1日の展示会では" in draft.body
    last_year = thank_you_draft(
        person=PERSON,
        sender=ME,
        event_name="展示会",
        met_on=date(2023, 12, 2),
        today=date(2024, 1, 5),
    )
    assert "2023年12月2日の展示会では" in last_year.body

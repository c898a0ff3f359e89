"""Forgotten cards and the SM-2 recall drill."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinmyaku.domain.insights import (
    CardFacts,
    DrillSubject,
    InsightParams,
    Prompt,
    ReviewState,
    company_answer_ok,
    due_cards,
    forgotten_cards,
    is_forgotten,
    name_answer_ok,
    name_forms,
    place_answer_ok,
    quality_from_answers,
    render,
    review,
)

TODAY = date(2024, 6, 1)
MET = date(2024, 1, 10)


def test_forgotten_means_no_cue_no_photo_no_touch_since_meeting() -> None:
    assert is_forgotten(CardFacts(1, MET, MET))  # only the meeting itself
    assert is_forgotten(CardFacts(1, MET, None))
    assert is_forgotten(CardFacts(1, None, None))
    assert not is_forgotten(CardFacts(1, MET, MET + timedelta(days=1)))  # touched since
    assert not is_forgotten(CardFacts(1, MET, MET, has_memory_cue=True))
    assert not is_forgotten(CardFacts(1, MET, MET, has_photo=True))


def test_forgotten_cards_oldest_first_and_explained() -> None:
    cards = forgotten_cards(
        [
            CardFacts(1, MET, MET),
            CardFacts(2, None, None),
            CardFacts(3, date(2023, 5, 1), date(2023, 5, 1)),
            CardFacts(4, MET, TODAY),
        ],
        today=TODAY,
    )
    assert [c.person_id for c in cards] == [3, 1, 2]
    # 2024-01-10 to 2024-06-01: 21 + 29 + 31 + 30 + 31 + 1 = 143 days
    assert cards[1].days_since_met == 143
    assert render(cards[1].explanation, "en") == (
        "No touch since you met on 2024-01-10 (143 days ago); no memory cue, no photo"
    )
    assert render(cards[2].explanation) == "出会った日も接点もなく、メモも写真もありません"


def test_sm2_three_perfect_recalls() -> None:
    s = ReviewState(1)
    first = review(s, quality=5, today=TODAY)
    # interval 1, ease 2.5 + 0.1 - 0 = 2.6
    assert (first.state.interval_days, first.state.repetitions) == (1, 1)
    assert first.state.ease == pytest.approx(2.6)
    assert first.state.due_on == TODAY + timedelta(days=1)
    second = review(first.state, quality=5, today=TODAY + timedelta(days=1))
    assert second.state.interval_days == 6  # second interval is 6, ease 2.7
    third = review(second.state, quality=5, today=TODAY + timedelta(days=7))
    # ceil(6 * 2.7) = ceil(16.2) = 17; ease 2.8
    assert third.state.interval_days == 17
    assert third.state.ease == pytest.approx(2.8)
    assert render(third.explanation, "en") == "Next review on 2024-06-25 (in 17 days)"
    assert render(third.explanation) == "次の復習は2024-06-25（17日後）"


def test_sm2_failure_resets_and_lowers_ease() -> None:
    s = ReviewState(1, repetitions=4, interval_days=30, ease=2.5, due_on=TODAY)
    after = review(s, quality=2, today=TODAY).state
    # ease 2.5 + 0.1 - 3 * (0.08 + 3 * 0.02) = 2.6 - 0.42 = 2.18
    assert (after.repetitions, after.interval_days) == (0, 1)
    assert after.ease == pytest.approx(2.18)
    floor = review(ReviewState(1, ease=1.3), quality=0, today=TODAY).state
    assert floor.ease == 1.3  # never below the minimum


def test_quality_is_checked() -> None:
    with pytest.raises(ValueError, match="0 to 5"):
        review(ReviewState(1), quality=6, today=TODAY)


@given(st.lists(st.integers(0, 5), min_size=1, max_size=30))
def test_sm2_state_stays_sane(qualities: list[int]) -> None:
    state = ReviewState(1)
    day = TODAY
    for q in qualities:
        state = review(state, quality=q, today=day).state
        assert state.ease >= 1.3
        assert state.interval_days >= 1
        assert state.due_on is not None and state.due_on > day
        day = state.due_on


def test_quality_from_the_three_answers() -> None:
    assert quality_from_answers(name_ok=True, company_ok=True, place_ok=True) == 5
    assert quality_from_answers(name_ok=True, company_ok=True, place_ok=True, hesitated=True) == 4
    assert quality_from_answers(name_ok=True, company_ok=False, place_ok=True) == 3
    assert quality_from_answers(name_ok=False, company_ok=False, place_ok=True) == 2
    assert quality_from_answers(name_ok=False, company_ok=False, place_ok=False) == 1


def test_answers_are_checked_japanese_aware() -> None:
    forms = name_forms("佐藤", "花子", "サトウ", "ハナコ")
    assert forms == ("佐藤花子", "佐藤", "サトウハナコ", "サトウ")
    assert name_answer_ok("佐藤 花子", accepted=forms)
    assert name_answer_ok("さとう", accepted=forms)  # hiragana for the katakana reading
    assert name_answer_ok("ｻﾄｳ ﾊﾅｺ", accepted=forms)  # half-width kana
    assert not name_answer_ok("鈴木", accepted=forms)
    assert not name_answer_ok("  ", accepted=forms)
    assert company_answer_ok("サンプル", organization="株式会社サンプル")
    assert company_answer_ok("ＡＢＣ inc.", organization="(株)ABC")
    assert not company_answer_ok("サンプル商事", organization="株式会社サンプル")
    assert place_answer_ok("交流会", accepted=["渋谷 異業種交流会"])
    assert not place_answer_ok("展示会", accepted=["渋谷 異業種交流会", ""])


def test_due_cards_reviews_first_then_limited_new_cards() -> None:
    subjects = [
        DrillSubject(1, has_photo=True, state=ReviewState(1, 2, 6, 2.5, TODAY)),
        DrillSubject(2, has_photo=False, memory_cue="赤い眼鏡、釣り好き"),  # new
        DrillSubject(3, has_photo=False, memory_cue=""),  # nothing to show: skipped
        DrillSubject(
            4,
            has_photo=False,
            memory_cue="早口",
            state=ReviewState(4, 1, 1, 2.5, TODAY - timedelta(days=3)),
        ),
        DrillSubject(5, has_photo=True),  # new
        DrillSubject(6, has_photo=True, state=ReviewState(6, 1, 1, 2.5, TODAY + timedelta(days=1))),
    ]
    cards = due_cards(subjects, today=TODAY, params=InsightParams(drill_new_per_day=1))
    assert [(c.person_id, c.prompt) for c in cards] == [
        (4, Prompt.CUE),  # most overdue review
        (1, Prompt.PHOTO),
        (2, Prompt.CUE),  # one new card only
    ]
    assert cards[2].memory_cue == "赤い眼鏡、釣り好き"
    assert cards[2].state.due_on is None

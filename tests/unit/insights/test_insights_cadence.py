"""Keep in touch: cadence by purpose or tier, the overdue list and snoozing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kinmyaku.domain.insights import (
    CadenceBasis,
    CadenceSubject,
    Touch,
    TouchKind,
    cadence_for,
    keep_in_touch,
    last_touch_on,
    overdue_list,
    render,
    snooze,
)

TODAY = date(2024, 6, 1)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def test_cadence_comes_from_purpose_then_tier_then_default() -> None:
    assert cadence_for(tier="A", purpose_cadence_days=14) == (14, CadenceBasis.PURPOSE)
    assert cadence_for(tier="A", purpose_cadence_days=None) == (30, CadenceBasis.TIER)
    assert cadence_for(tier="B", purpose_cadence_days=None) == (90, CadenceBasis.TIER)
    assert cadence_for(tier="C", purpose_cadence_days=None) == (180, CadenceBasis.TIER)
    assert cadence_for(tier="Z", purpose_cadence_days=None) == (180, CadenceBasis.DEFAULT)
    assert cadence_for(tier=None, purpose_cadence_days=None) == (180, CadenceBasis.DEFAULT)
    with pytest.raises(ValueError, match="purpose cadence"):
        cadence_for(tier=None, purpose_cadence_days=0)


def test_overdue_days_and_why() -> None:
    item = keep_in_touch(CadenceSubject(1, ago(40), tier="A"), today=TODAY)
    # due = last touch + 30 = 10 days ago
    assert item.due_on == ago(10)
    assert item.overdue and item.days_overdue == 10
    assert render(item.explanation) == "10日超過：最後の接点は40日前（目安は30日ごと）"
    assert render(item.explanation, "en") == (
        "10 days overdue: last touch 40 days ago (every 30 days)"
    )
    assert render(item.basis_explanation, "en") == "Default for tier A: every 30 days"


def test_not_yet_due() -> None:
    item = keep_in_touch(CadenceSubject(1, ago(30), tier="B"), today=TODAY)
    assert not item.overdue and item.days_overdue is None
    assert item.due_on == TODAY + timedelta(days=60)
    assert render(item.explanation, "en") == (
        "Due in 60 days: last touch 30 days ago (every 90 days)"
    )


def test_due_today_counts_as_overdue_by_zero_days() -> None:
    item = keep_in_touch(CadenceSubject(1, ago(30), tier="A"), today=TODAY)
    assert item.overdue and item.days_overdue == 0


def test_purpose_cadence_is_explained_with_its_name() -> None:
    subject = CadenceSubject(1, ago(20), purpose_cadence_days=14, purpose_name="資金調達")
    item = keep_in_touch(subject, today=TODAY)
    assert item.days_overdue == 6
    assert render(item.basis_explanation) == "目的「資金調達」の目安：14日ごと"


def test_never_touched_is_overdue_without_a_count() -> None:
    item = keep_in_touch(CadenceSubject(1, None), today=TODAY)
    assert item.overdue and item.days_overdue is None and item.due_on is None
    assert render(item.explanation, "en") == "No touch yet (every 180 days)"


def test_any_touch_resets_the_clock() -> None:
    touches = [
        Touch(ago(200), TouchKind.ENCOUNTER),
        Touch(ago(5), TouchKind.REQUEST),
        Touch(TODAY + timedelta(days=3), TouchKind.INTERACTION),  # planned, not done
    ]
    last = last_touch_on(touches, today=TODAY)
    assert last == ago(5)
    assert not keep_in_touch(CadenceSubject(1, last, tier="A"), today=TODAY).overdue
    assert last_touch_on([], today=TODAY) is None


def test_snooze_hides_until_the_date() -> None:
    until = snooze(today=TODAY, days=7)
    assert until == TODAY + timedelta(days=7)
    subject = CadenceSubject(1, ago(100), tier="A", snoozed_until=until)
    hidden = keep_in_touch(subject, today=TODAY)
    assert hidden.snoozed and hidden.overdue
    assert render(hidden.explanation, "en") == "Snoozed until 2024-06-08"
    assert overdue_list([subject], today=TODAY) == []
    back = overdue_list([subject], today=until)
    assert [i.person_id for i in back] == [1]
    with pytest.raises(ValueError, match="days"):
        snooze(today=TODAY, days=0)


def test_overdue_list_order_of_importance() -> None:
    subjects = [
        CadenceSubject(1, ago(200), tier="C"),  # 20 days over 180: ratio 0.11
        CadenceSubject(2, ago(60), tier="B"),  # not due (90)
        CadenceSubject(3, ago(45), tier="A"),  # 15 over 30: ratio 0.5
        CadenceSubject(4, ago(90), tier="A"),  # 60 over 30: ratio 2.0
        CadenceSubject(5, None, tier="A"),  # never touched: after the dated A's
        CadenceSubject(6, ago(400)),  # untiered: 220 over 180, last
        CadenceSubject(7, ago(120), tier="B"),  # 30 over 90: ratio 0.33
    ]
    assert [i.person_id for i in overdue_list(subjects, today=TODAY)] == [4, 3, 5, 7, 1, 6]


def test_a_touch_dated_after_today_keeps_a_person_off_the_list() -> None:
    subject = CadenceSubject(1, TODAY + timedelta(days=2), tier="A")
    assert not keep_in_touch(subject, today=TODAY).overdue

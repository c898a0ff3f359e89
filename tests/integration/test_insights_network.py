"""Relationship intelligence on a small hand-built network (SQLite and PostgreSQL).

Every figure is computed by hand in the comments, and the per-person aggregates from SQL
are checked against the phase-1 Python reference (``aggregate_touches``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time

import pytest

from kinmyaku.bootstrap import App
from kinmyaku.domain.insights import (
    DEFAULT_PARAMS,
    Direction,
    EncounterFact,
    ExchangeFact,
    InteractionFact,
    OneSided,
    RequestFact,
    SourceKind,
    SuggestionKind,
    aggregate_touches,
    relationship_strength,
    render,
    touches_from,
)
from kinmyaku.services import drill, insights, insights_people
from kinmyaku.services.events import add_event
from kinmyaku.services.people import PersonInput, add_person
from kinmyaku.services.relations import (
    log_interaction,
    open_request,
    record_encounter,
    record_exchange,
    set_purpose,
)

TODAY = date(2026, 11, 26)
NOW = datetime.combine(TODAY, time(12))
D = date.fromisoformat


@dataclass
class Net:
    """The ids of the hand-built network."""

    sato: int
    suzuki: int
    tanaka: int
    takahashi: int
    ito: int
    event: int
    request: int


def build(app: App) -> Net:
    """Five people; see each comment for what they stand for."""
    uow = app.uow
    add = add_person
    # 佐藤: tier A, met yesterday at the meetup with a cue, gave 2 and received 1: two-way.
    sato = add(
        uow(),
        PersonInput(
            family_name="佐藤",
            given_name="健",
            family_reading="さとう",
            given_reading="けん",
            company="株式会社アルファ",
            industry="it",
            department="営業",
            tags=["A"],
            offers="採用支援",
        ),
    )
    # 鈴木: introduced by 佐藤 long ago; only received from (4 = 3 + 1): one-sided taking,
    # purpose every 14 days, last touch 2026-09-01: overdue.
    suzuki = add(
        uow(),
        PersonInput(
            family_name="鈴木",
            given_name="花子",
            company="ベータ銀行",
            industry="finance",
            department="財務",
            needs="採用、英語",
        ),
    )
    # 田中: met yesterday at the meetup, nothing since, no cue: forgotten and to follow up.
    tanaka = add(
        uow(),
        PersonInput(
            family_name="田中", given_name="一郎", company="ガンマ建設", industry="construction"
        ),
    )
    # 高橋: never touched: overdue (no day count) and forgotten (undated).
    takahashi = add(uow(), PersonInput(family_name="高橋", given_name="誠"))
    # 伊藤: met at work in 2024, I gave three times: one-sided giving; I owe them a request.
    ito = add(uow(), PersonInput(family_name="伊藤", given_name="翔", offers="英語"))
    event = add_event(uow(), name="異業種交流会 渋谷", on=D("2026-11-25"))
    record_encounter(
        uow(),
        person_id=sato,
        on=D("2026-11-25"),
        channel="event",
        event_id=event,
        memory_cue="眼鏡、登山好き",
    )
    record_encounter(uow(), person_id=tanaka, on=D("2026-11-25"), channel="event", event_id=event)
    record_encounter(
        uow(), person_id=suzuki, on=D("2025-03-01"), channel="introduction", introducer_id=sato
    )
    record_encounter(uow(), person_id=ito, on=D("2024-06-01"), channel="work")
    log_interaction(uow(), person_ids=[sato], on=D("2026-11-01"))
    for pid, on, direction, weight in [
        (sato, "2026-10-01", "gave", 2),
        (sato, "2026-06-01", "received", 1),
        (suzuki, "2026-09-01", "received", 3),
        (suzuki, "2026-05-01", "received", 1),
        (ito, "2026-08-01", "gave", 1),
        (ito, "2026-07-01", "gave", 1),
        (ito, "2026-02-01", "gave", 1),
    ]:
        record_exchange(
            uow(), person_id=pid, on=D(on), direction=direction, kind="help", weight=weight
        )
    set_purpose(uow(), person_id=suzuki, category="client", goal="融資", cadence_days=14)
    request = open_request(
        uow(),
        person_id=ito,
        side="theirs",
        what="資料を送る",
        asked_on=D("2026-11-01"),
        due_on=D("2026-11-20"),
    )
    insights_people.set_my_profile(
        uow(),
        name="山本 大輔",
        organization="デルタ株式会社",
        offers="採用、マーケティング",
        needs="英語",
    )
    return Net(sato, suzuki, tanaka, takahashi, ito, event, request)


def reference_touches(net: Net) -> dict[int, list]:  # type: ignore[type-arg]
    """The same facts as phase-1 facts, for the Python reference."""
    p = DEFAULT_PARAMS
    return {
        net.sato: touches_from(
            params=p,
            encounters=[EncounterFact(D("2026-11-25"))],
            interactions=[InteractionFact(D("2026-11-01"))],
            exchanges=[
                ExchangeFact(D("2026-10-01"), Direction.GAVE, 2),
                ExchangeFact(D("2026-06-01"), Direction.RECEIVED, 1),
            ],
        ),
        net.suzuki: touches_from(
            params=p,
            encounters=[EncounterFact(D("2025-03-01"))],
            exchanges=[
                ExchangeFact(D("2026-09-01"), Direction.RECEIVED, 3),
                ExchangeFact(D("2026-05-01"), Direction.RECEIVED, 1),
            ],
        ),
        net.tanaka: touches_from(params=p, encounters=[EncounterFact(D("2026-11-25"))]),
        net.ito: touches_from(
            params=p,
            encounters=[EncounterFact(D("2024-06-01"))],
            exchanges=[
                ExchangeFact(D(d), Direction.GAVE, 1)
                for d in ("2026-08-01", "2026-07-01", "2026-02-01")
            ],
            requests=[RequestFact(D("2026-11-01"), asked_by_me=False)],
        ),
    }


@pytest.fixture
def net(app: App) -> Net:
    return build(app)


def test_sql_aggregates_match_the_python_reference(app: App, net: Net) -> None:
    got = insights.aggregates_for(app.uow(), today=TODAY)
    expected = reference_touches(net)
    assert set(got) == set(expected)  # 高橋 has no touch at all
    for pid, touches in expected.items():
        ref = aggregate_touches(touches, today=TODAY, params=DEFAULT_PARAMS)
        mine = got[pid]
        assert (mine.first_touch_on, mine.last_touch_on) == (ref.first_touch_on, ref.last_touch_on)
        assert (mine.touch_count, mine.gave_count, mine.received_count) == (
            ref.touch_count,
            ref.gave_count,
            ref.received_count,
        )
        for field in (
            "decayed_weight",
            "given_weight",
            "received_weight",
            "decayed_given",
            "decayed_received",
            "prev_given_weight",
            "prev_received_weight",
        ):
            assert getattr(mine, field) == pytest.approx(getattr(ref, field), rel=1e-9), field
    # By hand for 佐藤: encounter (w2, 1 day), interaction (w1, 25), gave (w2, 56),
    # received (w1, 178): decayed weight = sum w * 2^(-age/90).
    by_hand = 2 * 2 ** (-1 / 90) + 2 ** (-25 / 90) + 2 * 2 ** (-56 / 90) + 2 ** (-178 / 90)
    assert got[net.sato].decayed_weight == pytest.approx(by_hand)
    assert got[net.sato].touch_count == 4


def test_stats_by_hand(app: App, net: Net) -> None:
    stats = insights.network_stats(app.uow(), today=TODAY)
    assert stats.people == 5
    assert stats.two_way == 1  # 佐藤
    assert stats.one_sided_taking == 1  # 鈴木: gave 0, received 2 (weight 4)
    assert stats.one_sided_giving == 1  # 伊藤: gave 3, received 0
    assert stats.overdue == 2  # 鈴木 (14-day purpose), 高橋 (never touched)
    assert stats.open_requests == 1
    assert stats.forgotten == 2  # 田中 (nothing since meeting), 高橋 (nothing at all)
    # Met in the last 12 months: 佐藤 (it) and 田中 (construction): H = ln 2.
    assert stats.diversity_index == pytest.approx(math.log(2))
    # Given: 2 (佐藤) + 3 (伊藤) = 5; received: 1 (佐藤) + 4 (鈴木) = 5: even.
    assert stats.balance == pytest.approx(0.0)
    assert stats.strong == 0
    assert set(stats.to_json()) >= {
        "people",
        "two_way",
        "one_sided_taking",
        "one_sided_giving",
        "overdue",
        "open_requests",
        "diversity_index",
        "forgotten",
    }


def test_review_by_hand(app: App, net: Net) -> None:
    review = insights.network_review(app.uow(), today=TODAY, now=NOW)
    # 佐藤 becomes two-way on 2026-10-01 (received 2026-06-01 is within 12 months).
    counts = [p.count for p in review.timeline]
    assert [p.on for p in review.timeline][-2:] == [D("2026-10-31"), TODAY]
    assert counts == [0] * 10 + [1, 1]
    assert [o.person.person_id for o in review.overdue] == [net.suzuki, net.takahashi]
    suzuki = review.overdue[0].status
    # Last touch 2026-09-01 + 14 days = 2026-09-15; 72 days overdue.
    assert (suzuki.due_on, suzuki.days_overdue) == (D("2026-09-15"), 72)
    assert render(suzuki.explanation, "en") == (
        "72 days overdue: last touch 86 days ago (every 14 days)"
    )
    assert render(suzuki.basis_explanation) == "目的「融資」の目安：14日ごと"
    sides = {o.person.person_id: o.flag.side for o in review.one_sided}
    assert sides == {net.suzuki: OneSided.TAKING, net.ito: OneSided.GIVING}
    assert render(review.one_sided[0].flag.explanation, "en").startswith("Only")
    assert [(c.id, c.overdue, c.days_left) for c in review.commitments] == [(net.request, True, -6)]
    followed = [(f.person.person_id, f.item.late) for f in review.followups]
    assert followed == [(net.sato, False), (net.tanaka, False)]
    # Met 2026-11-25 00:00, due 48 h later; at noon on the 26th: 12 hours left.
    assert render(review.followups[0].item.explanation, "en") == (
        "Met at 異業種交流会 渋谷: say thank you within 12 hours"
    )
    assert [n.person_id for n, _ in review.forgotten] == [net.tanaka, net.takahashi]
    # Strength: everyone below 60; 高橋 (never touched) counts in the lowest bucket.
    assert sum(n for _, _, n in review.strength_histogram) == 5
    assert review.drill_due == 1  # 佐藤 has a memory cue, new card
    by_key = {(y.row.kind, y.label): y.row for y in review.yields}
    event_row = by_key[(SourceKind.EVENT, "異業種交流会 渋谷")]
    assert (event_row.met, event_row.two_way, event_row.converted) == (2, 1, 1)
    assert by_key[(SourceKind.CHANNEL, "event")].rate == pytest.approx(0.5)
    assert by_key[(SourceKind.INTRODUCER, "佐藤 健")].met == 1
    assert review.balance.value == pytest.approx(0.0)
    assert review.balance.trend is None  # nothing in the previous window


def test_strength_matches_the_phase1_function(app: App, net: Net) -> None:
    insight = insights_people.person_insight(app.uow(), person_id=net.sato, today=TODAY)
    ref = relationship_strength(reference_touches(net)[net.sato], today=TODAY)
    assert insight.strength.value == pytest.approx(ref.value)
    assert insight.two_way.two_way
    assert render(insight.two_way.explanation, "en") == (
        "Two-way: you gave 1 and received 1 in 12 months"
    )
    assert render(insight.balance.explanation) == "直近12か月でギブ1回・テイク1回（重み 2 対 1）"


def test_suggestions_for_one_sided_taking(app: App, net: Net) -> None:
    insight = insights_people.person_insight(app.uow(), person_id=net.suzuki, today=TODAY)
    assert insight.one_sided is OneSided.TAKING
    kinds = [(s.kind, s.offer, s.need) for s in insight.suggestions]
    assert (SuggestionKind.GIVE, "採用", "採用") in kinds
    assert (SuggestionKind.INTRODUCE, "採用支援", "採用") in kinds
    assert (SuggestionKind.INTRODUCE, "英語", "英語") in kinds  # via 伊藤
    give = next(s for s in insight.suggestions if s.kind is SuggestionKind.GIVE)
    assert render(give.explanation) == "あなたの「採用」が鈴木 花子さんの「採用」に役立ちます"


def test_suggestions_for_one_sided_giving_ask(app: App, net: Net) -> None:
    insight = insights_people.person_insight(app.uow(), person_id=net.ito, today=TODAY)
    assert insight.one_sided is OneSided.GIVING
    assert [(s.kind, s.offer) for s in insight.suggestions] == [(SuggestionKind.ASK, "英語")]


def test_snooze_hides_from_overdue(app: App, net: Net) -> None:
    until = insights.snooze_person(app.uow(), person_id=net.suzuki, days=10, today=TODAY)
    assert until == D("2026-12-06")
    due = insights.due_now(app.uow(), today=TODAY, now=NOW)
    assert [o.person.person_id for o in due.overdue] == [net.takahashi]
    later = insights.due_now(app.uow(), today=D("2026-12-06"), now=NOW)
    assert net.suzuki in [o.person.person_id for o in later.overdue]
    insights.snooze_person(app.uow(), person_id=net.suzuki, days=1, today=TODAY)  # update
    assert insights.network_stats(app.uow(), today=TODAY).overdue == 1
    assert insights.network_stats(app.uow(), today=D("2026-11-27")).overdue == 2


def test_due_lists_requests_and_followups(app: App, net: Net) -> None:
    due = insights.due_now(app.uow(), today=TODAY, now=NOW)
    assert [r.id for r in due.requests] == [net.request]
    assert [f.person.person_id for f in due.followups] == [net.sato, net.tanaka]
    # A touch on or after the meeting day is a follow-up.
    log_interaction(app.uow(), person_ids=[net.tanaka], on=TODAY, kind="email")
    due = insights.due_now(app.uow(), today=TODAY, now=NOW)
    assert [f.person.person_id for f in due.followups] == [net.sato]


def test_thank_you_drafts(app: App, net: Net) -> None:
    ja = insights_people.thank_you_message(app.uow(), person_id=net.sato, today=TODAY)
    assert ja.subject == "【御礼】異業種交流会 渋谷でのご挨拶（デルタ株式会社 山本 大輔）"
    assert "株式会社アルファ\n営業\n佐藤 健 様" in ja.body
    assert "昨日（11月25日）の異業種交流会 渋谷では、お話しする機会をいただき" in ja.body
    en = insights_people.thank_you_message(
        app.uow(), person_id=net.sato, today=TODAY, language="en", topic="hiring"
    )
    assert "at 異業種交流会 渋谷 yesterday" in en.body and "about hiring" in en.body


def test_recall_drill_grades_and_schedules(app: App, net: Net) -> None:
    cards = drill.drill_cards_due(app.uow(), today=TODAY)
    assert [(c.person_id, c.memory_cue, c.new) for c in cards] == [
        (net.sato, "眼鏡、登山好き", True)
    ]
    result = drill.answer_drill(
        app.uow(), person_id=net.sato, name="サトウ", company="アルファ", place="渋谷", today=TODAY
    )
    assert (result.name_ok, result.company_ok, result.place_ok, result.quality) == (
        True,
        True,
        True,
        5,
    )
    # SM-2 from a new card, quality 5: interval 1, ease 2.5 + 0.1 = 2.6.
    assert (result.state.interval_days, result.state.repetitions) == (1, 1)
    assert result.state.ease == pytest.approx(2.6)
    assert result.state.due_on == D("2026-11-27")
    assert drill.drill_cards_due(app.uow(), today=TODAY) == []
    again = drill.drill_cards_due(app.uow(), today=D("2026-11-27"))
    assert [c.new for c in again] == [False]
    wrong = drill.answer_drill(
        app.uow(),
        person_id=net.sato,
        name="鈴木",
        company="ベータ",
        place="大阪",
        today=D("2026-11-27"),
    )
    # None right: quality 1; repetitions 0, interval 1, ease 2.6 - 0.54 = 2.06.
    assert (wrong.quality, wrong.state.repetitions, wrong.state.interval_days) == (1, 0, 1)
    assert wrong.state.ease == pytest.approx(2.06)

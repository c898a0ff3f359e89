"""Diversity: Shannon entropy, evenness, trend and gaps."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinmyaku.domain.insights import (
    Dimension,
    MetPerson,
    dimension_diversity,
    diversity_report,
    evenness,
    industry_gaps,
    render,
    shannon_entropy,
)
from kinmyaku.domain.insights.diversity import DEFAULT_REFERENCE_INDUSTRIES, DiversityTrend

TODAY = date(2024, 6, 1)


def test_hand_computed_entropy_and_evenness() -> None:
    # p = 1/2, 1/4, 1/4: H = 0.5 ln 2 + 2 * 0.25 ln 4 = 1.5 ln 2 = 1.039721
    assert shannon_entropy([2, 1, 1]) == pytest.approx(1.5 * math.log(2))
    # J = H / ln 3 = 1.039721 / 1.098612 = 0.946395
    assert evenness([2, 1, 1]) == pytest.approx(0.946395, abs=1e-6)


def test_empty_and_single_category() -> None:
    assert shannon_entropy([]) == 0.0
    assert shannon_entropy([0, 0]) == 0.0
    assert shannon_entropy([7]) == 0.0
    assert evenness([7]) == 0.0
    assert evenness([]) == 0.0


@given(st.integers(1, 1000))
def test_entropy_is_zero_for_one_industry(n: int) -> None:
    assert shannon_entropy([n]) == 0.0


@given(st.integers(1, 40), st.integers(1, 1000))
def test_entropy_is_log_k_for_k_equal_industries(k: int, n: int) -> None:
    assert shannon_entropy([n] * k) == pytest.approx(math.log(k), abs=1e-9)
    if k >= 2:
        assert evenness([n] * k) == pytest.approx(1.0)


@given(st.lists(st.integers(0, 500), max_size=30))
def test_entropy_bounds_and_sql_form(counts: list[int]) -> None:
    positive = [c for c in counts if c > 0]
    h = shannon_entropy(counts)
    assert 0.0 <= h <= math.log(max(1, len(positive))) + 1e-9
    assert 0.0 <= evenness(counts) <= 1.0
    if positive:
        n = sum(positive)
        sql_form = math.log(n) - sum(c * math.log(c) for c in positive) / n
        assert h == pytest.approx(max(0.0, sql_form), abs=1e-9)
    assert shannon_entropy(list(reversed(counts))) == pytest.approx(h)


def test_dimension_from_counts_with_trend() -> None:
    d = dimension_diversity(
        Dimension.INDUSTRY, {"G": 2, "E": 1, "J": 1}, previous_counts={"G": 4}, unknown=1
    )
    assert d.distinct == 3
    assert d.people == 5  # 4 known + 1 unknown
    assert d.previous_entropy == 0.0
    assert d.change == pytest.approx(1.5 * math.log(2))
    assert d.trend is DiversityTrend.UP
    assert d.counts == (("G", 2), ("E", 1), ("J", 1))
    assert render(d.explanation, "en") == (
        "The 5 people you met in 12 months span 3 industries: diversity index 1.04, evenness 95%"
    )
    assert render(d.explanation) == (
        "直近12か月に出会った5人の業種は3種類：多様性指数 1.04、均等度 95%"
    )


def test_report_windows_unknowns_and_gaps() -> None:
    def met(pid: int, days: int, industry: str | None, job: str | None, org: str) -> MetPerson:
        return MetPerson(pid, TODAY - timedelta(days=days), industry, job, org)

    people = [
        met(1, 10, "it", "営業", "A社"),
        met(2, 100, "it", "エンジニア", "B社"),
        met(3, 200, "finance", "", "B社"),  # blank job function: unknown
        met(4, 364, None, "営業", "C社"),  # no industry: unknown
        met(5, 400, "manufacturing", "営業", "D社"),  # previous window
        met(6, 500, "manufacturing", "人事", "D社"),  # previous window
        met(7, 800, "healthcare", "医師", "E病院"),  # too old for either
        met(8, -3, "healthcare", "医師", "F社"),  # in the future
    ]
    report = diversity_report(people, today=TODAY)
    industry = report.dimensions[Dimension.INDUSTRY]
    assert industry.counts == (("it", 2), ("finance", 1))
    assert industry.unknown == 1
    assert industry.previous_entropy == 0.0  # only E
    jobs = report.dimensions[Dimension.JOB_FUNCTION]
    assert jobs.counts == (("営業", 2), ("エンジニア", 1))
    assert jobs.previous_entropy == pytest.approx(math.log(2))  # 営業, 人事
    assert jobs.trend is DiversityTrend.STEADY  # H now = H(2,1) = 0.6365, before ln 2 = 0.6931
    orgs = report.dimensions[Dimension.ORGANIZATION]
    assert orgs.distinct == 3
    assert "it" not in report.gaps and "finance" not in report.gaps and "healthcare" in report.gaps
    assert "other" not in report.gaps  # "other" is never a gap
    assert len(report.gaps) == len(DEFAULT_REFERENCE_INDUSTRIES) - 2
    assert render(report.gaps_explanation).startswith(
        "まだ誰もいない業種（19）：コンサルティング、メーカー"
    )
    assert render(report.gaps_explanation, "en").startswith(
        "Industries with nobody yet (19): Consulting, Manufacturing"
    )


def test_nobody_met_explains_there_is_nothing() -> None:
    report = diversity_report([], today=TODAY)
    d = report.dimensions[Dimension.ORGANIZATION]
    assert (d.distinct, d.entropy, d.trend) == (0, 0.0, None)
    assert (
        render(d.explanation, "en") == "No organisations recorded for the people met in 12 months"
    )


def test_gaps_against_a_custom_reference() -> None:
    assert industry_gaps({"IT": 3, "金融": 0}, ["IT", "金融", "医療"]) == ("金融", "医療")

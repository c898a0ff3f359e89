"""The duplicates list's lean loading: the same pairs and values as the plain way."""

from __future__ import annotations

from datetime import date

from kinmyaku.domain.identity.blocking import candidate_pairs
from kinmyaku.domain.identity.profile import Features, Population
from kinmyaku.domain.identity.scoring import compare
from kinmyaku.services.identity.company_sounds import start_company_sounds
from kinmyaku.services.identity.everyone import (
    Pool,
    candidate_pair_codes,
    forget_unpaired,
    free_memory,
    share_names,
)

from .helpers import person


def _people() -> list[Features]:
    return [
        person("高橋", "健太", company="株式会社サンプル", phones=["090-1234-5678"]),
        person("Takahashi", "Kenta", company="Sample Inc.", phones=["090-1234-5678"]),
        person("タカハシ", "ケンタ", emails=["kenta@example.com"]),
        person("高橋", "健太", emails=["kenta@example.com"], birthday=date(1990, 1, 2)),
        person("佐藤", "健", birthday=date(1990, 1, 2)),
        person("鈴木", "花子", phones=["03-1111-2222"]),
        person("山田", "太郎", phones=["03-1111-2222"]),
        person("小鳥遊", "蓮"),
    ]


def test_pair_codes_are_the_candidate_pairs_sorted() -> None:
    feats = _people()
    expected = sorted(candidate_pairs(feats))
    assert expected  # the people above share names, phones and an e-mail
    for feature in feats:
        feature.keys = None  # made again, not taken from the first call
    codes = candidate_pair_codes(feats).tolist()
    assert [divmod(code, len(feats)) for code in codes] == expected


def test_people_in_no_pair_give_way_and_the_pairs_compare_as_before() -> None:
    feats = _people()
    codes = candidate_pair_codes(feats)
    paired = {p for code in codes.tolist() for p in divmod(code, len(feats))}
    assert paired and len(paired) < len(feats)  # 佐藤 健 pairs by birthday; 小鳥遊 蓮 alone
    population = Population()
    for feature in feats:
        population.add(feature)
    before = {code: compare(*(feats[p] for p in divmod(code, 8)), population) for code in codes}
    kept = list(feats)
    assert forget_unpaired(feats, codes) == len(feats) - len(paired)
    for position, feature in enumerate(feats):
        assert (feature is kept[position]) == (position in paired)
        if position not in paired:
            assert feature.id == 0 and not (feature.names or feature.phones or feature.emails)
    after = {code: compare(*(feats[p] for p in divmod(code, 8)), population) for code in codes}
    assert after == before
    assert forget_unpaired(feats, codes) == len(feats) - len(paired)  # the same stand-ins
    free_memory()  # gives memory back where it can; never fails


def test_pool_keeps_one_object_per_value() -> None:
    pool = Pool()
    first = pool.one(frozenset({"a", "b"}))
    assert pool.one(frozenset({"b", "a"})) is first
    assert pool.one(frozenset({"c"})) is not first


def test_company_sounds_from_a_helper_process_equal_those_made_here() -> None:
    names = ["株式会社東洋物産", "サンプル株式会社", "Acme Inc.", "東都大学"]
    here = start_company_sounds(names, people=1)()
    helper = start_company_sounds(names, people=1, helper_from=0)()
    assert helper == here
    assert here["サンプル株式会社"] == "snpr"


def test_population_counts_holders_once_and_shares() -> None:
    population = Population()
    a = person("鈴木", "花子", phones=["03-1111-2222"])
    b = person("山田", "太郎", phones=["03-1111-2222"])
    population.add(a)
    assert population.shared("phone", next(iter(a.phones))) == 1
    population.add(b)
    population.add(b)
    assert population.shared("phone", next(iter(a.phones))) == 2
    assert population.shared("email", "nobody@example.com") == 0


def test_the_company_sounds_helper_process_gives_the_sounds_made_here() -> None:
    """The helper process (used at 100,000 people so that pykakasi's dictionaries stay
    out of the duplicates list's own memory) answers exactly what the process would."""
    import json
    import subprocess
    import sys

    from kinmyaku.domain.identity.keys import company_sound

    names = ["東洋物産", "株式会社みなと倉庫", "Sample Inc.", "日本情報ネットワーク"]
    done = subprocess.run(
        [sys.executable, "-m", "kinmyaku.services.identity.company_sounds"],
        input=json.dumps(names, ensure_ascii=False).encode(),
        capture_output=True,
        check=True,
        timeout=120,
    )
    assert json.loads(done.stdout) == {name: company_sound(name) for name in names}


def test_equal_name_lists_become_one_list_and_others_stay_their_own() -> None:
    feats = _people()
    first, third = feats[0].names, feats[3].names  # 高橋 健太 twice
    assert first == third and first is not third
    share_names(feats)
    assert feats[3].names is feats[0].names and feats[0].names == first
    assert feats[4].names is not feats[0].names
    assert [f.names for f in feats] == [f.names for f in _people()]

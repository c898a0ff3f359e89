"""The messy multi-source export generator: deterministic, as messy as the issue asks, true."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

from generators.japanese_names import fold_name, romaji
from generators.messy_exports import FILES, Dataset, generate
from kinmyaku.formats import read_path
from kinmyaku.formats.csv_layouts import EIGHT, GOOGLE, LINKEDIN, detect_layout


@pytest.fixture(scope="module")
def data() -> Dataset:
    """A small network (400 persons), drawn once for the module."""
    return generate(11, people=400)


def _rows_text(data: Dataset, source: str) -> str:
    text = data.texts[FILES[source]]
    return text[text.index("First Name") :] if source == "linkedin" else text


def _rows(data: Dataset, source: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_rows_text(data, source))))


def _digits(phone: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", phone) if c.isdigit())[-9:]


def test_same_seed_same_files_other_seed_other_files() -> None:
    first, again, other = generate(5, 200), generate(5, 200), generate(6, 200)
    assert first.texts == again.texts
    assert first.records == again.records
    assert first.texts != other.texts


def test_records_are_numbered_as_the_importer_numbers_them(data: Dataset, tmp_path: Path) -> None:
    paths = data.write(tmp_path)
    truth = data.truth()
    for source, path in paths.items():
        read = [(r.source.file, r.source.record_no) for r in read_path(path) if r.source]
        mine = [r.key for r in data.records if r.source == source]
        assert read == mine, source
        assert all(key in truth for key in read)


def test_each_file_is_recognised_as_its_source(data: Dataset) -> None:
    for source, layout in (("eight", EIGHT), ("linkedin", LINKEDIN), ("google", GOOGLE)):
        header = next(csv.reader(io.StringIO(_rows_text(data, source))))
        assert detect_layout(header) is layout
    assert data.texts[FILES["phone"]].startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert "X-PHONETIC-FIRST-NAME:" in data.texts[FILES["phone"]]


def test_company_lines_and_role_addresses_are_shared_by_different_people(data: Dataset) -> None:
    names_on: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in _rows(data, "eight"):
        name = row["姓"] + row["名"]
        for column in ("TEL会社", "Fax"):
            if row[column] and name:
                names_on[(column, _digits(row[column]))].add(fold_name(name))
        if row["e-mail"].split("@")[0] in ("info", "sales", "contact", "support") and name:
            names_on[("role", row["e-mail"])].add(fold_name(name))
    for kind in ("TEL会社", "Fax", "role"):
        shared = [names for (k, _), names in names_on.items() if k == kind and len(names) >= 2]
        assert len(shared) >= 3, kind


def test_namesakes_at_the_same_and_at_other_companies(data: Dataset) -> None:
    pairs = data.namesake_pairs()
    same = [(a, b) for a, b in pairs if data.people[a].company == data.people[b].company]
    other = [(a, b) for a, b in pairs if data.people[a].company != data.people[b].company]
    assert len(same) >= 3 and len(other) >= 10
    in_files = {r.pid for r in data.records}
    assert all(a in in_files and b in in_files for a, b in pairs)
    families = [p.family for p in data.people.values() if p.kind == "person"]
    assert families.count("佐藤") > families.count("加藤") > families.count("小鳥遊")


def test_father_and_son_share_a_home_but_not_a_given_name(data: Dataset) -> None:
    fathers = [p for p in data.people.values() if "father" in p.tags]
    assert fathers
    for father in fathers:
        son = data.people[father.relatives[0]]
        assert (son.family, son.home_phone, son.home_address) == (
            father.family,
            father.home_phone,
            father.home_address,
        )
        assert son.given != father.given and son.pid != father.pid
    homes = [
        _digits(line.partition(":")[2])
        for line in data.texts[FILES["phone"]].splitlines()
        if line.startswith("TEL;type=HOME")
    ]
    assert any(homes.count(_digits(f.home_phone)) >= 2 for f in fathers)


def test_job_and_name_changes_keep_a_personal_contact(data: Dataset) -> None:
    movers = [p for p in data.people.values() if "job-change" in p.tags]
    married = [p for p in data.people.values() if "name-change" in p.tags]
    assert movers and married
    eight = _rows(data, "eight")
    for person in movers:
        assert person.past_company is not None and person.past_company != person.company
        assert person.mobile
    for person in married:
        assert person.maiden is not None and person.maiden[0] != person.family
        mobile = _digits(person.mobile)
        old_cards = [r for r in eight if r["姓"] == person.maiden[0] and r["名"] == person.given]
        assert any(_digits(r["携帯電話"]) == mobile for r in old_cards)


def test_the_mess_is_there(data: Dataset) -> None:
    quirks = {q for r in data.records for q in r.quirks}
    wanted = {"romaji", "kunrei", "no_reading", "half_width_reading", "wide_digits"}
    wanted |= {"typo_email", "bad_email", "role_email", "no_name", "katakana_name"}
    assert wanted <= quirks, wanted - quirks
    eight = data.texts[FILES["eight"]]
    assert "㈱" in data.texts[FILES["google"]] + data.texts[FILES["phone"]] or "(株)" in eight
    assert any(v in eight for v in ("髙橋", "渡邉", "渡邊", "齋藤", "齊藤", "山﨑", "濱田"))
    assert "Inc." in data.texts[FILES["linkedin"]]


def test_true_pairs_are_the_pairs_of_records_of_one_person(data: Dataset) -> None:
    truth = data.truth()
    pairs = data.true_pairs()
    assert all(truth[a] == truth[b] and a < b for a, b in pairs)
    sizes = defaultdict(int)
    for record in data.records:
        sizes[record.pid] += 1
    assert len(pairs) == sum(n * (n - 1) // 2 for n in sizes.values())
    assert len(truth) == len(data.records)


def test_romaji_spellings() -> None:
    assert [romaji("しょうた", s) for s in ("hepburn", "wapuro", "kunrei")] == [
        "Shota",
        "Shouta",
        "Syouta",
    ]
    assert romaji("はっとり") == "Hattori"
    assert romaji("じゅんいち", "kunrei") == "Zyuniti"
    assert [romaji(r) for r in ("さとう", "いとう", "ちば", "おおの")] == [
        "Sato",
        "Ito",
        "Chiba",
        "Ono",
    ]


def test_every_true_pair_is_linked_by_evidence_and_no_evidence_is_shared(data: Dataset) -> None:
    holders: dict[str, set[int]] = defaultdict(set)
    for record in data.records:
        for key in record.evidence:
            holders[key].add(record.pid)
    assert all(len(pids) == 1 for pids in holders.values())
    by_person: dict[int, list[frozenset[str]]] = defaultdict(list)
    for record in data.records:
        by_person[record.pid].append(record.evidence)
    for pid, keys in by_person.items():
        reached, todo = set(keys[0]), list(keys[1:])
        while todo:
            linked = [k for k in todo if k & reached]
            assert linked, (pid, keys)
            for k in linked:
                reached |= k
                todo.remove(k)

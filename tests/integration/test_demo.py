"""The demo network generator on real databases: deterministic, realistic, searchable.

The shape tests share one 5,000-person SQLite database (module scope); determinism,
search, refusal and id sequences also run on PostgreSQL through the ``app`` fixture.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, func, insert, select
from typer.testing import CliRunner

from kinmyaku.bootstrap import App, open_app
from kinmyaku.cli.main import app as cli_app
from kinmyaku.config import Settings
from kinmyaku.domain.demo.companies import COMPANIES
from kinmyaku.domain.demo.names import FEMALE_GIVEN, MALE_GIVEN, SURNAMES, surname_share
from kinmyaku.domain.errors import KinmyakuError, ValidationError
from kinmyaku.domain.model import Industry, RequestSide, RequestStatus
from kinmyaku.domain.names import is_kana
from kinmyaku.domain.search_keys import person_index, person_terms
from kinmyaku.services.demo import generate_demo
from kinmyaku.services.events import add_event
from kinmyaku.services.people import PersonInput, add_person, count_people, search_people
from kinmyaku.storage import schema
from kinmyaku.storage.people import keys_from_row
from kinmyaku.storage.search_index import names_text

TODAY = date(2026, 11, 26)
SPELLINGS = ("たかはし", "タカハシ", "ﾀｶﾊｼ", "takahashi", "Takahashi", "髙橋", "高橋")
DATA_TABLES = [t for t in schema.metadata.sorted_tables if t.name != "settings"]


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[App]:
    """A 5,000-person demo network on a SQLite file, shared by the shape tests."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    built = open_app(Settings(database_url=f"sqlite:///{path}", language="en"))
    generate_demo(built.uow(), people=5000, seed=11, today=TODAY)
    yield built
    built.close()


def _dump(app: App) -> dict[str, list[tuple[Any, ...]]]:
    with app.uow() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            if t.primary_key.columns
            else sorted(tuple(r) for r in conn.execute(select(t)))
            for t in DATA_TABLES
        }


def _scalar(conn: Connection, stmt: Any) -> int:
    return int(conn.execute(stmt).scalar_one())


# -- the data ---------------------------------------------------------------------------


def test_name_and_company_data_is_well_formed() -> None:
    for part in (*SURNAMES, *MALE_GIVEN, *FEMALE_GIVEN):
        assert part.text and is_kana(part.reading) and part.weight > 0, part
    assert len(SURNAMES) >= 100 and len(MALE_GIVEN) + len(FEMALE_GIVEN) >= 100
    assert {"髙橋", "齋藤", "渡邊", "山﨑"} <= {p.text for p in SURNAMES}
    assert 0.013 < surname_share("佐藤") < 0.017
    assert surname_share("佐藤") > surname_share("鈴木") > surname_share("田中")
    assert len(COMPANIES) >= 200
    assert {c.industry for c in COMPANIES} == set(Industry)
    for company in COMPANIES:
        assert is_kana(company.reading), company
        assert "株式会社" not in company.reading and "かぶしきがいしゃ" not in company.reading
    assert len({c.name for c in COMPANIES}) == len(COMPANIES)
    assert len({c.slug for c in COMPANIES}) == len(COMPANIES)


# -- determinism ------------------------------------------------------------------------


def test_same_seed_gives_the_same_rows(app: App, tmp_path: Path, sqlite_template: Path) -> None:
    summary = generate_demo(app.uow(), people=600, seed=5, today=TODAY)
    assert summary.people == 600
    twin_path = tmp_path / "twin.sqlite3"
    shutil.copy(sqlite_template, twin_path)
    twin = open_app(Settings(database_url=f"sqlite:///{twin_path}", language="en"))
    other_path = tmp_path / "other.sqlite3"
    shutil.copy(sqlite_template, other_path)
    other = open_app(Settings(database_url=f"sqlite:///{other_path}", language="en"))
    try:
        generate_demo(twin.uow(), people=600, seed=5, today=TODAY)
        generate_demo(other.uow(), people=600, seed=6, today=TODAY)
        first, again, different = _dump(app), _dump(twin), _dump(other)
    finally:
        twin.close()
        other.close()
    assert first["people"] and first["interactions"] and first["search_terms"]
    for name in first:
        assert first[name] == again[name], name
    assert first["people"] != different["people"]
    assert first["interactions"] != different["interactions"]


# -- the shape of the network -----------------------------------------------------------


def test_common_surnames_appear_at_realistic_rates(network: App) -> None:
    with network.uow() as conn:
        names = Counter(conn.execute(select(schema.people.c.family_name)).scalars())
    total = sum(names.values())
    assert total == 5000
    assert 0.01 <= names["佐藤"] / total <= 0.025
    top = [name for name, _ in names.most_common(6)]
    assert "佐藤" in top and "鈴木" in top
    assert names["髙橋"] > 0 and names["高橋"] > names["髙橋"]
    latin = sum(n for name, n in names.items() if name.isascii() or "ü" in name or "é" in name)
    assert 0.02 * total < latin < 0.09 * total


def test_many_industries_and_titles(network: App) -> None:
    a, o = schema.affiliations, schema.organizations
    with network.uow() as conn:
        industries = set(
            conn.execute(
                select(o.c.industry)
                .join(a, a.c.organization_id == o.c.id)
                .where(a.c.is_current.is_(True))
                .distinct()
            ).scalars()
        )
        titles = set(conn.execute(select(a.c.title).distinct()).scalars())
        history = _scalar(conn, select(func.count()).where(a.c.is_current.is_(False)))
    assert len(industries) >= 15
    assert {"部長", "課長", "マネージャー", "エンジニア"} <= titles
    assert history > 0  # some changed jobs


def test_not_met_people_are_linked_to_people_i_know(network: App) -> None:
    p, links = schema.people, schema.links
    with network.uow() as conn:
        waiting = set(conn.execute(select(p.c.id).where(p.c.met.is_(False))).scalars())
        met = set(conn.execute(select(p.c.id).where(p.c.met.is_(True))).scalars())
        pairs = conn.execute(select(links.c.person_a, links.c.person_b)).all()
        met_encounters = set(conn.execute(select(schema.encounters.c.person_id)).scalars())
    assert 0.05 * 5000 < len(waiting) < 0.15 * 5000
    linked = {a for a, b in pairs if b in met} | {b for a, b in pairs if a in met}
    assert waiting <= linked
    assert not waiting & met_encounters
    assert met <= met_encounters


def _exchange_directions(conn: Connection) -> dict[int, set[str]]:
    e = schema.exchanges
    found: dict[int, set[str]] = {}
    for pid, direction, n in conn.execute(
        select(e.c.person_id, e.c.direction, func.count()).group_by(e.c.person_id, e.c.direction)
    ):
        found.setdefault(pid, set()).add(direction if n >= 2 else f"{direction} once")
    return found


def test_strong_weak_and_one_sided_ties(network: App) -> None:
    ip = schema.interaction_people
    with network.uow() as conn:
        touches: dict[int, int] = dict(
            conn.execute(select(ip.c.person_id, func.count()).group_by(ip.c.person_id)).all()
        )
        directions = _exchange_directions(conn)
    counts = sorted(touches.values(), reverse=True)
    strong = [pid for pid, n in touches.items() if n >= 10]
    assert 0.01 * 5000 < len(strong) < 0.2 * 5000  # a few strong ties
    assert counts[len(counts) // 2] <= 3  # most ties are weak
    sides = {pid: {d.split()[0] for d in found} for pid, found in directions.items()}
    two_way = [pid for pid in strong if sides.get(pid) == {"gave", "received"}]
    assert len(two_way) > len(strong) / 2
    only_gave = [pid for pid, d in directions.items() if d == {"gave"}]
    only_took = [pid for pid, d in directions.items() if d == {"received"}]
    assert len(only_gave) > 50 and len(only_took) > 50  # one-sided both ways


def test_forgotten_cards(network: App) -> None:
    p, enc = schema.people, schema.encounters
    with network.uow() as conn:
        touched = set(conn.execute(select(schema.interaction_people.c.person_id)).scalars())
        touched |= set(conn.execute(select(schema.exchanges.c.person_id)).scalars())
        touched |= set(conn.execute(select(schema.requests.c.person_id)).scalars())
        cued = set(conn.execute(select(enc.c.person_id).where(enc.c.memory_cue != "")).scalars())
        photo = set(conn.execute(select(p.c.id).where(p.c.photo.is_not(None))).scalars())
        met = set(conn.execute(select(p.c.id).where(p.c.met.is_(True))).scalars())
    forgotten = met - touched - cued - photo
    assert 0.1 * 5000 < len(forgotten) < 0.25 * 5000


def test_introductions_events_and_timeline(network: App) -> None:
    enc, p = schema.encounters, schema.people
    with network.uow() as conn:
        first_met = dict(
            conn.execute(
                select(enc.c.person_id, func.min(enc.c.date)).group_by(enc.c.person_id)
            ).all()
        )
        introduced = conn.execute(
            select(enc.c.person_id, enc.c.introducer_id, enc.c.date).where(
                enc.c.channel == "introduction"
            )
        ).all()
        by_event: dict[int, int] = dict(
            conn.execute(
                select(enc.c.event_id, func.count())
                .where(enc.c.event_id.is_not(None))
                .group_by(enc.c.event_id)
            ).all()
        )
        events = conn.execute(select(schema.events)).all()
        dates = [d for d in conn.execute(select(schema.interactions.c.date)).scalars()]
        made = conn.execute(select(schema.introductions)).all()
        waiting = _scalar(conn, select(func.count()).where(p.c.met.is_(False)))
    assert len(introduced) > 0.1 * 5000
    for person_id, introducer_id, on in introduced:
        assert introducer_id is not None and introducer_id != person_id
        assert first_met[introducer_id] <= on  # I knew the introducer first
    assert len(events) == 100 and all(e.goal for e in events)
    assert sum(by_event.values()) > 0.25 * 5000 and len(by_event) > 90
    assert min(dates) >= date(2023, 11, 27) and max(dates) <= TODAY  # three years
    assert made and all(r.introducer_id is None for r in made)
    assert {r.state for r in made} >= {"introduced", "proposed", "declined"}
    assert waiting > 0


def test_touches_requests_and_purposes(network: App) -> None:
    i, r, pu = schema.interactions, schema.requests, schema.purposes
    with network.uow() as conn:
        interactions = _scalar(conn, select(func.count()).select_from(i))
        pending = _scalar(
            conn,
            select(func.count()).where(
                i.c.follow_up_on.is_not(None), i.c.follow_up_done.is_(False)
            ),
        )
        done = _scalar(conn, select(func.count()).where(i.c.follow_up_done.is_(True)))
        kinds = set(conn.execute(select(i.c.kind).distinct()).scalars())
        exchanges = _scalar(conn, select(func.count()).select_from(schema.exchanges))
        requests = set(conn.execute(select(r.c.side, r.c.status).distinct()).all())
        closed = conn.execute(select(r.c.status, r.c.closed_on, r.c.asked_on)).all()
        cadence = _scalar(conn, select(func.count()).where(pu.c.cadence_days.is_not(None)))
        emails = _scalar(conn, select(func.count(func.distinct(schema.contact_points.c.person_id))))
        tags = _scalar(conn, select(func.count()).select_from(schema.person_tags))
        colleagues = _scalar(conn, select(func.count()).where(schema.links.c.kind == "colleague"))
        multi = _scalar(
            conn,
            select(func.count()).select_from(
                select(schema.interaction_people.c.interaction_id)
                .group_by(schema.interaction_people.c.interaction_id)
                .having(func.count() > 1)
                .subquery()
            ),
        )
    # Per 100,000 people: ~300k interactions, ~150k exchanges, ~20k requests.
    assert 2.0 * 5000 < interactions < 4.0 * 5000
    assert 1.0 * 5000 < exchanges < 2.5 * 5000
    assert pending > 0 and done > 0 and multi > 0
    assert kinds == {"meeting", "meal", "call", "message", "email", "event"}
    assert requests == {(side, status) for side in RequestSide for status in RequestStatus}
    for status, closed_on, asked_on in closed:
        assert (closed_on is not None) == (status in ("done", "declined"))
        assert closed_on is None or closed_on >= asked_on
    assert 0.05 * 5000 < cadence < 0.15 * 5000
    assert emails > 0.7 * 5000 and tags > 0 and colleagues > 0


# -- search -----------------------------------------------------------------------------


def test_search_index_is_what_index_people_writes(network: App) -> None:
    p, cp, tg, st = schema.people, schema.contact_points, schema.person_tags, schema.search_terms
    with network.uow() as conn:
        rows = {r["id"]: dict(r) for r in conn.execute(select(p)).mappings()}
        points: dict[int, dict[str, list[str]]] = {}
        for pid, kind, value in conn.execute(select(cp.c.person_id, cp.c.kind, cp.c.value)):
            points.setdefault(pid, {}).setdefault(kind, []).append(value)
        tags: dict[int, list[str]] = {}
        for pid, tag in conn.execute(select(tg.c.person_id, tg.c.tag)):
            tags.setdefault(pid, []).append(tag)
        stored: dict[int, set[tuple[str, int, int, bool]]] = {}
        for term, field, pos, pid, whole in conn.execute(
            select(st.c.term, st.c.field, st.c.pos, st.c.person_id, st.c.whole)
        ):
            stored.setdefault(pid, set()).add((term, field, pos, bool(whole)))
        sn = schema.search_names
        names = {pid: text for pid, text in conn.execute(select(sn.c.person_id, sn.c.name_keys))}
    for pid, row in rows.items():
        keys = keys_from_row(
            row,
            emails=points.get(pid, {}).get("email", []),
            phones=points.get(pid, {}).get("phone", []),
            tags=tags.get(pid, []),
        )
        expected = {(t.term, int(t.field), t.pos, t.whole) for t in person_terms(keys)}
        assert stored.get(pid) == expected, row
        inside = person_index(keys)[1]
        assert names.get(pid) == (names_text(inside) if inside else None), row


def _takahashi(app: App) -> set[int]:
    with app.uow() as conn:
        return set(
            conn.execute(
                select(schema.people.c.id).where(schema.people.c.family_name.in_(["高橋", "髙橋"]))
            ).scalars()
        )


def test_every_takahashi_is_found_by_every_spelling(network: App) -> None:
    expected = _takahashi(network)
    with network.uow() as conn:
        variant = _scalar(conn, select(func.count()).where(schema.people.c.family_name == "髙橋"))
    assert len(expected) > 30 and variant > 0
    for query in SPELLINGS:
        found = {s.id for s in search_people(network.uow(), query, limit=None)}
        assert expected <= found, query
        assert count_people(network.uow(), query) >= len(expected)


def test_search_on_both_databases(app: App) -> None:
    generate_demo(app.uow(), people=2000, seed=3, today=TODAY)
    expected = _takahashi(app)
    assert expected
    for query in SPELLINGS:
        found = {s.id for s in search_people(app.uow(), query, limit=None)}
        assert expected <= found, query


# -- refusal, replace, ids --------------------------------------------------------------


def test_refuses_a_database_with_people_unless_replace(app: App) -> None:
    mine = add_person(app.uow(), PersonInput(family_name="山田", given_name="太郎"))
    with app.uow() as conn:
        conn.execute(insert(schema.settings).values(key="owner", value="kept"))
    with pytest.raises(KinmyakuError, match="--replace") as caught:
        generate_demo(app.uow(), people=50, seed=1, today=TODAY)
    assert caught.value.params["count"] == 1
    assert count_people(app.uow()) == 1  # nothing was written
    summary = generate_demo(app.uow(), people=50, seed=1, today=TODAY, replace=True)
    assert summary.people == 50 and count_people(app.uow()) == 50
    with app.uow() as conn:
        ids = set(conn.execute(select(schema.people.c.id)).scalars())
        kept = conn.execute(select(schema.settings.c.value)).scalars().all()
    assert kept == ["kept"]
    assert mine not in ids or mine == 1
    assert ids == set(range(1, 51))


def test_new_rows_after_the_demo_get_fresh_ids(app: App) -> None:
    event_id = add_event(app.uow(), name="先に登録した勉強会", on=TODAY)
    summary = generate_demo(app.uow(), people=100, seed=2, today=TODAY)
    person = add_person(app.uow(), PersonInput(family_name="新規", given_name="一郎"))
    later = add_event(app.uow(), name="後の交流会", on=TODAY)
    with app.uow() as conn:
        events = _scalar(conn, select(func.count()).select_from(schema.events))
        largest = _scalar(conn, select(func.max(schema.people.c.id)))
    assert person == largest and person > summary.people
    assert events == summary.events + 2 and later == summary.events + 2 and event_id == 1


def test_bad_size_is_a_clear_error(app: App) -> None:
    with pytest.raises(ValidationError) as caught:
        generate_demo(app.uow(), people=0, seed=1, today=TODAY)
    assert caught.value.field == "people"


# -- the command ------------------------------------------------------------------------


def test_demo_command(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.sqlite3")
    runner = CliRunner()
    result = runner.invoke(
        cli_app, ["--db", db, "--lang", "en", "--today", "2026-11-26", "demo", "--people", "60"]
    )
    assert result.exit_code == 0, result.output
    assert "60 people" in result.output and "kinmyaku search 高橋" in result.output
    again = runner.invoke(cli_app, ["--db", db, "--lang", "en", "demo", "--people", "60"])
    assert again.exit_code == 1
    assert "--replace" in again.output and "Traceback" not in again.output
    replaced = runner.invoke(
        cli_app, ["--db", db, "--lang", "en", "demo", "--people", "30", "--replace", "--json"]
    )
    assert replaced.exit_code == 0, replaced.output
    assert '"people": 30' in replaced.output


def test_the_demo_leaves_postgresql_its_statistics(app: App) -> None:
    """A bulk load is analysed at once on PostgreSQL: the planner never takes the new
    tables for empty (a review ran for minutes until autovacuum came by)."""
    generate_demo(app.uow(), people=300, seed=2, today=TODAY)
    with app.uow() as conn:
        if conn.dialect.name != "postgresql":
            assert conn.execute(select(func.count()).select_from(schema.people)).scalar_one() == 300
            return
        analysed = conn.exec_driver_sql(
            "SELECT relname FROM pg_stat_user_tables "
            "WHERE relname IN ('people', 'interactions', 'search_terms') "
            "AND last_analyze IS NOT NULL ORDER BY relname"
        ).scalars()
        assert list(analysed) == ["interactions", "people", "search_terms"]

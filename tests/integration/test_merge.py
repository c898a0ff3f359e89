"""Merge, undo, auto merge and "different people" on SQLite and PostgreSQL.

The property test builds small random networks, merges two people and undoes it, and
compares every table before and after.  The touch summary tables (``touch_summary*``) are
derived data recomputed from the triggers' marks, and ``merges`` records the merge itself,
so they are left out; the search index is compared (reindexing rebuilds it identically).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, delete, func, insert, select

from kinmyaku.bootstrap import App
from kinmyaku.domain.errors import KinmyakuError, NotFound, ValidationError
from kinmyaku.domain.identity.candidates import Candidate, PersonRef, Reason
from kinmyaku.services import people as ppl
from kinmyaku.services import relations as rel
from kinmyaku.services.identity import finding, merging
from kinmyaku.services.identity.merge_rules import DERIVED, RULES, unruled_tables
from kinmyaku.services.identity.profiles import load_profiles
from kinmyaku.services.importing import import_files
from kinmyaku.services.introductions import propose_introduction
from kinmyaku.storage import people as store
from kinmyaku.storage.merge_rows import person_references
from kinmyaku.storage.schema import (
    affiliations,
    contact_points,
    drill_cards,
    encounters,
    events,
    exchanges,
    extra_fields,
    imports,
    interaction_people,
    interactions,
    introductions,
    keep_in_touch,
    links,
    metadata,
    not_duplicates,
    organizations,
    people,
    person_aliases,
    person_tags,
    provenance,
    purposes,
    requests,
    touch_summary_dirty,
)

D = date(2026, 11, 20)
LEFT_OUT = {"touch_summary", "touch_summary_state", "touch_summary_dirty", "merges"}


def dump(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but the derived ones and merges), sorted."""
    return {
        t.name: sorted((tuple(r) for r in conn.execute(select(t))), key=repr)
        for t in metadata.sorted_tables
        if t.name not in LEFT_OUT
    }


def snapshot(app: App) -> dict[str, list[tuple[Any, ...]]]:
    with app.uow() as conn:
        return dump(conn)


def count(app: App, table: Any, where: Any) -> int:
    with app.uow() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(where)).scalar_one())


# -- every table has a rule ---------------------------------------------------------------


def test_every_table_referring_to_people_has_a_merge_rule() -> None:
    """A new table with a person's id fails here until merge_rules.RULES handles it."""
    tables = {table for table, _ in person_references()}
    assert unruled_tables() == set()
    assert set(RULES) | DERIVED == tables  # and no rule for a table that is gone
    assert {"contact_points", "links", "introductions", "not_duplicates"} <= tables


# -- a manual merge moves everything ------------------------------------------------------


def _person(app: App, family: str, given: str, **extra: Any) -> int:
    return ppl.add_person(app.uow(), ppl.PersonInput(family_name=family, given_name=given, **extra))


@pytest.fixture
def pair(app: App) -> dict[str, int]:
    """KEEP (高橋 健太) and OTHER (髙橋 健太 / Kenta) with something in every table, and X, Y."""
    keep = _person(
        app,
        "高橋",
        "健太",
        emails=["kenta@example.jp"],
        phones=["090-1234-5678"],
        tags=["ゴルフ"],
        company="株式会社サンプル",
        notes="赤いメガネ",
    )
    other = _person(
        app,
        "髙橋",
        "健",
        emails=["kenta@example.jp", "k.takahashi@gmail.com"],
        tags=["ゴルフ", "起業"],
        company="株式会社テスト",
        notes="釣りが好き",
        nickname="ケン",
        birthday=date(1990, 4, 1),
    )
    x = _person(app, "佐藤", "花子")
    y = _person(app, "鈴木", "一郎")
    u = app.uow()
    rel.record_encounter(u, person_id=other, on=D, introducer_id=x, memory_cue="交流会")
    rel.record_encounter(u, person_id=keep, on=D, introducer_id=other)
    rel.record_encounter(u, person_id=y, on=D, introducer_id=other)
    rel.log_interaction(u, person_ids=[keep, other], on=D, kind="meal", summary="ランチ")
    rel.log_interaction(u, person_ids=[other, x], on=D, kind="call", summary="電話")
    rel.record_exchange(u, person_id=other, on=D, direction="gave", kind="advice", weight=3)
    rel.open_request(u, person_id=other, side="theirs", what="資料", asked_on=D)
    rel.set_purpose(u, person_id=keep, category="mentor", goal="経営を学ぶ", cadence_days=30)
    rel.set_purpose(u, person_id=other, category="peer", goal="釣り仲間")
    rel.link_people(u, person_a=keep, person_b=x, kind="knows", note="大学")
    rel.link_people(u, person_a=other, person_b=x, kind="knows", note="会社")
    rel.link_people(u, person_a=other, person_b=y, kind="colleague")
    rel.link_people(u, person_a=keep, person_b=other, kind="knows")
    intro = propose_introduction(u, person_a=keep, person_b=other, on=D)
    rel.record_exchange(
        u, person_id=x, on=D, direction="gave", kind="introduction", introduction_id=intro
    )
    propose_introduction(u, person_a=other, person_b=y, on=D, why="同業")
    with app.uow() as conn:
        conn.execute(
            insert(introductions).values(introducer_id=other, person_a=x, person_b=y, date=D)
        )
        conn.execute(insert(keep_in_touch).values(person_id=other))
        conn.execute(insert(drill_cards).values(person_id=other, due_on=D))
        conn.execute(insert(extra_fields).values(person_id=other, name="SNS", value="@ken"))
        conn.execute(
            insert(person_aliases).values(
                person_id=other, family_name="Takahashi", given_name="Ken"
            )
        )
        store.reindex_person(conn, other)  # an alias is a search term of its person
        now = store.now()
        conn.execute(insert(not_duplicates).values(person_a=other, person_b=x, created_at=now))
        conn.execute(insert(not_duplicates).values(person_a=keep, person_b=other, created_at=now))
        imp = conn.execute(
            insert(imports)
            .values(created_at=now, format="vcard", files="[]")
            .returning(imports.c.id)
        ).scalar_one()
        for entity, before in (("tag", '"起業"'), ("tag", '"ゴルフ"'), ("person", None)):
            conn.execute(
                insert(provenance).values(
                    import_id=imp,
                    entity=entity,
                    entity_id=other,
                    action="create",
                    file="a.vcf",
                    record_no=1,
                    before=before,
                )
            )
    return {"keep": keep, "other": other, "x": x, "y": y}


def test_merge_moves_everything_of_other_to_keep(app: App, pair: dict[str, int]) -> None:
    keep, other, x, y = pair["keep"], pair["other"], pair["x"], pair["y"]
    merge_id = merging.merge_people(app.uow(), keep=keep, other=other)
    assert merge_id >= 1
    with app.uow() as conn:
        for table, column in person_references():
            if table in DERIVED:
                continue
            col = metadata.tables[table].c[column]
            left = conn.execute(select(func.count()).where(col == other)).scalar_one()
            assert left == 0, f"{table}.{column} still refers to the merged person"
        row = conn.execute(select(people).where(people.c.id == keep)).mappings().one()
        assert (row["family_name"], row["given_name"], row["nickname"]) == ("高橋", "健太", "ケン")
        assert row["birthday"] == date(1990, 4, 1)
        assert row["notes"] == "赤いメガネ\n\n釣りが好き"
        points = conn.execute(
            select(contact_points.c.normalized).where(contact_points.c.person_id == keep)
        ).scalars()
        assert sorted(points) == sorted(
            ["kenta@example.jp", "k.takahashi@gmail.com", "+819012345678"]
        )
        tags = conn.execute(select(person_tags.c.tag).where(person_tags.c.person_id == keep))
        assert sorted(tags.scalars()) == ["ゴルフ", "起業"]
        jobs = conn.execute(
            select(organizations.c.name, affiliations.c.is_current)
            .join(organizations)
            .where(affiliations.c.person_id == keep)
        ).all()
        assert sorted(jobs) == [("株式会社サンプル", True), ("株式会社テスト", False)]
        met = conn.execute(
            select(encounters.c.person_id, encounters.c.introducer_id).order_by(encounters.c.id)
        ).all()
        # OTHER's encounter is KEEP's now; KEEP "introduced by OTHER" has no introducer left.
        assert [tuple(m) for m in met] == [(keep, x), (keep, None), (y, keep)]
        shared = conn.execute(select(interaction_people.c.person_id)).scalars().all()
        assert sorted(shared) == sorted([keep, keep, x])
        assert conn.execute(select(exchanges.c.person_id)).scalars().all().count(keep) == 1
        assert conn.execute(select(requests.c.person_id)).scalar_one() == keep
        purpose = conn.execute(select(purposes)).mappings().one()
        assert purpose["person_id"] == keep and purpose["category"] == "mentor"
        assert purpose["goal"] == "経営を学ぶ\n\n釣り仲間"
        found = conn.execute(
            select(links.c.person_a, links.c.person_b, links.c.kind, links.c.note)
        ).all()
        assert sorted(tuple(f) for f in found) == sorted(
            [(keep, x, "knows", "大学\n\n会社"), (keep, y, "colleague", "")]
        )
        intros = conn.execute(
            select(
                introductions.c.introducer_id, introductions.c.person_a, introductions.c.person_b
            )
        ).all()
        assert sorted((tuple(i) for i in intros), key=repr) == sorted(
            [(None, keep, y), (keep, x, y)], key=repr
        )
        credit = conn.execute(
            select(exchanges.c.introduction_id).where(exchanges.c.person_id == x)
        ).scalar_one()
        assert credit is None  # its introduction (KEEP to KEEP) is gone, the gift stays
        assert conn.execute(select(keep_in_touch.c.person_id)).scalar_one() == keep
        assert conn.execute(select(drill_cards.c.person_id)).scalar_one() == keep
        assert conn.execute(select(extra_fields.c.person_id)).scalar_one() == keep
        aliases = conn.execute(
            select(
                person_aliases.c.family_name, person_aliases.c.given_name, person_aliases.c.source
            ).where(person_aliases.c.person_id == keep)
        ).all()
        assert sorted(tuple(a) for a in aliases) == [
            ("Takahashi", "Ken", ""),
            ("髙橋", "健", "merge"),
        ]
        pairs = conn.execute(select(not_duplicates.c.person_a, not_duplicates.c.person_b)).all()
        assert [tuple(p) for p in pairs] == [(keep, x)]
        prov = conn.execute(select(provenance.c.entity, provenance.c.entity_id)).all()
        # 起業 points at KEEP; ゴルフ (KEEP's own) went; OTHER's "person" row says the record
        # is KEEP now (a "match", which undoing the import passes over); OTHER's rows that
        # moved are recorded as created by the import that created OTHER.
        assert sorted(entity for entity, _ in prov) == [
            "affiliation",
            "alias",
            "contact_point",
            "encounter",
            "extra_field",
            "person",
            "tag",
        ]
        matched = conn.execute(
            select(provenance.c.entity_id, provenance.c.action, provenance.c.before).where(
                provenance.c.entity == "person"
            )
        ).all()
        assert [tuple(m) for m in matched] == [(keep, "match", None)]
        assert ("tag", keep) in [tuple(p) for p in prov]
        marked = conn.execute(select(touch_summary_dirty.c.person_id)).scalars().all()
        assert keep in marked and other not in marked
    assert ppl.search_people(app.uow(), "k.takahashi@gmail.com")[0].id == keep
    assert ppl.search_people(app.uow(), "起業")[0].id == keep


def test_merge_takes_chosen_values_from_other(app: App, pair: dict[str, int]) -> None:
    keep, other = pair["keep"], pair["other"]
    values = {"family_name": "other", "given_name": "other", "nickname": "keep"}
    merging.merge_people(app.uow(), keep=keep, other=other, values=values)
    with app.uow() as conn:
        row = conn.execute(select(people).where(people.c.id == keep)).mappings().one()
        aliases = conn.execute(
            select(person_aliases.c.family_name, person_aliases.c.given_name).where(
                person_aliases.c.source == "merge"
            )
        ).all()
    assert (row["family_name"], row["given_name"]) == ("髙橋", "健")
    assert row["nickname"] == ""  # KEEP's, chosen although empty (else OTHER's ケン)
    assert [tuple(a) for a in aliases] == [("高橋", "健太")]


def test_undo_restores_exactly(app: App, pair: dict[str, int]) -> None:
    before = snapshot(app)
    merge_id = merging.merge_people(
        app.uow(), keep=pair["keep"], other=pair["other"], values={"photo": "other"}
    )
    assert snapshot(app) != before
    merging.undo_merge(app.uow(), merge_id=merge_id)
    assert snapshot(app) == before
    assert ppl.search_people(app.uow(), "k.takahashi@gmail.com")[0].id == pair["other"]


def test_refusals(app: App, pair: dict[str, int]) -> None:
    keep, other, x = pair["keep"], pair["other"], pair["x"]
    with pytest.raises(ValidationError):
        merging.merge_people(app.uow(), keep=keep, other=keep)
    with pytest.raises(NotFound):
        merging.merge_people(app.uow(), keep=keep, other=999)
    with pytest.raises(ValidationError):
        merging.merge_people(app.uow(), keep=keep, other=other, values={"notes": "other"})
    with pytest.raises(NotFound):
        merging.undo_merge(app.uow(), merge_id=42)
    first = merging.merge_people(app.uow(), keep=keep, other=other)
    second = merging.merge_people(app.uow(), keep=x, other=keep)
    with pytest.raises(KinmyakuError, match=f"Merge #{second} came later"):
        merging.undo_merge(app.uow(), merge_id=first)
    merging.undo_merge(app.uow(), merge_id=second)
    with pytest.raises(KinmyakuError, match="already undone"):
        merging.undo_merge(app.uow(), merge_id=second)
    merging.undo_merge(app.uow(), merge_id=first)
    assert count(app, people, people.c.id.in_([keep, other, x])) == 3
    views = merging.list_merges(app.uow())
    assert [v.id for v in views] == [second, first]
    assert views[1].kept == [(keep, "高橋 健太")] and views[1].merged == [(other, "髙橋 健")]
    assert all(v.undone_at is not None for v in views)


def test_mark_different(app: App, pair: dict[str, int]) -> None:
    keep, x = pair["keep"], pair["x"]
    merging.mark_different(app.uow(), a=x, b=keep)
    merging.mark_different(app.uow(), a=keep, b=x)  # again: nothing new
    with app.uow() as conn:
        rows = conn.execute(
            select(not_duplicates.c.person_a, not_duplicates.c.person_b).where(
                not_duplicates.c.person_a == min(keep, x),
                not_duplicates.c.person_b == max(keep, x),
            )
        ).all()
    assert [tuple(r) for r in rows] == [(min(keep, x), max(keep, x))]
    with pytest.raises(ValidationError):
        merging.mark_different(app.uow(), a=keep, b=keep)
    with pytest.raises(NotFound):
        merging.mark_different(app.uow(), a=keep, b=999)


# -- auto merge ---------------------------------------------------------------------------


def _candidate(a: int, b: int, p: float) -> Candidate:
    reason = Reason("Same mobile {phone}", (("phone", "090-1234-5678"),), 8.0)
    return Candidate(PersonRef(a, f"#{a}"), PersonRef(b, f"#{b}"), p, (reason,))


def test_auto_merge_joins_groups_transitively_as_one_merge(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [_person(app, "高橋", str(i)) for i in range(6)]
    a, b, c, d, e, f = ids
    rel.record_exchange(app.uow(), person_id=c, on=D, direction="gave", kind="advice")
    found = [_candidate(a, b, 0.999), _candidate(b, c, 0.995), _candidate(d, e, 0.992)]
    found.append(_candidate(e, f, 0.6))  # below the threshold: left alone

    def fake(
        uow: Any, *, min_probability: float = 0.5, limit: int | None = None, books: Any = None
    ) -> list[Any]:
        return [x for x in found if x.probability >= min_probability]

    monkeypatch.setattr(finding, "find_duplicates", fake)
    before = snapshot(app)
    summary = merging.auto_merge(app.uow())
    assert summary is not None
    # c has the most recorded (an exchange): it is kept; d and e tie: the lower id is kept.
    assert summary.groups == [(c, [a, b]), (d, [e])]
    assert summary.pairs == 3
    with app.uow() as conn:
        left = conn.execute(select(people.c.id).order_by(people.c.id)).scalars().all()
        stored = conn.execute(select(func.count()).select_from(metadata.tables["merges"])).scalar()
        pairs = json.loads(conn.execute(select(metadata.tables["merges"].c.pairs)).scalar_one())
    assert left == [c, d, f]
    assert stored == 1
    assert pairs[0] == {
        "a": a,
        "b": b,
        "keep": c,
        "probability": 0.999,
        "reasons": [{"msgid": "Same mobile {phone}", "params": {"phone": "090-1234-5678"}}],
    }
    merging.undo_merge(app.uow(), merge_id=summary.merge_id)
    assert snapshot(app) == before
    assert merging.auto_merge(app.uow(), min_probability=0.9999) is None


def test_auto_merge_never_joins_people_said_to_be_different(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, c = (_person(app, "佐藤", "健") for _ in range(3))
    merging.mark_different(app.uow(), a=a, b=c)
    found = [_candidate(a, b, 0.999), _candidate(b, c, 0.995)]

    def fake(
        uow: Any, *, min_probability: float = 0.5, limit: int | None = None, books: Any = None
    ) -> list[Any]:
        return found

    monkeypatch.setattr(finding, "find_duplicates", fake)
    summary = merging.auto_merge(app.uow())
    assert summary is not None
    assert summary.groups == [(a, [b])]  # b-c would make a and c one person: left out
    assert summary.pairs == 1
    assert count(app, people, people.c.id.in_([a, c])) == 2


def test_auto_merge_keeps_what_its_first_round_learned_of_the_address_books(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Later rounds see LinkedIn's rows mostly merged into other people, too few left alone
    to show that LinkedIn holds titles: what the first round learned is passed on."""
    a, b, c = (_person(app, "福田", g) for g in ("千秋", "淳", "恵"))
    rounds = [[_candidate(a, b, 0.999)], [_candidate(a, c, 0.995)], []]
    seen: list[dict[str, frozenset[str]]] = []

    def fake(
        uow: Any, *, min_probability: float = 0.5, limit: int | None = None, books: Any = None
    ) -> list[Any]:
        assert books is not None
        seen.append(dict(books))
        if not seen[:-1]:
            books["title"] = frozenset({"1:Connections.csv"})  # as learn_expected would
        return rounds[len(seen) - 1]

    monkeypatch.setattr(finding, "find_duplicates", fake)
    summary = merging.auto_merge(app.uow())
    assert summary is not None and summary.pairs == 2
    assert seen[0] == {}
    assert seen[1] == seen[2] == {"title": frozenset({"1:Connections.csv"})}


def test_duplicates_add_to_the_books_an_earlier_look_learned(app: App, tmp_path: Any) -> None:
    """An Eight card with a title and a LinkedIn row with none: too few rows to learn that
    LinkedIn holds titles, unless an earlier look (merge --auto's first round) learned it."""
    eight = tmp_path / "eight.csv"
    eight.write_text(
        "会社名,部署名,役職,姓,名,e-mail,TEL会社,名刺交換日\n"
        "株式会社サンプル,営業部,部長,高橋,健太,kenta.takahashi@icloud.com,03-5971-6990,2021/04/01\n",
        encoding="utf-8",
    )
    linkedin = tmp_path / "Connections.csv"
    linkedin.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Kenta,TAKAHASHI,https://www.linkedin.com/in/kenta-takahashi-f5329a,,株式会社サンプル,,"
        "27 Aug 2026\n",
        encoding="utf-8",
    )
    import_files(app.uow(), paths=[eight, linkedin])
    absent = "One has a title; the other's entry has none"

    def reasons(**kwargs: Any) -> list[str]:
        (found,) = finding.find_duplicates(app.uow(), min_probability=0.0, **kwargs)
        return [r.msgid for r in found.reasons]

    assert absent not in reasons()
    with app.uow() as conn:
        books = {b for p in load_profiles(conn) for b in p.books}
    (book,) = [b for b in books if b.endswith("Connections.csv")]
    learned: dict[str, frozenset[str]] = {"title": frozenset({book})}
    assert absent in reasons(books=learned)
    assert learned["title"] == {book}  # kept, and what this look learned added (nothing)
    assert learned.keys() >= {"title", "number"}


# -- property: merge then undo restores every table ---------------------------------------

ORGS = ("株式会社サンプル", "テスト商事", "Acme Inc.")
TAGS = ("ゴルフ", "起業", "釣り")
EMAILS = ("a@example.jp", "b@example.jp", "info@example.jp")
KINDS = ("knows", "colleague", "introduced")


@st.composite
def networks(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(2, 5))
    person = st.integers(0, n - 1)
    people_ = [
        {
            "name": draw(
                st.sampled_from([("高橋", "健太"), ("髙橋", "健太"), ("Takahashi", "Kenta")])
            ),
            "notes": draw(st.sampled_from(["", "メモ", "赤いメガネ"])),
            "nickname": draw(st.sampled_from(["", "ケン"])),
            "birthday": draw(st.sampled_from([None, date(1990, 4, 1)])),
            "photo": draw(st.sampled_from([None, "p1.jpg", "p2.jpg"])),
            "emails": draw(st.lists(st.sampled_from(EMAILS), unique=True, max_size=2)),
            "tags": draw(st.lists(st.sampled_from(TAGS), unique=True, max_size=2)),
            "jobs": draw(st.lists(st.tuples(st.sampled_from(ORGS), st.booleans()), max_size=2)),
            "purpose": draw(st.sampled_from([None, "learn", "peer"])),
            "keep_in_touch": draw(st.booleans()),
            "drill": draw(st.booleans()),
            "aliases": draw(st.lists(st.sampled_from(["旧姓", "高橋", "Takahashi"]), max_size=2)),
            "extra": draw(st.lists(st.sampled_from(["@ken", "@kenta"]), max_size=2)),
        }
        for _ in range(n)
    ]
    return {
        "people": people_,
        "encounters": draw(st.lists(st.tuples(person, st.none() | person), max_size=4)),
        "interactions": draw(st.lists(st.sets(person, min_size=1, max_size=3), max_size=3)),
        "exchanges": draw(st.lists(st.tuples(person, st.none() | st.integers(0, 3)), max_size=3)),
        "requests": draw(st.lists(person, max_size=2)),
        "links": draw(st.lists(st.tuples(person, person, st.sampled_from(KINDS)), max_size=5)),
        "intros": draw(st.lists(st.tuples(st.none() | person, person, person), max_size=4)),
        "different": draw(st.lists(st.tuples(person, person), max_size=3)),
        "provenance": draw(
            st.lists(st.tuples(person, st.sampled_from(["tag", "person", "photo"])), max_size=3)
        ),
        "keep": draw(person),
        "other": draw(person),
        "values": draw(
            st.dictionaries(
                st.sampled_from(merging.CHOOSABLE), st.sampled_from(["keep", "other"]), max_size=3
            )
        ),
    }


def build(conn: Connection, net: dict[str, Any]) -> list[int]:
    """Write a random network; returns the people's ids."""
    for table in reversed(metadata.sorted_tables):
        conn.execute(delete(table))
    now = datetime(2026, 11, 1, 9, 30, 15, 123456)
    ids = []
    for i, p in enumerate(net["people"]):
        family, given = p["name"]
        names = ppl.name_columns(family, given, None, None)
        values = {k: p[k] for k in ("notes", "nickname", "birthday", "photo")}
        pid = store.insert_person(conn, {**names, **values, "created_at": now.replace(day=i + 1)})
        ids.append(pid)
        for email in p["emails"]:
            store.add_contact_point(conn, pid, "email", email, "", email)
        store.add_tags(conn, pid, p["tags"])
        for org, current in p["jobs"]:
            org_id = store.organization_id(conn, org)
            conn.execute(
                insert(affiliations).values(
                    person_id=pid, organization_id=org_id, is_current=current
                )
            )
        if p["purpose"]:
            conn.execute(
                insert(purposes).values(person_id=pid, category=p["purpose"], goal=p["notes"])
            )
        if p["keep_in_touch"]:
            conn.execute(insert(keep_in_touch).values(person_id=pid))
        if p["drill"]:
            conn.execute(insert(drill_cards).values(person_id=pid, due_on=D))
        for alias in p["aliases"]:
            conn.execute(
                insert(person_aliases).values(person_id=pid, family_name=alias, source="import")
            )
        for value in p["extra"]:
            conn.execute(insert(extra_fields).values(person_id=pid, name="SNS", value=value))
    event = conn.execute(
        insert(events).values(name="交流会", kind="party", date=D).returning(events.c.id)
    )
    event_id = event.scalar_one()
    for who, by in net["encounters"]:
        introducer = None if by is None else ids[by]
        conn.execute(
            insert(encounters).values(
                person_id=ids[who],
                date=D,
                channel="event",
                introducer_id=introducer,
                event_id=event_id,
            )
        )
    for group in net["interactions"]:
        iid = conn.execute(
            insert(interactions).values(date=D, kind="meal").returning(interactions.c.id)
        ).scalar_one()
        conn.execute(
            insert(interaction_people),
            [{"interaction_id": iid, "person_id": ids[g]} for g in group],
        )
    intro_ids = []
    for by, a, b in net["intros"]:
        introducer = None if by is None else ids[by]
        intro_ids.append(
            conn.execute(
                insert(introductions)
                .values(introducer_id=introducer, person_a=ids[a], person_b=ids[b], date=D)
                .returning(introductions.c.id)
            ).scalar_one()
        )
    for who, intro in net["exchanges"]:
        credit = intro_ids[intro] if intro is not None and intro < len(intro_ids) else None
        conn.execute(
            insert(exchanges).values(
                person_id=ids[who], date=D, direction="gave", kind="advice", introduction_id=credit
            )
        )
    for who in net["requests"]:
        conn.execute(
            insert(requests).values(person_id=ids[who], side="theirs", what="資料", asked_on=D)
        )
    seen: set[tuple[int, int, str]] = set()
    for a, b, kind in net["links"]:
        low, high = sorted((ids[a], ids[b]))
        if low != high and (low, high, kind) not in seen:
            seen.add((low, high, kind))
            conn.execute(
                insert(links).values(person_a=low, person_b=high, kind=kind, note=f"{a}-{b}")
            )
    pairs = {tuple(sorted((ids[a], ids[b]))) for a, b in net["different"] if a != b}
    for low, high in sorted(pairs):
        conn.execute(insert(not_duplicates).values(person_a=low, person_b=high, created_at=now))
    imp = conn.execute(
        insert(imports).values(created_at=now, format="vcard", files="[]").returning(imports.c.id)
    ).scalar_one()
    for who, entity in net["provenance"]:
        before = json.dumps(TAGS[0]) if entity == "tag" else None
        conn.execute(
            insert(provenance).values(
                import_id=imp,
                entity=entity,
                entity_id=ids[who],
                action="create",
                file="a.vcf",
                record_no=who,
                before=before,
            )
        )
    for pid in ids:
        store.reindex_person(conn, pid)
    return ids


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(net=networks())
def test_merge_then_undo_restores_every_table(app: App, net: dict[str, Any]) -> None:
    with app.uow() as conn:
        ids = build(conn, net)
    keep, other = ids[net["keep"]], ids[net["other"]]
    before = snapshot(app)
    if keep == other:
        with pytest.raises(ValidationError):
            merging.merge_people(app.uow(), keep=keep, other=other)
        return
    merge_id = merging.merge_people(app.uow(), keep=keep, other=other, values=net["values"])
    assert count(app, people, people.c.id == other) == 0
    merging.undo_merge(app.uow(), merge_id=merge_id)
    after = snapshot(app)
    for table in before:
        assert after[table] == before[table], table


# -- with imports, and ids reused ---------------------------------------------------------

CARD = """BEGIN:VCARD
VERSION:3.0
N:山田;太郎;;;
FN:山田 太郎
EMAIL:taro@example.jp
CATEGORIES:ゴルフ,起業
END:VCARD
"""


def test_import_undo_after_a_merge_takes_back_only_what_it_brought(app: App, tmp_path: Any) -> None:
    from kinmyaku.services import importing

    keep = _person(app, "佐藤", "一郎", emails=["ichiro@example.jp"], tags=["ゴルフ"])
    card = tmp_path / "one.vcf"
    card.write_text(CARD, encoding="utf-8")
    report = importing.import_files(app.uow(), paths=[card])
    assert report.import_id is not None
    with app.uow() as conn:
        other = conn.execute(select(people.c.id).where(people.c.family_name == "山田")).scalar_one()
    merging.merge_people(app.uow(), keep=keep, other=other)
    importing.undo_import(app.uow(), import_id=report.import_id)
    with app.uow() as conn:
        assert conn.execute(select(people.c.id)).scalars().all() == [keep]
        points = conn.execute(select(contact_points.c.normalized)).scalars().all()
        tags = conn.execute(select(person_tags.c.tag)).scalars().all()
    assert points == ["ichiro@example.jp"]  # the imported e-mail went, KEEP's own stayed
    assert tags == ["ゴルフ"]  # KEEP's own ゴルフ stays although the card had it too


def test_undo_when_a_merged_id_was_given_again(app: App) -> None:
    """SQLite gives the largest id again once it is deleted: the undo then refuses clearly."""
    keep = _person(app, "高橋", "健太")
    other = _person(app, "髙橋", "健太")
    merge_id = merging.merge_people(app.uow(), keep=keep, other=other)
    newcomer = _person(app, "佐藤", "花子")
    if newcomer == other:  # SQLite without AUTOINCREMENT
        with pytest.raises(KinmyakuError, match="was reused since"):
            merging.undo_merge(app.uow(), merge_id=merge_id)
        assert count(app, people, people.c.id == newcomer) == 1
    else:  # PostgreSQL's sequence never gives an id twice
        merging.undo_merge(app.uow(), merge_id=merge_id)
        assert count(app, people, people.c.id.in_([keep, other, newcomer])) == 3


# -- the name a merge keeps, and merging in rounds -----------------------------------------


def _names(app: App, pid: int) -> tuple[str, str, str, str, bool]:
    with app.uow() as conn:
        row = conn.execute(select(people).where(people.c.id == pid)).mappings().one()
    return (
        row["family_name"],
        row["given_name"],
        row["family_reading"],
        row["given_reading"],
        bool(row["reading_inferred"]),
    )


def test_a_japanese_name_wins_over_romaji_and_a_typed_reading_over_a_guess(app: App) -> None:
    # KEEP has more recorded (a tag), but only a romaji name: the kanji name is taken and
    # the romaji stays as another name of the person.
    roman = _person(app, "Kato", "Ren", tags=["LinkedIn"], emails=["ren.kato@example.jp"])
    kanji = _person(app, "加藤", "蓮", family_reading="かとう", given_reading="れん")
    merging.merge_people(app.uow(), keep=roman, other=kanji)
    assert _names(app, roman)[:4] == ("加藤", "蓮", "かとう", "れん")
    assert count(app, person_aliases, person_aliases.c.family_name == "Kato") == 1
    assert ppl.search_people(app.uow(), "ren.kato@example.jp")[0].id == roman

    # One name, the reading guessed on one record and typed on the other: the typed one.
    card = _person(app, "山本", "大樹", tags=["Eight"])
    guessed = _names(app, card)
    assert guessed[4]  # no reading given: kinmyaku guessed it
    phone = _person(app, "山本", "大樹", family_reading="やまもと", given_reading="だいき")
    merging.merge_people(app.uow(), keep=card, other=phone)
    assert _names(app, card) == ("山本", "大樹", "やまもと", "だいき", False)

    # A choice the user made is kept as made.
    a = _person(app, "Sato", "Ken", tags=["x"])
    b = _person(app, "佐藤", "健")
    merging.merge_people(app.uow(), keep=a, other=b, values={"family_name": "keep"})
    assert _names(app, a)[:2] == ("Sato", "Ken")


def test_auto_merge_compares_merged_people_again_in_one_merge(app: App) -> None:
    # One mobile on three records under two names (渡辺 is her name before marriage): at
    # first the number looks shared by two differently named people; once the two 石井 香織
    # records are one, it is hers, and the Eight card joins in a second round.
    mobile = "080-2169-1791"
    eight = _person(app, "渡辺", "香織", phones=[mobile], company="緑川製薬株式会社")
    google = _person(app, "石井", "香織", phones=[mobile], emails=["kaori.ishii@example.jp"])
    phone = _person(app, "石井", "香織", phones=[mobile], emails=["kaori.ishii@example.jp"])
    before = snapshot(app)
    summary = merging.auto_merge(app.uow())
    assert summary is not None
    with app.uow() as conn:
        left = conn.execute(select(people.c.id)).scalars().all()
        stored = conn.execute(select(func.count()).select_from(metadata.tables["merges"])).scalar()
    assert len(left) == 1 and left[0] in {eight, google, phone}
    assert stored == 1  # all rounds are one merge
    assert sorted([summary.groups[0][0], *summary.groups[0][1]]) == sorted([eight, google, phone])
    merging.undo_merge(app.uow(), merge_id=summary.merge_id)
    assert snapshot(app) == before


def test_a_name_that_is_a_number_is_not_kept_as_another_name(app: App) -> None:
    """A phone contact saved under its number (090-…) merged into its person: the number
    stays a phone, not another name of the person."""
    keep = ppl.add_person(app.uow(), ppl.PersonInput(family_name="櫻井", given_name="翔太"))
    other = ppl.add_person(app.uow(), ppl.PersonInput(family_name="090-3818-9294"))
    named = ppl.add_person(app.uow(), ppl.PersonInput(family_name="Sakurai", given_name="Shota"))
    merging.merge_people(app.uow(), keep=keep, other=other)
    merging.merge_people(app.uow(), keep=keep, other=named)
    with app.uow() as conn:
        aliases = conn.execute(
            select(person_aliases.c.family_name, person_aliases.c.given_name).where(
                person_aliases.c.person_id == keep
            )
        ).all()
    assert [tuple(a) for a in aliases] == [("Sakurai", "Shota")]

"""Records that join a person in the import that creates them: what they add is written
together at the writer's next flush (services/import_rows.py), each row named by its
provenance, searchable, and undone (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from kinmyaku.bootstrap import App
from kinmyaku.services.importing import import_files, undo_import
from kinmyaku.services.people import search_people
from kinmyaku.storage.schema import (
    contact_points,
    encounters,
    extra_fields,
    people,
    person_aliases,
    person_tags,
    provenance,
)

FIRST = """BEGIN:VCARD
VERSION:3.0
N:Takahashi;Kenta;;;
FN:Kenta Takahashi
EMAIL:kenta.takahashi@example.jp
TEL;TYPE=CELL:090-1234-5678
END:VCARD
"""

# The same person, another spelling of the name, with what the first card lacks.
SECOND = """BEGIN:VCARD
VERSION:3.0
N:Takahasi;Kenta;;;
FN:Kenta Takahasi
EMAIL:kenta.takahashi@example.jp
EMAIL:kenta@home.example
TEL;TYPE=CELL:090-1234-5678
ADR;TYPE=HOME:;;1-2-3 Marunouchi;Chiyoda-ku;Tokyo;100-0005;Japan
BDAY:1990-04-01
NICKNAME:Ken
NOTE:Met at the Osaka fair
CATEGORIES:fair
X-KINMYAKU-MET-ON:2024-03-15
END:VCARD
"""

# Another person, then the first one again with one more phone.
THIRD = """BEGIN:VCARD
VERSION:3.0
N:Suzuki;Hanako;;;
FN:Hanako Suzuki
EMAIL:hanako@example.org
END:VCARD
BEGIN:VCARD
VERSION:3.0
N:Takahashi;Kenta;;;
FN:Kenta Takahashi
EMAIL:kenta.takahashi@example.jp
TEL;TYPE=CELL:090-1234-5678
TEL;TYPE=WORK:03-5555-0101
END:VCARD
"""

CHILD_TABLES = {
    "contact_point": contact_points,
    "alias": person_aliases,
    "extra_field": extra_fields,
    "encounter": encounters,
}


def _count(app: App, table) -> int:  # type: ignore[no-untyped-def]
    with app.uow() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _import(app: App, tmp_path: Path) -> tuple[int, int]:
    path = tmp_path / "cards.vcf"
    path.write_text(FIRST + SECOND + THIRD, encoding="utf-8")
    report = import_files(app.uow(), paths=[path])
    assert report.import_id is not None
    assert report.counts["created"] == 2
    assert report.counts["updated"] == 2
    with app.uow() as conn:
        pid = conn.execute(select(people.c.id).where(people.c.given_name == "Kenta")).scalar_one()
    return report.import_id, int(pid)


def test_what_joined_records_add_is_stored_with_its_provenance(app: App, tmp_path: Path) -> None:
    _, pid = _import(app, tmp_path)
    with app.uow() as conn:
        person = conn.execute(select(people).where(people.c.id == pid)).mappings().one()
        points = conn.execute(
            select(contact_points.c.kind, contact_points.c.normalized)
            .where(contact_points.c.person_id == pid)
            .order_by(contact_points.c.id)
        ).all()
        aliases = conn.execute(
            select(person_aliases.c.family_name).where(person_aliases.c.person_id == pid)
        ).all()
        tags = conn.execute(select(person_tags.c.tag).where(person_tags.c.person_id == pid)).all()
        created = conn.execute(
            select(provenance.c.entity, provenance.c.entity_id, provenance.c.line).where(
                provenance.c.action == "create", provenance.c.entity.in_(list(CHILD_TABLES))
            )
        ).all()
        # Each provenance row names a stored row of the person its record joined.
        for entity, entity_id, line in created:
            table = CHILD_TABLES[entity]
            owner = conn.execute(
                select(table.c.person_id).where(table.c.id == entity_id)
            ).scalar_one_or_none()
            assert owner == pid, (entity, entity_id, line)
    assert str(person["nickname"]) == "Ken"
    assert str(person["birthday"]) == "1990-04-01"
    assert "Osaka fair" in str(person["notes"])
    # The first card's points first, then the second's, then the fourth's.
    assert [kind for kind, _ in points] == ["email", "phone", "email", "address", "phone"]
    assert [a for (a,) in aliases] == ["Takahasi"]
    assert [t for (t,) in tags] == ["fair"]
    kinds = sorted(entity for entity, _, _ in created)
    assert kinds.count("contact_point") == 3
    assert kinds.count("alias") == 1
    assert kinds.count("encounter") == 1


def test_joined_names_and_contacts_are_searchable(app: App, tmp_path: Path) -> None:
    _, pid = _import(app, tmp_path)
    for query in ("Takahasi", "kenta@home.example", "03-5555-0101", "fair", "Ken"):
        assert pid in [p.id for p in search_people(app.uow(), query)], query


def test_undo_removes_every_joined_row(app: App, tmp_path: Path) -> None:
    import_id, _ = _import(app, tmp_path)
    undo_import(app.uow(), import_id=import_id)
    for table in (people, contact_points, person_aliases, extra_fields, encounters, person_tags):
        assert _count(app, table) == 0, table.name

"""An import's u estimate is kept in the database and made afresh when the population has
changed by more than 10 % (services/identity/u_store.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import delete, select, update

from kinmyaku.bootstrap import App
from kinmyaku.domain.identity.scoring import LEVELS
from kinmyaku.services.demo import generate_demo
from kinmyaku.services.identity.u_store import REUSE, U_KEY, stored_u
from kinmyaku.services.importing import import_files
from kinmyaku.storage.schema import people, settings


def _card(path: Path, n: int) -> Path:
    """``n`` people of their own (a distinct name and e-mail each, across every file)."""
    lines = []
    start = sum(1 for _ in path.parent.glob("*.vcf")) * 1000
    for i in range(start, start + n):
        lines += [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"N:試験;{i}郎;;;",
            f"EMAIL:u-store-{i}@example.jp",
            "END:VCARD",
        ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _people(app: App) -> int:
    with app.uow() as conn:
        return len(conn.execute(select(people.c.id)).all())


def _stored(app: App) -> tuple[int, dict[tuple[str, str], float]] | None:
    with app.uow() as conn:
        return stored_u(conn)


def test_the_estimate_is_stored_reused_and_renewed(app: App, tmp_path: Path) -> None:
    generate_demo(app.uow(), people=200, seed=5, today=app.today())
    assert _stored(app) is None
    import_files(app.uow(), paths=[_card(tmp_path / "a.vcf", 2)])
    first = _stored(app)
    assert first is not None and first[0] == 200
    assert set(first[1]) == set(LEVELS)
    with app.uow() as conn:
        raw = conn.execute(select(settings.c.value).where(settings.c.key == U_KEY)).scalar()
    # Within 10 %: the same estimate, not written again.
    import_files(app.uow(), paths=[_card(tmp_path / "b.vcf", 5)])
    with app.uow() as conn:
        again = conn.execute(select(settings.c.value).where(settings.c.key == U_KEY)).scalar()
    assert again == raw
    # More than 10 % more people than the estimate was made from: a new estimate.
    import_files(app.uow(), paths=[_card(tmp_path / "c.vcf", 20)])
    before = _people(app)
    assert before == 227 and before > 200 * (1 + REUSE)
    import_files(app.uow(), paths=[_card(tmp_path / "d.vcf", 1)])
    renewed = _stored(app)
    assert renewed is not None and renewed[0] == before


def test_a_dry_run_and_a_small_database_store_nothing(app: App, tmp_path: Path) -> None:
    import_files(app.uow(), paths=[_card(tmp_path / "a.vcf", 10)])
    assert _stored(app) is None  # 10 people: the defaults, nothing worth keeping
    import_files(app.uow(), paths=[_card(tmp_path / "b.vcf", 60)])
    assert _stored(app) is None  # estimated from the 10 stored before it
    import_files(app.uow(), paths=[_card(tmp_path / "c.vcf", 2)], dry_run=True)
    assert _people(app) == 70
    assert _stored(app) is None


def test_an_unreadable_estimate_is_made_afresh(app: App, tmp_path: Path) -> None:
    generate_demo(app.uow(), people=100, seed=5, today=app.today())
    import_files(app.uow(), paths=[_card(tmp_path / "a.vcf", 1)])
    with app.uow() as conn:
        conn.execute(update(settings).where(settings.c.key == U_KEY).values(value="{not json"))
    assert _stored(app) is None
    import_files(app.uow(), paths=[_card(tmp_path / "b.vcf", 1)])
    fresh = _stored(app)
    assert fresh is not None and fresh[0] == 101
    with app.uow() as conn:  # a level this version does not know: made afresh too
        value = json.dumps({"size": 101, "u": [["name", "no-such-level", 0.5]]})
        conn.execute(update(settings).where(settings.c.key == U_KEY).values(value=value))
    assert _stored(app) is None
    with app.uow() as conn:
        conn.execute(delete(settings).where(settings.c.key == U_KEY))
    assert _stored(app) is None

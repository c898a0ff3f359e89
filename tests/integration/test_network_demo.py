"""Warm paths on the generated 1,000-person demo network (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from kinmyaku.bootstrap import App
from kinmyaku.services import network as net
from kinmyaku.storage.schema import affiliations, organizations

demo = pytest.importorskip("kinmyaku.services.demo", reason="services/demo.py not written yet")
TODAY = date(2026, 11, 26)


def test_demo_paths_reach_organisations_and_industries(app: App) -> None:
    demo.generate_demo(app.uow(), people=1000, seed=1, today=TODAY)
    with app.uow() as conn:
        orgs = conn.execute(
            select(organizations.c.name, organizations.c.industry)
            .join(affiliations, affiliations.c.organization_id == organizations.c.id)
            .group_by(organizations.c.name, organizations.c.industry)
            .order_by(func.count().desc(), organizations.c.name)
            .limit(3)
        ).all()
    assert orgs
    for name, industry in orgs:
        target, paths = net.find_paths(app.uow(), target=f"org:{name}", today=TODAY)
        assert target.people and paths, name
        assert all(p.people[-1][0] in target.people for p in paths)
        assert [p.score for p in paths] == sorted((p.score for p in paths), reverse=True)
        if industry:
            _, paths = net.find_paths(app.uow(), target=f"industry:{industry}", today=TODAY)
            assert paths

"""The review's one-sided list reads the index of its order (migration 0021).

The list orders the touch summary by an expression; the index holds that very expression
(``storage/schema.py`` ``LOPSIDED_SQL``), so the first rows are read in order, not sorted
out of everyone. A query written a little differently (a cast SQLAlchemy adds, another
form of the division) would silently scan again: the plan is checked on both databases.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import event, text

from kinmyaku.bootstrap import App
from kinmyaku.domain.insights import DEFAULT_PARAMS
from kinmyaku.services import insights
from kinmyaku.services.insights_review import one_sided
from kinmyaku.services.insights_sample import build_sample_network
from kinmyaku.storage.schema import LOPSIDED_SQL, touch_summary

TODAY = date(2026, 11, 26)


def _one_sided_statement(app: App) -> tuple[str, Any]:
    """The SQL and parameters of the one-sided read, as the review sends them."""
    seen: list[tuple[str, Any]] = []

    def keep(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(app.engine, "before_cursor_execute", keep)
    try:
        with app.uow() as conn:
            flags = one_sided(conn, touch_summary, params=DEFAULT_PARAMS, limit=5)
    finally:
        event.remove(app.engine, "before_cursor_execute", keep)
    assert flags  # the sample has one-sided relationships
    ordered = [(sql, args) for sql, args in seen if LOPSIDED_SQL in sql]
    assert len(ordered) == 1, seen
    return ordered[0]


def test_the_one_sided_list_reads_its_index(app: App) -> None:
    build_sample_network(app.uow(), people_count=200, interaction_count=2000, today=TODAY)
    insights.network_stats(app.uow(), today=TODAY)
    statement, parameters = _one_sided_statement(app)
    with app.uow() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            conn.execute(text("SET LOCAL enable_sort = off"))
            cursor.execute(f"EXPLAIN {statement}", parameters)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "ix_touch_summary_lopsided" in plan, plan
    assert "TEMP B-TREE" not in plan.upper(), plan  # SQLite: no sort of the rows found

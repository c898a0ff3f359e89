"""Test helpers for the stored totals of the touch summary (services/insights_totals.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kinmyaku.services.insights_totals import EVENTS, STATE_KINDS
from kinmyaku.storage.schema import touch_summary_totals


def stored_totals(conn: Any) -> dict[tuple[str, str], list[float]]:
    """The stored sums (state and per-event rows aside), by kind and key."""
    t = touch_summary_totals
    return {
        (str(k), str(key)): [float(a), float(b), float(c), float(d)]
        for k, key, a, b, c, d in conn.execute(
            select(t.c.kind, t.c.key, t.c.a, t.c.b, t.c.c, t.c.d).where(
                t.c.kind.not_in((*STATE_KINDS, EVENTS))
            )
        )
    }

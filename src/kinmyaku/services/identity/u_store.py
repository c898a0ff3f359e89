"""The u values an import matches with, kept in the database between imports.

Estimating u compares 20,000 random pairs of everyone stored (``estimate_u``): most of the
time a small import spends, inside its write transaction.  The population changes slowly,
so the estimate is stored with the number of people it was made from and used again while
that number stays within ``REUSE`` of it; then it is made afresh.  What an import decides
therefore depends only on the database's content (never on what a process did before),
and a server taking many small imports does not hold the write lock for the estimate each
time.  The ``duplicates`` finder always estimates afresh.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kinmyaku.domain.identity.profile import Features, Population
from kinmyaku.domain.identity.scoring import LEVELS, Model, estimate_u
from kinmyaku.storage.schema import settings

U_KEY = "identity.u"
REUSE = 0.1
"""An estimate is used again while the number of people is within 10 % of its own."""
MIN_PEOPLE = 50
"""Below this estimate_u keeps the defaults: nothing worth storing."""


def stored_u(conn: Connection) -> tuple[int, dict[tuple[str, str], float]] | None:
    """The stored estimate (the number of people it was made from, u per level), if any."""
    raw = conn.execute(select(settings.c.value).where(settings.c.key == U_KEY)).scalar()
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        size = int(data["size"])
        u = {(str(c), str(level)): float(value) for c, level, value in data["u"]}
    except (ValueError, KeyError, TypeError):
        return None  # written by another version: estimate afresh
    if any(key not in LEVELS for key in u):
        return None
    return size, u


def _store(conn: Connection, size: int, u: dict[tuple[str, str], float]) -> None:
    value = json.dumps({"size": size, "u": [[c, level, p] for (c, level), p in sorted(u.items())]})
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert(settings).values(key=U_KEY, value=value)
    conn.execute(
        statement.on_conflict_do_update(index_elements=[settings.c.key], set_={"value": value})
    )


def import_model(conn: Connection, feats: Sequence[Features], population: Population) -> Model:
    """The model an import scores with: the stored u while still fresh, else a new estimate
    (stored for the next import)."""
    size = len(feats)
    stored = stored_u(conn)
    if stored is not None and size >= MIN_PEOPLE and abs(size - stored[0]) <= REUSE * stored[0]:
        model = Model(size=population.size)
        model.u.update(stored[1])
        return model
    model = estimate_u(feats, population)
    if size >= MIN_PEOPLE:
        _store(conn, size, model.u)
    return model

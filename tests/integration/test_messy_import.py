"""The generated messy exports import with the importer (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from generators.messy_exports import FILES, generate
from kinmyaku.bootstrap import App
from kinmyaku.services.importing import import_files
from kinmyaku.storage.schema import provenance

LENIENT_ONLY = {"bad_email", "no_name"}
"""Quirks that an all-or-nothing importer may refuse (issue 14 makes import lenient)."""


def test_the_four_exports_import_and_every_record_is_accounted_for(
    app: App, tmp_path: Path
) -> None:
    data = generate(3, people=150)
    paths = data.write(tmp_path)
    report = import_files(app.uow(), paths=list(paths.values()), skip_bad=True)
    counts = report.counts
    done = sum(counts.get(k, 0) for k in ("created", "updated", "unchanged", "merged"))
    skipped = counts.get("skipped", 0)
    assert done + skipped == len(data.records)
    refusable = sum(1 for r in data.records if LENIENT_ONLY & set(r.quirks))
    assert skipped <= refusable
    assert counts["created"] >= 100
    with app.uow() as conn:
        numbered = dict(
            conn.execute(
                select(provenance.c.file, func.max(provenance.c.record_no)).group_by(
                    provenance.c.file
                )
            ).all()
        )
    per_file = Counter(r.file for r in data.records)
    assert set(numbered) == set(FILES.values())
    assert all(numbered[name] <= per_file[name] for name in numbered)

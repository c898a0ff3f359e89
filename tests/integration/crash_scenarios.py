"""The crash harness's scenarios: the start file of each operation, built with the services.

Each operation (``Scenarios.OPERATIONS``) starts from a file prepared here once, on first
use, in this process: generated messy exports (tests/generators/messy_exports.py) imported,
a merge made, a demo written or backed up, the touch summary made for today.  What the child
process then runs on a copy is in ``Scenarios.operation``; tests/integration/crash_harness.py
runs and kills it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

from crash_harness import TODAY, Operation, cli_args, connect, fresh_copy


@dataclass(frozen=True)
class Scale:
    """How large the scenarios are."""

    import_people: int = 300
    """People behind the generated exports (tests/generators/messy_exports.py)."""
    demo_people: int = 1000
    """People ``kinmyaku demo`` writes."""
    roll_people: int = 2000
    """People in the demo database whose touch summary is rolled a day forward."""
    restore_people: int = 1000
    """People in the demo database backed up and restored."""
    bulk_people: int = 3000
    """People behind the exports of ``import-bulk`` (over 1 MB: the bulk path, with
    ``--jobs 2`` helper processes)."""


SMALL = Scale(import_people=150, demo_people=500, roll_people=1500, restore_people=500)
"""What CI runs (tests/integration/test_crash_safety.py) and ``crash_safety.py --small``."""


class Scenarios:
    """Start files for each operation, built on first use in ``work``."""

    OPERATIONS = (
        "import",
        "import-undo",
        "restore",
        "merge",
        "merge-undo",
        "demo",
        "roll",
        "merge-auto",
        "merge-auto-undo",
        "import-bulk",
    )
    UNITS: ClassVar[dict[str, str]] = {
        "import": "one transaction (after a read-only look at the database's size)",
        "import-bulk": "one transaction, foreign keys unchecked, search terms staged",
        "roll": "one write transaction (after a read-only freshness check)",
    }
    """The unit of commit where it is not simply "one transaction"."""
    QUICK = OPERATIONS[:7]
    """What CI runs (``merge --auto`` spends seconds finding pairs before it writes)."""

    def __init__(self, work: Path, scale: Scale | None = None, seed: int = 15) -> None:
        self.work, self.scale, self.seed = work, scale or Scale(), seed
        work.mkdir(parents=True, exist_ok=True)
        self._built: dict[str, Path] = {}

    def operation(self, name: str) -> Operation:
        """The operation called ``name`` (one of ``OPERATIONS``)."""
        if name == "roll":
            tomorrow = (TODAY + timedelta(days=1)).isoformat()
            return Operation(
                name,
                self._rolled_today(),
                lambda db: {"roll": {"url": f"sqlite:///{db}", "today": tomorrow}},
                self.UNITS[name],
            )
        demo = ("demo", "--people", str(self.scale.demo_people), "--seed", "1")

        def bulk() -> list[str]:
            return [str(p) for p in self._files("bulk", self.scale.bulk_people).values()]

        cli: dict[str, Callable[[], tuple[Path, tuple[str, ...]]]] = {
            "import": lambda: (self._imported_once(), ("import", "--skip-bad", *self._rest())),
            "import-undo": lambda: (self._imported(), ("import", "undo", "2")),
            "restore": lambda: (self._empty(), ("restore", str(self._backup()))),
            "merge": lambda: (self._imported(), ("merge", *map(str, self._pair()))),
            "merge-undo": lambda: (self._merged(), ("merge", "undo", "1")),
            "merge-auto": lambda: (self._imported(), ("merge", "--auto")),
            "merge-auto-undo": lambda: (self._auto_merged(), ("merge", "undo", "1")),
            "demo": lambda: (self._empty(), demo),
            "import-bulk": lambda: (
                self._empty(),
                ("import", "--skip-bad", "--jobs", "2", *bulk()),
            ),
        }
        start, words = cli[name]()
        unit = self.UNITS.get(name, Operation.unit)
        return Operation(name, start, lambda db: {"argv": cli_args(db, *words)}, unit)

    def _cached(self, name: str, build: Callable[[Path], None]) -> Path:
        if name not in self._built:
            path = self.work / f"start-{name}.sqlite3"
            build(path)
            self._built[name] = path
        return self._built[name]

    def _open(self, path: Path) -> Any:
        from kinmyaku.bootstrap import open_app
        from kinmyaku.config import Settings

        url = f"sqlite:///{path}"
        return open_app(Settings(database_url=url, language="en", today=TODAY.isoformat()))

    def _with_app(self, path: Path, action: Callable[[Any], object]) -> None:
        app = self._open(path)
        try:
            action(app)
        finally:
            app.close()  # the last connection closed: WAL checkpointed and removed

    def _empty(self) -> Path:
        return self._cached("empty", lambda p: self._with_app(p, lambda app: None))

    def _from_empty(self, path: Path, action: Callable[[Any], object]) -> None:
        self._with_app(fresh_copy(self._empty(), path), action)

    def _files(self, name: str = "exports", people: int | None = None) -> dict[str, Path]:
        """The generated messy exports (Eight, LinkedIn, Google CSV, phone vCard) by stem."""
        from generators.messy_exports import generate  # type: ignore[import-not-found,unused-ignore]

        folder = self.work / name
        if not folder.exists():
            generate(self.seed, people=people or self.scale.import_people).write(folder)
        return {p.stem: p for p in sorted(folder.iterdir())}

    def _rest(self) -> list[str]:
        return [str(p) for stem, p in self._files().items() if stem != "phone"]

    def _import(self, app: Any, paths: list[str]) -> None:
        from kinmyaku.services.importing import import_files

        import_files(app.uow(), paths=paths, skip_bad=True, jobs=0)

    def _imported_once(self) -> Path:
        phone = str(self._files()["phone"])
        return self._cached(
            "imported-once", lambda p: self._from_empty(p, lambda app: self._import(app, [phone]))
        )

    def _imported(self) -> Path:
        rest = self._rest()

        def build(path: Path) -> None:
            fresh_copy(self._imported_once(), path)
            self._with_app(path, lambda app: self._import(app, rest))

        return self._cached("imported", build)

    def _pair(self) -> tuple[int, int]:
        """The two people with the most contact points (keep, other)."""
        with connect(self._imported()) as conn:
            rows = conn.execute(
                "SELECT person_id FROM contact_points GROUP BY person_id"
                " ORDER BY count(*) DESC, person_id LIMIT 2"
            ).fetchall()
        return int(rows[0][0]), int(rows[1][0])

    def _merged(self) -> Path:
        from kinmyaku.services.identity.merging import merge_people

        keep, other = self._pair()

        def build(path: Path) -> None:
            fresh_copy(self._imported(), path)
            self._with_app(path, lambda app: merge_people(app.uow(), keep=keep, other=other))

        return self._cached("merged", build)

    def _auto_merged(self) -> Path:
        from kinmyaku.services.identity.merging import auto_merge

        def build(path: Path) -> None:
            fresh_copy(self._imported(), path)
            self._with_app(path, lambda app: auto_merge(app.uow()))

        return self._cached("auto-merged", build)

    def _demo(self, name: str, people: int) -> Path:
        from kinmyaku.services.demo import generate_demo

        def fill(app: Any) -> None:
            generate_demo(app.uow(), people=people, seed=2, today=TODAY)

        return self._cached(name, lambda p: self._from_empty(p, fill))

    def _backup(self) -> Path:
        from kinmyaku.services.backup import write_backup

        path = self.work / "backup.json"
        if not path.exists():
            demo = self._demo("restore-source", self.scale.restore_people)
            with path.open("wb") as stream:
                self._with_app(demo, lambda app: write_backup(app.uow(), stream=stream))
        return path

    def _rolled_today(self) -> Path:
        from kinmyaku.domain.insights import DEFAULT_PARAMS
        from kinmyaku.services.insights_summary import ensure_touch_summary

        def build(path: Path) -> None:
            fresh_copy(self._demo("roll-demo", self.scale.roll_people), path)
            self._with_app(
                path,
                lambda app: ensure_touch_summary(app.uow(), today=TODAY, params=DEFAULT_PARAMS),
            )

        return self._cached("rolled-today", build)

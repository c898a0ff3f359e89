"""The one place that wires settings -> engine -> units of work, for CLI, web and tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from kinmyaku.config import Settings
from kinmyaku.storage.database import make_engine
from kinmyaku.storage.migrate import is_current, upgrade
from kinmyaku.storage.uow import UnitOfWork


@dataclass
class App:
    """A running kinmyaku: its settings and database engine."""

    settings: Settings
    engine: Engine

    def uow(self) -> UnitOfWork:
        """A fresh unit of work (one transaction per ``with``)."""
        return UnitOfWork(self.engine)

    def today(self) -> date:
        """Today's date, or the date the settings pin (tests, demos)."""
        if self.settings.today:
            return date.fromisoformat(self.settings.today)
        return date.today()

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def open_app(settings: Settings, *, migrate: bool = True) -> App:
    """Build the app for these settings, creating or upgrading the schema if asked."""
    engine = make_engine(settings.database_url)
    if migrate and not is_current(engine):
        upgrade(engine)
    return App(settings=settings, engine=engine)

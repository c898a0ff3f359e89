"""Who an uncertain import record may be, by name: for the import's report on the command
line and on the web (``高橋 健太（#12・87%）`` rather than ``#12 (87%)``)."""

from __future__ import annotations

import re

from kinmyaku.services import browse
from kinmyaku.services.import_write import Outcome
from kinmyaku.storage.uow import UnitOfWork

MAYBE = re.compile(r"#(\d+) \((\d+%)\)")
"""How an import names the stored person a record may be: ``#12 (87%)``."""


def candidate_names(uow: UnitOfWork, outcomes: list[Outcome]) -> dict[int, str]:
    """The names of the stored people these uncertain records may be."""
    found = (MAYBE.fullmatch(o.why[0]) for o in outcomes if o.why)
    ids = sorted({int(m.group(1)) for m in found if m})
    return {s.id: s.name for s in browse.person_summaries(uow, ids)} if ids else {}


def maybe_text(lang: str, outcome: Outcome, names: dict[int, str]) -> str:
    """Who a record may be, by name: ``高橋 健太（#12・87%）`` rather than ``#12 (87%)``."""
    first = outcome.why[0] if outcome.why else ""
    found = MAYBE.fullmatch(first)
    if not found or int(found.group(1)) not in names:
        return first
    name, pid, chance = names[int(found.group(1))], found.group(1), found.group(2)
    return f"{name}（#{pid}・{chance}）" if lang == "ja" else f"{name} (#{pid}, {chance})"

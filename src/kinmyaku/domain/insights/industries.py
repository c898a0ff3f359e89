"""The reference list of industries for diversity gaps: kinmyaku's fixed ``Industry`` list.

A person's industry is the ``Industry`` value of their current organisation ("it",
"finance" ...), so gaps and counts do not depend on wording or language. "other" is
never reported as a gap.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from kinmyaku.domain.insights.explain import LocalText
from kinmyaku.domain.model import INDUSTRY_LABELS, Industry

INDUSTRY_NAMES: Mapping[str, LocalText] = MappingProxyType(
    {industry.value: LocalText(ja, en) for industry, (ja, en) in INDUSTRY_LABELS.items()}
)

UNCLASSIFIABLE = Industry.OTHER.value


def industry_label(code: str) -> LocalText:
    """The bilingual label of an industry value, or the value itself when unknown."""
    return INDUSTRY_NAMES.get(code, LocalText(code, code))

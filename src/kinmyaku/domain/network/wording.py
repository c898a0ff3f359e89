"""Strength in words (強い / ふつう / 弱い): what the map and the warm paths show instead of
a number.

The same thresholds serve a tie (an edge weight, see :mod:`.graph`) and a whole path (its
score, see :mod:`.paths`), both a chance in ``(0, 1]`` that a request gets through:

==========  ===========  ===================================================================
word        value        reads as
==========  ===========  ===================================================================
Strong      >= 0.60      an introducer's vouch, a tie with strength 60+, a short warm path
Fair        0.30 - 0.59  an average tie (0.50), a colleague, a knows-link; two good hops
Weak        < 0.30       met at the same event, a tie gone cold, a long path
==========  ===========  ===================================================================

The number itself is kept for a detail view only.
"""

from __future__ import annotations

STRONG = 0.60
FAIR = 0.30
WORDS = ("Strong", "Fair", "Weak")


def strength_word(value: float) -> str:
    """``Strong``, ``Fair`` or ``Weak`` (message ids) for a tie weight or a path score."""
    if value >= STRONG:
        return "Strong"
    if value >= FAIR:
        return "Fair"
    return "Weak"

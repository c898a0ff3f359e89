"""Labels of e-mails, phones, addresses and URLs: vCard TYPE values and Apple X-ABLabel.

Labels are normalised to a small vocabulary (``home``, ``work``, ``mobile``, ``fax``,
``pager``, ``main``, ``other``, ``homepage``); anything else is kept as written, so a
custom label such as ``AssistantPhone`` or ``秘書`` survives an import/export round trip.
"""

from __future__ import annotations

STANDARD = ("home", "work", "mobile", "fax", "pager", "main", "other", "homepage")

# vCard TYPE values that say nothing about the label.
_IGNORED_TYPES = {
    "pref",
    "internet",
    "voice",
    "x400",
    "postal",
    "parcel",
    "dom",
    "intl",
    "msg",
    "text",
    "video",
    "bbs",
    "modem",
    "isdn",
    "pcs",
    "uri",
    "textphone",
}
_TYPE_LABELS = {
    "cell": "mobile",
    "mobile": "mobile",
    "iphone": "mobile",
    "fax": "fax",
    "pager": "pager",
    "work": "work",
    "home": "home",
    "main": "main",
    "other": "other",
    "homepage": "homepage",
}
_PRIORITY = {"mobile": 0, "fax": 1, "pager": 2, "work": 3, "home": 4, "main": 5, "other": 6}

# Apple's built-in labels look like _$!<HomePage>!$_.
_APPLE_LABELS = {
    "home": "home",
    "work": "work",
    "other": "other",
    "mobile": "mobile",
    "iphone": "mobile",
    "main": "main",
    "homefax": "fax",
    "workfax": "fax",
    "otherfax": "fax",
    "pager": "pager",
    "homepage": "homepage",
}


def label_from_types(types: list[str]) -> str:
    """Return the label for vCard TYPE values (already lower case), or ``""``."""
    best = ""
    best_rank = 99
    custom = ""
    for value in types:
        if value in _IGNORED_TYPES:
            continue
        label = _TYPE_LABELS.get(value)
        if label is None:
            if not custom and not value.startswith("x-"):
                custom = value
            continue
        rank = _PRIORITY.get(label, 7)
        if rank < best_rank:
            best, best_rank = label, rank
    return best or custom


def label_from_ablabel(text: str) -> str:
    """Turn an X-ABLabel value (``_$!<HomePage>!$_`` or a custom text) into a label."""
    text = text.strip()
    if text.startswith("_$!<") and text.endswith(">!$_"):
        text = text[4:-4]
    return _APPLE_LABELS.get(text.lower(), text)


def types_for_label(label: str, kind: str) -> list[str] | None:
    """Return vCard 4.0 TYPE values for ``label`` on property ``kind``; None if not standard.

    ``kind`` is ``EMAIL``, ``TEL``, ``ADR`` or ``URL``. A None answer means the label must
    be written as an Apple-style ``itemN.X-ABLabel`` instead.
    """
    if label in ("home", "work"):
        return [label]
    if kind == "TEL":
        if label == "mobile":
            return ["cell"]
        if label in ("fax", "pager"):
            return [label]
    return None

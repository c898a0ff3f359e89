"""Why an e-mail address is not valid, in kinmyaku's own words (translated by the catalogs).

email_validator explains in English sentences of its own; a Japanese message must not carry
them.  Each of its reasons maps to one short message id of ours; an unknown one to a general
message, so no library English ever reaches the user.
"""

from __future__ import annotations

# (words in email_validator's reason, our message id), the first that matches wins.
_REASONS: tuple[tuple[str, str], ...] = (
    ("small commercial at", "it has a full-width or small ＠ instead of @"),
    ("must have an @-sign", "it has no @"),
    ("exactly one @-sign", "it has more than one @"),
    ("something before the @-sign", "there is nothing before the @"),
    ("something after the @-sign", "there is nothing after the @"),
    ("two periods in a row", "it has two dots in a row (..)"),
    ("period and a hyphen", "a dot and a hyphen are next to each other"),
    ("start with a period", "it starts with a dot"),
    ("end with a period", "it ends with a dot"),
    ("should have a period", "the part after the @ has no dot (as in example.com)"),
    (
        "top-level domain",
        "the part after the @ does not end in a real domain (such as .com or .jp)",
    ),
    ("special-use or reserved", "the part after the @ is a reserved name"),
    ("display name", "write the address alone, without a name or < >"),
    ("angle bracket", "write the address alone, without a name or < >"),
    ("anything after the email address", "there is text after the address"),
    ("too long", "it is too long"),
    ("Internationalized characters", "the part before the @ has characters other than ASCII"),
    ("not valid ASCII", "it has characters other than ASCII"),
    ("unsafe characters", "it has characters an address cannot have"),
    ("invalid character", "it has characters an address cannot have"),
    ("after the @-sign", "the part after the @ is not valid"),
    ("before the @-sign", "the part before the @ is not valid"),
    ("period", "a dot is in the wrong place"),
)
GENERAL = "it is not an e-mail address"


def email_reason(library_text: str) -> str:
    """Our message id for email_validator's reason ``library_text``."""
    lowered = library_text.lower()
    for words, message in _REASONS:
        if words.lower() in lowered:
            return message
    return GENERAL


def every_reason() -> list[str]:
    """Every message id :func:`email_reason` can return (for the catalog test)."""
    return sorted({message for _, message in _REASONS} | {GENERAL})

"""What the OCR engine hands the parser: lines of text with their box and character size."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OcrLine:
    """One line as read: its text, its box in pixels, its character size and OCR confidence."""

    text: str
    x: int = 0
    y: int = 0
    width: int = 0
    height: int = 0
    """The character size: the median word height (width when the text is vertical)."""
    confidence: float = 0.9
    """The engine's mean word confidence, 0..1."""
    extent: int = 0
    """The box's height in pixels."""
    alternatives: tuple[str, ...] = ()
    """Other readings of the same line (read again larger, or binarised), best first."""


@dataclass
class CardFields:
    """What a card says, each field with a confidence 0..1 (the ``--json`` shape)."""

    family_name: str = ""
    given_name: str = ""
    family_reading: str = ""
    given_reading: str = ""
    company: str = ""
    department: str = ""
    title: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[dict[str, str]] = field(default_factory=list)
    postal_code: str = ""
    address: str = ""
    url: str = ""
    romaji: str = ""
    title_en: str = ""
    company_en: str = ""
    confidence: dict[str, float] = field(default_factory=dict)
    given_options: tuple[str, ...] = ()
    """Listed given names that sound as the card prints when the one read does not: the
    pipeline compares them with the name's ink (not part of ``--json``)."""

    def to_json(self) -> dict[str, object]:
        """The fields as ``kinmyaku scan --json`` prints them."""
        return {
            "family_name": self.family_name,
            "given_name": self.given_name,
            "family_reading": self.family_reading,
            "given_reading": self.given_reading,
            "company": self.company,
            "department": self.department,
            "title": self.title,
            "emails": list(self.emails),
            "phones": [dict(p) for p in self.phones],
            "postal_code": self.postal_code,
            "address": self.address,
            "url": self.url,
            "confidence": {k: round(v, 2) for k, v in sorted(self.confidence.items())},
        }

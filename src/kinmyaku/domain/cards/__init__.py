"""Business cards (名刺): read fields from OCR lines (pure code, no I/O, no OCR engine)."""

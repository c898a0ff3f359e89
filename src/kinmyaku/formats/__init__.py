"""Import and export formats: vCard, contact CSVs and iCalendar. Parsing only, no database.

Readers stream ``ContactRecord`` objects from a binary file object and raise (or report)
``FormatError`` for bad input; writers take records (or calendar items) and a binary
stream. See docs/formats.md for every format and field.
"""

from kinmyaku.formats.csv_fields import MAPPING_FIELDS
from kinmyaku.formats.csv_writer import (
    export_mapping,
    safe_cell,
    write_contacts_csv,
    write_csv_rows,
)
from kinmyaku.formats.errors import MESSAGES, ErrorHandler, FormatError, render_message
from kinmyaku.formats.ical import CalendarItem, birthday_item, calendar_bytes, write_calendar
from kinmyaku.formats.reader import FORMATS, detect_format, read_path, read_records
from kinmyaku.formats.records import ContactPoint, ContactRecord, PostalAddress, RecordSource
from kinmyaku.formats.vcard_writer import vcard_bytes, write_vcards

__all__ = [
    "FORMATS",
    "MAPPING_FIELDS",
    "MESSAGES",
    "CalendarItem",
    "ContactPoint",
    "ContactRecord",
    "ErrorHandler",
    "FormatError",
    "PostalAddress",
    "RecordSource",
    "birthday_item",
    "calendar_bytes",
    "detect_format",
    "export_mapping",
    "read_path",
    "read_records",
    "render_message",
    "safe_cell",
    "vcard_bytes",
    "write_calendar",
    "write_contacts_csv",
    "write_csv_rows",
    "write_vcards",
]

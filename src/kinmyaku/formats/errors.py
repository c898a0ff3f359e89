"""FormatError and its messages in Japanese and English.

Every reader turns any problem with the input bytes into a ``FormatError`` that
names the file, the line and, where it applies, the field, and carries a message
key with parameters so the caller can show it in either language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Self

# key -> (Japanese, English). Parameters are filled with str.format_map.
MESSAGES: dict[str, tuple[str, str]] = {
    "empty_file": (
        "ファイルが空です。エクスポートし直してください。",
        "The file is empty. Export it again.",
    ),
    "excel_file": (
        "Excel のブックです。Excel の「名前を付けて保存」で「CSV UTF-8（コンマ区切り）」を選んで"
        "保存し直し、その CSV を取り込んでください。",
        'This is an Excel workbook. In Excel, use Save As with "CSV UTF-8 (Comma delimited)" '
        "and import that CSV.",
    ),
    "binary_file": (
        "テキストのファイルではありません（画像・PDF・圧縮ファイルなどのようです）。"
        "連絡先を vCard (.vcf) か CSV で書き出し直してください。",
        "This is not a text file (it looks like an image, a PDF or an archive). "
        "Export the contacts as vCard (.vcf) or CSV.",
    ),
    "unknown_format": (
        "vCard でも対応している CSV でもありません（先頭行: {head}）。"
        "vCard (.vcf) か CSV を選ぶか、CSV の列の対応表を指定してください。",
        "This is neither a vCard nor a known CSV (first line: {head}). "
        "Choose a vCard (.vcf) or CSV file, or give a column mapping for the CSV.",
    ),
    "unknown_format_name": (
        "形式「{format}」は扱えません。使える形式: {allowed}",
        "Unknown format '{format}'. Known formats: {allowed}",
    ),
    "unsupported_encoding": (
        "文字コード {encoding} には対応していません。UTF-8 か Shift_JIS で保存し直してください。",
        "The {encoding} encoding is not supported. Save the file as UTF-8 or Shift_JIS.",
    ),
    "bad_encoding": (
        "{encoding} として読めない文字があります。UTF-8 か Shift_JIS で保存し直してください。",
        "This line is not valid {encoding}. Save the file as UTF-8 or Shift_JIS.",
    ),
    "line_too_long": (
        "行が長すぎます（{limit} バイト超）。ファイルが壊れていないか確認してください。",
        "The line is longer than {limit} bytes. Check that the file is not damaged.",
    ),
    "not_vcard": (
        "vCard の外に文字があります（{text}）。BEGIN:VCARD で始まる行が必要です。",
        "Text outside a vCard ({text}). A card must start with BEGIN:VCARD.",
    ),
    "vcard_unterminated": (
        "この連絡先に END:VCARD がありません。ファイルが途中で切れていないか確認してください。",
        "This card has no END:VCARD. Check that the file is complete.",
    ),
    "vcard_bad_line": (
        "vCard の行として読めません（{text}）。「名前:値」の形が必要です。",
        "This is not a vCard line ({text}). Lines look like NAME:value.",
    ),
    "vcard_too_large": (
        "連絡先 1 件が大きすぎます（{limit} バイト超）。写真を小さくしてください。",
        "The card is larger than {limit} bytes. Use a smaller photo.",
    ),
    "empty_record": (
        "名前も連絡先もないため取り込みません。",
        "Skipped: no name and no contact details.",
    ),
    "csv_header_missing": (
        "{format} の見出し行が見つかりません。必要な列: {columns}",
        "No {format} header row found. Expected columns: {columns}",
    ),
    "csv_unknown_header": (
        "CSV の列を判別できません（{columns}）。列の対応表を指定してください。",
        "Unknown CSV columns ({columns}). Give a column mapping.",
    ),
    "csv_syntax": (
        'CSV として読めません（{detail}）。引用符 " の対応を確認してください。',
        "Not valid CSV ({detail}). Check the double quotes.",
    ),
    "csv_too_many_columns": (
        "列が多すぎます（{count} 列）。区切り文字と引用符を確認してください。",
        "Too many columns ({count}). Check the separators and quotes.",
    ),
    "bad_date": (
        "日付として読めません: 「{value}」。2024/03/15 や 2024-03-15 の形にしてください。",
        "Not a date: '{value}'. Use a form such as 2024-03-15 or 2024/03/15.",
    ),
    "bad_bytes": (
        "{encoding} として読めないバイトがあります。"
        "その部分は \\xNN の形でそのまま残しました: 「{text}」",
        "Bytes that are not valid {encoding} were kept as \\xNN: '{text}'",
    ),
    "charset_guessed": (
        "{encoding} として読めないため、{read_as} として読みました: 「{text}」",
        "Not valid {encoding}, so it was read as {read_as}: '{text}'",
    ),
    "bad_line_kept": (
        "vCard の行として読めないため、そのまま「読めない行」として保存します: 「{text}」",
        "Not a vCard line, so it is kept unchanged as 'unreadable line': '{text}'",
    ),
    "line_continued": (
        "「名前:値」の形でない行を、前の行（{name}）の続きとして読みました: 「{text}」",
        "A line that is not NAME:value was read as the rest of the line before ({name}): '{text}'",
    ),
    "unterminated_kept": (
        "END:VCARD がないまま終わっていますが、ここまでを 1 件として取り込みます。",
        "The card has no END:VCARD; what it holds is imported.",
    ),
    "bad_birthday_kept": (
        "誕生日「{value}」が日付として読めないため、そのまま「無効な誕生日」として保存します。",
        "Birthday '{value}' is not a date, so it is kept unchanged as 'invalid birthday'.",
    ),
    "bad_met_on_kept": (
        "日付「{value}」が読めないため、そのまま「無効な出会った日」として保存します。",
        "Date met '{value}' is not a date, so it is kept unchanged as 'invalid date met'.",
    ),
    "bad_photo_kept": (
        "写真のデータが読めないため、データをそのまま「PHOTO」として保存します。",
        "The photo data could not be decoded, so it is kept unchanged as 'PHOTO'.",
    ),
    "bad_mapping": (
        "列の対応表にある「{target}」は項目名ではありません。使える項目: {allowed}",
        "'{target}' in the column mapping is not a field. Known fields: {allowed}",
    ),
}

_LOCATION: dict[str, tuple[str, str]] = {
    "file": ("{file}", "{file}"),
    "line": ("{file} {line} 行目", "{file} line {line}"),
    "field": ("、項目「{field}」", ", field {field}"),
}


def _lang_index(lang: str) -> int:
    return 0 if lang.startswith("ja") else 1


class FormatError(ValueError):
    """A problem with an import file, located by file, line and field."""

    def __init__(
        self,
        key: str,
        *,
        file: str = "",
        line: int | None = None,
        field: str | None = None,
        record_no: int | None = None,
        **params: object,
    ) -> None:
        self.key = key
        self.file = file
        self.line = line
        self.field = field
        self.record_no = record_no
        self.params: dict[str, object] = dict(params)
        super().__init__(self.message("en"))

    def message(self, lang: str = "ja") -> str:
        """Return the full message, location first, in ``ja`` or ``en``."""
        where = self.location(lang)
        text = render_message(self.key, self.params, lang)
        return f"{where}: {text}" if where else text

    def location(self, lang: str = "ja") -> str:
        """Return ``file line N, field F`` (or its Japanese form)."""
        index = _lang_index(lang)
        values = {"file": self.file or "-", "line": self.line, "field": self.field}
        if not self.file and self.line is None:
            text = ""
        elif self.line is None:
            text = _LOCATION["file"][index].format_map(values)
        else:
            text = _LOCATION["line"][index].format_map(values)
        if self.field:
            text += _LOCATION["field"][index].format_map(values)
        return text.lstrip("、, ")

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled by its values (a card's warnings travel to an import's helper processes).
        state = (self.key, self.file, self.line, self.field, self.record_no, self.params)
        return _rebuild, (type(self), *state)

    def located(self, *, file: str, line: int | None, record_no: int | None) -> Self:
        """Return a copy with the location filled in where it was missing."""
        return type(self)(
            self.key,
            file=self.file or file,
            line=self.line if self.line is not None else line,
            field=self.field,
            record_no=self.record_no if self.record_no is not None else record_no,
            **self.params,
        )


class FormatWarning(FormatError):
    """A problem a lenient reader got round: the value was kept, and the user is told."""


def _rebuild(
    cls: type[FormatError],
    key: str,
    file: str,
    line: int | None,
    field: str | None,
    record_no: int | None,
    params: dict[str, object],
) -> FormatError:
    return cls(key, file=file, line=line, field=field, record_no=record_no, **params)


class _Defaulting(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render_message(key: str, params: Mapping[str, object], lang: str = "ja") -> str:
    """Render the message template ``key`` with ``params`` in ``ja`` or ``en``."""
    templates = MESSAGES.get(key)
    if templates is None:
        return key
    return templates[_lang_index(lang)].format_map(_Defaulting(params))


ErrorHandler = Callable[[FormatError], None]
"""Called with each record-level FormatError when the caller wants to skip bad records."""


def snippet(data: bytes | str, limit: int = 40) -> str:
    """Return a short printable excerpt of ``data`` for an error message."""
    text = data.decode("utf-8", "backslashreplace") if isinstance(data, bytes) else data
    text = "".join(ch if ch.isprintable() else "?" for ch in text[: limit + 1])
    return text if len(text) <= limit else text[:limit] + "…"

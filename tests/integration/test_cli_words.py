"""The CLI's manners: messages wholly in the user's language, hints that fit, tidy --help."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kinmyaku.cli.main import app

runner = CliRunner()


def kin(tmp_path: Path, *args: str, lang: str = "ja") -> tuple[int, str]:
    db = str(tmp_path / "k.sqlite3")
    result = runner.invoke(app, ["--db", db, "--lang", lang, *args])
    return result.exit_code, result.output


def test_an_invalid_email_is_explained_in_japanese(tmp_path: Path) -> None:
    code, out = kin(tmp_path, "add", "山田", "太郎", "--email", "emi..ishida@gmail.com")
    assert code == 1
    assert "ドットが2つ続いています" in out
    assert "period" not in out and "email address" not in out


def test_version(tmp_path: Path) -> None:
    code, out = kin(tmp_path, "--version")
    assert code == 0
    assert out.startswith("kinmyaku ")


def test_help_has_no_type_tags_and_is_translated(tmp_path: Path) -> None:
    code, out = kin(tmp_path, "search", "--help")
    assert code == 0
    assert "<bool>" not in out and "<str>" not in out and "<int>" not in out
    assert "{query}" not in out and "QUERY" in out
    assert "このヘルプを表示して終了します" in out
    code, out = kin(tmp_path, "export", "--help", lang="en")
    assert "vcard" in out  # the choices of a choice option stay listed


def test_a_folder_is_named_a_folder(tmp_path: Path) -> None:
    code, out = kin(tmp_path, "import", str(tmp_path))
    assert code == 1
    assert "フォルダーです" in out


def test_binary_and_workbook_files_get_their_own_message(tmp_path: Path) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 8)
    code, out = kin(tmp_path, "import", str(junk))
    assert code == 1
    assert "テキストのファイルではありません" in out
    assert "Shift_JIS" not in out and "--skip-bad" not in out
    book = tmp_path / "cards.xlsx"
    book.write_bytes(b"PK\x03\x04" + bytes(64))
    code, out = kin(tmp_path, "import", str(book), lang="en")
    assert code == 1
    assert "Excel workbook" in out and "CSV UTF-8" in out


def test_the_skip_bad_hint_only_when_it_helps(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, out = kin(tmp_path, "import", str(empty), lang="en")
    assert code == 1 and "The file is empty" in out and "--skip-bad" not in out
    card = tmp_path / "bad.vcf"
    card.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nEMAIL:a..b@@\r\nEND:VCARD\r\n")
    code, out = kin(tmp_path, "import", str(card), "--strict", lang="en")
    assert code == 1 and "--skip-bad" in out
    code, out = kin(tmp_path, "import", str(card), "--strict", "--skip-bad", lang="en")
    assert "--skip-bad" not in out


def test_english_counts_of_one_are_singular(tmp_path: Path) -> None:
    kin(
        tmp_path,
        "add",
        "高橋",
        "健太",
        "--sei",
        "たかはし",
        "--mei",
        "けんた",
        "--company",
        "株式会社サンプル",
    )
    kin(tmp_path, "add", "Takahashi", "Kenta", "--company", "株式会社サンプル", "--force")
    code, out = kin(tmp_path, "duplicates", lang="en")
    assert code == 0
    assert "1 pair." in out and "1 pairs" not in out
    code, out = kin(tmp_path, "give", "1", "--kind", "advice", "-m", "x", lang="en")
    assert "Recorded what you gave (#1)" in out


def test_a_long_import_report_is_cut_and_says_how_many_more(tmp_path: Path) -> None:
    rows = [
        "会社名,部署名,役職,姓,名,e-mail,郵便番号,住所,TEL会社,TEL部門,TEL直通,Fax,携帯電話,URL,名刺交換日"
    ]
    for n in range(30):  # colleagues: one main line and fax, each their own mobile
        rows.append(
            f"株式会社テスト商事,営業部,,佐藤,社員{n},p{n}@example.co.jp,,,03-0000-0000,,,"
            f"03-0000-0001,090-0000-{n:04d},,2026/11/20"
        )
    cards = tmp_path / "eight.csv"
    cards.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out = kin(tmp_path, "import", str(cards), lang="en")
    assert code == 0 and "Created 30" in out
    code, out = kin(tmp_path, "import", str(cards), lang="en")
    assert code == 0
    assert out.count("Unchanged #") == 20
    assert "… and 10 more" in out


def test_an_empty_search_says_what_to_type(tmp_path: Path) -> None:
    code, out = kin(tmp_path, "search", "  ")
    assert code == 1
    assert "検索する言葉を入力してください" in out


def test_a_mapping_reads_a_header_with_odd_bytes_as_csv(tmp_path: Path) -> None:
    cards = tmp_path / "odd.csv"
    cards.write_bytes(b"\x00name\r\n\xe5\xb1\xb1\xe7\x94\xb0\r\n")  # a NUL in the header
    code, out = kin(tmp_path, "import", str(cards), "--map", "\x00name=family_name", lang="en")
    assert code == 0 and "Created 1" in out, out


def test_every_error_of_a_command_is_printed_at_once(tmp_path: Path) -> None:
    code, out = kin(tmp_path, "add", "山田", "太郎", "--company", "株" * 250, "--title", "長" * 150)
    assert code == 1
    assert "「会社」が長すぎます" in out and "「役職」が長すぎます" in out


def test_no_and_n_more_follows_nothing(tmp_path: Path) -> None:
    # The import keeps the details of its first 500 records; the repeats after them are
    # counted in the summary, not announced as "… and 5 more" under an empty list.
    cards = [
        f"BEGIN:VCARD\nVERSION:3.0\nN:試験;太郎{i}\nFN:試験 太郎{i}\n"
        f"EMAIL:t{i}@example.jp\nEND:VCARD\n"
        for i in range(505)
    ]
    path = tmp_path / "many.vcf"
    path.write_text("".join(cards) + "".join(cards[:5]), encoding="utf-8")
    code, out = kin(tmp_path, "import", str(path), lang="en")
    assert code == 0, out
    assert "more" not in out
    assert "Created 505, updated 0, unchanged 5, skipped 0." in out

"""A lenient import loses nothing: every card becomes a person, bad values are kept verbatim
(extra fields) and each is reported with its file and line; --strict keeps the old
all-or-nothing import.  On SQLite and PostgreSQL (the ``app`` fixture)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from kinmyaku.bootstrap import App
from kinmyaku.cli.main import app as cli_app
from kinmyaku.services.import_prepare import INVALID_EMAIL, UNNAMED, UNNAMED_FIELD
from kinmyaku.services.importing import ImportFailed, ImportReport, import_files
from kinmyaku.storage.schema import contact_points, extra_fields, imports, people

QUIRKS = Path(__file__).parents[1] / "data" / "vcard" / "quirks"
FILES = sorted(QUIRKS.glob("*.vcf"))
TYPO = "emi..ishida@gmail.com"


def _cards(path: Path) -> int:
    """How many cards a file holds, cards inside cards included."""
    return len(re.findall(rb"BEGIN:VCARD\r\n", path.read_bytes(), re.IGNORECASE))


def _people(app: App) -> int:
    with app.uow() as conn:
        return int(conn.execute(select(func.count()).select_from(people)).scalar_one())


def _extra(app: App, name: str) -> list[str]:
    with app.uow() as conn:
        query = select(extra_fields.c.value).where(extra_fields.c.name == name)
        return sorted(conn.execute(query.order_by(extra_fields.c.id)).scalars())


def _warnings(report: ImportReport) -> list[str]:
    return [f"{o.file}:{o.line}: {why}" for o in report.warnings for why in o.why]


def test_every_quirky_card_becomes_a_person(app: App) -> None:
    report = import_files(app.uow(), paths=FILES)
    cards = sum(_cards(path) for path in FILES)
    assert cards == 27
    assert report.counts["skipped"] == 0
    assert report.counts["created"] == cards
    assert _people(app) == cards
    with app.uow() as conn:
        names = set(conn.execute(select(people.c.family_name)).scalars())
    # Names from N, FN, ORG, NICKNAME, an e-mail's display name, IMPP/X-JABBER and a phone;
    # the cards inside cards (AGENT) are people of their own.
    assert {"Backslash", "山田", "Doe", "Folded", "Continued", "Nameless Nora"} <= names
    assert {"Formatted", "Only Organisation Inc.", "OnlyNick", "only-impp@example.org"} <= names
    assert {"only-jabber@example.org", "090-3000-4001", "Agent", "Deputy", UNNAMED} <= names
    # Unnamed people are marked by an extra field that says where they came from.
    assert _extra(app, UNNAMED_FIELD) == ["no-name.vcf:25", "no-name.vcf:30"]


def test_bad_values_are_kept_verbatim_with_warnings_naming_file_and_line(app: App) -> None:
    report = import_files(app.uow(), paths=[QUIRKS / "bad-values.vcf"], lang="ja")
    assert report.counts["created"] == 3
    assert _extra(app, INVALID_EMAIL) == [TYPO]
    assert _extra(app, "invalid birthday") == ["1990-13-45"]
    assert _extra(app, "family reading (not kana)") == ["Ishida"]
    assert _extra(app, "title (full text)") == ["部長" * 120]
    warnings = _warnings(report)
    assert (
        f"bad-values.vcf:1: メールアドレス「{TYPO}」が正しくないため、"
        "そのまま「無効なメールアドレス」として保存します" in warnings
    )
    assert any(w.startswith("bad-values.vcf:1: 6 行目: 誕生日「1990-13-45」") for w in warnings)
    assert any("bad-values.vcf:9: 12 行目" in w and "this line is not" in w for w in warnings)
    assert any(w.startswith("bad-values.vcf:15: END:VCARD がない") for w in warnings)
    english = _warnings(import_files(app.uow(), paths=[QUIRKS / "bad-values.vcf"], dry_run=True))
    assert (
        f"bad-values.vcf:1: The e-mail address '{TYPO}' is not valid, "
        "so it is kept unchanged as 'invalid e-mail'" in english
    )


def test_invalid_bytes_are_kept_as_escapes_and_reported(app: App) -> None:
    report = import_files(
        app.uow(), paths=[QUIRKS / "invalid-utf8.vcf", QUIRKS / "sjis-invalid-byte.vcf"]
    )
    with app.uow() as conn:
        rows = conn.execute(
            select(people.c.family_name, people.c.given_name, people.c.notes).order_by(people.c.id)
        ).all()
    assert [tuple(row) for row in rows] == [
        ("石川\\xff", "恵美", "メモ\\xfeあり"),
        ("鈴木", "一郎\\xff", "表示\\x81 メモ"),
    ]
    assert all("\ufffd" not in value for row in rows for value in row)
    warnings = _warnings(report)
    assert any(w.startswith("invalid-utf8.vcf:1: line 3, N: ") and "UTF-8" in w for w in warnings)
    assert any(w.startswith("sjis-invalid-byte.vcf:1: line 4, NOTE: ") for w in warnings)


def test_a_broken_photo_is_kept_and_reported(app: App) -> None:
    report = import_files(app.uow(), paths=[QUIRKS / "broken-photo.vcf"])
    assert _people(app) == 2
    kept = _extra(app, "PHOTO")
    assert len(kept) == 2 and "!!!!not base64 at all!!!!" in kept
    assert [(o.file, o.line) for o in report.warnings] == [
        ("broken-photo.vcf", 1),
        ("broken-photo.vcf", 6),
    ]
    assert all("photo" in " ".join(o.why).lower() for o in report.warnings)


def test_android_quirks_are_read(app: App) -> None:
    import_files(app.uow(), paths=[QUIRKS / "android-21-backslash-comments.vcf"])
    with app.uow() as conn:
        addresses = list(
            conn.execute(
                select(contact_points.c.value).where(contact_points.c.kind == "address")
            ).scalars()
        )
        notes = list(conn.execute(select(people.c.notes).order_by(people.c.id)).scalars())
    assert addresses == ["〒150-0001 Tokyo 1-2-3 Jingumae\nShibuya-ku Japan"]
    assert notes[0] == "This is an (sharp ->#<- sharp) example. This line must NOT be ignored."


def _csv(path: Path, rows: int, typo_at: int) -> Path:
    """A generic contact CSV of ``rows`` people (deterministic), one e-mail mistyped."""
    rng = random.Random(14)
    families = ["高橋", "佐藤", "鈴木", "田中", "伊藤", "渡辺", "山本", "中村"]
    lines = ["氏名,メールアドレス,携帯"]
    for n in range(rows):
        email = TYPO if n == typo_at else f"person{n}@example.jp"
        given = f"{rng.choice(['健太', '花子', '翔太', '陽菜'])}{n}"
        lines.append(f"{rng.choice(families)} {given},{email},090-{n // 10000:04d}-{n % 10000:04d}")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


MAPPING = {"氏名": "full_name", "メールアドレス": "email", "携帯": "phone"}


def test_one_typo_in_3000_rows_imports_every_row(app: App, tmp_path: Path) -> None:
    path = _csv(tmp_path / "members.csv", 3000, typo_at=1234)
    report = import_files(app.uow(), paths=[path], mapping=MAPPING)
    assert report.counts["created"] == 3000 and report.counts["skipped"] == 0
    assert _people(app) == 3000
    assert _extra(app, INVALID_EMAIL) == [TYPO]
    assert [(o.file, o.line) for o in report.warnings] == [("members.csv", 1236)]


def test_strict_stops_at_the_first_bad_value_as_before(app: App, tmp_path: Path) -> None:
    path = _csv(tmp_path / "members.csv", 3000, typo_at=1234)
    with pytest.raises(ImportFailed) as caught:
        import_files(app.uow(), paths=[path], mapping=MAPPING, strict=True)
    assert str(caught.value.msgid).startswith("Nothing was imported.")
    assert "members.csv line 1236" in str(caught.value.params["reason"])
    assert _people(app) == 0
    with app.uow() as conn:
        assert conn.execute(select(func.count()).select_from(imports)).scalar_one() == 0
    # --strict --skip-bad skips the record instead, as --skip-bad did before.
    report = import_files(app.uow(), paths=[path], mapping=MAPPING, strict=True, skip_bad=True)
    assert report.counts["created"] == 2999
    assert [(b.file, b.line) for b in report.bad] == [("members.csv", 1236)]
    assert _extra(app, INVALID_EMAIL) == []


def test_strict_refuses_what_it_refused_before(app: App) -> None:
    for name, line in (("bad-values.vcf", 1), ("no-name.vcf", 25)):
        with pytest.raises(ImportFailed) as caught:
            import_files(app.uow(), paths=[QUIRKS / name], strict=True)
        assert f"{name} line {line}" in str(caught.value.params["reason"])
    assert _people(app) == 0


def test_helpers_import_the_quirks_exactly_as_one_process(
    app: App, second_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kinmyaku.formats import vcard_blocks
    from kinmyaku.services import import_pipeline

    monkeypatch.setattr(vcard_blocks, "BLOCK", 200)
    monkeypatch.setattr(import_pipeline, "BATCH", 2)
    alone = import_files(app.uow(), paths=FILES, jobs=0)
    helped = import_files(second_app.uow(), paths=FILES, jobs=2)
    assert helped.counts == alone.counts
    assert _warnings(helped) == _warnings(alone)
    assert _extra(second_app, INVALID_EMAIL) == _extra(app, INVALID_EMAIL) == [TYPO]


def test_cli_strict_and_the_report(sqlite_url: str) -> None:
    runner = CliRunner(env={"COLUMNS": "400"})
    bad = str(QUIRKS / "bad-values.vcf")
    strict = runner.invoke(cli_app, ["--db", sqlite_url, "--lang", "en", "import", bad, "--strict"])
    assert strict.exit_code != 0
    assert "Nothing was imported." in strict.output and "bad-values.vcf line 1" in strict.output
    done = runner.invoke(cli_app, ["--db", sqlite_url, "--lang", "ja", "import", bad])
    assert done.exit_code == 0, done.output
    assert "bad-values.vcf:1 を確認してください: メールアドレス「emi..ishida" in done.output
    assert "スキップ 0 件" in done.output

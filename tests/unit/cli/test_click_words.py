"""Typer's and Click's own words (help headings, usage errors) read in the user's language.

Each error shape is provoked for real through the command line, so a change of wording in
a new Typer or Click makes these tests fail instead of leaving English in Japanese output.
"""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from kinmyaku.cli.click_words import error_message
from kinmyaku.cli.main import app

#: English words of Typer's and Click's that must not appear in Japanese output.
ENGLISH = re.compile(
    r"Usage|Try |Error|Options|Arguments|Commands|\[required\]|\[default|No such|Missing|"
    r"Invalid|not a valid|unexpected|requires|possible options|Did you mean"
)

CASES = [
    (["serch", "高橋"], "というコマンドはありません", "No such command 'serch'"),
    (["search"], "引数 'QUERY' を指定してください", "Missing argument 'query'"),
    (["search", "x", "--limit", "abc"], "'abc' は整数ではありません", "'abc' is not a valid"),
    (["due", "--limit", "0"], "0 は 1 以上にしてください", "is not in the range"),
    (["search", "x", "--limt", "3"], "--limt というオプションはありません", "No such option"),
    (["search", "a", "b", "c"], "余分な引数があります：b c", "unexpected extra argument"),
    (["search", "x", "--limit"], "には値を指定してください", "requires an argument"),
    (["export"], "オプション '--format' を指定してください", "Missing option '--format'"),
]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), terminal_width=200, prog_name="kinmyaku")
    return result.exit_code, result.output


@pytest.mark.parametrize(("args", "japanese", "english"), CASES)
def test_usage_errors_read_in_japanese_and_in_english(
    args: list[str], japanese: str, english: str
) -> None:
    code, out = run("--lang", "ja", *args)
    assert code == 2
    assert japanese in out
    assert ENGLISH.search(out) is None, out
    assert "エラー" in out
    code, out = run("--lang", "en", *args)
    assert code == 2
    assert english in out and "Error" in out


def test_help_headings_follow_the_language() -> None:
    code, out = run("--lang", "ja", "search", "--help")
    assert code == 0
    assert "使い方：kinmyaku search" in out
    assert "引数" in out and "オプション" in out and "［必須］" in out and "［既定：50］" in out
    assert ENGLISH.search(out) is None, out
    code, out = run("--lang", "ja", "--help")
    assert "コマンド" in out and "［環境変数：KINMYAKU_DB］" in out
    assert ENGLISH.search(out) is None, out
    # The same process, English again: nothing of the Japanese run is left.
    code, out = run("--lang", "en", "search", "--help")
    assert "Usage: kinmyaku search" in out and "Options" in out and "[required]" in out
    assert "オプション" not in out


def test_a_message_of_an_unknown_shape_is_kept_as_written() -> None:
    assert error_message("Something new from Click.", "ja") == "Something new from Click."
    assert error_message("No such command 'x'.", "en") == "No such command 'x'."

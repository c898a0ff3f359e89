"""The answers of every benchmark query and more, to compare two versions of the search.

    .venv/bin/python benchmarks/search_answers.py --db PATH_OR_URL --out before.json
    .venv/bin/python benchmarks/search_answers.py --db PATH_OR_URL --out after.json \\
        --compare before.json

For each query (every query of ``benchmarks/search.py`` and the words below: one letter of
each script, e-mail, phone, company, three words, words nobody has), four answers: page 1
of 20 (ids and tiers), the page at offset 20, the capped count (cap 500, as the people
list asks) and the full count.  ``--compare`` prints each query whose answers differ and
exits 1 when any does; a SQLite and a PostgreSQL file of the same demo compare too.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from search import QUERIES  # type: ignore[import-not-found]

from kinmyaku.bootstrap import open_app
from kinmyaku.config import Settings, database_url
from kinmyaku.storage import search

MORE = [
    "た", "タ", "t", "高", "a", "ん", "ー", "090", "1234", "example.com", "@", "株式会社",
    "商事", "メモ", "交流会", "京都", "関心", "zzzz", "高橋 健太 たかはし", "sato 株式会社",
    "た 090", "たか k", "高 た", "佐藤 zzzz", "京都 ランチ", "メガネ たか", "takahasi kenta",
    "Satō ｹﾝﾀ", "健太", "kenta", "けんた", "ゆい", "yui", "陽菜", "美咲 たなか", "k t",
    "ta ke", "高 健", "部長 高橋", "メガネ 佐藤", "tanaka ランチ", "中村 メガネ 部長",
]  # fmt: skip
CAP = 500
PAGE = 20


def answers(conn: Any, query: str) -> dict[str, Any]:
    """Page 1, the page at offset PAGE, the capped count and the full count of a query."""
    first = search.search_people(conn, query, limit=PAGE)
    second = search.search_people(conn, query, limit=PAGE, offset=PAGE)
    capped = search.count_matches_capped(conn, query, cap=CAP)
    return {
        "page": [list(pair) for pair in first],
        "next": [list(pair) for pair in second],
        "capped": list(capped),
        "count": search.count_matches(conn, query),
    }


def main() -> None:
    """Write the answers, and compare them with an earlier file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--compare", default="")
    args = parser.parse_args()
    queries = list(dict.fromkeys([q for kind in QUERIES.values() for q in kind] + MORE))
    app = open_app(Settings(database_url=database_url(args.db), language="en"))
    with app.engine.connect() as conn:
        found = {q: answers(conn, q) for q in queries}
    app.close()
    Path(args.out).write_text(json.dumps(found, ensure_ascii=False, indent=0))
    print(f"{len(found)} queries x 4 answers -> {args.out}")
    if not args.compare:
        return
    before = json.loads(Path(args.compare).read_text())
    differ = [q for q in queries if before.get(q) != found[q]]
    for q in differ:
        print(f"DIFFERS: {q!r}")
    print(f"{len(queries) - len(differ)} of {len(queries)} the same as {args.compare}")
    if differ:
        sys.exit(1)


if __name__ == "__main__":
    main()

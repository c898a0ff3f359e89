#!/usr/bin/env bash
# Install what is needed and run every test: lint, types, unit, integration (SQLite and a
# real PostgreSQL server started here), web and browser tests (Debian's chromium).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

apt_install postgresql chromium fonts-noto-cjk tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert
ensure_venv "[dev]"

PGDIR="$(mktemp -d /tmp/kinmyaku-pg.XXXXXX)"
PGPORT="${KINMYAKU_TEST_PG_PORT:-55432}"
bash scripts/postgres.sh start "$PGDIR" "$PGPORT"
trap 'bash scripts/postgres.sh stop "$PGDIR" "$PGPORT"' EXIT
export KINMYAKU_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/postgres"
export KINMYAKU_REQUIRE_PG=1

echo "== ruff"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
echo "== mypy"
"$VENV/bin/mypy"
echo "== pytest"
"$VENV/bin/pytest" -q -n 2 -p no:cacheprovider "$@"

#!/usr/bin/env bash
# Install what is needed and start kinmyaku on a demo SQLite database (a generated network).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

apt_install tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert fonts-noto-cjk
ensure_venv ""
DB="${KINMYAKU_DEMO_DB:-$ROOT/demo.sqlite3}"
if [ ! -f "$DB" ]; then
  "$VENV/bin/kinmyaku" --db "$DB" demo --people "${KINMYAKU_DEMO_PEOPLE:-2000}" --seed 1
fi
exec "$VENV/bin/kinmyaku" --db "$DB" serve "$@"

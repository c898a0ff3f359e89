# Shared steps of scripts/demo.sh and scripts/test.sh (sourced, not run).
# Installs what kinmyaku needs on a fresh Debian machine and prepares the virtualenv.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "kinmyaku: need root (or sudo) to install: $*" >&2; return 1; fi
}

apt_install() {
  # apt_install PKG... : install Debian packages that are missing (once per machine).
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "kinmyaku: please install: ${missing[*]}" >&2; return 1
  fi
  echo "Installing ${missing[*]} ..."
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_venv() {
  # ensure_venv EXTRAS : a virtualenv in .venv with kinmyaku installed (editable).
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  "$VENV/bin/python" -m pip install -q -e "$ROOT$1" 2>&1 | grep -v -E "^(WARNING: Location|DEPRECATION)" || true
  "$VENV/bin/python" -c "import kinmyaku" || { echo "kinmyaku: installation failed" >&2; exit 1; }
}

#!/usr/bin/env bash
# Install what cardloop needs on a fresh Debian/Ubuntu machine with Python 3.11; idempotent and quick
# when nothing changed. Used by the local stack (scripts/stack.sh) and the tests (scripts/test.sh).
#   - Debian packages (only when missing and running as root): Redis, PostgreSQL, Tesseract (+rus, Cyrillic),
#     fonts for the card generator, docker-compose (validates docker-compose.yml without an engine)
#   - .venv     the project's virtual environment (requirements.txt; torch pinned to the CPU build)
#   - .venv-ls  Label Studio 1.23.2 in its own virtual environment (a separate application)
# Both install from their lock files (requirements.lock, requirements-ls.lock: every package pinned), so
# a fresh machine next month gets the set that was tested; `bash scripts/lock.sh` refreshes them on purpose.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
DEBIAN_PACKAGES=(redis-server postgresql tesseract-ocr tesseract-ocr-rus tesseract-ocr-script-cyrl tesseract-ocr-osd
  fonts-dejavu-core fonts-liberation2 fonts-freefont-ttf fonts-noto-core docker-compose
  chromium fonts-roboto-unhinted fonts-open-sans fonts-lato fonts-ebgaramond fonts-comfortaa)

say() { printf '[install] %s\n' "$*"; }

missing=()
if command -v dpkg >/dev/null 2>&1; then
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "warning: missing Debian packages (run as root to install them): ${missing[*]}"
  fi
fi

"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else 1)' \
  || { echo "[install] error: Python >= 3.11 is required ($PYTHON is $("$PYTHON" --version 2>&1))" >&2; exit 1; }

# venv DIR STAMP_SOURCE PIP_ARGS...: (re)install only when the stamp (hash of what is installed) changed
venv() {
  local dir="$1" stamp_text="$2"; shift 2
  local stamp="$dir/.cardloop-installed"
  local want; want=$(printf '%s' "$stamp_text" | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  say "installing $dir (a few minutes on a fresh machine)"
  [ -x "$dir/bin/python" ] || "$PYTHON" -m venv "$dir"
  "$dir/bin/pip" install -q --disable-pip-version-check "$@" 2> >(grep -v '^WARNING: Location' >&2)
  echo "$want" > "$stamp"
}

for lockfile in requirements.lock requirements-ls.lock; do
  [ -f "$lockfile" ] || { echo "[install] error: $lockfile is missing (bash scripts/lock.sh writes it)" >&2; exit 1; }
done
venv .venv "$(cat requirements.txt requirements.lock)" -r requirements.txt -c requirements.lock
venv .venv-ls "$(cat requirements-ls.txt requirements-ls.lock)" -r requirements-ls.txt -c requirements-ls.lock
say "ready"

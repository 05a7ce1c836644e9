#!/usr/bin/env bash
# The local stack (no Docker): start | stop | status. `start` first installs whatever is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = start ]; then bash scripts/install.sh; fi
[ -x .venv/bin/python ] || { echo "[stack] error: not installed yet: run 'bash scripts/stack.sh start'" >&2; exit 1; }
exec .venv/bin/python -m scripts.stack "$@"

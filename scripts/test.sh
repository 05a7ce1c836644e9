#!/usr/bin/env bash
# Run the whole test suite the way CI does: install what is missing, then unit tests, then the
# integration tests against real Redis, PostgreSQL and Label Studio (the pytest fixtures start them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh

run_pytest() {
  local rc=0
  .venv/bin/python -m pytest "$@" || rc=$?
  if [ "$rc" = 5 ]; then echo "[test] error: pytest collected no tests for: $*" >&2; exit 1; fi
  return "$rc"
}

echo "[test] lint (ruff: unused/undefined names, syntax)"
.venv/bin/ruff check .
echo "[test] unit tests"
run_pytest -m "not integration" -q
echo "[test] integration tests (real Label Studio, Redis, PostgreSQL)"
run_pytest -m integration -q

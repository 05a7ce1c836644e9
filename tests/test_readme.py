"""README.md stays true: its configuration table is the one config.py documents, its two set-up
commands exist, and CI runs the test command it shows."""

from __future__ import annotations

from pathlib import Path

from ml_backend.config import markdown_table

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_configuration_table_matches_config_module():
    assert markdown_table() in README, "regenerate the table with: python -m ml_backend.config"


def test_the_two_commands_exist_and_ci_runs_the_test_command():
    assert "bash scripts/stack.sh start" in README and "bash scripts/test.sh" in README
    assert (REPO / "scripts" / "stack.sh").exists() and (REPO / "scripts" / "test.sh").exists()
    assert "scripts/test.sh" in (REPO / ".ci" / "run").read_text()

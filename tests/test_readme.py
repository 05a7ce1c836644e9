"""README.md stays true: its configuration table is the one config.py documents, its two set-up
commands exist, CI runs the test command it shows, and it and docs/ stay user documentation (no
history of how the project was developed: git log holds that). The benchmark tables are checked
by tests/test_benchmark_doc.py."""

from __future__ import annotations

import re
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


#: How development history reads: "session 13", "What ... added", "Tried in ...", "round of work".
HISTORY = re.compile(r"\bsessions? \d|\bin session\b|\bWhat [\w ]{0,30}\badded\b|(?-i:\bTried in\b)|\brounds? of work\b"
                     r"|\bhow we got here\b", re.IGNORECASE)


def test_readme_and_docs_hold_no_development_history():
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        found = HISTORY.search(path.read_text(encoding="utf-8"))
        assert found is None, f"{path.relative_to(REPO)}: {found.group(0)!r} reads as development history"


def test_readme_is_short_enough_to_read():
    assert len(README.splitlines()) <= 320, "README is user documentation: move detail to docs/"


def test_history_pattern_catches_a_diary():
    assert HISTORY.search("What session 13 added (each with unit tests)")
    assert HISTORY.search("Tried in session 9 and not kept")
    assert not HISTORY.search("each round adds K = 50 cards; a session cookie")

"""The word lists of ml_backend/text/data: what Faker ships today, and read without Faker.

The lists are exported from Faker by scripts/export_word_lists.py so that the reader does not
load a test-data generator at run time. Re-deriving them here makes a Faker upgrade in the lock
that changes a list (or just its version in the header) fail until the script is rerun, instead
of the shipped lists silently drifting from the generator's cards.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ml_backend.text.data import word_list
from scripts import export_word_lists

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "ml_backend" / "text" / "data"


def test_committed_lists_equal_what_faker_ships() -> None:
    pytest.importorskip("faker")
    derived = export_word_lists.word_lists()
    committed = {p.name: p.read_text(encoding="utf-8") for p in DATA.glob("*.txt")}
    assert sorted(committed) == sorted(derived), "list files differ from the script's: rerun scripts/export_word_lists.py"
    stale = [name for name, text in derived.items() if committed[name] != text]
    assert not stale, f"Faker's lists changed: rerun .venv/bin/python scripts/export_word_lists.py ({stale})"


def test_the_check_sees_a_changed_list(tmp_path: Path) -> None:
    """--check (and so the comparison above) reports a list that differs by one word."""
    pytest.importorskip("faker")
    assert export_word_lists.main(["--out", str(tmp_path)]) == 0
    assert export_word_lists.main(["--out", str(tmp_path), "--check"]) == 0
    towns = tmp_path / "towns_ru.txt"
    towns.write_text(towns.read_text(encoding="utf-8").replace("Абакан\n", ""), encoding="utf-8")
    assert export_word_lists.main(["--out", str(tmp_path), "--check"]) == 1


def test_lists_are_sorted_unique_words_with_a_header() -> None:
    for path in sorted(DATA.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("# ") and "export_word_lists.py" in "\n".join(lines[:2]), path.name
        words = word_list(path.stem)
        assert words and list(words) == sorted(set(words)), f"{path.name}: not sorted and de-duplicated"
        assert all(w == w.strip() and w for w in words), path.name


def test_reading_the_lists_does_not_import_faker() -> None:
    code = ("import sys, ml_backend.text.known_words as k, ml_backend.text.given_names as g\n"
            "assert 'maria' in g.given_names() and k.russian_cities()['елец'] == 'Елец'\n"
            "assert k.russian_name_words('middle_names')['ниловна'] == 'Ниловна'\n"
            "assert 'faker' not in sys.modules, sorted(m for m in sys.modules if m.startswith('faker'))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr

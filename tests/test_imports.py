"""Every module of the project imports on its own, whatever was imported before it.

An import cycle (``ocr`` -> ``validate`` -> ``ocr``) only breaks when the cycle is entered from
one side: a test suite that happens to import ``validate`` first passes while the OCR worker,
which starts from ``ocr``, fails to start. Each module is imported here first, in a process of
its own package state.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ml_backend", "active_learning")

_IMPORT_EACH_FIRST = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] in ("ml_backend", "active_learning")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {exc!r}")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_module_imports_first() -> None:
    modules = _modules()
    assert "ml_backend.text.russian_spelling" in modules and "ml_backend.text.known_words" in modules
    result = subprocess.run([sys.executable, "-c", _IMPORT_EACH_FIRST, *modules], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr

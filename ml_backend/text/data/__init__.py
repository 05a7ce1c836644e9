"""Word lists shipped with the reader: given names, Russian towns and patronymics.

They are generated once from Faker's providers by ``scripts/export_word_lists.py`` and committed,
so that the server and the reading pipeline never load Faker (a test-data generator) at run time;
``tests/test_word_lists.py`` regenerates them and fails when a Faker upgrade changes a list.
"""

from __future__ import annotations

import functools
from importlib import resources


@functools.lru_cache(maxsize=None)
def word_list(name: str) -> tuple[str, ...]:
    """The words of ``<name>.txt`` next to this module, in file order (comment lines skipped).

    A missing file raises FileNotFoundError: the lists are part of the package, not optional."""
    text = resources.files(__package__).joinpath(f"{name}.txt").read_text(encoding="utf-8")
    return tuple(line for line in text.splitlines() if line and not line.startswith("#"))

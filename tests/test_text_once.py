"""Text knowledge is defined once, in ml_backend/text: checked on the source.

Russian street types and building parts, postcode shapes, number labels, legal forms (Russian and
Latin) and the title/company connectors each have one table in ``ml_backend/text`` (``addresses``,
``labels``, ``lexicon``); every regex and set elsewhere is built from it. A copy written out again
somewhere else (an alternation "ул|пер|пр", a set of labels, a UK postcode pattern) drifts: the
copies had different members before they were merged. This test parses every module (no module
is imported) and fails on such a copy, naming the file and line.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from ml_backend.text.addresses import RUSSIAN_ADDRESS_ABBREVIATIONS, RUSSIAN_STREET_WORDS
from ml_backend.text.labels import NUMBER_LABELS, REGISTRATION_LABELS
from ml_backend.text.letters import has_cyrillic
from ml_backend.text.lexicon import COMPANY_LEGAL_FORMS, COMPANY_LEGAL_FORMS_CAPS, RUSSIAN_LEGAL_FORMS, TITLE_COMPANY_CONNECTORS

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("ml_backend", "active_learning", "scripts")
#: The modules that hold the tables.
TABLES = {"ml_backend/text/addresses.py", "ml_backend/text/labels.py", "ml_backend/text/lexicon.py",
          "ml_backend/text/numbers.py"}

#: Postcode shapes as regex text: any of these outside the tables is a second definition.
POSTCODE_PIECES = (
    r"[A-Z]{1,2}\d",             # a UK outward code
    r"\d[A-Z]{2}",               # a UK inward code
    r"\d[ABD-HJLNP-UW-Z]{2}",    # the same, strict
    r"\d{5}(?:-\d{4})?",         # a US ZIP code
    r"\d{5}-\d{4}",              # ZIP+4
    r"\d{5}-\d{3}",              # a Brazilian CEP
)
#: A local phone number's groups as regex text (``text.numbers``): a second definition elsewhere.
LOCAL_NUMBER_PIECES = (
    r"(?:[\s.\-]\d{2,5})*",        # the middle groups
    r"[\s.\-]\d{2}[\s.\-]\d{2}",   # a last group in pairs
)


@dataclass(frozen=True)
class Vocabulary:
    """Words of one table; ``least`` of them in one alternation or collection make a copy."""

    name: str
    words: frozenset[str]
    least: int
    any_case: bool = False  # "LLC", "Ltd" and "llc" are one word of the table

    def hits(self, words: list[str]) -> list[str]:
        return [w for w in words if (w.lower() if self.any_case else w) in self.words]


VOCABULARIES = (
    Vocabulary("Russian street/building/settlement types", RUSSIAN_ADDRESS_ABBREVIATIONS | frozenset(RUSSIAN_STREET_WORDS), 3),
    Vocabulary("number labels", NUMBER_LABELS | REGISTRATION_LABELS, 4),
    Vocabulary("Russian legal forms", frozenset(RUSSIAN_LEGAL_FORMS) | {f.lower() for f in RUSSIAN_LEGAL_FORMS}, 3),
    Vocabulary("title/company connectors", TITLE_COMPANY_CONNECTORS - {"@", "de", "of", "en", "at", "в"}, 2),
    Vocabulary("Latin legal forms", frozenset(f.lower() for f in COMPANY_LEGAL_FORMS | COMPANY_LEGAL_FORMS_CAPS
                                              if not has_cyrillic(f)), 3, any_case=True),
)
#: What separates the words of a regex alternation.
_ALTERNATION_SPLIT = re.compile(r"[|()]|\?:")


def _strings(node: ast.AST) -> list[str]:
    """The literal text of a constant or an f-string's literal parts."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))]
    return []


def copies_in(source: str) -> list[tuple[int, str]]:
    """(line, what) for every re-definition of the tables' knowledge in ``source``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        for text in _strings(node):
            for piece in POSTCODE_PIECES:
                if piece in text:
                    found.append((node.lineno, f"postcode pattern {piece!r}"))
            for piece in LOCAL_NUMBER_PIECES:
                if piece in text:
                    found.append((node.lineno, f"local phone number pattern {piece!r}"))
            if "|" in text:
                words = [w.strip() for w in _ALTERNATION_SPLIT.split(text)]
                for vocabulary in VOCABULARIES:
                    hits = vocabulary.hits(words)
                    if len(hits) >= vocabulary.least:
                        found.append((node.lineno, f"{vocabulary.name} alternation {hits}"))
        if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
            members = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            for vocabulary in VOCABULARIES:
                hits = vocabulary.hits(members)
                if len(hits) >= vocabulary.least:
                    found.append((node.lineno, f"{vocabulary.name} collection {hits}"))
    return found


def _sources() -> list[Path]:
    return [p for d in SOURCE_DIRS for p in sorted((ROOT / d).rglob("*.py"))
            if p.relative_to(ROOT).as_posix() not in TABLES]


def test_the_tables_knowledge_is_written_nowhere_else() -> None:
    offences = [f"{path.relative_to(ROOT)}:{line}: {what}" for path in _sources()
                for line, what in copies_in(path.read_text(encoding="utf-8"))]
    assert not offences, "defined again outside ml_backend/text (import the table instead):\n" + "\n".join(offences)


@pytest.mark.parametrize("snippet, what", [
    ('_STREET = re.compile(r"(?:ул|пер|наб)\\.")', "Russian street"),
    ('_STREET = re.compile(rf"(?<![\\w-])(?:улица|проспект|шоссе){X}")', "Russian street"),
    ('UNITS = frozenset({"д", "корп", "стр", "оф"})', "Russian street"),
    ('POSTCODE = re.compile(r"\\b[A-Z]{1,2}\\d[A-Z\\d]? \\d[A-Z]{2}\\b")', "postcode"),
    ('ZIP = re.compile(r"^\\d{5}(?:-\\d{4})?$")', "postcode"),
    ('CEP = re.compile(r"\\d{5}-\\d{3}")', "postcode"),
    ('LOCAL = re.compile(r"^\\d{1,5}(?:[\\s.\\-]\\d{2,5})*[\\s.\\-]\\d{4}$")', "local phone number"),
    ('LABEL = re.compile(r"(?:tel|phone|fax|mob)[.:]")', "number labels"),
    ('FAX = ("fax", "факс", "telefax", "f")', "number labels"),
    ('FORMS = "ООО|ЗАО|ОАО"', "Russian legal forms"),
    ('GLUED = re.compile(r"(plc|LLC|Ltd|gmbh)$")', "Latin legal forms"),
    ('CONNECTORS = frozenset({"chez", "bei", "presso"})', "title/company connectors"),
])
def test_a_copy_is_found(snippet: str, what: str) -> None:
    """The scan finds each kind of copy (so the test above can fail)."""
    assert any(what in found for _, found in copies_in(snippet)), snippet


@pytest.mark.parametrize("snippet", [
    'ADDRESS = "ул. Ленина, д. 5"',                       # an example, no alternation
    'VERSION = re.compile(r"^v(\\d{4,})-(\\d{8}T\\d{6})$")',  # digits that are no postcode
    'MODES = ("fast", "slow")',
])
def test_ordinary_text_is_no_copy(snippet: str) -> None:
    assert copies_in(snippet) == []

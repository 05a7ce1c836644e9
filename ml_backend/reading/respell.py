"""Stage ``respell``: OCR lines -> the same lines, Russian words OCR misread by a letter put right.

The one place the reader respells the words of OCR output ("Кровельшик" -> "Кровельщик", "ул.
Кирничная" -> "ул. Кирпичная"), between the OCR engine and the tagger: the tagger and everything
after it read the respelled lines. Only a word that is no Russian word as read, and exactly one
dictionary word a letter away, is changed (``text.russian_spelling`` holds the dictionary, the
rules of what may change and the closed lists). The engines themselves only read what is printed,
in the right script (``text.cyrillic.restore_cyrillic``).

After tagging, a value whose field is known is checked against the closed lists of its field
(towns, given names, title words) by the rule ``check.known_russian_words``, which repairs a
word only where it cannot be right as read and otherwise proposes: a check of a value, with the
same module's knowledge, not a second respelling of the lines.
"""

from __future__ import annotations

from ml_backend.schema import OcrResult
from ml_backend.text.russian_spelling import load_dictionary, respell_russian


def load() -> None:
    """Load the Russian dictionary now (~2 s, once per process), not on the first card."""
    load_dictionary()


def respelled(ocr: OcrResult) -> OcrResult:
    """``ocr`` with its lines' misread Russian words put right (lines without Cyrillic untouched)."""
    return OcrResult(lines=respell_russian(ocr.lines), width=ocr.width, height=ocr.height, rotation=ocr.rotation)

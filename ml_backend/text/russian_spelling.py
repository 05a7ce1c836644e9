"""Russian respelling, in one module: words OCR misread by a letter, put right.

Two calls, each where its evidence is: ``respell_russian`` on the OCR lines (the last step of the
OCR stage, ``ocr.staged``, so the tagger reads the words right), with the dictionary below; and
``known_words_respelled`` with ``impossible_as_read`` on a value once its field is known (the
validator's rule ``check.known_russian_words``: a town in an address, a given name or patronymic
in a name, a title word in a position, from the closed lists of ``known_words``; respelled where
the reading cannot be right, else proposed). ``is_russian_word`` is the dictionary check the
spelling rules share.

The dictionary respelling of OCR lines:

Tesseract's Russian model confuses letters of similar strokes: "Кирничная" for "Кирпичная",
"Спежная" for "Снежная", "Феолосьевич" for "Феодосьевич", "Кровельшик" for "Кровельщик". The
closed lists of ``validate.known_words`` (towns, given names, title words) cover some of these;
streets, surnames, company words and slogans are open sets. pymorphy3's dictionary (OpenCorpora,
~400k lemmas with every inflected form, pip package ``pymorphy3-dicts-ru``) knows most of them.

A word is replaced only when all of these hold:

* it is not in the dictionary, nor a word of the real towns, given names and patronymics that
  ``validate.known_words`` lists ("Нарым", "Чикола"), and exactly one dictionary word differs
  from it in one letter that OCR is known to misread that way (``MISREAD_FOR``), so that a
  guess is never a coin toss;
* the replacement is no rare, informal or misspelt form (OpenCorpora tags those);
* it is a Cyrillic word of four letters or more standing on its own: not glued to digits or
  Latin letters, not an abbreviation (a dot after it, five capitals or fewer, capitals inside:
  "ОКПО", "КИПиА"), not the first part of a compound ("Торгово-", "Усть-"), and not made only of
  letters with Latin twins ("Арех" may be the Latin brand "Apex" read in Cyrillic).

Measured on the real names Faker ships, none of 500 surnames and 297 street names changes, and
5 of 1,254 town names and job titles do ("Клинер" -> "Клипер"; "Сверд" and "Моск", which
cards print with their dot, only out of context). Of 23 words Tesseract misread this way on
generated Russian cards, 21 come back right.
"""

from __future__ import annotations

import difflib
import functools
import logging
import re
from collections.abc import Callable

from ml_backend.schema import OcrLine
from ml_backend.text.cyrillic import LATIN_TWINS, MISREAD_FOR
from ml_backend.text.known_words import (
    russian_cities,
    russian_name_words,
    with_known_name_words,
    with_known_title_words,
    with_known_towns,
)
from ml_backend.text.letters import cased_like

log = logging.getLogger(__name__)

#: OpenCorpora grammemes of forms a misreading is never taken for: informal, erroneous,
#: dialectal, archaic, slang, abbreviations and initials.
_RARE_FORMS = frozenset({"Infr", "Erro", "Dist", "Arch", "Slng", "Abbr", "Init"})
#: Shorter words are left alone: one letter makes too many other words.
MIN_LETTERS = 4
#: A word of this many capitals or fewer may be an abbreviation ("ОКПО", "ГБУЗ").
MAX_ABBREVIATION = 5
#: A Cyrillic word (or hyphenated compound) standing on its own: no letter, digit, hyphen, dash,
#: bracket or bar glued to it on either side (a misread letter: "[РОГРЕСС" for "ПРОГРЕСС"), and
#: no dot after it (an abbreviation: "Сверд.").
_WORD = re.compile(r"(?<![\w\-–\[\]|/\\])[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*(?![\w.\-–\[\]|/\\])")


@functools.lru_cache(maxsize=1)
def _analyzer():
    """pymorphy3's analyser, loaded once per process (~0.1 s); None without the package."""
    try:
        import pymorphy3
    except ImportError:
        log.warning("pymorphy3 is not installed: Russian words OCR misread are not checked against a dictionary")
        return None
    return pymorphy3.MorphAnalyzer()


@functools.lru_cache(maxsize=1)
def _listed_words() -> frozenset[str]:
    """Words of the real towns, given names and patronymics ``known_words`` lists (lower case,
    "ё" as "е"): names the dictionary lacks ("Нарым", "Чикола") are no misreadings."""
    names = [*russian_cities().values(), *russian_name_words("first_names").values(),
             *russian_name_words("middle_names").values()]
    return frozenset(m.group().lower().replace("ё", "е") for name in names for m in _WORD.finditer(name))


def load_dictionary() -> None:
    """Load the dictionary and the listed names now (~2 s, once per process), so that the first
    card read does not pay for it."""
    if _analyzer() is not None:
        _listed_words()


def is_russian_word(word: str) -> bool | None:
    """Whether ``word`` is a Russian dictionary word in any form, or a town or given name
    ``known_words`` lists ("ё" as "е"); None without the dictionary (nothing can be told)."""
    morph = _analyzer()
    if morph is None:
        return None
    lower = word.lower().replace("ё", "е")
    return morph.word_is_known(lower) or lower in _listed_words()


@functools.lru_cache(maxsize=50_000)
def _is_common_word(word: str) -> bool:
    """``word`` (lower case) is a dictionary form that is not only a rare one."""
    morph = _analyzer()
    return morph.word_is_known(word) and any(
        p.is_known and not (_RARE_FORMS & p.tag.grammemes) for p in morph.parse(word)
    )


def _one_misread_letter_off(word: str) -> set[str]:
    return {
        candidate
        for i, letter in enumerate(word)
        for original in MISREAD_FOR.get(letter, "")
        if _is_common_word(candidate := word[:i] + original + word[i + 1:])
    }


@functools.lru_cache(maxsize=50_000)
def corrected_word(word: str) -> str | None:
    """The one dictionary word ``word`` is a one-letter misreading of, or None (also when
    ``word`` is a known word, or no such guess is safe)."""
    morph = _analyzer()
    lower = word.lower()
    if (
        morph is None
        or sum(c.isalpha() for c in word) < MIN_LETTERS
        or (word.isupper() and len(word) <= MAX_ABBREVIATION)
        or (not word.isupper() and any(c.isupper() for part in word.split("-") for c in part[1:]))  # "КИПиА"
        or word.translate(LATIN_TWINS).isascii()
        or morph.word_is_known(lower)
        or lower.replace("ё", "е") in _listed_words()
    ):
        return None
    found = _one_misread_letter_off(lower)
    if len(found) != 1:
        return None
    return "-".join(cased_like(w, f) for f, w in zip(found.pop().split("-"), word.split("-")))


def _corrected_compound(word: str) -> str | None:
    """A hyphenated compound the dictionary lacks as a whole, respelled part by part
    ("Ииженер-програнмист" -> "Инженер-программист"): each part is a word of its own
    (``corrected_word``); None when no part changes."""
    parts = word.split("-")
    if len(parts) < 2 or _analyzer() is None or word.lower().replace("ё", "е") in _listed_words():  # "Нарьян-Мар"
        return None
    fixed = [corrected_word(p) or p for p in parts]
    return "-".join(fixed) if fixed != parts else None


def respelled(text: str) -> str:
    """``text`` with its misread Russian words put right."""
    return _WORD.sub(lambda m: corrected_word(m.group()) or _corrected_compound(m.group()) or m.group(), text)


def respell_russian(lines: list[OcrLine]) -> list[OcrLine]:
    """The lines with their misread Russian words put right (lines without Cyrillic untouched)."""
    out = [line.with_text(respelled(line.text)) for line in lines]
    for before, after in zip(lines, out):
        if after is not before:
            log.debug("respelled %r as %r", before.text, after.text)
    return out


# --- a value's words from the closed lists (the validator's ``check.known_russian_words``) -----

#: Per field, the respelling of its Russian words from a closed list (``known_words``): towns in
#: an address, given names and patronymics in a name, title words in a position.
_KNOWN_WORDS_BY_FIELD: dict[str, Callable[[str], str]] = {
    "address": with_known_towns, "full_name": with_known_name_words, "position": with_known_title_words,
}


def known_words_respelled(field: str, text: str) -> str | None:
    """``text`` (a value of ``field``) with each Russian town, given name, patronymic or title
    word a letter or two off a listed one spelled as listed; None for a field without a list."""
    respell = _KNOWN_WORDS_BY_FIELD.get(field)
    return None if respell is None else respell(text)


_RUSSIAN_WORD = re.compile(r"[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)*")


def impossible_as_read(text: str, respelled: str) -> bool:
    """Whether a word the respelling changes cannot be right as read, so the one known word it
    fits is the reading: a Russian word holds no Latin look-alike or digit ("Ap3amac",
    "OneHeK"), and is a word of the Russian dictionary or a listed name ("Глец", "НПАГАЛЬЯ"
    are neither). A dictionary word, or any word without the dictionary, may be a real name the
    lists lack ("Пестова"): only proposed."""
    words = text.split()
    ops = difflib.SequenceMatcher(None, words, respelled.split(), autojunk=False).get_opcodes()
    changed = [w.strip(",.;:«»\"()") for tag, i1, i2, _, _ in ops if tag != "equal" for w in words[i1:i2]]
    return any(not _RUSSIAN_WORD.fullmatch(w) or any(is_russian_word(part) is False for part in w.split("-"))
               for w in changed)

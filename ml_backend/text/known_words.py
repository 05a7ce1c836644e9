"""Russian words from closed sets, to put back what OCR misspelled: towns, people's names and
the words of job titles.

Tesseract's Russian model misreads a letter or two of a word on a card ("г. Глец" for "г. Елец",
"НПАГАЛЬЯ" for "НАТАЛЬЯ", "Ниловиа" for "Ниловна"), and an annotator searching the CRM for the
town or the person then misses the contact. Town names, given names and patronymics are nearly
closed sets: Faker's ru_RU address and person providers hold ~650 real towns and ~600 given names
and patronymics, exported into ``data/`` (``towns_ru.txt``, ``first_names_ru.txt``,
``patronymics_ru.txt``) by ``scripts/export_word_lists.py`` so that the reader never loads Faker;
the federal cities are added.
Surnames are not: a real "Пестова" must not become the listed "Петрова". Only a word that
matches exactly one known word closely is replaced, and only in OCR output. Job titles are made
of a few hundred words (``lexicon.RUSSIAN_TITLE_WORDS``); a title word is replaced only where it
differs in one letter from exactly one of them ("Менелжер" -> "Менеджер").
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable

from ml_backend.text.addresses import RU_POSTCODE
from ml_backend.text.cyrillic import MISREAD_FOR, cyrillic_readings
from ml_backend.text.data import word_list
from ml_backend.text.lexicon import RUSSIAN_TITLE_WORDS
from ml_backend.text.letters import cased_like, has_cyrillic

#: Similarity (difflib ratio of the words without spaces and hyphens) a misread town must reach;
#: one wrong letter in a four-letter name ("Глец"/"Елец") is 0.75.
MIN_CITY_RATIO = 0.75
#: Name words are more (and shorter words more alike): one wrong letter in seven is 0.857.
MIN_NAME_RATIO = 0.8
#: ... and by how much the best must beat the next best word, so that a guess is never a coin toss.
MIN_MARGIN = 0.08
#: Shorter words are left alone: one letter more or less makes another name ("Ия"/"Ия", "Лев"/"Лёва").
MIN_KEY_LENGTH = 4
_FEDERAL_CITIES = ("Москва", "Санкт-Петербург", "Севастополь")


def _key(name: str) -> str:
    return re.sub(r"[\s\-]", "", name).casefold().replace("ё", "е")


@functools.lru_cache(maxsize=1)
def russian_cities() -> dict[str, str]:
    """Key (case-, space- and hyphen-insensitive) -> the town's spelling."""
    return {_key(n): n for n in (*_FEDERAL_CITIES, *word_list("towns_ru")) if n}


#: The list file of each kind of Russian name word.
_NAME_WORD_FILES = {"first_names": "first_names_ru", "middle_names": "patronymics_ru"}


@functools.lru_cache(maxsize=2)
def russian_name_words(kind: str) -> dict[str, str]:
    """Key -> spelling of Russian given names (``kind`` "first_names") or patronymics ("middle_names")."""
    if kind not in _NAME_WORD_FILES:
        raise ValueError(f"unknown kind of name word {kind!r}: one of {sorted(_NAME_WORD_FILES)}")
    return {_key(n): n for n in word_list(_NAME_WORD_FILES[kind])}


def _best(key: str, known: dict[str, str]) -> tuple[str, float, float]:
    """The known key most like ``key``, its similarity and the runner-up's."""
    if key in known:
        return key, 1.0, 0.0
    matcher = difflib.SequenceMatcher(b=key)
    best_key, best, second = "", 0.0, 0.0
    for candidate in known:
        matcher.set_seq1(candidate)
        # the cheap upper bounds first: most candidates cannot reach the runner-up's score
        if matcher.real_quick_ratio() <= second or matcher.quick_ratio() <= second:
            continue
        ratio = matcher.ratio()
        if ratio > best:
            best_key, best, second = candidate, ratio, best
        elif ratio > second:
            second = ratio
    return best_key, best, second


def _breve_restored(text: str, known: dict[str, str]) -> str | None:
    """The one known word ``text`` spells once an "и" gets back the breve OCR lost ("Маия" ->
    "Майя", "Теимуразович" -> "Теймуразович"), or None. Exact, so safe on words of any length."""
    key = _key(text)
    if key in known:
        return None
    found = {known[k] for k in (key[:i] + "й" + key[i + 1:] for i, ch in enumerate(key) if ch == "и") if k in known}
    return found.pop() if len(found) == 1 else None


def _closest(text: str, known: dict[str, str], min_ratio: float) -> str | None:
    """The one known word ``text`` is a misreading of, or None (also when ``text`` is known)."""
    key = _key(text)
    if key in known or not re.fullmatch(r"[а-яё]+", key):
        return None
    restored = _breve_restored(text, known)
    if restored is not None or len(key) < MIN_KEY_LENGTH:
        return restored
    best_key, best, second = _best(key, known)
    return known[best_key] if best >= min_ratio and best - second >= MIN_MARGIN else None


#: Towns this long or longer may be matched through two misread letters.
MIN_TWICE_MISREAD_KEY = 5


def _misread_twice(text: str, known: dict[str, str]) -> str | None:
    """The one known word ``text`` spells once two of its letters are read back through OCR's
    known confusions (``MISREAD_FOR``: "Абииек" -> "Абинск", "и" for "н" and "е" for "с"), or
    None. Two misread letters in a short word are beyond ``_closest``'s similarity bar, and a
    closed list of towns leaves few words two confusions apart."""
    key = _key(text)
    if len(key) < MIN_TWICE_MISREAD_KEY or not re.fullmatch(r"[а-яё]+", key):
        return None

    def respelled(word: str, start: int) -> set[str]:
        return {word[:i] + o + word[i + 1:] for i in range(start, len(word)) for o in MISREAD_FOR.get(word[i], "")}

    found = {
        twice
        for i, ch in enumerate(key)
        for o in MISREAD_FOR.get(ch, "")
        for twice in respelled(key[:i] + o + key[i + 1:], i + 1)
        if twice in known
    }
    return known[found.pop()] if len(found) == 1 else None


def known_city(text: str) -> str | None:
    """The known town ``text`` is a misreading of, or None (also when it is a known town spelled
    as it is). A known town whose hyphen was read as a space ("Санкт Петербург") is respelled."""
    cities = russian_cities()
    town = cities.get(_key(text))
    if town is not None:
        return town if text != town and re.sub(r"\s*-\s*|\s+", "-", text.strip()) == town else None
    return _closest(text, cities, MIN_CITY_RATIO) or _misread_twice(text, cities)


def known_city_in_lookalikes(text: str) -> str | None:
    """The one known town ``text`` spells in Latin look-alikes ("Ap3amac" -> "Арзамас",
    "OneHeK" -> "Оленек"), or None. Exact: every letter must be a look-alike of the town's."""
    cities = russian_cities()
    found = {cities[k] for k in map(_key, cyrillic_readings(text)) if k in cities}
    return found.pop() if len(found) == 1 else None


#: Where a three-word Russian name has its given name and patronymic: "Лукина Наталья Ниловна"
#: (surname first, as forms and most cards print it) or "Наталья Ниловна Лукина".
_NAME_ORDERS = ((1, 2), (0, 1))


#: A town where an address prints one: after "г." and/or a postcode, up to the next comma.
_TOWN_PART = re.compile(rf"^(?P<lead>(?:{RU_POSTCODE},?\s*)?(?:г\.\s*)?)(?P<town>[А-Яа-яЁё][А-Яа-яЁё\s\-]{{2,30}})$")
#: ... and one PP-OCR read in Latin look-alikes (it has no Cyrillic): "Ap3amac", "OneHeK".
_LOOKALIKE_TOWN_PART = re.compile(rf"^(?P<lead>(?:{RU_POSTCODE},?\s*)?(?:г\.\s*)?)(?P<town>[A-Za-z36]{{3,30}})$")


def with_known_towns(joined: str) -> str:
    """Russian town names OCR misspelled ("г. Новжибирск") put right in a normalised address,
    where it holds a town: a part that starts with "г." or a postcode, or the part right after a
    lone postcode; also one spelled in Latin look-alikes ("481389, Ap3amac"). For OCR output
    only: a town an annotator typed is taken as typed."""
    if not has_cyrillic(joined):
        return joined
    parts = joined.split(", ")
    for i, part in enumerate(parts):
        cyrillic = _TOWN_PART.match(part)
        match = cyrillic or _LOOKALIKE_TOWN_PART.match(part)
        after_postcode = i > 0 and re.fullmatch(RU_POSTCODE, parts[i - 1]) is not None
        if match and (match.group("lead") or after_postcode):
            town = (known_city if cyrillic else known_city_in_lookalikes)(match.group("town"))
            if town is not None:
                parts[i] = match.group("lead") + town
    return ", ".join(parts)


def with_known_name_words(name: str) -> str:
    """A three-word Cyrillic name with its misread given name and patronymic put right, in the
    word order whose slots fit the known names best. The surname is never touched. In a
    two-word name without a known given name, the one word close to a given name is it
    ("Глизавета Петрова"); patronymics are not tried there ("Анна Пестова" must not become
    "Анна Петровна"). Names of other shapes only get a lost breve back, which spells no other
    name."""
    words = name.split(" ")
    if not all(re.fullmatch(r"[А-ЯЁа-яё]+", w) for w in words):
        return name
    given = russian_name_words("first_names")
    if len(words) == 2 and not any(_key(w) in given for w in words):
        # "Глизавета Петрова": no word is a known given name, and exactly one is close to one
        found = [_closest(w, given, MIN_NAME_RATIO) for w in words]
        if sum(f is not None for f in found) == 1:
            return " ".join(_cased(f, w) for f, w in zip(found, words))
    if len(words) != len(_NAME_ORDERS) + 1:  # only a lost breve, which makes no other name word
        known = {**given, **russian_name_words("middle_names")}
        return " ".join(_cased(_breve_restored(w, known), w) for w in words)
    patronymics = russian_name_words("middle_names")
    first, middle = max(_NAME_ORDERS, key=lambda order: _best(_key(words[order[0]]), given)[1]
                        + _best(_key(words[order[1]]), patronymics)[1])
    for index, known in ((first, given), (middle, patronymics)):
        words[index] = _cased(_closest(words[index], known, MIN_NAME_RATIO), words[index])
    return " ".join(words)


#: Words shorter than this are left alone: one letter changed makes too many of them other words.
_MIN_TITLE_WORD = 6


@functools.lru_cache(maxsize=1)
def _title_words_by_length() -> dict[int, dict[str, str]]:
    """Key (lower case, "ё" as "е", hyphens kept) -> spelling of the known Russian title words,
    grouped by length."""
    out: dict[int, dict[str, str]] = {}
    for word in RUSSIAN_TITLE_WORDS:
        key = word.replace("ё", "е")
        out.setdefault(len(key), {})[key] = word
    return out


def one_letter_from(word: str, known: Iterable[str]) -> str | None:
    """The one word of ``known`` as long as ``word`` that differs from it in exactly one letter,
    or None (none, or several: a guess would be a coin toss)."""
    found = [k for k in known if len(k) == len(word) and sum(a != b for a, b in zip(k, word)) == 1]
    return found[0] if len(found) == 1 else None


def _one_letter_off(word: str) -> str | None:
    """The one known title word that ``word`` (lower case) misspells in exactly one letter."""
    key = word.replace("ё", "е")
    known = _title_words_by_length().get(len(key), {})
    found = None if key in known else one_letter_from(key, known)
    return known[found] if found is not None else None


_CYRILLIC_WORD = re.compile(r"[А-ЯЁа-яё]+")


def _split_words_rejoined(position: str) -> str:
    """``position`` with a title word Tesseract split at a space put back together ("Финансовый
    дирек тор", "Заместитель ди ректора"): the two pieces must spell exactly one known title
    word, and not both be title words already."""
    known = _title_words_by_length()

    def is_title_word(word: str) -> bool:
        key = word.lower().replace("ё", "е")
        return key in known.get(len(key), {})

    words = position.split(" ")
    i = 0
    while i < len(words) - 1:
        first, second = words[i], words[i + 1]
        if (_CYRILLIC_WORD.fullmatch(first) and _CYRILLIC_WORD.fullmatch(second) and is_title_word(first + second)
                and not (is_title_word(first) and is_title_word(second))):
            words[i: i + 2] = [first + second]
        else:
            i += 1
    return " ".join(words)


def with_known_title_words(position: str) -> str:
    """A Russian job title with each word OCR misread by one letter put right ("Управляющий
    партиёр", "Менелжер проектов", "Руководитель отдела продаю"): the word must be as long as
    one known title word and differ from it, and from no other, in one letter; a word split at a
    space is first put back together (``_split_words_rejoined``). Words OCR garbled further are
    left as read."""
    def respell(match: re.Match[str]) -> str:
        word = match.group()
        return word if len(word) < _MIN_TITLE_WORD else _cased(_one_letter_off(word.lower()), word)
    return re.sub(r"[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)?", respell, _split_words_rejoined(position))


def _cased(found: str | None, word: str) -> str:
    """``found`` in the case ``word`` was printed in; ``word`` itself when nothing was found."""
    return word if found is None else cased_like(word, found)

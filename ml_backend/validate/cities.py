"""Russian town names, to put back a town OCR misspelled in an address ("Новжибирск").

Tesseract's Russian model misreads a letter or two of a town name on a card ("г. Глец" for
"г. Елец", "Санкт Иетербург"), and an annotator searching the CRM for the town then misses the
contact. Town names are a closed set: Faker's ru_RU address provider, which the project already
requires, ships ~650 real ones; the federal cities are added. Only a name in a town's position
(after "г.", or right after a postcode) that matches exactly one known town closely is replaced.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import logging
import re

log = logging.getLogger(__name__)

#: Similarity (difflib ratio of the names without spaces and hyphens) a misread name must reach;
#: one wrong letter in a four-letter name ("Глец"/"Елец") is 0.75.
MIN_CITY_RATIO = 0.75
#: ... and by how much it must beat the next best town, so that a guess is never a coin toss.
MIN_CITY_MARGIN = 0.08
_FEDERAL_CITIES = ("Москва", "Санкт-Петербург", "Севастополь")


def _key(name: str) -> str:
    return re.sub(r"[\s\-]", "", name).casefold().replace("ё", "е")


@functools.lru_cache(maxsize=1)
def russian_cities() -> dict[str, str]:
    """Key (case-, space- and hyphen-insensitive) -> the town's spelling."""
    names: list[str] = list(_FEDERAL_CITIES)
    try:
        provider = importlib.import_module("faker.providers.address.ru_RU").Provider
        names += [re.sub(r"\s*\(.*?\)", "", n).strip() for n in provider.city_names]
    except ImportError:  # a Faker release without ru_RU: only exact federal cities are known
        log.warning("Faker has no ru_RU address provider: Russian town names are not checked")
    return {_key(n): n for n in names if n}


def known_city(text: str) -> str | None:
    """The known town ``text`` is a misreading of, or None (also when it is a known town)."""
    key = _key(text)
    cities = russian_cities()
    if len(key) < 4 or key in cities or not re.fullmatch(r"[а-яё]+", key):
        return None
    scored = sorted(((difflib.SequenceMatcher(None, key, k).ratio(), k) for k in cities), reverse=True)[:2]
    (best, best_key), (second, _) = scored[0], scored[1] if len(scored) > 1 else (0.0, "")
    if best >= MIN_CITY_RATIO and best - second >= MIN_CITY_MARGIN:
        return cities[best_key]
    return None

"""Given names of the card locales, to tell "Maria Lopez" (a person) from "Webb Design" (a firm).

The lists come from Faker's person providers, which hold real, common given names per locale
(690 en_US, 2003 de_DE, 401 ru_RU...). Faker is a test-data generator, so the server does not load
it: ``scripts/export_word_lists.py`` exports the names into ``data/given_names_<locale>.txt``
(lower-cased), and ``tests/test_word_lists.py`` fails when a Faker upgrade changes them. Read once
per process.
"""

from __future__ import annotations

import functools

from ml_backend.text.data import word_list

#: Faker locales whose given names we know: the card locales and a few Latin-script neighbours.
NAME_LOCALES: tuple[str, ...] = ("en_US", "en_GB", "ru_RU", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL")


@functools.lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Lower-cased given names of every locale in ``NAME_LOCALES``."""
    return frozenset(name for locale in NAME_LOCALES for name in word_list(f"given_names_{locale}"))


def has_given_name(text: str) -> bool:
    """Whether one of the words of ``text`` is a known given name."""
    known = given_names()
    return any(word.strip(".,").lower() in known for word in text.split())

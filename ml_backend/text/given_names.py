"""Given names of the card locales, to tell "Maria Lopez" (a person) from "Webb Design" (a firm).

The lists come from Faker's person providers, which ship in the project's requirements and hold
real, common given names per locale (690 en_US, 2003 de_DE, 401 ru_RU...): no download, no file
of our own to maintain. Read once per process.
"""

from __future__ import annotations

import functools
import importlib
import logging

log = logging.getLogger(__name__)

#: Faker locales whose given names we know: the card locales and a few Latin-script neighbours.
NAME_LOCALES: tuple[str, ...] = ("en_US", "en_GB", "ru_RU", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL")


@functools.lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Lower-cased given names of every locale in ``NAME_LOCALES``."""
    names: set[str] = set()
    for locale in NAME_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:  # a Faker release without this locale: fewer names, not an error
            log.warning("Faker has no person provider for %s", locale)
            continue
        for attr in ("first_names", "first_names_male", "first_names_female"):
            names.update(n.lower() for n in getattr(provider, attr, ()) or ())
    return frozenset(names)


def has_given_name(text: str) -> bool:
    """Whether one of the words of ``text`` is a known given name."""
    known = given_names()
    return any(word.strip(".,").lower() in known for word in text.split())

"""Which country a card is from, to read phone numbers printed without a country code.

Evidence, strongest first: a country or city named in the address (or a UK postcode, or a US
state and ZIP), a number on the card printed with its country code, the country-code TLD of its
e-mail or website, words that give the language or legal system away ("Tél.", "Handy", "GmbH",
"Ltd"), and finally Cyrillic script (our Cyrillic cards are Russian). No evidence -> None, and the caller
falls back to ``settings.default_region``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ml_backend.schema import FieldValue
from ml_backend.validate.lexicon import PLACE_REGIONS, TLD_REGIONS, WORD_REGIONS
from ml_backend.validate.phone import number_region, split_numbers
from ml_backend.validate.text import has_cyrillic

_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_US_STATE_ZIP = re.compile(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b")
_WORD = re.compile(r"[^\W\d_][\w.\-]*")
_PLACE = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(p) for p in sorted(PLACE_REGIONS, key=len, reverse=True)) + r")(?!\w)",
    re.IGNORECASE,
)
_DOMAIN_TLD = re.compile(r"[\w-]+\.([^\W\d_]{2,})(?:/|\b|$)")
_PLUS_NUMBER = re.compile(r"\+\s*\d[\d\s\-().]{6,}\d")


def _from_places(texts: Iterable[str]) -> str | None:
    for text in texts:
        match = _PLACE.search(text)
        if match:
            return PLACE_REGIONS[match.group(1).lower()]
        if _UK_POSTCODE.search(text):
            return "GB"
        if _US_STATE_ZIP.search(text):
            return "US"
    return None


def _from_numbers(texts: Iterable[str]) -> str | None:
    for text in texts:
        for candidate in _PLUS_NUMBER.findall(text):
            for part in split_numbers(candidate, "US"):
                region = number_region(part)
                if region:
                    return region
    return None


def _from_domains(texts: Iterable[str]) -> str | None:
    for text in texts:
        for tld in _DOMAIN_TLD.findall(text):
            region = TLD_REGIONS.get(tld.lower())
            if region:
                return region
    return None


def _from_words(texts: Iterable[str]) -> str | None:
    for text in texts:
        for word in _WORD.findall(text):
            lower = word.lower()
            region = WORD_REGIONS.get(lower) or WORD_REGIONS.get(lower.rstrip(".:,"))
            if region:
                return region
    return None


def region_hint_from(source: list[FieldValue] | str) -> str | None:
    """ISO region the card's evidence points to (see module docstring), or None.

    ``source`` is either the card's field values or its plain text (all OCR lines joined).
    """
    if isinstance(source, str):
        address = phones = domains = everything = [source]
    else:
        texts = {f: [v.value for v in source if v.field == f] for f in ("address", "phone", "email", "website")}
        address, phones = texts["address"], texts["phone"]
        domains = texts["email"] + texts["website"]
        everything = [v.value for v in source]
    return (
        _from_places(address)
        or _from_numbers(phones)
        or _from_domains(domains)
        or _from_words(everything)
        or ("RU" if any(has_cyrillic(t) for t in everything) else None)
    )
